/**
 * Initial centers (scikit-learn's _init_centroids). The random draws happen here, from the
 * library's one generator (rng.ts); the distance work of k-means++ runs natively.
 */
import type { FloatArray } from './binding';
import { KMeansError } from './errors';
import { type Matrix, allocate, dtypeOf } from './matrix';
import { type Plan, call } from './plan';
import type { Random } from './rng';

export interface Seeding {
  centers: Matrix;
  /** The rows of X that became the centers. */
  indices: Int32Array;
}

export interface SeedingContext {
  X: Matrix;
  k: number;
  sampleWeight: Float64Array | null;
  rng: Random;
  threads: number;
  /** Column means of X (subtracted before the norm-trick distances). */
  means: Float64Array;
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii 2007, with scikit-learn's local trials): the first
 * center is a row drawn with probability proportional to its weight; each next one is the
 * best, by resulting potential, of `nLocalTrials` rows drawn with probability proportional
 * to weight × squared distance to the nearest center so far. The loop runs natively
 * (native/kernels/algorithms/plus_plus.hpp) on uniform draws taken here, in the order it uses them, from
 * the library's generator. Cost: O(n·d·k·nLocalTrials).
 */
export function* plusPlusPlan(context: SeedingContext, nLocalTrials: number): Plan<Seeding> {
  const { X, k, sampleWeight, rng, threads, means } = context;
  requirePositiveWeights(sampleWeight, k, 'k-means++');
  // One draw for the first center, then nLocalTrials for each further one.
  const uniforms = new Float64Array(1 + (k - 1) * nLocalTrials);
  for (let i = 0; i < uniforms.length; i++) uniforms[i] = rng.nextDouble();
  const indices = new Int32Array(k);
  yield* call('plusPlus', {
    x: X.data,
    n: X.rows,
    d: X.cols,
    sampleWeight,
    threads,
    shift: means,
    k,
    trials: nLocalTrials,
    uniforms,
    indices,
  });
  return { centers: gatherRows(X, indices), indices };
}

/**
 * k distinct rows, drawn without replacement with probability proportional to their weight
 * (Efraimidis & Spirakis 2006: the k largest keys log(u) / w).
 */
export function randomRows({ X, k, sampleWeight, rng }: SeedingContext): Seeding {
  const n = X.rows;
  requirePositiveWeights(sampleWeight, k, 'random');
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = sampleWeight ? sampleWeight[i]! : 1;
    const u = rng.nextDouble();
    keys[i] = w > 0 ? Math.log(1 - u) / w : -Infinity;
  }
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[b]! - keys[a]! || a - b);
  const indices = order.slice(0, k);
  return { centers: gatherRows(X, indices), indices };
}

/** Seeding draws rows by weight: it needs k rows whose weight is not zero. */
function requirePositiveWeights(sampleWeight: Float64Array | null, k: number, method: string): void {
  if (!sampleWeight) return;
  let positive = 0;
  for (let i = 0; i < sampleWeight.length; i++) if (sampleWeight[i]! > 0) positive++;
  if (positive < k) {
    throw new KMeansError(
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      `init "${method}" needs nClusters = ${k} samples with positive weight (got ${positive})`,
    );
  }
}

/** Number of local trials scikit-learn uses by default: 2 + floor(ln k). */
export function defaultLocalTrials(k: number): number {
  return 2 + Math.floor(Math.log(k));
}

function gatherRows(X: Matrix, indices: Int32Array): Matrix {
  const d = X.cols;
  const data: FloatArray = allocate(dtypeOf(X.data), indices.length * d);
  indices.forEach((row, c) => data.set(X.data.subarray(row * d, (row + 1) * d), c * d));
  return { data, rows: indices.length, cols: d };
}
