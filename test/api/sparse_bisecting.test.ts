// BisectingKMeans on CSR input: the same problem dense and as CSR (both strategies, both inits,
// weights, float32 and float64, the cosine metric, the TF-IDF fixture) gives the same tree,
// labels and iteration count, and the inertias and centers within rounding; predict, transform,
// score, fitPredict and fitTransform on CSR rows equal the dense ones; sync and async agree; bad
// CSR input is refused; the caller's arrays are left as they were.
import { describe, expect, it } from 'vitest';
import { BisectingKMeans, type BisectingKMeansOptions, type CsrMatrix } from '../../src/index';
import { maxRelativeError } from '../helpers';
import {
  type Problem,
  generator,
  relative,
  sameBits,
  smallCsr,
  snapshot,
  sparseBlobs,
  tfidf,
  wideCsr,
} from './sparse_helpers';

process.env.KMEANS_NATIVE_WORK_PER_THREAD = '1';

/** Fits the problem dense and as CSR with the same options; expects the same clustering. */
function expectSameFit(problem: Problem, options: BisectingKMeansOptions, sampleWeight?: Float64Array) {
  const fitOptions = sampleWeight ? { sampleWeight } : {};
  const dense = new BisectingKMeans({ threads: 2, ...options }).fit(problem.dense, fitOptions);
  const sparse = new BisectingKMeans({ threads: 2, ...options }).fit(problem.csr, fitOptions);
  const float64 = problem.csr.data instanceof Float64Array;
  expect(Array.from(sparse.labels)).toEqual(Array.from(dense.labels));
  expect(sparse.nIter).toBe(dense.nIter);
  expect(relative(sparse.inertia, dense.inertia)).toBeLessThan(float64 ? 1e-12 : 1e-5);
  expect(sparse.clusterCenters.data.constructor).toBe(dense.clusterCenters.data.constructor);
  expect(maxRelativeError(sparse.clusterCenters.data, dense.clusterCenters.data)).toBeLessThan(float64 ? 1e-12 : 1e-6);
  const [sparseTree, denseTree] = [sparse.tree, dense.tree];
  expect(sparseTree.map(({ parent, children, size, label }) => [parent, children, size, label])).toEqual(
    denseTree.map(({ parent, children, size, label }) => [parent, children, size, label]),
  );
  sparseTree.forEach((node, id) => {
    const other = denseTree[id]!;
    expect(relative(node.weight, other.weight)).toBeLessThan(1e-12);
    expect(Math.abs(node.inertia - other.inertia)).toBeLessThanOrEqual((float64 ? 1e-9 : 1e-4) * denseTree[0]!.inertia);
    expect(maxRelativeError(node.center, other.center)).toBeLessThan(float64 ? 1e-9 : 1e-5);
  });
  expect(maxRelativeError(sparse.clusterSizes, dense.clusterSizes)).toBeLessThan(1e-12);
  return { dense, sparse };
}

const strategies = ['biggest_inertia', 'largest_cluster'] as const;
const inits = ['random', 'k-means++'] as const;

