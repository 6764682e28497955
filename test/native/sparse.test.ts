// Lloyd's k-means on sparse rows (native sparseFit, sparseAssign) against the dense KMeans on the
// same rows densified: the same labels, centers and iteration counts, whatever the thread count,
// with rows stored as CSR with unsorted indices, explicit zeros and duplicate entries.
import { describe, expect, it } from 'vitest';
import { type FloatArray, type SparseFitRequest, native } from '../../src/binding';
import { KMeans } from '../../src/index';
import type { Matrix } from '../../src/matrix';
import { type DType, generator, sameBits } from '../api/sparse_helpers';
import { maxRelativeError } from '../helpers';

// Small problems run on as many threads as asked: these tests compare thread counts.
process.env.KMEANS_NATIVE_WORK_PER_THREAD = '1';

interface Problem {
  dense: Matrix;
  csr: {
    indptr: Int32Array;
    indices: Int32Array;
    data: FloatArray;
    rowNorms: Float64Array;
  };
}

/**
 * Sparse blobs: each cluster has its own columns, each row keeps each of its cluster's values
 * with probability `density` (plus noise), and a few stray values elsewhere. Row 0 is empty.
 * The CSR form lists each row's entries shuffled, with explicit zeros, and splits some values
 * into duplicates that add up to them exactly (halves and quarters).
 */
function sparseBlobs(n: number, d: number, blobs: number, seed: number, dtype: DType, spread = 5): Problem {
  const uniform = generator(seed);
  const active = Array.from({ length: blobs }, () => Array.from({ length: d }, () => uniform() < 0.3));
  const means = Array.from({ length: blobs }, () => Array.from({ length: d }, () => (uniform() * 2 - 1) * spread));
  const values = dtype === 'float32' ? new Float32Array(n * d) : new Float64Array(n * d);
  for (let i = 1; i < n; i++) {
    const blob = i % blobs;
    for (let f = 0; f < d; f++) {
      if (active[blob]![f] && uniform() < 0.8) values[i * d + f] = means[blob]![f]! + (uniform() - 0.5);
      else if (uniform() < 0.02) values[i * d + f] = uniform() - 0.5;
    }
  }
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const data: number[] = [];
  const rowNorms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const entries: [number, number][] = [];
    let norm = 0;
    for (let f = 0; f < d; f++) {
      const value = values[i * d + f]!;
      norm += value * value;
      if (value !== 0) {
        const split = uniform();
        if (split < 0.05) entries.push([f, value / 2], [f, value / 2]);
        else if (split < 0.08) entries.push([f, value / 4], [f, value / 2], [f, value / 4]);
        else entries.push([f, value]);
      } else if (uniform() < 0.01) {
        entries.push([f, 0]);
      }
    }
    rowNorms[i] = norm;
    for (let e = entries.length - 1; e > 0; e--) {
      const other = Math.floor(uniform() * (e + 1));
      [entries[e], entries[other]] = [entries[other]!, entries[e]!];
    }
    for (const [f, value] of entries) {
      indices.push(f);
      data.push(value);
    }
    indptr[i + 1] = indices.length;
  }
  const typed = dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data);
  return {
    dense: { data: values, rows: n, cols: d },
    csr: { indptr, indices: Int32Array.from(indices), data: typed, rowNorms },
  };
}

/** k initial centers: rows of the data (as an explicit init would be). */
function initialCenters(problem: Problem, k: number, seed: number, far = 0): FloatArray {
  const { data, rows, cols } = problem.dense;
  const uniform = generator(seed);
  const centers = data instanceof Float32Array ? new Float32Array(k * cols) : new Float64Array(k * cols);
  for (let j = 0; j < k; j++) {
    const row = 1 + Math.floor(uniform() * (rows - 1));
    centers.set(data.subarray(row * cols, (row + 1) * cols), j * cols);
  }
  // `far` centers far from every row: empty clusters in the first pass.
  for (let j = k - far; j < k; j++) centers.fill(1000 + j, j * cols, (j + 1) * cols);
  return centers;
}

function sparseRequest(
  problem: Problem,
  centers: FloatArray,
  options: { maxIter: number; tol: number; threads: number; sampleWeight?: Float64Array },
): SparseFitRequest {
  const { rows: n, cols: d } = problem.dense;
  return {
    ...problem.csr,
    n,
    d,
    sampleWeight: options.sampleWeight ?? null,
    centers: centers.slice(),
    k: centers.length / d,
    labels: new Int32Array(n),
    maxIter: options.maxIter,
    tol: options.tol,
    threads: options.threads,
  };
}

