// KMeans on CSR input: the same problem dense and as CSR (explicit, k-means++ and random init,
// weights, float32 and float64, the cosine metric) gives the same labels, iteration counts,
// inertia and centers; scikit-learn's sparse runs are matched; predict, transform and score on
// CSR rows equal the dense ones; thread counts and sync/async agree; bad CSR input is refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FloatArray, native } from '../../src/binding';
import { KMeans, type CsrMatrix, type KMeansOptions } from '../../src/index';
import type { Matrix } from '../../src/matrix';
import { maxRelativeError } from '../helpers';
import {
  type DType,
  type FixtureDataset,
  type Problem,
  densify,
  fixtureCsr,
  generator,
  refusal,
  relative,
  sameBits,
  smallCsr,
  snapshot,
  sparseBlobs,
  wideCsr,
} from './sparse_helpers';

process.env.KMEANS_NATIVE_WORK_PER_THREAD = '1';

/** Fits the problem dense and as CSR with the same options; expects the same clustering. */
function expectSameFit(problem: Problem, options: KMeansOptions, sampleWeight?: Float64Array) {
  const fitOptions = sampleWeight ? { sampleWeight } : {};
  const dense = new KMeans({ threads: 2, ...options }).fit(problem.dense, fitOptions);
  const sparse = new KMeans({ threads: 2, ...options }).fit(problem.csr, fitOptions);
  const float64 = problem.csr.data instanceof Float64Array;
  expect(Array.from(sparse.labels)).toEqual(Array.from(dense.labels));
  expect(sparse.nIter).toBe(dense.nIter);
  expect(sparse.converged).toBe(dense.converged);
  expect(relative(sparse.inertia, dense.inertia)).toBeLessThan(float64 ? 1e-12 : 1e-5);
  expect(sparse.clusterCenters.data.constructor).toBe(dense.clusterCenters.data.constructor);
  expect(maxRelativeError(sparse.clusterCenters.data, dense.clusterCenters.data)).toBeLessThan(float64 ? 1e-12 : 1e-6);
  expect(Array.from(sparse.clusterSizes)).toEqual(Array.from(dense.clusterSizes));
  expect(maxRelativeError(sparse.clusterInertia, dense.clusterInertia)).toBeLessThan(float64 ? 1e-9 : 1e-4);
  expect(sparse.history.inertia.length).toBe(sparse.nIter);
  expect(Array.from(sparse.history.labelChanges)).toEqual(
    Array.from(dense.history.labelChanges).slice(0, sparse.nIter),
  );
  return { dense, sparse };
}

