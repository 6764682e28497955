// MiniBatchKMeans on CSR input: the same problem dense and as CSR (k-means++, random and explicit
// init, weights, float32 and float64, the cosine metric, small clusters reassigned) gives the
// same draws, so the same labels, step counts and center bits, in fit, partialFit and fitStream;
// the queries on CSR rows equal the dense ones; thread counts and sync/async agree; dense and CSR
// batches mix; bad CSR input is refused as KMeans refuses it, and the caller's arrays are kept.
import { describe, expect, it } from 'vitest';
import { type CsrMatrix, KMeans, MiniBatchKMeans, type MiniBatchKMeansOptions } from '../../src/index';
import { maxRelativeError } from '../helpers';
import {
  type DType,
  type Problem,
  generator,
  refusal,
  relative,
  sameBits,
  smallCsr,
  snapshot,
  wideCsr,
} from './sparse_helpers';

process.env.KMEANS_NATIVE_WORK_PER_THREAD = '1';

/**
 * Sparse blobs (each on its own columns, a few stray values), dense and as CSR; with `shuffled`,
 * each row's entries in random order, some values split into halves (exact), a few explicit zeros.
 */
function sparseBlobs(n: number, d: number, blobs: number, seed: number, dtype: DType, shuffled = true): Problem {
  const uniform = generator(seed);
  const active = Array.from({ length: blobs }, () => Array.from({ length: d }, () => uniform() < 0.3));
  const means = Array.from({ length: blobs }, () => Array.from({ length: d }, () => (uniform() * 2 - 1) * 5));
  const values = dtype === 'float32' ? new Float32Array(n * d) : new Float64Array(n * d);
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let i = 0; i < n; i++) {
    const entries: [number, number][] = [];
    for (let f = 0; f < d; f++) {
      if (active[i % blobs]![f] && uniform() < 0.8) values[i * d + f] = means[i % blobs]![f]! + (uniform() - 0.5);
      else if (uniform() < 0.02 || f === i % d) values[i * d + f] = uniform() - 0.5;
      const value = values[i * d + f]!;
      if (shuffled && value !== 0 && uniform() < 0.05) entries.push([f, value / 2], [f, value / 2]);
      else if (value !== 0 || (shuffled && uniform() < 0.01)) entries.push([f, value]);
    }
    for (let e = shuffled ? entries.length - 1 : 0; e > 0; e--) {
      const other = Math.floor(uniform() * (e + 1));
      [entries[e], entries[other]] = [entries[other]!, entries[e]!];
    }
    indices.push(...entries.map(([f]) => f));
    data.push(...entries.map(([, value]) => value));
    indptr[i + 1] = indices.length;
  }
  const typed = dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data);
  return {
    dense: { data: values, rows: n, cols: d },
    csr: { format: 'csr', indptr, indices: Int32Array.from(indices), data: typed, rows: n, cols: d },
  };
}

/** Rows start..end - 1 of the problem, dense and as CSR (new arrays). */
function rowsOf({ dense, csr }: Problem, start: number, end: number): Problem {
  const d = dense.cols;
  const from = csr.indptr[start] as number;
  const to = csr.indptr[end] as number;
  return {
    dense: { data: dense.data.slice(start * d, end * d), rows: end - start, cols: d },
    csr: {
      format: 'csr',
      indptr: Int32Array.from(csr.indptr.subarray(start, end + 1) as Int32Array, (value) => value - from),
      indices: csr.indices.slice(from, to),
      data: csr.data.slice(from, to),
      rows: end - start,
      cols: d,
    },
  };
}

/** The same clustering: labels, steps and center bits; inertia and cluster inertia within rounding. */
function expectSameModel(sparse: MiniBatchKMeans, dense: MiniBatchKMeans): void {
  expect(sparse.nSteps).toBe(dense.nSteps);
  expect(sparse.nIter).toBe(dense.nIter);
  expect(Array.from(sparse.labels)).toEqual(Array.from(dense.labels));
  expect(sparse.clusterCenters.data.constructor).toBe(dense.clusterCenters.data.constructor);
  expect(sameBits(sparse.clusterCenters.data, dense.clusterCenters.data)).toBe(true);
  expect(relative(sparse.inertia, dense.inertia)).toBeLessThan(1e-12);
  expect(Array.from(sparse.clusterSizes)).toEqual(Array.from(dense.clusterSizes));
  expect(maxRelativeError(sparse.clusterInertia, dense.clusterInertia)).toBeLessThan(1e-9);
}