/** The dense fit (the library's KMeans, Lloyd's, no mixed precision) and its absolute tolerance. */
function denseFit(problem: Problem, centers: FloatArray, tol: number, maxIter: number, sampleWeight?: Float64Array) {
  const k = centers.length / problem.dense.cols;
  const init: Matrix = { data: centers.slice(), rows: k, cols: problem.dense.cols };
  const model = new KMeans({ nClusters: k, init, algorithm: 'lloyd', mixedPrecision: false, maxIter, tol, threads: 1 });
  model.fit(problem.dense, sampleWeight ? { sampleWeight } : {});
  const meanVariance = native().columnStats({
    x: problem.dense.data,
    n: problem.dense.rows,
    d: problem.dense.cols,
    sampleWeight: null,
    threads: 1,
    means: new Float64Array(problem.dense.cols),
  });
  return { model, absoluteTol: tol * meanVariance };
}

const shapes = [
  { n: 700, d: 30, k: 3, blobs: 3, seed: 1 },
  { n: 2500, d: 60, k: 20, blobs: 12, seed: 2 },
  { n: 3100, d: 17, k: 40, blobs: 25, seed: 3 },
  { n: 1500, d: 200, k: 7, blobs: 7, seed: 4 },
];

describe.each(['float64', 'float32'] as const)('sparseFit equals the dense Lloyd fit (%s)', (dtype) => {
  it.each(shapes)('n=$n d=$d k=$k', ({ n, d, k, blobs, seed }) => {
    const problem = sparseBlobs(n, d, blobs, seed, dtype);
    const centers = initialCenters(problem, k, seed + 100);
    const { model, absoluteTol } = denseFit(problem, centers, 1e-4, 300);
    const request = sparseRequest(problem, centers, { maxIter: 300, tol: absoluteTol, threads: 1 });
    const result = native().sparseFit(request);

    expect(Array.from(request.labels)).toEqual(Array.from(model.labels));
    expect(result.nIter).toBe(model.nIter);
    expect(result.converged).toBe(model.converged);
    // The sums add the same values in the same order as the dense pass: the same bits.
    expect(maxRelativeError(request.centers, model.clusterCenters.data)).toBeLessThan(dtype === 'float64' ? 1e-12 : 1e-6);
    expect(sameBits(request.centers, model.clusterCenters.data)).toBe(true);
    expect(Math.abs(result.inertia - model.inertia) / model.inertia).toBeLessThan(dtype === 'float64' ? 1e-12 : 1e-6);
  });

  it('gives the same bits on 1, 2 and 3 threads, and async', async () => {
    // Nine blocks of rows: more than the slots of partial sums 2 or 3 threads get, so blocks wait for one.
    const problem = sparseBlobs(9000, 40, 10, 7, dtype);
    const centers = initialCenters(problem, 12, 8);
    const runs = [1, 2, 3].map((threads) => {
      const request = sparseRequest(problem, centers, { maxIter: 50, tol: 0, threads });
      return { request, result: native().sparseFit(request) };
    });
    const asyncRequest = sparseRequest(problem, centers, { maxIter: 50, tol: 0, threads: 2 });
    runs.push({ request: asyncRequest, result: await native().sparseFitAsync(asyncRequest) });
    const [first, ...others] = runs;
    for (const run of others) {
      expect(run.request.labels).toEqual(first!.request.labels);
      expect(sameBits(run.request.centers, first!.request.centers)).toBe(true);
      expect(Object.is(run.result.inertia, first!.result.inertia)).toBe(true);
      expect(run.result.nIter).toBe(first!.result.nIter);
    }
  });

  it('relocates empty clusters as the dense fit does', () => {
    const problem = sparseBlobs(2200, 25, 6, 11, dtype);
    const centers = initialCenters(problem, 8, 12, 2);
    const { model, absoluteTol } = denseFit(problem, centers, 1e-4, 300);
    const request = sparseRequest(problem, centers, { maxIter: 300, tol: absoluteTol, threads: 2 });
    const result = native().sparseFit(request);
    expect(model.history.relocated[0]).toBe(2);
    expect(Array.from(request.labels)).toEqual(Array.from(model.labels));
    expect(result.nIter).toBe(model.nIter);
    expect(sameBits(request.centers, model.clusterCenters.data)).toBe(true);
    expect(Math.abs(result.inertia - model.inertia) / model.inertia).toBeLessThan(dtype === 'float64' ? 1e-12 : 1e-6);
  });

  it('weights the rows as the dense fit does', () => {
    const problem = sparseBlobs(1800, 30, 5, 21, dtype);
    const centers = initialCenters(problem, 6, 22);
    const uniform = generator(23);
    const sampleWeight = Float64Array.from({ length: 1800 }, () => 0.25 + uniform() * 3);
    const { model, absoluteTol } = denseFit(problem, centers, 1e-4, 300, sampleWeight);
    const request = sparseRequest(problem, centers, { maxIter: 300, tol: absoluteTol, threads: 2, sampleWeight });
    const result = native().sparseFit(request);
    expect(Array.from(request.labels)).toEqual(Array.from(model.labels));
    expect(result.nIter).toBe(model.nIter);
    expect(sameBits(request.centers, model.clusterCenters.data)).toBe(true);
    expect(Math.abs(result.inertia - model.inertia) / model.inertia).toBeLessThan(dtype === 'float64' ? 1e-12 : 1e-6);
  });
});

