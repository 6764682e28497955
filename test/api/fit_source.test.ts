// fitSource, predictSource and scoreSource: exact k-means over rows read in passes gives the
// bits of fit, predict and score on all the rows at once, whatever the chunk sizes.
import { describe, expect, it } from 'vitest';
import { KMeans, type Matrix, chunkSource } from '../../src';
import type { SourceChunk } from '../../src/source';

/** Clustered rows from a small linear congruential generator (no dependency on Math.random). */
function blobs(rows: number, cols: number, centers: number, dtype: 'float64' | 'float32', seed = 1): Matrix {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const data = dtype === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const blob = i % centers;
    for (let c = 0; c < cols; c++) data[i * cols + c] = blob * 3 + (c % 3) + (next() - 0.5) * 4;
  }
  return { data, rows, cols };
}

/** The rows of X as chunks of `size` rows (Infinity: one chunk), row-major views. */
function chunksOf(X: Matrix, size: number, weights?: Float64Array): SourceChunk[] {
  const chunks: SourceChunk[] = [];
  const step = Math.min(size, X.rows);
  for (let begin = 0; begin < X.rows; begin += step) {
    const end = Math.min(X.rows, begin + step);
    const part = { data: X.data.subarray(begin * X.cols, end * X.cols), rows: end - begin, cols: X.cols };
    chunks.push(weights ? { X: part, sampleWeight: weights.subarray(begin, end) } : part);
  }
  return chunks;
}

