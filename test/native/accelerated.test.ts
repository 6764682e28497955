// The accelerated paths are exact: Hamerly's algorithm and mixed precision give Lloyd's
// float64 labels, centers, inertia and iteration counts bit for bit, on many random problems.
import { describe, expect, it } from 'vitest';
import { KMeans, vq } from '../../src/index';
import type { Matrix } from '../../src/matrix';
import { blobs, matrix } from '../helpers';

// Small problems run on one thread unless told otherwise: these tests compare thread counts.
process.env.KMEANS_NATIVE_WORK_PER_THREAD = '1';

/** Small seeded generator for problem shapes. */
function shapes(count: number, seed: number) {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: count }, (_, i) => ({
    id: i,
    n: 50 + Math.floor(next() * 3000),
    d: 1 + Math.floor(next() * 40),
    k: 1 + Math.floor(next() * 30),
    blobs: 1 + Math.floor(next() * 12),
    spread: [0.5, 3, 10, 1000][Math.floor(next() * 4)]!,
    seed: Math.floor(next() * 1e6),
  }));
}

function identical(a: KMeans, b: KMeans): void {
  expect(b.labels).toEqual(a.labels);
  expect(b.clusterCenters.data).toEqual(a.clusterCenters.data);
  expect(Object.is(b.inertia, a.inertia)).toBe(true);
  expect(b.nIter).toBe(a.nIter);
  expect(b.converged).toBe(a.converged);
}

describe.each(['float64', 'float32'] as const)('Hamerly and Elkan equal Lloyd (%s)', (dtype) => {
  it.each(shapes(24, dtype === 'float64' ? 11 : 29))('problem $id: n=$n d=$d k=$k', (p) => {
    const X = matrix(blobs(p.n, p.d, p.blobs, p.seed, p.spread, 1), dtype);
    const k = Math.min(p.k, p.n);
    const lloyd = new KMeans({ nClusters: k, seed: p.seed, algorithm: 'lloyd', threads: 1 }).fit(X);
    for (const algorithm of ['hamerly', 'elkan'] as const) {
      for (const threads of [1, 2]) {
        const fast = new KMeans({ nClusters: k, seed: p.seed, algorithm, threads }).fit(X);
        identical(lloyd, fast);
        // One cluster: Elkan's request runs Lloyd's algorithm (with a warning), as scikit-learn.
        expect(fast.algorithmUsed).toBe(algorithm === 'elkan' && k === 1 ? 'lloyd' : algorithm);
        expect(fast.history.distanceEvals[0]).toBe(p.n * k); // the first pass computes everything
      }
    }
  });

  it.each(['hamerly', 'elkan'] as const)('%s skips most distances once the centers settle', (algorithm) => {
    const X = matrix(blobs(20000, 4, 20, 3, 10, 1), dtype);
    const km = new KMeans({ nClusters: 20, seed: 1, algorithm, tol: 0 }).fit(X);
    const evals = Array.from(km.history.distanceEvals);
    expect(evals.length).toBeGreaterThan(3);
    expect(evals.at(-1)!).toBeLessThan(0.2 * 20000 * 20);
  });
});

describe('mixed precision (float64 data, float32 distances)', () => {
  it.each(shapes(24, 5))('equals the float64 computation on problem $id: n=$n d=$d k=$k', (p) => {
    const X = matrix(blobs(p.n, p.d, p.blobs, p.seed, p.spread, 1));
    const k = Math.min(p.k, p.n);
    for (const algorithm of ['lloyd', 'hamerly', 'elkan'] as const) {
      const exact = new KMeans({ nClusters: k, seed: p.seed, algorithm, mixedPrecision: false }).fit(X);
      for (const threads of [1, 2]) {
        const mixed = new KMeans({ nClusters: k, seed: p.seed, algorithm, mixedPrecision: true, threads }).fit(X);
        identical(exact, mixed);
        expect(mixed.predict(X)).toEqual(exact.predict(X));
      }
    }
  });

  it('labels rows float32 cannot separate by their exact float64 distance', () => {
    // Rows 1e-9 apart around a midpoint: far below float32 resolution at this scale.
    const centers: Matrix = matrix([
      [1000, 0],
      [1000 + 1e-6, 0],
    ]);
    const rows = Array.from({ length: 64 }, (_, i) => [1000 + 5e-7 + (i % 2 ? 1e-9 : -1e-9) * (1 + i), i % 3]);
    const km = new KMeans({ init: centers, maxIter: 1, mixedPrecision: true }).fit(centers);
    const expected = rows.map(([x]) => (x! - 1000 < 5e-7 ? 0 : 1));
    expect(Array.from(km.predict(rows))).toEqual(expected);
    expect(Array.from(vq.vq(rows, centers).code)).toEqual(expected);
  });

  it('is the default for float64 data and can be turned off', () => {
    expect(new KMeans().params.mixedPrecision).toBe('auto');
    expect(new KMeans({ mixedPrecision: false }).params.mixedPrecision).toBe(false);
  });
});