describe.each(['float64', 'float32'] as const)('BisectingKMeans on CSR equals the dense fit (%s)', (dtype) => {
  const problem = sparseBlobs(1500, 40, 6, 3, dtype);

  it.each(strategies.flatMap((strategy) => inits.map((init) => [strategy, init] as const)))(
    '%s, init %s',
    (bisectingStrategy, init) => {
      expectSameFit(problem, { nClusters: 9, seed: 5, bisectingStrategy, init, nInit: 2 });
    },
  );

  it('with sample weights, zeros among them, and every algorithm', () => {
    const uniform = generator(5);
    const sampleWeight = Float64Array.from({ length: 1500 }, () => (uniform() < 0.1 ? 0 : 0.25 + uniform() * 3));
    for (const algorithm of ['lloyd', 'elkan', 'hamerly'] as const) {
      expectSameFit(problem, { nClusters: 7, seed: 4, algorithm }, sampleWeight);
    }
  });

  it("metric 'cosine': unit rows and unit centers, as the dense spherical fit", () => {
    for (const bisectingStrategy of strategies) {
      const { sparse } = expectSameFit(problem, { nClusters: 6, seed: 8, metric: 'cosine', bisectingStrategy });
      for (const node of sparse.tree) expect(Math.abs(Math.hypot(...node.center) - 1)).toBeLessThan(1e-5);
    }
  });

  it.each(strategies)('the TF-IDF matrix, %s', (bisectingStrategy) => {
    const { sparse } = expectSameFit(tfidf(dtype), { nClusters: 10, seed: 7, bisectingStrategy, init: 'k-means++' });
    expect(sparse.tree).toHaveLength(19);
  });

  it('predict, transform, score, fitPredict and fitTransform on CSR rows equal the dense queries', async () => {
    const weights = Float64Array.from({ length: 1500 }, (_, i) => 1 + (i % 3));
    for (const metric of ['euclidean', 'cosine'] as const) {
      const model = new BisectingKMeans({ nClusters: 8, seed: 1, metric }).fit(problem.dense);
      const labels = Array.from(model.predict(problem.dense));
      expect(Array.from(model.predict(problem.csr))).toEqual(labels);
      expect(Array.from(await model.predictAsync(problem.csr))).toEqual(labels);
      const sparseDistances = model.transform(problem.csr);
      const denseDistances = model.transform(problem.dense);
      expect([sparseDistances.rows, sparseDistances.cols]).toEqual([1500, 8]);
      expect(sparseDistances.data.constructor).toBe(denseDistances.data.constructor);
      expect(maxRelativeError(sparseDistances.data, denseDistances.data)).toBeLessThan(
        dtype === 'float64' ? 1e-12 : 1e-6,
      );
      const score = (X: typeof problem.dense | CsrMatrix) => model.score(X, { sampleWeight: weights });
      expect(relative(score(problem.csr), score(problem.dense))).toBeLessThan(dtype === 'float64' ? 1e-12 : 1e-5);
      expect(Array.from(new BisectingKMeans({ nClusters: 8, seed: 1, metric }).fitPredict(problem.csr))).toEqual(
        Array.from(model.labels),
      );
      const fitted = new BisectingKMeans({ nClusters: 8, seed: 1, metric }).fitTransform(problem.csr);
      expect(maxRelativeError(fitted.data, denseDistances.data)).toBeLessThan(dtype === 'float64' ? 1e-12 : 1e-6);
    }
  });
});

