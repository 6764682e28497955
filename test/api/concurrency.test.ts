// Many async calls at once: 1,000 queued fits of mixed sizes, some aborted, all settle with the
// synchronous result or an AbortError; their native steps never hold more threads together than
// the async thread budget, which users can set.
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  KMeans,
  KMeansError,
  MiniBatchKMeans,
  asyncThreadLimit,
  info,
  setAsyncThreadLimit,
} from '../../src/index';
import { threadBudgetState } from '../../src/thread_budget';
import { blobs, matrix } from '../helpers';

describe('the async thread budget', () => {
  it('defaults to the number of cores and can be set and restored', () => {
    expect(asyncThreadLimit()).toBe(info().maxThreads);
    setAsyncThreadLimit(3);
    expect(asyncThreadLimit()).toBe(3);
    setAsyncThreadLimit(undefined);
    expect(asyncThreadLimit()).toBe(info().maxThreads);
    for (const bad of [0, -1, 1.5, 5000, NaN, '2', null]) {
      expect(() => setAsyncThreadLimit(bad as never)).toThrow(KMeansError);
    }
  });

  it('1,000 queued fitAsync calls of mixed sizes, some aborted, all settle correctly', async () => {
    setAsyncThreadLimit(2);
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, threadBudgetState().inUse)), 1);
    try {
      const jobs = Array.from({ length: 1000 }, (_, i) => {
        const n = 40 + ((i * 37) % 7) * 150;
        const d = 2 + (i % 5);
        const k = 2 + (i % 6);
        const X = matrix(blobs(n, d, k, i), i % 3 === 0 ? 'float32' : 'float64');
        const options = { nClusters: k, seed: i, threads: 1 + (i % 2) };
        const algorithm = (['lloyd', 'hamerly', 'elkan'] as const)[i % 3];
        const controller = new AbortController();
        const minibatch = i % 10 === 9;
        const model = minibatch
          ? new MiniBatchKMeans({ ...options, batchSize: 64, maxIter: 5 })
          : new KMeans({ ...options, algorithm });
        const promise = model.fitAsync(X, { signal: controller.signal });
        if (i % 7 === 0) controller.abort();
        else if (i % 7 === 3) setTimeout(() => controller.abort(), i % 5);
        return {
          i,
          X,
          options,
          algorithm,
          minibatch,
          model,
          promise,
          abortedAt: i % 7 === 0 ? 'at once' : i % 7 === 3 ? 'later' : undefined,
        };
      });
      const settled = await Promise.allSettled(jobs.map((job) => job.promise));
      let completed = 0;
      settled.forEach((outcome, i) => {
        const job = jobs[i]!;
        if (outcome.status === 'rejected') {
          expect(job.abortedAt, `job ${i}`).toBeDefined();
          expect(outcome.reason).toBeInstanceOf(AbortError);
          return;
        }
        expect(job.abortedAt, `job ${i}`).not.toBe('at once');
        completed++;
        const expected = job.minibatch
          ? new MiniBatchKMeans({ ...job.options, batchSize: 64, maxIter: 5 }).fit(job.X)
          : new KMeans({ ...job.options, algorithm: job.algorithm }).fit(job.X);
        expect(job.model.inertia, `job ${i}`).toBe(expected.inertia);
        expect(job.model.labels, `job ${i}`).toEqual(expected.labels);
      });
      expect(completed).toBeGreaterThan(700);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(2);
      expect(threadBudgetState()).toEqual({ inUse: 0, waiting: 0 });
    } finally {
      clearInterval(watch);
      setAsyncThreadLimit(undefined);
    }
  });

  it('with a budget of 1, concurrent fits run one step at a time and still give the same results', async () => {
    setAsyncThreadLimit(1);
    try {
      const X = blobs(3000, 4, 5, 1);
      let peak = 0;
      const fits = Array.from({ length: 6 }, (_, seed) =>
        new KMeans({ nClusters: 5, seed, nInit: 3 }).fitAsync(X, {
          onProgress: () => (peak = Math.max(peak, threadBudgetState().inUse)),
        }),
      );
      const models = await Promise.all(fits);
      expect(peak).toBe(1);
      models.forEach((model, seed) =>
        expect(model.inertia).toBe(new KMeans({ nClusters: 5, seed, nInit: 3 }).fit(X).inertia),
      );
    } finally {
      setAsyncThreadLimit(undefined);
    }
  });
});
