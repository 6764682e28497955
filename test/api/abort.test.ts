// fitAsync's progress callback and AbortSignal: the native loop reports every iteration without
// waiting, and an abort stops it before its next iteration.
import { describe, expect, it } from 'vitest';
import { AbortError, KMeans, KMeansError, MiniBatchKMeans, type FitProgress } from '../../src/index';
import { matrix } from '../helpers';

/** A problem big enough that a fit takes many iterations of a few milliseconds each. */
function bigProblem() {
  const n = 200_000;
  const d = 16;
  const data = new Float32Array(n * d);
  let state = 7;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    data[i] = state / 2147483648;
  }
  return { data, rows: n, cols: d };
}

describe('fitAsync onProgress', () => {
  it('hears of every iteration, in order, with the values the history records', async () => {
    const X = matrix(Array.from({ length: 3000 }, (_, i) => [Math.sin(i) * 10 + (i % 3) * 30, Math.cos(i * 1.3) * 10]));
    const seen: FitProgress[] = [];
    const model = await new KMeans({ nClusters: 3, seed: 4, nInit: 2 }).fitAsync(X, {
      onProgress: (p) => seen.push(p),
    });
    const sync = new KMeans({ nClusters: 3, seed: 4, nInit: 2 }).fit(X);
    expect(model.clusterCenters.data).toEqual(sync.clusterCenters.data);
    expect(new Set(seen.map((p) => p.run))).toEqual(new Set([1, 2]));
    for (const run of [1, 2]) {
      const iterations = seen.filter((p) => p.run === run).map((p) => p.iteration);
      expect(iterations).toEqual(Array.from({ length: iterations.length }, (_, i) => i + 1));
    }
    // The winning run's reports are its history (one of the two runs).
    const matches = [1, 2].filter((run) => {
      const reports = seen.filter((p) => p.run === run);
      return (
        reports.length === model.history.inertia.length &&
        reports.every(
          (p, i) => p.inertia === model.history.inertia[i] && p.centerShift === model.history.centerShift[i],
        )
      );
    });
    expect(matches.length).toBeGreaterThan(0);
  });

  it('a callback that throws stops the fit with its error', async () => {
    const failure = new Error('stop here');
    const fit = new KMeans({ nClusters: 8, seed: 1, tol: 0, maxIter: 300, algorithm: 'lloyd' }).fitAsync(bigProblem(), {
      onProgress: () => {
        throw failure;
      },
    });
    await expect(fit).rejects.toBe(failure);
  });
});

describe('fitAsync with an AbortSignal', () => {
  it('stops a running native fit within an iteration and rejects with an AbortError', async () => {
    const controller = new AbortController();
    let reports = 0;
    let afterAbort = 0;
    const started = performance.now();
    const fit = new KMeans({ nClusters: 32, seed: 1, tol: 0, maxIter: 300, algorithm: 'lloyd' }).fitAsync(
      bigProblem(),
      {
        signal: controller.signal,
        onProgress: () => {
          reports++;
          if (controller.signal.aborted) afterAbort++;
          if (reports === 2) controller.abort(new Error('user gave up'));
        },
      },
    );
    const error = await fit.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    expect(((error as AbortError).cause as Error).message).toBe('user gave up');
    // 300 iterations would take seconds; it stopped right after the abort.
    expect(reports).toBeLessThan(10);
    expect(afterAbort).toBeLessThanOrEqual(2);
    expect(performance.now() - started).toBeLessThan(5000);
  }, 30_000);

  it('rejects at once when the signal is already aborted, and the model stays unfitted', async () => {
    const model = new KMeans({ nClusters: 2 });
    await expect(model.fitAsync([[0], [1], [2]], { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    expect(() => model.labels).toThrow(KMeansError);
  });

  it('stops MiniBatchKMeans before its next step, leaving the model as it was', async () => {
    const small = [[0], [1], [10], [11], [20], [21], [30], [31]];
    const model = new MiniBatchKMeans({
      nClusters: 8,
      seed: 1,
      batchSize: 256,
      maxNoImprovement: null,
      reassignmentRatio: 0,
    });
    model.partialFit(small);
    const centers = model.clusterCenters.data.slice();
    const controller = new AbortController();
    const fit = model.fitAsync(bigProblem(), { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(fit).rejects.toBeInstanceOf(AbortError);
    expect(model.clusterCenters.data).toEqual(centers);
    // partialFit goes on from the model it had, as if the aborted fit had never run.
    const twin = new MiniBatchKMeans({ nClusters: 8, seed: 1, batchSize: 256, reassignmentRatio: 0 }).partialFit(small);
    expect(model.partialFit(small).clusterCenters.data).toEqual(twin.partialFit(small).clusterCenters.data);
  });

  it('checks its options', async () => {
    const model = new KMeans({ nClusters: 2 });
    await expect(model.fitAsync([[0], [1]], { signal: 'soon' as never })).rejects.toMatchObject({
      code: 'ERR_KMEANS_INVALID_OPTION',
      message: 'signal must be an AbortSignal (got "soon")',
    });
    await expect(model.fitAsync([[0], [1]], { onProgress: 3 as never })).rejects.toMatchObject({
      code: 'ERR_KMEANS_INVALID_OPTION',
    });
    // The sync fit has no signal.
    expect(() => model.fit([[0], [1]], { signal: AbortSignal.abort() } as never)).toThrow(
      'Unknown fit option "signal"',
    );
  });
});