describe('BisectingKMeans on CSR: threads, async, model files', () => {
  const problem = sparseBlobs(4000, 30, 8, 21, 'float64');

  it('gives the same bits on 1 and 3 threads, sync and async, and reports progress', async () => {
    const options = { nClusters: 8, seed: 3, nInit: 2, init: 'k-means++' } as const;
    const fits = [1, 3].map((threads) => new BisectingKMeans({ ...options, threads }).fit(problem.csr));
    const runs = new Set<number>();
    fits.push(
      await new BisectingKMeans({ ...options, threads: 2 }).fitAsync(problem.csr, {
        onProgress: ({ run }) => runs.add(run),
      }),
    );
    const [first, ...others] = fits;
    for (const model of others) {
      expect(model.labels).toEqual(first!.labels);
      expect(sameBits(model.clusterCenters.data, first!.clusterCenters.data)).toBe(true);
      expect(Object.is(model.inertia, first!.inertia)).toBe(true);
      expect(model.nIter).toBe(first!.nIter);
    }
    // Two runs per bisection, seven bisections.
    expect(runs.size).toBe(14);
  });

  it('fitAsync on CSR rows stops when aborted, and leaves the model as it was', async () => {
    const model = new BisectingKMeans({ nClusters: 4, seed: 1 });
    const controller = new AbortController();
    controller.abort();
    await expect(model.fitAsync(problem.csr, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(() => model.labels).toThrow(expect.objectContaining({ code: 'ERR_KMEANS_NOT_FITTED' }));
  });

  it('writes a dense model file whose tree predicts CSR rows as the model', () => {
    const model = new BisectingKMeans({ nClusters: 6, seed: 2 }).fit(problem.csr);
    const restored = BisectingKMeans.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(sameBits(restored.clusterCenters.data, model.clusterCenters.data)).toBe(true);
    expect(restored.predict(problem.csr)).toEqual(model.labels);
  });

  it('never lays the rows out densely (2000 × 200,000: 3.2 GB dense)', () => {
    const X = wideCsr();
    const cols = X.cols;
    const before = process.memoryUsage().rss;
    const model = new BisectingKMeans({ nClusters: 4, seed: 1, maxIter: 20 }).fit(X);
    model.predict(X);
    model.score(X);
    expect(process.memoryUsage().rss - before).toBeLessThan(400e6);
    expect(model.clusterCenters.data.length).toBe(4 * cols);
  });

  it('leaves the caller arrays as they were', async () => {
    const unchanged = snapshot(problem.csr);
    const sampleWeight = new Float64Array(4000).fill(2);
    const model = new BisectingKMeans({ nClusters: 5, seed: 4, metric: 'cosine' }).fit(problem.csr, { sampleWeight });
    model.predict(problem.csr);
    model.transform(problem.csr);
    model.score(problem.csr, { sampleWeight });
    await new BisectingKMeans({ nClusters: 5, seed: 4, init: 'k-means++' }).fitAsync(problem.csr);
    expect(unchanged()).toBe(true);
    expect(sampleWeight.every((w) => w === 2)).toBe(true);
  });
});

describe('BisectingKMeans on CSR: bad input', () => {
  const good = smallCsr;

  it.each([
    ['a decreasing indptr', { indptr: Int32Array.of(0, 3, 2, 5) }, 'ERR_KMEANS_INVALID_DATA', /must not decrease/],
    ['a column out of range', { indices: Int32Array.of(0, 2, 3, 0, 2) }, 'ERR_KMEANS_INVALID_DATA', /column indices/],
    ['an Infinity', { data: Float64Array.of(1, 2, Infinity, 4, 5) }, 'ERR_KMEANS_NON_FINITE', /row 1/],
    [
      'a BigInt64 indptr beyond 2^53',
      { indptr: BigInt64Array.of(0n, 2n, 3n, 2n ** 60n) },
      'ERR_KMEANS_INVALID_DATA',
      /beyond 2\^53/,
    ],
  ])('refuses %s in fit and in every query', (_, change, code, message) => {
    const X = { ...good(), ...change } as unknown as CsrMatrix;
    const expected = expect.objectContaining({ code, message: expect.stringMatching(message) });
    expect(() => new BisectingKMeans({ nClusters: 2 }).fit(X)).toThrow(expected);
    const model = new BisectingKMeans({ nClusters: 2, seed: 1 }).fit(good());
    expect(() => model.predict(X)).toThrow(expected);
    expect(() => model.transform(X)).toThrow(expected);
    expect(() => model.score(X)).toThrow(expected);
  });

  it('refuses too few rows, a zero row under cosine, bad weights and another width', async () => {
    expect(() => new BisectingKMeans({ nClusters: 4 }).fit(good())).toThrow(
      expect.objectContaining({ code: 'ERR_KMEANS_TOO_FEW_SAMPLES' }),
    );
    expect(() => new BisectingKMeans({ nClusters: 3 }).fit(good(), { sampleWeight: [1, 0, 1] })).toThrow(
      expect.objectContaining({
        code: 'ERR_KMEANS_TOO_FEW_SAMPLES',
        message: expect.stringMatching(/positive weight/),
      }),
    );
    expect(() => new BisectingKMeans({ nClusters: 2 }).fit(good(), { sampleWeight: [1, 2] })).toThrow(
      expect.objectContaining({ code: 'ERR_KMEANS_INVALID_WEIGHTS' }),
    );
    const zero = {
      ...good(),
      indptr: Int32Array.of(0, 2, 2, 5),
      indices: Int32Array.of(0, 2, 0, 1, 2),
      data: Float64Array.of(1, 2, 4, 5, 6),
    };
    expect(() => new BisectingKMeans({ nClusters: 2, metric: 'cosine' }).fit(zero)).toThrow(
      expect.objectContaining({ code: 'ERR_KMEANS_ZERO_VECTOR', message: expect.stringMatching(/X row 1/) }),
    );
    await expect(new BisectingKMeans({ nClusters: 2, metric: 'cosine' }).fitAsync(zero)).rejects.toMatchObject({
      code: 'ERR_KMEANS_ZERO_VECTOR',
    });
    const model = new BisectingKMeans({ nClusters: 2, seed: 1 }).fit(good());
    for (const query of [() => model.predict({ ...good(), cols: 4 }), () => model.transform({ ...good(), cols: 4 })]) {
      expect(query).toThrow(expect.objectContaining({ code: 'ERR_KMEANS_SHAPE_MISMATCH' }));
    }
    expect(() => new BisectingKMeans({ nClusters: 2 }).predict(good())).toThrow(
      expect.objectContaining({ code: 'ERR_KMEANS_NOT_FITTED' }),
    );
  });
});
