/** kmeansPlusPlus: scikit-learn's kmeans_plusplus, as a function of its own. */
import { native } from './binding';
import { KMeansError } from './errors';
import { rowsField, toDataMatrix } from './data_matrix';
import { type MatrixLike, toSampleWeight } from './matrix';
import { checkInteger, checkSeed, checkThreads, invalidOptionsObject, rejectUnknownKeys } from './options';
import { type Plan, call, runAsync, runSync } from './plan';
import { Random, randomSeed } from './rng';
import { type Seeding, defaultLocalTrials, plusPlusPlan } from './seeding';
import type { SampleWeight } from './kmeans';

export interface KMeansPlusPlusOptions {
  /** Seed of the random generator (see KMeansOptions.seed). Default: a fresh random seed. */
  seed?: number;
  /** One non-negative weight per sample; rows are drawn in proportion to it. Default: all 1. */
  sampleWeight?: SampleWeight;
  /** Candidates tried for each center after the first. Default 2 + floor(ln k). */
  nLocalTrials?: number;
  /** Threads for the native work. Default: all cores. Results do not depend on it. */
  threads?: number;
}

const optionNames = ['seed', 'sampleWeight', 'nLocalTrials', 'threads'];

/**
 * Chooses nClusters rows of X as initial centers by greedy k-means++. Returns the centers
 * (k×d, in X's dtype) and the indices of the rows chosen.
 */
export function kmeansPlusPlus(X: MatrixLike, nClusters: number, options: KMeansPlusPlusOptions = {}): Seeding {
  return runSync(plan(X, nClusters, options));
}

/** As kmeansPlusPlus, on the libuv thread pool; the result is identical. */
export async function kmeansPlusPlusAsync(
  X: MatrixLike,
  nClusters: number,
  options: KMeansPlusPlusOptions = {},
): Promise<Seeding> {
  const callSite = new Error();
  return runAsync(plan(X, nClusters, options), callSite);
}

function* plan(X: MatrixLike, nClusters: number, options: KMeansPlusPlusOptions): Plan<Seeding> {
  invalidOptionsObject(options, 'kmeansPlusPlus options');
  rejectUnknownKeys(options, optionNames, 'kmeansPlusPlus');
  const matrix = toDataMatrix(X, 'X');
  const sampleWeight = toSampleWeight(options.sampleWeight, matrix);
  const k = checkInteger('nClusters', nClusters, 1);
  if (k > matrix.rows) {
    throw new KMeansError(
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      `nClusters must be <= the number of samples: n_samples = ${matrix.rows}, nClusters = ${k}`,
    );
  }
  // More trials than rows would only repeat rows (and could exhaust memory).
  const nLocalTrials =
    options.nLocalTrials === undefined
      ? defaultLocalTrials(k)
      : checkInteger('nLocalTrials', options.nLocalTrials, 1, matrix.rows);
  const seed = checkSeed(options.seed) ?? randomSeed();
  const threads = checkThreads(options.threads) ?? native().info().maxThreads;
  const means = new Float64Array(matrix.cols);
  yield* call('columnStats', { ...rowsField(matrix), n: matrix.rows, d: matrix.cols, sampleWeight, threads, means });
  return yield* plusPlusPlan({ X: matrix, k, sampleWeight, rng: new Random(seed), threads, means }, nLocalTrials);
}
