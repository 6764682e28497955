// fitAsync and friends run on the libuv thread pool: same results as the sync calls, and the
// event loop keeps turning while they run.
import { describe, expect, it } from 'vitest';
import { KMeans, KMeansError, kmeansPlusPlus, kmeansPlusPlusAsync } from '../../src/index';
import { blobs, matrix } from '../helpers';

describe('async calls', () => {
  it('leave the event loop free during a fit of several hundred milliseconds', async () => {
    const X = matrix(blobs(200_000, 16, 32, 1, 10, 4), 'float32');
    const km = new KMeans({ nClusters: 64, seed: 1, maxIter: 40, tol: 0 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const start = performance.now();
    try {
      await km.fitAsync(X);
    } finally {
      clearInterval(timer);
    }
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThan(200);
    // A blocked loop would fire the timer at most once or twice after the fit.
    expect(ticks).toBeGreaterThan(elapsed / 5 / 4);
  });

  it('give the same result as the sync calls, bit for bit', async () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const X = matrix(blobs(5000, 6, 8, 2, 5, 2), dtype);
      const options = { nClusters: 8, seed: 12, nInit: 3 };
      const sync = new KMeans(options).fit(X);
      const async = await new KMeans(options).fitAsync(X);
      expect(async.labels).toEqual(sync.labels);
      expect(async.clusterCenters.data).toEqual(sync.clusterCenters.data);
      expect(Object.is(async.inertia, sync.inertia)).toBe(true);
      expect(async.nIter).toBe(sync.nIter);
      expect(await sync.predictAsync(X)).toEqual(sync.predict(X));
      expect(await kmeansPlusPlusAsync(X, 8, { seed: 3 })).toEqual(kmeansPlusPlus(X, 8, { seed: 3 }));
    }
  });

  it('run 32 concurrent fits on different data correctly', async () => {
    const problems = Array.from({ length: 32 }, (_, i) => ({
      X: matrix(blobs(2000 + 100 * i, 4, 5, 100 + i, 20, 0.5), i % 2 ? 'float32' : 'float64'),
      options: { nClusters: 5, seed: i },
    }));
    const results = await Promise.all(problems.map(({ X, options }) => new KMeans(options).fitAsync(X)));
    results.forEach((result, i) => {
      const expected = new KMeans(problems[i]!.options).fit(problems[i]!.X);
      expect(result.labels).toEqual(expected.labels);
      expect(result.clusterCenters.data).toEqual(expected.clusterCenters.data);
      expect(result.inertia).toBe(expected.inertia);
    });
  });

  it('reject with ERR_KMEANS_DETACHED_BUFFER when the data is transferred between native steps', async () => {
    const X = matrix(blobs(20_000, 8, 16, 4), 'float64');
    const pending = new KMeans({ nClusters: 16, seed: 1 }).fitAsync(X);
    // The first native step is already queued and keeps reading the memory, which the clone
    // keeps alive; the next step finds the buffer detached.
    const buffer = X.data.buffer as ArrayBuffer;
    const moved = structuredClone(buffer, { transfer: [buffer] });
    const error = await pending.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(KMeansError);
    expect(error).toMatchObject({ code: 'ERR_KMEANS_DETACHED_BUFFER' });
    expect((error as Error).message).toMatch(/detached/);
    expect(moved.byteLength).toBe(20_000 * 8 * 8);
  });
});