describe.each(['float64', 'float32'] as const)('KMeans on CSR equals KMeans on the dense rows (%s)', (dtype) => {
  const problem = sparseBlobs(1500, 40, 6, 3, dtype);

  it('explicit init, Lloyd', () => {
    const init = { data: problem.dense.data.slice(0, 6 * 40), rows: 6, cols: 40 };
    const { dense, sparse } = expectSameFit(problem, { nClusters: 6, init, algorithm: 'lloyd', mixedPrecision: false });
    // Lloyd's sums in the same order as the dense pass: the same bits.
    expect(sameBits(sparse.clusterCenters.data, dense.clusterCenters.data)).toBe(true);
    expect(sparse.algorithmUsed).toBe('lloyd');
  });

  it('k-means++ with a seed picks the same rows (nInit 3)', () => {
    const { dense, sparse } = expectSameFit(problem, { nClusters: 8, seed: 11, nInit: 3, algorithm: 'lloyd' });
    expect(sameBits(sparse.clusterCenters.data, dense.clusterCenters.data)).toBe(true);
  });

  it('random init with a seed (nInit auto: 10 runs), and weights', () => {
    const uniform = generator(5);
    const sampleWeight = Float64Array.from({ length: 1500 }, () => 0.25 + uniform() * 3);
    expectSameFit(problem, { nClusters: 7, seed: 4, init: 'random', algorithm: 'lloyd' });
    expectSameFit(problem, { nClusters: 7, seed: 4, init: 'random', algorithm: 'lloyd' }, sampleWeight);
  });

  it('k-means++ with weights, and the default algorithm', () => {
    const uniform = generator(6);
    const sampleWeight = Float64Array.from({ length: 1500 }, () => (uniform() < 0.1 ? 0 : uniform() * 2));
    expectSameFit(problem, { nClusters: 5, seed: 9 }, sampleWeight);
  });

  it("'elkan' and 'hamerly' run Lloyd's kernel and report it", () => {
    for (const algorithm of ['elkan', 'hamerly'] as const) {
      const { sparse } = expectSameFit(problem, { nClusters: 6, seed: 2, algorithm });
      expect(sparse.algorithmUsed).toBe('lloyd');
    }
  });

  it("metric 'cosine': unit rows and unit centers, as the dense spherical fit", () => {
    const { sparse } = expectSameFit(problem, { nClusters: 6, seed: 8, metric: 'cosine', algorithm: 'lloyd' });
    for (let j = 0; j < 6; j++) {
      const center = sparse.clusterCenters.data.subarray(j * 40, (j + 1) * 40);
      expect(Math.abs(Array.from(center).reduce((sum, value) => sum + value * value, 0) - 1)).toBeLessThan(1e-5);
    }
  });

  it('predict, transform and score on CSR rows equal the dense queries', async () => {
    for (const metric of ['euclidean', 'cosine'] as const) {
      const model = new KMeans({ nClusters: 5, seed: 1, metric }).fit(problem.dense);
      expect(Array.from(model.predict(problem.csr))).toEqual(Array.from(model.predict(problem.dense)));
      expect(Array.from(await model.predictAsync(problem.csr))).toEqual(Array.from(model.predict(problem.dense)));
      const sparseDistances = model.transform(problem.csr);
      const denseDistances = model.transform(problem.dense);
      expect(sparseDistances.rows).toBe(1500);
      expect(sparseDistances.cols).toBe(5);
      expect(sparseDistances.data.constructor).toBe(denseDistances.data.constructor);
      expect(maxRelativeError(sparseDistances.data, denseDistances.data)).toBeLessThan(
        dtype === 'float64' ? 1e-12 : 1e-6,
      );
      const sampleWeight = Float64Array.from({ length: 1500 }, (_, i) => 1 + (i % 3));
      expect(
        relative(model.score(problem.csr, { sampleWeight }), model.score(problem.dense, { sampleWeight })),
      ).toBeLessThan(dtype === 'float64' ? 1e-12 : 1e-5);
      const fitted = new KMeans({ nClusters: 5, seed: 1, metric }).fitTransform(problem.csr);
      expect(maxRelativeError(fitted.data, denseDistances.data)).toBeLessThan(dtype === 'float64' ? 1e-12 : 1e-6);
      expect(Array.from(new KMeans({ nClusters: 5, seed: 1, metric }).fitPredict(problem.csr))).toEqual(
        Array.from(model.labels),
      );
    }
  });
});

