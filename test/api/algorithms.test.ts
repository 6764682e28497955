// Behaviour that does not need a reference run: hand-computed cases, ties, weights, sizes
// around the chunk boundaries, thread-count invariance and repeatability.
import { describe, expect, it } from 'vitest';
import { KMeans, kmeansPlusPlus, vq } from '../../src/index';
import type { Matrix } from '../../src/matrix';
import { blobs, matrix } from '../helpers';

// Small problems run on one thread unless told otherwise: these tests compare thread counts.
process.env.KMEANS_NATIVE_WORK_PER_THREAD = '1';

const dtypes = ['float64', 'float32'] as const;

function sameFit(a: KMeans, b: KMeans): void {
  expect(a.labels).toEqual(b.labels);
  expect(a.clusterCenters.data).toEqual(b.clusterCenters.data);
  expect(Object.is(a.inertia, b.inertia)).toBe(true);
  expect(a.nIter).toBe(b.nIter);
}

describe.each(dtypes)('Lloyd (%s)', (dtype) => {
  it('solves a hand-computed four-point case', () => {
    // Two pairs, far apart: centers are the pair means, inertia is 4 * 0.5^2 = 1.
    const X = matrix(
      [
        [0, 0],
        [1, 0],
        [10, 10],
        [11, 10],
      ],
      dtype,
    );
    const km = new KMeans({
      init: matrix(
        [
          [0, 0],
          [10, 10],
        ],
        dtype,
      ),
    }).fit(X);
    expect(Array.from(km.labels)).toEqual([0, 0, 1, 1]);
    expect(Array.from(km.clusterCenters.data)).toEqual([0.5, 0, 10.5, 10]);
    expect(km.inertia).toBe(1);
    expect(km.nIter).toBe(2); // the second pass changes no label: strict convergence
    expect(km.converged).toBe(true);
  });

  it('breaks exact ties towards the lowest center index', () => {
    // Every point is exactly equidistant from the two centers.
    const X = matrix(
      [
        [0, 1],
        [0, -1],
        [0, 3],
        [0, -3],
      ],
      dtype,
    );
    const centers = matrix(
      [
        [-1, 0],
        [1, 0],
      ],
      dtype,
    );
    const km = new KMeans({ init: centers }).fit(centers); // the centers stay where they are
    expect(Array.from(km.predict(X))).toEqual([0, 0, 0, 0]);
    // Two identical centers: the lower index takes every point.
    const twinCenters = matrix(
      [
        [5, 5],
        [5, 5],
        [-5, -5],
      ],
      dtype,
    );
    const twins = new KMeans({ init: twinCenters }).fit(twinCenters);
    expect(Array.from(twins.clusterCenters.data)).toEqual([5, 5, 5, 5, -5, -5]);
    expect(
      Array.from(
        twins.predict(
          matrix(
            [
              [5, 4],
              [-5, -4],
            ],
            dtype,
          ),
        ),
      ),
    ).toEqual([0, 2]);
  });

  it('labels near-ties by the exact distance even with large offsets', () => {
    // Points a hair closer to center 1 than to center 0, far from the origin: the norm
    // trick's rounding cannot decide these, the exact re-check must.
    const offset = dtype === 'float64' ? 1e6 : 1e3;
    const eps = dtype === 'float64' ? 1e-7 : 1e-2;
    const X = matrix(
      [
        [offset + eps, offset],
        [offset - eps, offset],
      ],
      dtype,
    );
    const centers = matrix(
      [
        [offset - 1, offset],
        [offset + 1, offset],
      ],
      dtype,
    );
    const km = new KMeans({ init: centers, maxIter: 1 }).fit(
      matrix(
        [
          [offset - 1, offset],
          [offset + 1, offset],
        ],
        dtype,
      ),
    );
    expect(Array.from(km.predict(X))).toEqual([1, 0]);
  });

  it('relocates an empty cluster to the farthest point', () => {
    // Center 2 is far from everything, so it gets no point and takes the farthest one, (9, 0).
    const X = matrix(
      [
        [0, 0],
        [1, 0],
        [0, 1],
        [9, 0],
      ],
      dtype,
    );
    const km = new KMeans({
      init: matrix(
        [
          [0, 0],
          [1, 1],
          [100, 100],
        ],
        dtype,
      ),
      maxIter: 1,
    }).fit(X);
    expect(km.history.relocated[0]).toBe(1);
    expect(Array.from(km.clusterCenters.data.subarray(4, 6))).toEqual([9, 0]);
    expect(new Set(km.labels).size).toBe(3);
  });

  it('handles k = 1 and k = n', () => {
    const rows = blobs(37, 3, 3, 7);
    const X = matrix(rows, dtype);
    const one = new KMeans({ nClusters: 1, seed: 0 }).fit(X);
    const mean = [0, 1, 2].map((f) => rows.reduce((s, r) => s + r[f]!, 0) / rows.length);
    expect(Array.from(one.clusterCenters.data).map((v, f) => Math.abs(v - mean[f]!))).toSatisfy((diffs: number[]) =>
      diffs.every((diff) => diff < (dtype === 'float64' ? 1e-12 : 1e-4)),
    );
    const all = new KMeans({ nClusters: 37, seed: 0 }).fit(X);
    expect(all.inertia).toBe(0);
    expect(new Set(all.labels).size).toBe(37);
  });

  it.each([1, 255, 256, 257, 513])('gives the same result on 1 and 2 threads for n = %i', (n) => {
    const X = matrix(blobs(n, 5, 4, n), dtype);
    const k = Math.min(4, n);
    sameFit(
      new KMeans({ nClusters: k, seed: 3, threads: 1 }).fit(X),
      new KMeans({ nClusters: k, seed: 3, threads: 2 }).fit(X),
    );
  });

  it('gives bitwise-identical results for any thread count on a larger problem', () => {
    const X = matrix(blobs(20000, 8, 12, 11, 5, 2), dtype);
    const fits = [1, 2, 3, 8].map((threads) => new KMeans({ nClusters: 12, seed: 5, threads }).fit(X));
    for (const fit of fits.slice(1)) sameFit(fits[0]!, fit);
  });

  it('repeats exactly with the same seed and differs with another', () => {
    const X = matrix(blobs(2000, 4, 10, 2, 3, 2), dtype);
    sameFit(new KMeans({ nClusters: 10, seed: 9 }).fit(X), new KMeans({ nClusters: 10, seed: 9 }).fit(X));
    const a = kmeansPlusPlus(X, 10, { seed: 1 }).indices;
    const b = kmeansPlusPlus(X, 10, { seed: 2 }).indices;
    expect(a).not.toEqual(b);
  });

  it('gives integer sample weights the result of repeated rows', () => {
    const rows = blobs(300, 3, 4, 21);
    const weights = rows.map((_, i) => 1 + (i % 3));
    const repeated = rows.flatMap((row, i) => Array.from({ length: weights[i]! }, () => row));
    const init = matrix(rows.slice(0, 4), dtype);
    const weighted = new KMeans({ init }).fit(matrix(rows, dtype), { sampleWeight: weights });
    const duplicated = new KMeans({ init }).fit(matrix(repeated, dtype));
    const tolerance = dtype === 'float64' ? 1e-10 : 1e-4;
    expect(maxAbsDiff(weighted.clusterCenters, duplicated.clusterCenters)).toBeLessThan(tolerance);
    expect(Math.abs(weighted.inertia - duplicated.inertia) / duplicated.inertia).toBeLessThan(tolerance);
    expect(weighted.nIter).toBe(duplicated.nIter);
    const expanded = Array.from(weighted.labels).flatMap((label, i) =>
      Array.from({ length: weights[i]! }, () => label),
    );
    expect(Array.from(duplicated.labels)).toEqual(expanded);
  });

  it('is unchanged when all weights are scaled', () => {
    const X = matrix(blobs(500, 4, 5, 5), dtype);
    const weights = Array.from({ length: 500 }, (_, i) => 0.5 + (i % 7) / 4);
    const a = new KMeans({ nClusters: 5, seed: 4 }).fit(X, { sampleWeight: weights });
    const b = new KMeans({ nClusters: 5, seed: 4 }).fit(X, { sampleWeight: weights.map((w) => w * 8) });
    expect(a.labels).toEqual(b.labels);
    expect(a.clusterCenters.data).toEqual(b.clusterCenters.data); // a power of two scales exactly
    expect(b.inertia).toBe(a.inertia * 8);
  });

  it('keeps the winning run of several (nInit) and beats a single run on average', () => {
    const X = matrix(blobs(1500, 2, 15, 8, 10, 1.5), dtype);
    const single = new KMeans({ nClusters: 15, seed: 1, init: 'random', nInit: 1 }).fit(X);
    const many = new KMeans({ nClusters: 15, seed: 1, init: 'random', nInit: 10 }).fit(X);
    expect(many.inertia).toBeLessThanOrEqual(single.inertia);
    expect(new KMeans({ nClusters: 15, seed: 1, init: 'random' }).fit(X).inertia).toBe(many.inertia); // 'auto' = 10
  });

  it('stops at maxIter and reports it', () => {
    const X = matrix(blobs(3000, 6, 20, 31, 4, 3), dtype);
    const km = new KMeans({ nClusters: 20, seed: 2, maxIter: 2, tol: 0 }).fit(X);
    expect(km.nIter).toBe(2);
    expect(km.converged).toBe(false);
    expect(km.history.centerShift.length).toBe(2);
    // The labels belong to the returned centers (a final assignment pass ran).
    expect(km.predict(X)).toEqual(km.labels);
  });

  it('returns typed results in the input dtype', () => {
    const km = new KMeans({ nClusters: 3, seed: 0 }).fit(matrix(blobs(100, 2, 3, 1), dtype));
    const type = dtype === 'float32' ? Float32Array : Float64Array;
    expect(km.clusterCenters.data).toBeInstanceOf(type);
    expect(km.labels).toBeInstanceOf(Int32Array);
    expect(km.transform(matrix([[0, 0]], dtype)).data).toBeInstanceOf(type);
    expect(km.nFeaturesIn).toBe(2);
    expect(km.fitPredict(matrix(blobs(100, 2, 3, 1), dtype))).toEqual(km.labels);
  });
});