function expectSameFit(problem: Problem, options: MiniBatchKMeansOptions, sampleWeight?: Float64Array) {
  const fitOptions = sampleWeight ? { sampleWeight } : {};
  const dense = new MiniBatchKMeans({ threads: 2, ...options }).fit(problem.dense, fitOptions);
  const sparse = new MiniBatchKMeans({ threads: 2, ...options }).fit(problem.csr, fitOptions);
  expectSameModel(sparse, dense);
  return { dense, sparse };
}

const weightsFor = (n: number, seed: number) => {
  const uniform = generator(seed);
  return Float64Array.from({ length: n }, () => 0.25 + uniform() * 3);
};

describe.each(['float64', 'float32'] as const)('MiniBatchKMeans on CSR equals it on the dense rows (%s)', (dtype) => {
  const problem = sparseBlobs(1500, 40, 6, 3, dtype);
  const sampleWeight = weightsFor(1500, 5);

  it('k-means++ with a seed, with and without weights', () => {
    expectSameFit(problem, { nClusters: 6, seed: 3, batchSize: 100 });
    expectSameFit(problem, { nClusters: 6, seed: 3, batchSize: 100 }, sampleWeight);
    const sorted = sparseBlobs(1200, 30, 5, 8, dtype, false);
    expectSameFit(sorted, { nClusters: 5, seed: 2, batchSize: 128, nInit: 2 });
  });

  it('random init (nInit auto: 3) with small clusters reassigned, with and without weights', () => {
    const options = { nClusters: 10, seed: 4, batchSize: 64, init: 'random', reassignmentRatio: 0.3 } as const;
    const { sparse } = expectSameFit(problem, options);
    expectSameFit(problem, options, sampleWeight);
    // Reassignment changed the result: it happened, in both.
    const kept = new MiniBatchKMeans({ ...options, reassignmentRatio: 0 }).fit(problem.csr);
    expect(sameBits(kept.clusterCenters.data, sparse.clusterCenters.data)).toBe(false);
  });

  it('explicit init, tol, no early stopping by inertia, computeLabels false', () => {
    const init = { data: problem.dense.data.slice(0, 6 * 40), rows: 6, cols: 40 };
    expectSameFit(problem, { init, seed: 8, batchSize: 100, tol: 1e-4, maxNoImprovement: null });
    const options = { nClusters: 6, seed: 1, batchSize: 200, computeLabels: false };
    const dense = new MiniBatchKMeans(options).fit(problem.dense);
    const sparse = new MiniBatchKMeans(options).fit(problem.csr);
    expect(sparse.labels.length).toBe(0);
    expect(sameBits(sparse.clusterCenters.data, dense.clusterCenters.data)).toBe(true);
    expect(relative(sparse.inertia, dense.inertia)).toBeLessThan(1e-12);
    expect(Array.from(new MiniBatchKMeans(options).fitPredict(problem.csr))).toEqual(
      Array.from(dense.predict(problem.dense)),
    );
  });

  it("metric 'cosine': unit rows and unit centers, as the dense spherical steps", () => {
    const { sparse } = expectSameFit(problem, { nClusters: 6, seed: 5, batchSize: 100, metric: 'cosine' });
    for (let j = 0; j < 6; j++) {
      const center = sparse.clusterCenters.data.subarray(j * 40, (j + 1) * 40);
      expect(Math.abs(Array.from(center).reduce((sum, value) => sum + value * value, 0) - 1)).toBeLessThan(1e-5);
    }
  });

  it('partialFit batch by batch, with weights, reassigning', () => {
    for (const metric of ['euclidean', 'cosine'] as const) {
      const options = { nClusters: 8, seed: 6, reassignmentRatio: 0.2, metric };
      const dense = new MiniBatchKMeans(options);
      const sparse = new MiniBatchKMeans(options);
      const kept = new MiniBatchKMeans({ ...options, reassignmentRatio: 0 });
      for (let start = 0; start < 1500; start += 160) {
        const end = Math.min(1500, start + 160);
        const part = rowsOf(problem, start, end);
        const weights = { sampleWeight: sampleWeight.slice(start, end) };
        dense.partialFit(part.dense, weights);
        sparse.partialFit(part.csr, weights);
        kept.partialFit(part.csr, weights);
        expectSameModel(sparse, dense);
      }
      expect(sameBits(kept.clusterCenters.data, sparse.clusterCenters.data)).toBe(false);
    }
  });

  it('fitStream of CSR chunks of any size, as of the dense chunks', async () => {
    const chunks = (kind: keyof Problem) =>
      function* () {
        for (let start = 0; start < 1500; start += 37) yield rowsOf(problem, start, Math.min(1500, start + 37))[kind];
      };
    for (const options of [
      { nClusters: 7, seed: 7, batchSize: 100, nInit: 3 },
      { nClusters: 10, seed: 8, batchSize: 100, init: 'random', reassignmentRatio: 0.3, metric: 'cosine' },
    ] as const) {
      const dense = await new MiniBatchKMeans(options).fitStream(chunks('dense')());
      const sparse = await new MiniBatchKMeans(options).fitStream(chunks('csr')());
      expect(sparse.nSteps).toBe(13);
      expect(sparse.nSteps).toBe(dense.nSteps);
      expect(sparse.labels.length).toBe(0);
      expect(sameBits(sparse.clusterCenters.data, dense.clusterCenters.data)).toBe(true);
      expect(relative(sparse.inertia, dense.inertia)).toBeLessThan(1e-12);
      const kept = await new MiniBatchKMeans({ ...options, reassignmentRatio: 0 }).fitStream(chunks('csr')());
      if (options.reassignmentRatio) expect(sameBits(kept.clusterCenters.data, sparse.clusterCenters.data)).toBe(false);
    }
  });
});