describe('KMeans on CSR: threads, async, model files, warnings', () => {
  const problem = sparseBlobs(6000, 30, 8, 21, 'float64');

  it('gives the same bits on 1 and 3 threads, sync and async', async () => {
    const fits = [1, 3].map((threads) => new KMeans({ nClusters: 9, seed: 3, nInit: 2, threads }).fit(problem.csr));
    const progress: number[] = [];
    fits.push(
      await new KMeans({ nClusters: 9, seed: 3, nInit: 2, threads: 2 }).fitAsync(problem.csr, {
        onProgress: ({ iteration }) => progress.push(iteration),
      }),
    );
    const [first, ...others] = fits;
    for (const model of others) {
      expect(model.labels).toEqual(first!.labels);
      expect(sameBits(model.clusterCenters.data, first!.clusterCenters.data)).toBe(true);
      expect(Object.is(model.inertia, first!.inertia)).toBe(true);
      expect(model.nIter).toBe(first!.nIter);
      expect(sameBits(model.history.centerShift, first!.history.centerShift)).toBe(true);
    }
    expect(progress.length).toBeGreaterThanOrEqual(first!.nIter);
  });

  it('writes a dense model file that predicts as the model', () => {
    const model = new KMeans({ nClusters: 4, seed: 2 }).fit(problem.csr);
    const restored = KMeans.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(sameBits(restored.clusterCenters.data, model.clusterCenters.data)).toBe(true);
    expect(restored.algorithmUsed).toBe('lloyd');
    expect(restored.predict(problem.csr)).toEqual(model.labels);
    expect(Array.from(restored.clusterSizes)).toEqual(Array.from(model.clusterSizes));
  });

  it('warns of fewer distinct clusters on duplicate rows', () => {
    const rows = 20;
    const csr: CsrMatrix = {
      format: 'csr',
      indptr: Int32Array.from({ length: rows + 1 }, (_, i) => i),
      indices: new Int32Array(rows),
      data: new Float64Array(rows).fill(1),
      rows,
      cols: 3,
    };
    const warnings: string[] = [];
    const listener = (warning: Error & { code?: string }) => warnings.push(warning.code ?? '');
    process.on('warning', listener);
    return new Promise<void>((resolve) => {
      new KMeans({ nClusters: 3, seed: 1 }).fit(csr);
      setImmediate(() => {
        process.off('warning', listener);
        expect(warnings).toContain('KMEANS_FEWER_DISTINCT_CLUSTERS');
        resolve();
      });
    });
  });

  it('never lays the rows out densely (2000 × 200,000: 3.2 GB dense)', () => {
    const X = wideCsr();
    const cols = X.cols;
    const before = process.memoryUsage().rss;
    const model = new KMeans({ nClusters: 4, seed: 1, maxIter: 20 }).fit(X);
    model.transform(X);
    model.score(X);
    expect(process.memoryUsage().rss - before).toBeLessThan(400e6);
    expect(model.clusterCenters.data.length).toBe(4 * cols);
  });

  it('leaves the caller arrays as they were', () => {
    const unchanged = snapshot(problem.csr);
    const sampleWeight = new Float64Array(6000).fill(2);
    const model = new KMeans({ nClusters: 5, seed: 4, metric: 'cosine' }).fit(problem.csr, { sampleWeight });
    model.transform(problem.csr);
    model.score(problem.csr);
    new KMeans({ nClusters: 5, seed: 4, init: 'random' }).fit(problem.csr);
    expect(unchanged()).toBe(true);
    expect(sampleWeight.every((w) => w === 2)).toBe(true);
  });
});