function firstRows(X: Matrix, k: number): number[][] {
  return Array.from({ length: k }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(Array.from(a)).toEqual(Array.from(b));
}

describe('fitSource', () => {
  const X = blobs(5000, 5, 4, 'float64');
  const k = 6;
  const init = firstRows(X, k);
  const options = { nClusters: k, init, maxIter: 50, tol: 0 };
  const reference = new KMeans(options).fit(X);

  it.each([1, 255, 256, 257, 1024, 10007, Infinity])('gives the bits of fit for chunks of %s rows', async (size) => {
    // With Hamerly's bounds (the default budget holds them) and without (Lloyd's passes).
    for (const boundsMemory of [undefined, 0]) {
      const source = chunkSource(() => chunksOf(X, size));
      const model = await new KMeans(options).fitSource(source, boundsMemory === undefined ? {} : { boundsMemory });
      expect(model.algorithmUsed).toBe(boundsMemory === 0 ? 'lloyd' : 'hamerly');
      sameBits(model.clusterCenters.data, reference.clusterCenters.data);
      expect(model.inertia).toBe(reference.inertia);
      expect(model.nIter).toBe(reference.nIter);
      expect(model.converged).toBe(reference.converged);
      expect(model.labels.length).toBe(0);
      sameBits(model.history.inertia, reference.history.inertia);
      sameBits(model.history.centerShift, reference.history.centerShift);
      if (boundsMemory === undefined) {
        sameBits(model.history.labelChanges, reference.history.labelChanges);
        // The bounds spare distances after the first pass.
        const evals = model.history.distanceEvals;
        expect(evals[evals.length - 1]).toBeLessThan(X.rows * k);
      } else {
        expect(Number.isNaN(model.history.labelChanges[0])).toBe(true);
      }
    }
  });

  it('reads async sources, float32 data, column-major chunks and uneven chunk sizes', async () => {
    const X32 = blobs(3000, 4, 3, 'float32', 7);
    const init32 = firstRows(X32, 3);
    const fit = new KMeans({ nClusters: 3, init: init32, tol: 1e-4 }).fit(X32);
    const sizes = [1, 700, 1500, 3, 796];
    const source = chunkSource(async function* () {
      let begin = 0;
      for (const size of sizes) {
        const end = begin + size;
        const columns = Array.from({ length: 4 }, (_, c) =>
          Float32Array.from({ length: size }, (_, r) => X32.data[(begin + r) * 4 + c]!),
        );
        yield { columns };
        begin = end;
      }
    });
    const model = await new KMeans({ nClusters: 3, init: init32, tol: 1e-4 }).fitSource(source);
    expect(model.clusterCenters.data).toBeInstanceOf(Float32Array);
    sameBits(model.clusterCenters.data, fit.clusterCenters.data);
    expect(model.inertia).toBe(fit.inertia);
    expect(model.nIter).toBe(fit.nIter);
  });

  it('weights, cosine and mixed precision give the bits of fit', async () => {
    const weights = Float64Array.from({ length: X.rows }, (_, i) => 0.5 + (i % 7));
    const variants = [{ ...options }, { ...options, metric: 'cosine' as const }, { ...options, mixedPrecision: true }];
    for (const variant of variants) {
      const fit = new KMeans(variant).fit(X, { sampleWeight: weights });
      for (const boundsMemory of [0, 1e9]) {
        const source = chunkSource(() => chunksOf(X, 999, weights));
        const model = await new KMeans(variant).fitSource(source, { boundsMemory });
        sameBits(model.clusterCenters.data, fit.clusterCenters.data);
        expect(model.inertia).toBe(fit.inertia);
        expect(model.nIter).toBe(fit.nIter);
      }
    }
  });

  it('takes chunks that weigh nothing, but not a source that does', async () => {
    const weights = Float64Array.from({ length: X.rows }, (_, i) => (i < 1500 ? 0 : 1 + (i % 3)));
    const fit = new KMeans(options).fit(X, { sampleWeight: weights });
    const model = await new KMeans(options).fitSource(chunkSource(() => chunksOf(X, 500, weights)));
    sameBits(model.clusterCenters.data, fit.clusterCenters.data);
    expect(model.inertia).toBe(fit.inertia);
    const nothing = new Float64Array(X.rows);
    await expect(new KMeans(options).fitSource(chunkSource(() => chunksOf(X, 500, nothing)))).rejects.toMatchObject({
      code: 'ERR_KMEANS_INVALID_WEIGHTS',
      message: expect.stringContaining('all zero'),
    });
  });

  it('relocates empty clusters as fit does', async () => {
    // Two far-apart initial centers get no rows: both take the rows farthest from their centers.
    const far = [...firstRows(X, 4), [1e3, 1e3, 1e3, 1e3, 1e3], [-1e3, -1e3, -1e3, -1e3, -1e3]];
    const fit = new KMeans({ nClusters: 6, init: far, tol: 0 }).fit(X);
    expect(fit.history.relocated[0]).toBe(2);
    for (const boundsMemory of [0, 1e9]) {
      const source = chunkSource(() => chunksOf(X, 333));
      const model = await new KMeans({ nClusters: 6, init: far, tol: 0 }).fitSource(source, { boundsMemory });
      sameBits(model.clusterCenters.data, fit.clusterCenters.data);
      sameBits(model.history.relocated, fit.history.relocated);
      expect(model.inertia).toBe(fit.inertia);
    }
  });

  it('reports progress, stops on abort, and leaves the model as it was on errors', async () => {
    const reports: number[] = [];
    const model = new KMeans(options);
    await model.fitSource(
      chunkSource(() => chunksOf(X, 2048)),
      {
        onProgress: ({ iteration }) => reports.push(iteration),
      },
    );
    expect(reports).toEqual(Array.from({ length: model.nIter }, (_, i) => i + 1));
    const before = model.clusterCenters.data.slice();

    const controller = new AbortController();
    const aborting = chunkSource(function* () {
      yield* chunksOf(X, 1000);
      controller.abort();
    });
    await expect(model.fitSource(aborting, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });

    const failing = chunkSource(function* () {
      yield chunksOf(X, 1000)[0]!;
      throw new Error('disk on fire');
    });
    await expect(model.fitSource(failing)).rejects.toMatchObject({
      code: 'ERR_KMEANS_SOURCE_FAILED',
      message: expect.stringContaining('disk on fire'),
    });
    const failingAsync = chunkSource(async function* () {
      yield chunksOf(X, 1000)[0]!;
      await Promise.resolve();
      throw new Error('network gone');
    });
    await expect(model.fitSource(failingAsync)).rejects.toMatchObject({
      code: 'ERR_KMEANS_SOURCE_FAILED',
      cause: { message: 'network gone' },
    });
    const parts = model.predictSource(failingAsync);
    await expect(
      (async () => {
        for await (const _ of parts);
      })(),
    ).rejects.toMatchObject({
      code: 'ERR_KMEANS_SOURCE_FAILED',
    });
    const narrow = chunkSource(() => [chunksOf(X, 1000)[0]!, [[1, 2, 3]]]);
    await expect(model.fitSource(narrow)).rejects.toMatchObject({
      code: 'ERR_KMEANS_SHAPE_MISMATCH',
      message: expect.stringContaining('source chunk 1 has 3 columns'),
    });
    await expect(new KMeans({ nClusters: 2 }).fitSource(chunkSource(() => [X]))).rejects.toMatchObject({
      code: 'ERR_KMEANS_INVALID_OPTION',
    });
    await expect(
      model.fitSource(
        chunkSource(() => [X]),
        { boundsMemory: -1 },
      ),
    ).rejects.toMatchObject({
      code: 'ERR_KMEANS_INVALID_OPTION',
    });
    sameBits(model.clusterCenters.data, before);
  });
});

describe('predictSource and scoreSource', () => {
  const X = blobs(4000, 3, 5, 'float64', 3);
  const model = new KMeans({ nClusters: 5, seed: 0 }).fit(X);

  it('label chunk by chunk and score exactly as on all the rows', async () => {
    const weights = Float64Array.from({ length: X.rows }, (_, i) => 1 + (i % 3));
    for (const size of [1, 300, 1024, 2500, Infinity]) {
      const labels: number[] = [];
      const lengths: number[] = [];
      for await (const part of model.predictSource(chunkSource(() => chunksOf(X, size)))) {
        labels.push(...part);
        lengths.push(part.length);
      }
      expect(labels).toEqual(Array.from(model.predict(X)));
      // One Int32Array per chunk of the source, of its length.
      expect(lengths).toEqual(chunksOf(X, size).map((chunk) => (chunk as Matrix).rows));
      expect(await model.scoreSource(chunkSource(() => chunksOf(X, size)))).toBe(model.score(X));
      expect(await model.scoreSource(chunkSource(() => chunksOf(X, size, weights)))).toBe(
        model.score(X, { sampleWeight: weights }),
      );
    }
  });
});
