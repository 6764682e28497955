/**
 * Initial centers (scikit-learn's _init_centroids), each run in one native call that draws from
 * the library's one generator (rng.ts) where the run's stream stands, and hands its state back.
 */
import { KMeansError } from './errors';
import { rowsField } from './data_matrix';
import { type DataMatrix, type Matrix, allocate, dataDType } from './matrix';
import { type Plan, call } from './plan';
import type { Random } from './rng';

export interface Seeding {
  centers: Matrix;
  /** The rows of X that became the centers. */
  indices: Int32Array;
}

export interface SeedingContext {
  X: DataMatrix;
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
 * to weight × squared distance to the nearest center so far. One native call draws the uniforms
 * from the context's generator, in the order the loop uses them, and runs the loop
 * (native/kernels/algorithms/plus_plus.hpp). Cost: O(n·d·k·nLocalTrials).
 */
export function* plusPlusPlan(context: SeedingContext, nLocalTrials: number): Plan<Seeding> {
  requirePositiveWeights(context.sampleWeight, context.k, 'k-means++');
  return yield* seedPlan(context, 'k-means++', nLocalTrials);
}

/**
 * k distinct rows, drawn without replacement with probability proportional to their weight
 * (Efraimidis & Spirakis 2006: one draw u per row, in row order, and the k largest keys
 * log(1 - u) / w, largest first, ties to the lowest row), in one native call.
 */
export function* randomRows(context: SeedingContext): Plan<Seeding> {
  requirePositiveWeights(context.sampleWeight, context.k, 'random');
  return yield* seedPlan(context, 'random', 1);
}

/** The native seeding call; the context's generator goes on from the state after its draws. */
function* seedPlan(
  { X, k, sampleWeight, rng, threads, means }: SeedingContext,
  method: 'k-means++' | 'random',
  trials: number,
): Plan<Seeding> {
  const state = rng.saveState();
  const centers = allocate(dataDType(X), k * X.cols);
  const indices = new Int32Array(k);
  yield* call('seedCenters', {
    ...rowsField(X),
    n: X.rows,
    d: X.cols,
    sampleWeight,
    threads,
    method,
    k,
    trials,
    shift: means,
    state,
    centers,
    indices,
  });
  rng.restoreState(state);
  return { centers: { data: centers, rows: k, cols: X.cols }, indices };
}

/** Seeding draws rows by weight: it needs k rows whose weight is not zero. */
export function requirePositiveWeights(sampleWeight: Float64Array | null, k: number, method: string): void {
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
