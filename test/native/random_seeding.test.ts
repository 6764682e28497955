// Seeding is one native call (seedCenters) that draws from the run's generator. It must choose
// the rows the former TypeScript seeding chose, written out here: random init drew one double
// per row, in row order, and sorted every row by its key log(1 - u) / w; k-means++ drew its
// uniforms in TypeScript and passed them to the native plusPlus loop. The generator must end
// where it ended then, so that later draws (MiniBatchKMeans's batches) stay the same.
import { describe, expect, it } from 'vitest';
import { native } from '../../src/binding';
import { KMeans, MiniBatchKMeans } from '../../src/index';
import type { Matrix } from '../../src/matrix';
import { runAsync, runSync } from '../../src/plan';
import { Random } from '../../src/rng';
import { type SeedingContext, plusPlusPlan, randomRows } from '../../src/seeding';
import { blobs, matrix } from '../helpers';

// Small problems run on one thread unless told otherwise: these tests compare thread counts.
process.env.KMEANS_NATIVE_WORK_PER_THREAD = '1';

/** The former random init: every row's key, then every row sorted (largest key first, ties to the lower row). */
function referenceRandomRows(X: Matrix, k: number, sampleWeight: Float64Array | null, rng: Random): Int32Array {
  const keys = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    const w = sampleWeight ? sampleWeight[i]! : 1;
    const u = rng.nextDouble();
    keys[i] = w > 0 ? Math.log(1 - u) / w : -Infinity;
  }
  const order = Int32Array.from({ length: X.rows }, (_, i) => i).sort((a, b) => keys[b]! - keys[a]! || a - b);
  return order.slice(0, k);
}

/** The former k-means++: the uniforms drawn here, the loop in the native plusPlus operation. */
function referencePlusPlus(X: Matrix, k: number, trials: number, context: SeedingContext): Int32Array {
  const uniforms = new Float64Array(1 + (k - 1) * trials);
  for (let i = 0; i < uniforms.length; i++) uniforms[i] = context.rng.nextDouble();
  const indices = new Int32Array(k);
  const { sampleWeight, threads, means: shift } = context;
  native().plusPlus({ x: X.data, n: X.rows, d: X.cols, sampleWeight, threads, shift, k, trials, uniforms, indices });
  return indices;
}

function rowsOf(X: Matrix, indices: Int32Array): number[] {
  return Array.from(indices).flatMap((row) => Array.from(X.data.subarray(row * X.cols, (row + 1) * X.cols)));
}

function contextFor(X: Matrix, k: number, sampleWeight: Float64Array | null, seed: number, threads = 1): SeedingContext {
  const means = new Float64Array(X.cols);
  native().columnStats({ x: X.data, n: X.rows, d: X.cols, sampleWeight, threads, means });
  return { X, k, sampleWeight, rng: new Random(seed), threads, means };
}

const problems = [
  { n: 1, d: 3, k: 1 },
  { n: 7, d: 2, k: 7 },
  { n: 300, d: 5, k: 1 },
  { n: 500, d: 8, k: 12 },
  { n: 2000, d: 3, k: 64 },
  { n: 1500, d: 40, k: 300 },
];

/** Weightings: none, all ones, integers with zeros, spread reals, tiny weights whose keys overflow. */
function weightings(n: number): [string, Float64Array | null][] {
  const rng = new Random(n);
  return [
    ['unweighted', null],
    ['all ones', new Float64Array(n).fill(1)],
    ['integers with zeros', Float64Array.from({ length: n }, (_, i) => (i % 5 === 1 && n > 10 ? 0 : 1 + (i % 3)))],
    ['spread', Float64Array.from({ length: n }, () => 1e-3 + 1e3 * rng.nextDouble())],
    ['tiny', Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1e-310 : 2))],
  ];
}