describe('KMeans on CSR: bad input', () => {
  const good = smallCsr;

  it.each([
    ['a decreasing indptr', { indptr: Int32Array.of(0, 3, 2, 5) }, 'ERR_KMEANS_INVALID_DATA', /must not decrease/],
    ['a column out of range', { indices: Int32Array.of(0, 2, 3, 0, 2) }, 'ERR_KMEANS_INVALID_DATA', /column indices/],
    ['a NaN value', { data: Float64Array.of(1, NaN, 3, 4, 5) }, 'ERR_KMEANS_NON_FINITE', /row 0/],
    ['Int16 data', { data: Int16Array.of(1, 2, 3, 4, 5) }, 'ERR_KMEANS_INVALID_DATA', /Float64Array or a Float32Array/],
  ])('refuses %s with the CSR checks', (_, change, code, message) => {
    const X = { ...good(), ...change } as unknown as CsrMatrix;
    expect(() => new KMeans({ nClusters: 2 }).fit(X)).toThrow(
      expect.objectContaining({ code, message: expect.stringMatching(message) }),
    );
  });

  it('native sparsePlusPlus refuses rows whose columns do not increase', () => {
    const request = {
      indptr: Int32Array.of(0, 2, 3),
      indices: Int32Array.of(2, 0, 1),
      data: Float64Array.of(1, 2, 3),
      rowNorms: Float64Array.of(5, 9),
      n: 2,
      d: 3,
      sampleWeight: null,
      threads: 1,
      k: 2,
      trials: 2,
      uniforms: Float64Array.of(0.5, 0.25, 0.75),
      chosen: new Int32Array(2),
    };
    expect(() => native().sparsePlusPlus(request)).toThrow(/increase strictly/);
    native().sparsePlusPlus({ ...request, indices: Int32Array.of(0, 2, 1) });
    expect(Array.from(request.chosen).sort()).toEqual([0, 1]);
  });

  it('refuses weights that would overflow the sums with the dense message', () => {
    const X = { ...good(), data: Float64Array.of(1, 2e150, 3, 4, 5) };
    const sampleWeight = [1e10, 1e10, 1e10];
    const message = (input: Matrix | CsrMatrix) => {
      try {
        new KMeans({ nClusters: 2 }).fit(input, { sampleWeight });
      } catch (error) {
        return `${(error as { code: string }).code}: ${(error as Error).message}`;
      }
      return 'accepted';
    };
    expect(message(X)).toMatch(/^ERR_KMEANS_OVERFLOW: X row 0, column 2/);
    expect(message(X)).toBe(message(initFrom(X, [0, 1, 2])));
  });

  it('fitAsync on CSR rows stops when aborted', async () => {
    const X = sparseBlobs(3000, 20, 4, 9, 'float64').csr;
    const controller = new AbortController();
    controller.abort();
    await expect(new KMeans({ nClusters: 4 }).fitAsync(X, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('refuses too few rows, a narrow init, a zero row under cosine, k-means|| and bad weights', () => {
    expect(() => new KMeans({ nClusters: 4 }).fit(good())).toThrow(
      expect.objectContaining({ code: 'ERR_KMEANS_TOO_FEW_SAMPLES' }),
    );
    const init = { data: new Float64Array(4), rows: 2, cols: 2 };
    expect(() => new KMeans({ nClusters: 2, init }).fit(good())).toThrow(
      expect.objectContaining({ code: 'ERR_KMEANS_SHAPE_MISMATCH' }),
    );
    const zero = {
      ...good(),
      indptr: Int32Array.of(0, 2, 2, 5),
      indices: Int32Array.of(0, 2, 0, 1, 2),
      data: Float64Array.of(1, 2, 4, 5, 6),
    };
    expect(() => new KMeans({ nClusters: 2, metric: 'cosine' }).fit(zero)).toThrow(
      expect.objectContaining({ code: 'ERR_KMEANS_ZERO_VECTOR', message: expect.stringMatching(/X row 1/) }),
    );
    expect(() => new KMeans({ nClusters: 2, init: 'k-means||' }).fit(good())).toThrow(
      expect.objectContaining({
        code: 'ERR_KMEANS_INVALID_OPTION',
        message: expect.stringMatching(/not available for CSR/),
      }),
    );
    expect(() => new KMeans({ nClusters: 2 }).fit(good(), { sampleWeight: [1, 2] })).toThrow(
      expect.objectContaining({ code: 'ERR_KMEANS_INVALID_WEIGHTS' }),
    );
    const model = new KMeans({ nClusters: 2, seed: 1 }).fit(good());
    expect(() => model.predict({ ...good(), cols: 4 })).toThrow(
      expect.objectContaining({ code: 'ERR_KMEANS_SHAPE_MISMATCH' }),
    );
  });
});

interface SparseCase {
  name: string;
  dataset: string;
  layout: 'csr' | 'dense';
  dtype: DType;
  algorithm: 'lloyd' | 'elkan';
  nClusters: number;
  initRows: number[];
  maxIter: number;
  tol: number;
  expected: { labels: number[]; nIter: number; inertia: number; centers: number[][] };
}

const fixtures = join(__dirname, '..', 'fixtures');
const sparseReference = JSON.parse(readFileSync(join(fixtures, 'sparse_reference.json'), 'utf8')) as {
  datasets: Record<string, FixtureDataset>;
  cases: SparseCase[];
};

function fixtureMatrix(name: string, dtype: DType): CsrMatrix {
  return fixtureCsr(sparseReference.datasets[name]!, dtype);
}

/** The rows initRows of the matrix, dense (the fixture's explicit init). */
function initFrom(csr: CsrMatrix, rows: number[]): Matrix {
  const d = csr.cols;
  const out: FloatArray =
    csr.data instanceof Float32Array ? new Float32Array(rows.length * d) : new Float64Array(rows.length * d);
  rows.forEach((row, r) => {
    for (let e = Number(csr.indptr[row]); e < Number(csr.indptr[row + 1]); e++)
      out[r * d + csr.indices[e]!] = out[r * d + csr.indices[e]!]! + csr.data[e]!;
  });
  return { data: out, rows: rows.length, cols: d };
}

/** A dense matrix as CSR with sorted indices and no repeats. */
function toCsr(dense: Matrix): CsrMatrix {
  const { data, rows, cols } = dense;
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < cols; f++) {
      if (data[i * cols + f] !== 0) {
        indices.push(f);
        values.push(data[i * cols + f]!);
      }
    }
    indptr[i + 1] = indices.length;
  }
  const typed = data instanceof Float32Array ? Float32Array.from(values) : Float64Array.from(values);
  return { format: 'csr', indptr, indices: Int32Array.from(indices), data: typed, rows, cols };
}

describe('KMeans on CSR: more layouts', () => {
  it.each(['float64', 'float32'] as const)('the TF-IDF matrix with k-means++ and a seed (%s)', (dtype) => {
    const csr = fixtureMatrix('tfidf-debian', dtype);
    const dense = densify(csr);
    const { dense: d, sparse } = expectSameFit(
      { dense, csr },
      { nClusters: 12, seed: 7, nInit: 2, algorithm: 'lloyd' },
    );
    expect(sameBits(sparse.clusterCenters.data, d.clusterCenters.data)).toBe(true);
    // It has rows without terms, which the cosine metric refuses as the dense fit does.
    const cosineRefusal = (X: Matrix | CsrMatrix) =>
      refusal(() => new KMeans({ nClusters: 3, metric: 'cosine' }).fit(X));
    expect(cosineRefusal(csr)).toBe(cosineRefusal(dense));
  });

  it('rows without entries, sorted indices, cosine on rows in order', () => {
    const problem = sparseBlobs(900, 25, 5, 41, 'float64');
    const dense = { ...problem.dense, data: problem.dense.data.slice() };
    for (let i = 0; i < 900; i += 37) dense.data.fill(0, i * 25, (i + 1) * 25);
    expectSameFit({ dense, csr: toCsr(dense) }, { nClusters: 6, seed: 12, nInit: 2 });
    expectSameFit({ dense: problem.dense, csr: toCsr(problem.dense) }, { nClusters: 6, seed: 13, metric: 'cosine' });
  });

  it('empty clusters take the rows the dense fit gives them when every row sits at its center', () => {
    // Rows 3-5 repeat a, 0-2 repeat b, and init holds a and b twice: two clusters stay empty, and
    // every row is at distance 0 from its center. The dense pass gives them rows 0 and 1 (the
    // lower rows first); the entry-wise distances of a's rows were rounding noise above 0.
    const d = 12;
    const a = [
      562.533, 820.858, 579.316, 18.343, 735.061, 928.128, 618.94, 428.691, 665.623, 920.388, 722.544, 973.411,
    ];
    const b = Array.from({ length: d }, (_, f) => (f === 0 ? 5 : 0));
    const dense = { data: Float64Array.from([b, b, b, a, a, a].flat()), rows: 6, cols: d };
    const init = { data: Float64Array.from([...a, ...a, ...b, ...b]), rows: 4, cols: d };
    const options = { nClusters: 4, init, maxIter: 5 };
    const denseFit = new KMeans(options).fit(dense);
    const sparse = new KMeans(options).fit(toCsr(dense));
    expect(Array.from(sparse.labels)).toEqual(Array.from(denseFit.labels));
    expect(sparse.nIter).toBe(denseFit.nIter);
    expect(Array.from(sparse.history.relocated)).toEqual(Array.from(denseFit.history.relocated));
    expect(sameBits(sparse.clusterCenters.data, denseFit.clusterCenters.data)).toBe(true);
    // The inertia is 0, and the entry-wise sums are within rounding of ||a||^2 (about 6e6) of it.
    expect(Math.abs(sparse.inertia - denseFit.inertia)).toBeLessThan(1e-6);
  });
});

describe("scikit-learn's sparse KMeans runs", () => {
  it.each(sparseReference.cases.filter((c) => c.layout === 'csr').map((c) => [c.name, c] as const))('%s', (_, c) => {
    const X = fixtureMatrix(c.dataset, c.dtype);
    const init = initFrom(X, c.initRows);
    const model = new KMeans({
      nClusters: c.nClusters,
      init,
      algorithm: c.algorithm,
      maxIter: c.maxIter,
      tol: c.tol,
    }).fit(X);
    expect(Array.from(model.labels)).toEqual(c.expected.labels);
    expect(model.nIter).toBe(c.expected.nIter);
    const float64 = c.dtype === 'float64';
    expect(maxRelativeError(model.clusterCenters.data, c.expected.centers.flat())).toBeLessThan(float64 ? 1e-9 : 1e-5);
    expect(relative(model.inertia, c.expected.inertia)).toBeLessThan(float64 ? 1e-9 : 1e-5);
  });
});