describe('extreme magnitudes in float32', () => {
  const exactLabels = (rows: number[][], centers: number[][]) =>
    rows.map((row) => {
      const dist = centers.map((c) => c.reduce((sum, v, f) => sum + (row[f]! - v) ** 2, 0));
      return dist.indexOf(Math.min(...dist));
    });

  it('labels correctly when ||c||^2 overflows float32 (the exact path takes over)', () => {
    const rows = blobs(200, 3, 2, 17, 1, 0.2).map((row, i) => row.map((v) => (i % 2 ? 3e19 : -3e19) * (1 + v / 10)));
    const centers = [rows[0]!, rows[1]!];
    const km = new KMeans({ init: matrix(centers, 'float32'), maxIter: 1 }).fit(matrix(centers, 'float32'));
    const X = matrix(rows, 'float32');
    const rounded = Array.from({ length: 200 }, (_, i) => Array.from(X.data.subarray(i * 3, i * 3 + 3)));
    const fitted = [0, 1].map((j) => Array.from(km.clusterCenters.data.subarray(j * 3, j * 3 + 3)));
    expect(Array.from(km.predict(X))).toEqual(exactLabels(rounded, fitted));
  });

  it('labels correctly when the products fall into the subnormal range', () => {
    const rows = blobs(3000, 2, 5, 23, 1, 0.5).map((row) => row.map((v) => v * 1e-22));
    const X = matrix(rows, 'float32');
    const km = new KMeans({ nClusters: 5, seed: 1, maxIter: 3 }).fit(X);
    const centers = [0, 1, 2, 3, 4].map((j) => Array.from(km.clusterCenters.data.subarray(j * 2, j * 2 + 2)));
    const rounded = Array.from({ length: 3000 }, (_, i) => Array.from(X.data.subarray(i * 2, i * 2 + 2)));
    expect(Array.from(km.predict(X))).toEqual(exactLabels(rounded, centers));
  });

  it("reports each iteration's inertia exactly, even where the kernel values cancel", () => {
    const rows = blobs(400, 16, 2, 29, 1000, 1);
    const X = matrix(rows, 'float32');
    const init = matrix([rows[0]!, rows[1]!], 'float32');
    const km = new KMeans({ init, maxIter: 1 }).fit(X);
    let exact = 0;
    for (let i = 0; i < 400; i++) {
      const row = Array.from(X.data.subarray(i * 16, i * 16 + 16));
      const dist = [0, 1].map((j) => row.reduce((sum, v, f) => sum + (v - init.data[j * 16 + f]!) ** 2, 0));
      exact += Math.min(...dist);
    }
    expect(Math.abs(km.history.inertia[0]! - exact) / exact).toBeLessThan(1e-12);
  });
});

