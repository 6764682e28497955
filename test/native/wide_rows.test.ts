// Rows of 128 features and more go through the wide-row kernel (native/kernels/tiles/wide_tile.cpp).
// Its labels must be the exact nearest center, ties and near-ties included, in float32, float64
// and mixed precision, and the accelerated algorithms, thread counts and precisions must give
// Lloyd's float64 results bit for bit, as with narrow rows.
import { describe, expect, it } from 'vitest';
import { KMeans, vq } from '../../src/index';
import type { Matrix } from '../../src/matrix';
import { blobs, matrix } from '../helpers';

// Small problems run on one thread unless told otherwise: these tests compare thread counts.
process.env.KMEANS_NATIVE_WORK_PER_THREAD = '1';

function generator(seed: number) {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** Index of the nearest row of C for each row of X, by exact float64 distances; lowest on a tie. */
function nearest(X: Matrix, C: Matrix): number[] {
  const d = X.cols;
  return Array.from({ length: X.rows }, (_, i) => {
    let best = 0;
    let bestDistance = Infinity;
    for (let j = 0; j < C.rows; j++) {
      let distance = 0;
      for (let f = 0; f < d; f++) distance += (X.data[i * d + f]! - C.data[j * d + f]!) ** 2;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = j;
      }
    }
    return best;
  });
}

/**
 * Rows of small integers and centers in pairs mirrored about a row (x + v, x - v: exactly
 * equidistant from it), some pairs nudged by 2^-20 in one coordinate so that the row is nearer
 * to one of them by far less than float32 can resolve. Every value is exact in float32.
 */
function tieProblem(n: number, d: number, k: number, seed: number): { X: number[][]; C: number[][] } {
  const next = generator(seed);
  const integer = (range: number) => Math.floor(next() * (2 * range + 1)) - range;
  const X = Array.from({ length: n }, () => Array.from({ length: d }, () => integer(8)));
  const C: number[][] = [];
  while (C.length < k) {
    const row = X[Math.floor(next() * n)]!;
    const offset = Array.from({ length: d }, () => integer(2));
    C.push(row.map((x, f) => x + offset[f]!));
    if (C.length < k) {
      const mirrored = row.map((x, f) => x - offset[f]!);
      if (next() < 0.5) mirrored[Math.floor(next() * d)]! += next() < 0.5 ? 2 ** -20 : -(2 ** -20);
      C.push(mirrored);
    }
  }
  return { X, C };
}

describe('wide rows: labels are the exact nearest center', () => {
  const cases = [
    { n: 300, d: 128, k: 7 },
    { n: 257, d: 131, k: 13 },
    { n: 40, d: 200, k: 2 },
    { n: 600, d: 784, k: 50 },
    { n: 3, d: 1536, k: 1 },
  ];
  it.each(cases)('n=$n d=$d k=$k, ties and near-ties', ({ n, d, k }) => {
    const { X: rows, C: centerRows } = tieProblem(n, d, k, n * 31 + d);
    const expected = nearest(matrix(rows), matrix(centerRows));
    for (const dtype of ['float64', 'float32'] as const) {
      const X = matrix(rows, dtype);
      const C = matrix(centerRows, dtype);
      for (const mixedPrecision of dtype === 'float64' ? [true, false] : ['auto' as const]) {
        for (const threads of [1, 2]) {
          const km = new KMeans({ init: C, maxIter: 1, mixedPrecision, threads }).fit(C);
          expect(Array.from(km.predict(X))).toEqual(expected);
        }
      }
      expect(Array.from(vq.vq(X, C).code)).toEqual(expected);
    }
  });
});

describe.each(['float64', 'float32'] as const)('wide rows: one result whatever the path (%s)', (dtype) => {
  const next = generator(dtype === 'float64' ? 17 : 23);
  const shapes = Array.from({ length: 8 }, (_, id) => ({
    id,
    n: 100 + Math.floor(next() * 900),
    d: 128 + Math.floor(next() * 700),
    k: 1 + Math.floor(next() * 40),
    blobs: 1 + Math.floor(next() * 12),
    seed: Math.floor(next() * 1e6),
  }));

  it.each(shapes)('problem $id: n=$n d=$d k=$k', (p) => {
    const X = matrix(blobs(p.n, p.d, p.blobs, p.seed, 3, 1), dtype);
    const fit = (options: ConstructorParameters<typeof KMeans>[0]) =>
      new KMeans({ nClusters: p.k, seed: p.seed, maxIter: 30, ...options }).fit(X);
    const reference = fit({ algorithm: 'lloyd', threads: 1, mixedPrecision: false });
    const variants = [
      { algorithm: 'lloyd' as const, threads: 2 },
      { algorithm: 'hamerly' as const, threads: 2 },
      { algorithm: 'elkan' as const, threads: 1 },
      ...(dtype === 'float64' ? [{ algorithm: 'lloyd' as const, threads: 2, mixedPrecision: true }] : []),
    ];
    for (const options of variants) {
      const km = fit(options);
      expect(km.labels).toEqual(reference.labels);
      expect(km.clusterCenters.data).toEqual(reference.clusterCenters.data);
      expect(Object.is(km.inertia, reference.inertia)).toBe(true);
      expect(km.nIter).toBe(reference.nIter);
      expect(km.history.inertia).toEqual(reference.history.inertia);
      expect(km.history.centerShift).toEqual(reference.history.centerShift);
    }
  });
});