describe('seedCenters chooses the rows the former seeding chose, and leaves the generator where it left it', () => {
  it.each(problems)('n=$n d=$d k=$k', ({ n, d, k }) => {
    const rows = blobs(n, d, Math.max(1, Math.min(k, 20)), n + d, 5, 1);
    // Exact duplicates: equal keys are impossible, but equal rows and zero distances are not.
    for (let i = 0; i + 10 < n && i < 10; i++) rows[i + 10] = rows[i]!.slice();
    for (const dtype of ['float64', 'float32'] as const) {
      const X = matrix(rows, dtype);
      for (const [name, weights] of weightings(n)) {
        for (const seed of [0, 1, 2 ** 32 + 5, 2 ** 53 - 1]) {
          const what = `${dtype}, ${name}, seed ${seed}`;
          const context = contextFor(X, k, weights, seed);
          const reference = contextFor(X, k, weights, seed);
          const expected = referenceRandomRows(X, k, weights, reference.rng);
          const seeding = runSync(randomRows(context));
          expect(Array.from(seeding.indices), `random: ${what}`).toEqual(Array.from(expected));
          expect(Array.from(seeding.centers.data)).toEqual(rowsOf(X, expected));
          expect(seeding.centers.data.constructor).toBe(X.data.constructor);
          expect(context.rng.saveState()).toEqual(reference.rng.saveState());

          if (name === 'tiny') continue; // k-means++ on weights of 1e-310 underflows its potentials
          const trials = seed % 3 === 0 ? 2 + Math.floor(Math.log(k)) : 1;
          const plusPlus = runSync(plusPlusPlan(context, trials));
          const expectedPlusPlus = referencePlusPlus(X, k, trials, reference);
          expect(Array.from(plusPlus.indices), `k-means++: ${what}`).toEqual(Array.from(expectedPlusPlus));
          expect(Array.from(plusPlus.centers.data)).toEqual(rowsOf(X, expectedPlusPlus));
          expect(context.rng.saveState()).toEqual(reference.rng.saveState());
        }
      }
    }
  });

  it('gives the same rows on one thread and on several, synchronously and on the pool', async () => {
    const X = matrix(blobs(3000, 24, 30, 11, 4, 1), 'float32');
    const weights = Float64Array.from({ length: X.rows }, (_, i) => 0.5 + (i % 4));
    for (const sampleWeight of [null, weights]) {
      const one = contextFor(X, 40, sampleWeight, 17, 1);
      const expectedRandom = runSync(randomRows(one));
      const expectedPlusPlus = runSync(plusPlusPlan(one, 4));
      for (const threads of [2, 3, 8]) {
        const many = contextFor(X, 40, sampleWeight, 17, threads);
        expect(runSync(randomRows(many))).toEqual(expectedRandom);
        expect(runSync(plusPlusPlan(many, 4))).toEqual(expectedPlusPlus);
        expect(many.rng.saveState()).toEqual(one.rng.saveState());
        const pooled = contextFor(X, 40, sampleWeight, 17, threads);
        expect(await runAsync(randomRows(pooled), new Error())).toEqual(expectedRandom);
        expect(await runAsync(plusPlusPlan(pooled, 4), new Error())).toEqual(expectedPlusPlus);
        expect(pooled.rng.saveState()).toEqual(one.rng.saveState());
      }
    }
  });

  it('keeps the fits that seed with it the same, sync and async', async () => {
    const X = matrix(blobs(600, 4, 6, 3, 8, 1));
    for (const init of ['random', 'k-means++'] as const) {
      const fit = new KMeans({ nClusters: 6, init, nInit: 3, seed: 4 }).fit(X);
      const fitAsync = await new KMeans({ nClusters: 6, init, nInit: 3, seed: 4 }).fitAsync(X);
      expect(fitAsync.clusterCenters).toEqual(fit.clusterCenters);
      const mini = new MiniBatchKMeans({ nClusters: 6, init, batchSize: 64, seed: 4 }).fit(X);
      const miniAsync = await new MiniBatchKMeans({ nClusters: 6, init, batchSize: 64, seed: 4 }).fitAsync(X);
      expect(miniAsync.clusterCenters).toEqual(mini.clusterCenters);
    }
  });

  it('refuses malformed requests', () => {
    const X = matrix([[0], [1], [2]]);
    const request = {
      x: X.data,
      n: 3,
      d: 1,
      sampleWeight: null,
      threads: 1,
      method: 'random' as const,
      k: 2,
      trials: 1,
      shift: new Float64Array(1),
      state: new Uint32Array(4),
      centers: new Float64Array(2),
      indices: new Int32Array(2),
    };
    expect(() => native().seedCenters({ ...request, k: 4, centers: new Float64Array(4), indices: new Int32Array(4) })).toThrow(
      /k must not exceed n/,
    );
    expect(() => native().seedCenters({ ...request, state: new Uint32Array(2) })).toThrow(/state has the wrong length/);
    expect(() => native().seedCenters({ ...request, centers: new Float64Array(3) })).toThrow(/centers has the wrong length/);
    expect(() => native().seedCenters({ ...request, method: 'other' as 'random' })).toThrow(/method must be/);
    expect(() => native().seedCenters({ ...request, centers: new Float32Array(2) })).toThrow(/wrong element type/);
  });
});