describe('large k·d', () => {
  it('sums clusters in as few slots as the memory budget allows, with the same result on any thread count', () => {
    // (1100 * 2048 + 1100) doubles, about 18 MB, of sums per block: only two blocks' sums fit the
    // 64 MiB budget at a time, so a block waits for the one two before it to be merged.
    const n = 2048;
    const d = 2048;
    const k = 1100;
    let state = 12345;
    const data = Float64Array.from(
      { length: n * d },
      () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648,
    );
    const X: Matrix = { data, rows: n, cols: d };
    const init: Matrix = { data: data.slice(0, k * d), rows: k, cols: d };
    // Lloyd: Hamerly's center gaps (k^2 d) would take most of the time here.
    const fits = [1, 2].map((threads) => new KMeans({ init, maxIter: 1, tol: 0, threads, algorithm: 'lloyd' }).fit(X));
    // Compared as bytes: a deep equality of 2 million numbers takes seconds.
    const bytes = (array: Float64Array | Int32Array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength);
    expect(bytes(fits[0]!.labels).equals(bytes(fits[1]!.labels))).toBe(true);
    expect(
      bytes(fits[0]!.clusterCenters.data as Float64Array).equals(bytes(fits[1]!.clusterCenters.data as Float64Array)),
    ).toBe(true);
    expect(Object.is(fits[0]!.inertia, fits[1]!.inertia)).toBe(true);

    // One pass: the new centers are the means of the rows by their nearest initial center.
    const { code } = vq.vq(X, init);
    const sums = new Float64Array(k * d);
    const counts = new Float64Array(k);
    code.forEach((label, i) => {
      counts[label]!++;
      for (let f = 0; f < d; f++) sums[label * d + f]! += data[i * d + f]!;
    });
    const centers = fits[0]!.clusterCenters.data;
    let worst = 0;
    for (let j = 0; j < k; j++)
      for (let f = 0; f < d; f++)
        worst = Math.max(worst, Math.abs(centers[j * d + f]! - sums[j * d + f]! / counts[j]!));
    expect(worst).toBeLessThan(1e-12);
  });
});