describe('MiniBatchKMeans on CSR: queries, threads, mixed input', () => {
  const problem = sparseBlobs(5000, 30, 8, 21, 'float64');

  it('predict, transform, score, fitPredict and fitTransform on CSR rows equal the dense queries', () => {
    for (const metric of ['euclidean', 'cosine'] as const) {
      const options = { nClusters: 5, seed: 1, batchSize: 256, metric };
      const model = new MiniBatchKMeans(options).fit(problem.dense);
      expect(Array.from(model.predict(problem.csr))).toEqual(Array.from(model.predict(problem.dense)));
      const distances = model.transform(problem.dense);
      expect(maxRelativeError(model.transform(problem.csr).data, distances.data)).toBeLessThan(1e-12);
      const sampleWeight = Float64Array.from({ length: 5000 }, (_, i) => 1 + (i % 3));
      const scores = [problem.csr, problem.dense].map((X) => model.score(X, { sampleWeight }));
      expect(relative(scores[0]!, scores[1]!)).toBeLessThan(1e-12);
      expect(Array.from(new MiniBatchKMeans(options).fitPredict(problem.csr))).toEqual(Array.from(model.labels));
      const fitted = new MiniBatchKMeans(options).fitTransform(problem.csr);
      expect(maxRelativeError(fitted.data, distances.data)).toBeLessThan(1e-12);
    }
  });

  it('gives the same bits on 1 and 2 threads, sync and async', async () => {
    const options = { nClusters: 9, seed: 3, batchSize: 300, reassignmentRatio: 0.1 };
    const fits = [1, 2].map((threads) => new MiniBatchKMeans({ ...options, threads }).fit(problem.csr));
    fits.push(await new MiniBatchKMeans({ ...options, threads: 2 }).fitAsync(problem.csr));
    const [first, ...others] = fits;
    for (const model of others) {
      expect(model.labels).toEqual(first!.labels);
      expect(sameBits(model.clusterCenters.data, first!.clusterCenters.data)).toBe(true);
      expect(Object.is(model.inertia, first!.inertia)).toBe(true);
      expect(model.nSteps).toBe(first!.nSteps);
    }
    const controller = new AbortController();
    controller.abort();
    await expect(
      new MiniBatchKMeans(options).fitAsync(problem.csr, { signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    const streams = await Promise.all(
      [1, 2].map((threads) =>
        new MiniBatchKMeans({ ...options, threads }).fitStream(
          [0, 1, 2, 3, 4].map((c) => rowsOf(problem, c * 1000, (c + 1) * 1000).csr),
        ),
      ),
    );
    expect(sameBits(streams[0]!.clusterCenters.data, streams[1]!.clusterCenters.data)).toBe(true);
  });

  it('partialFit takes dense and CSR batches in any order, the centers in the batch dtype', () => {
    const parts = [0, 1, 2, 3].map((p) => rowsOf(problem, p * 1000, (p + 1) * 1000));
    const options = { nClusters: 6, seed: 2 };
    const dense = new MiniBatchKMeans(options);
    const mixed = new MiniBatchKMeans(options);
    parts.forEach((part, p) => {
      dense.partialFit(part.dense);
      mixed.partialFit(p % 2 === 0 ? part.csr : part.dense);
      expectSameModel(mixed, dense);
    });
    const float32 = sparseBlobs(500, 30, 8, 22, 'float32');
    dense.partialFit(float32.dense);
    mixed.partialFit(float32.csr);
    expect(mixed.clusterCenters.data).toBeInstanceOf(Float32Array);
    expectSameModel(mixed, dense);
  });

  it('a model file goes on with CSR batches as the model does', () => {
    const model = new MiniBatchKMeans({ nClusters: 4, seed: 2, batchSize: 500 }).fit(problem.csr);
    const restored = MiniBatchKMeans.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(restored.predict(problem.csr)).toEqual(model.labels);
    const part = rowsOf(problem, 0, 700).csr;
    expect(sameBits(restored.partialFit(part).clusterCenters.data, model.partialFit(part).clusterCenters.data)).toBe(
      true,
    );
  });

  it('fitStream converts CSR chunks to the first chunk dtype, and refuses what it cannot use', async () => {
    const parts = [0, 1, 2, 3, 4].map((c) => rowsOf(problem, c * 1000, (c + 1) * 1000).csr);
    const float32 = parts.map((part) => ({ ...part, data: Float32Array.from(part.data) }));
    const options = { nClusters: 5, seed: 4, batchSize: 400 };
    const converted = await new MiniBatchKMeans(options).fitStream([float32[0]!, ...parts.slice(1)]);
    const all32 = await new MiniBatchKMeans(options).fitStream(float32);
    expect(converted.clusterCenters.data).toBeInstanceOf(Float32Array);
    expect(sameBits(converted.clusterCenters.data, all32.clusterCenters.data)).toBe(true);
    const model = new MiniBatchKMeans({ nClusters: 2 });
    const refusal = (source: Iterable<unknown>) => model.fitStream(source as Iterable<CsrMatrix>);
    await expect(refusal([parts[0], rowsOf(problem, 0, 10).dense])).rejects.toMatchObject({
      code: 'ERR_KMEANS_INVALID_DATA',
      message: expect.stringMatching(/stream chunk 1 is dense, but the first chunk was a CSR matrix/),
    });
    await expect(refusal([rowsOf(problem, 0, 10).dense, parts[0]])).rejects.toMatchObject({
      code: 'ERR_KMEANS_INVALID_DATA',
    });
    await expect(refusal([parts[0], { ...parts[1], cols: 31 }])).rejects.toMatchObject({
      code: 'ERR_KMEANS_SHAPE_MISMATCH',
    });
    await expect(refusal([rowsOf(problem, 0, 1).csr])).rejects.toMatchObject({ code: 'ERR_KMEANS_TOO_FEW_SAMPLES' });
    const huge = { ...parts[1]!, data: parts[1]!.data.map((value, e) => (e === 3 ? 1e100 : value)) };
    await expect(refusal([float32[0], huge])).rejects.toMatchObject({
      code: 'ERR_KMEANS_NON_FINITE',
      message: expect.stringMatching(/stream chunk 1 has values beyond the float32 range/),
    });
  });
});

describe('MiniBatchKMeans on CSR: bad input', () => {
  const good = smallCsr;

  it.each([
    ['a decreasing indptr', { indptr: Int32Array.of(0, 3, 2, 5) }, 'ERR_KMEANS_INVALID_DATA', /must not decrease/],
    ['a column out of range', { indices: Int32Array.of(0, 2, 3, 0, 2) }, 'ERR_KMEANS_INVALID_DATA', /column indices/],
    ['a NaN value', { data: Float64Array.of(1, NaN, 3, 4, 5) }, 'ERR_KMEANS_NON_FINITE', /row 0/],
    ['Int16 data', { data: Int16Array.of(1, 2, 3, 4, 5) }, 'ERR_KMEANS_INVALID_DATA', /Float64Array or a Float32Array/],
  ])('refuses %s as KMeans does, in fit, partialFit and fitStream', async (_, change, code, message) => {
    const X = { ...good(), ...change } as unknown as CsrMatrix;
    const expected = refusal(() => new KMeans({ nClusters: 2 }).fit(X));
    expect(expected).toMatch(new RegExp(`^${code}: .*${message.source}`));
    expect(refusal(() => new MiniBatchKMeans({ nClusters: 2 }).fit(X))).toBe(expected);
    const model = new MiniBatchKMeans({ nClusters: 2, seed: 1 }).partialFit(good());
    expect(refusal(() => model.partialFit(X))).toBe(expected);
    await expect(new MiniBatchKMeans({ nClusters: 2 }).fitStream([good(), X])).rejects.toMatchObject({
      code,
      message: expect.stringMatching(message),
    });
  });

  it('refuses too few rows, a narrow init, a zero row under cosine, k-means||, bad weights and options', () => {
    const code = (fn: () => unknown) => refusal(fn).split(':')[0];
    expect(code(() => new MiniBatchKMeans({ nClusters: 4 }).fit(good()))).toBe('ERR_KMEANS_TOO_FEW_SAMPLES');
    const init = { data: new Float64Array(4), rows: 2, cols: 2 };
    expect(code(() => new MiniBatchKMeans({ init }).fit(good()))).toBe('ERR_KMEANS_SHAPE_MISMATCH');
    const zero = { ...good(), indptr: Int32Array.of(0, 2, 2, 5) };
    expect(refusal(() => new MiniBatchKMeans({ nClusters: 2, metric: 'cosine' }).fit(zero))).toMatch(
      /^ERR_KMEANS_ZERO_VECTOR: X row 1/,
    );
    expect(refusal(() => new MiniBatchKMeans({ nClusters: 2, init: 'k-means||' }).partialFit(good()))).toMatch(
      /^ERR_KMEANS_INVALID_OPTION: .*not available for CSR/,
    );
    expect(code(() => new MiniBatchKMeans({ nClusters: 2 }).fit(good(), { sampleWeight: [1, 2] }))).toBe(
      'ERR_KMEANS_INVALID_WEIGHTS',
    );
    const options = { sampleWeigth: [1, 1, 1] } as never;
    expect(refusal(() => new MiniBatchKMeans({ nClusters: 2 }).partialFit(good(), options))).toBe(
      refusal(() => new MiniBatchKMeans({ nClusters: 2 }).partialFit([[1, 2, 3]], options)),
    );
    const model = new MiniBatchKMeans({ nClusters: 2, seed: 1 }).fit(good());
    expect(refusal(() => model.partialFit({ ...good(), cols: 4 }))).toBe(
      'ERR_KMEANS_SHAPE_MISMATCH: X has 4 features, but this MiniBatchKMeans was fitted with 3 features',
    );
    expect(code(() => model.predict({ ...good(), cols: 4 }))).toBe('ERR_KMEANS_SHAPE_MISMATCH');
  });

  it('leaves the caller arrays as they were', async () => {
    const { csr } = sparseBlobs(3000, 20, 4, 9, 'float32');
    const unchanged = snapshot(csr);
    const sampleWeight = new Float64Array(3000).fill(2);
    for (const metric of ['euclidean', 'cosine'] as const) {
      const model = new MiniBatchKMeans({ nClusters: 5, seed: 4, batchSize: 256, metric }).fit(csr, { sampleWeight });
      model.partialFit(csr, { sampleWeight });
      model.transform(csr);
      model.score(csr, { sampleWeight });
      await new MiniBatchKMeans({ nClusters: 5, seed: 4, metric, init: 'random' }).fitStream([csr, csr]);
    }
    expect(unchanged()).toBe(true);
    expect(sampleWeight.every((w) => w === 2)).toBe(true);
  });

  it('never lays the rows out densely (2000 × 200,000: 3.2 GB dense)', () => {
    const X = wideCsr();
    const cols = X.cols;
    const before = process.memoryUsage().rss;
    const model = new MiniBatchKMeans({ nClusters: 4, seed: 1, batchSize: 256, maxIter: 5 }).fit(X);
    model.partialFit(X);
    model.transform(X);
    model.score(X);
    expect(process.memoryUsage().rss - before).toBeLessThan(400e6);
    expect(model.clusterCenters.data.length).toBe(4 * cols);
    expect(model.nSteps).toBeGreaterThan(1);
  });
});