describe('sparseAssign', () => {
  it.each(['float64', 'float32'] as const)('gives the dense nearest centers and inertia (%s)', (dtype) => {
    const problem = sparseBlobs(3000, 50, 9, 31, dtype);
    const centers = initialCenters(problem, 30, 32);
    const { rows: n, cols: d } = problem.dense;
    const dense = { x: problem.dense.data, n, d, sampleWeight: null, threads: 1, centers, k: 30 };
    const denseLabels = new Int32Array(n);
    const denseInertia = native().assign({ ...dense, labels: denseLabels });
    const labels = new Int32Array(n);
    const inertia = native().sparseAssign({ ...problem.csr, n, d, sampleWeight: null, threads: 2, centers, k: 30, labels });
    expect(labels).toEqual(denseLabels);
    expect(Math.abs(inertia - denseInertia) / denseInertia).toBeLessThan(dtype === 'float64' ? 1e-12 : 1e-6);
  });

  it('reads int64 row starts as int32 ones', () => {
    const problem = sparseBlobs(1200, 20, 4, 41, 'float64');
    const centers = initialCenters(problem, 5, 42);
    const { rows: n, cols: d } = problem.dense;
    const request = { ...problem.csr, n, d, sampleWeight: null, threads: 1, centers, k: 5 };
    const labels32 = new Int32Array(n);
    const labels64 = new Int32Array(n);
    const inertia32 = native().sparseAssign({ ...request, labels: labels32 });
    const indptr = BigInt64Array.from(problem.csr.indptr, (start) => BigInt(start));
    const inertia64 = native().sparseAssign({ ...request, indptr, labels: labels64 });
    expect(labels64).toEqual(labels32);
    expect(Object.is(inertia64, inertia32)).toBe(true);
  });

  it('refuses rows that would read outside the arrays', () => {
    const problem = sparseBlobs(300, 10, 3, 51, 'float64');
    const centers = initialCenters(problem, 3, 52);
    const { rows: n, cols: d } = problem.dense;
    const request = { ...problem.csr, n, d, sampleWeight: null, threads: 1, centers, k: 3, labels: new Int32Array(n) };
    const indices = problem.csr.indices.slice();
    indices[5] = d;
    expect(() => native().sparseAssign({ ...request, indices })).toThrow(/indices must be column indices/);
    const indptr = problem.csr.indptr.slice();
    indptr[3] = indptr[4]! + 1;
    expect(() => native().sparseAssign({ ...request, indptr })).toThrow(/indptr must not decrease/);
    expect(() => native().sparseAssign({ ...request, data: problem.csr.data.subarray(1) })).toThrow(/same length/);
    expect(() => native().sparseAssign({ ...request, data: Float32Array.from(problem.csr.data) })).toThrow(
      /wrong element type/,
    );
  });
});

describe('near ties', () => {
  it.each(['float64', 'float32'] as const)('are decided as the dense assignment decides them (%s)', (dtype) => {
    const problem = sparseBlobs(2000, 24, 4, 61, dtype);
    const { rows: n, cols: d, data } = problem.dense;
    // Centers that differ from one row in one coordinate each, by a few units in the last place,
    // and one exact copy of the first: most rows have many centers within the rounding margin.
    const k = 30;
    const nudge = dtype === 'float64' ? 2 ** -44 : 2 ** -20;
    const centers = dtype === 'float32' ? new Float32Array(k * d) : new Float64Array(k * d);
    for (let j = 0; j < k; j++) {
      centers.set(data.subarray(7 * d, 8 * d), j * d);
      const f = j % d;
      if (j < k - 1) centers[j * d + f] = centers[j * d + f]! * (1 + (j % 5) * nudge) + (j % 3) * nudge;
    }
    const dense = { x: data, n, d, sampleWeight: null, threads: 1, centers, k };
    const denseLabels = new Int32Array(n);
    native().assign({ ...dense, labels: denseLabels });
    const labels = new Int32Array(n);
    native().sparseAssign({ ...problem.csr, n, d, sampleWeight: null, threads: 2, centers, k, labels });
    expect(labels).toEqual(denseLabels);
    expect(new Set(labels).size).toBeGreaterThan(3);
  });
});