describe("algorithm 'auto'", () => {
  // Hamerly's bounds where they pay (many clusters, or a few with wide rows), else Lloyd.
  it.each([
    { k: 8, d: 500, used: 'lloyd' },
    { k: 10, d: 2, used: 'lloyd' },
    { k: 31, d: 127, used: 'lloyd' },
    { k: 9, d: 128, used: 'hamerly' },
    { k: 32, d: 2, used: 'hamerly' },
  ])('k = $k, d = $d: $used', ({ k, d, used }) => {
    const X = matrix(blobs(200, d, 5, k + d), 'float32');
    expect(new KMeans({ nClusters: k, seed: 1, maxIter: 2 }).fit(X).algorithmUsed).toBe(used);
  });
});

describe('inputs', () => {
  it('treats number[][] and a Float64Array matrix alike', () => {
    const rows = blobs(400, 3, 4, 3);
    sameFit(new KMeans({ nClusters: 4, seed: 8 }).fit(rows), new KMeans({ nClusters: 4, seed: 8 }).fit(matrix(rows)));
  });

  it('reads typed arrays in place, including views at an offset', () => {
    const rows = blobs(300, 2, 3, 4);
    const backing = new Float64Array(10 + 600);
    backing.set(rows.flat(), 10);
    const view: Matrix = { data: backing.subarray(10), rows: 300, cols: 2 };
    sameFit(new KMeans({ nClusters: 3, seed: 1 }).fit(view), new KMeans({ nClusters: 3, seed: 1 }).fit(rows));
  });

  it('predicts float64 data with a float32 model without downcasting the data', () => {
    const rows = blobs(200, 2, 3, 6);
    const km = new KMeans({ nClusters: 3, seed: 1 }).fit(matrix(rows, 'float32'));
    expect(km.transform(rows).data).toBeInstanceOf(Float64Array);
    expect(km.predict(rows)).toEqual(km.labels);
  });
});

function maxAbsDiff(a: Matrix, b: Matrix): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
  return worst;
}
