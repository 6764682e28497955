/** kmeansPlusPlus: scikit-learn's kmeans_plusplus, as a function of its own, on dense or CSR rows. */
import { type CsrMatrix, isCsrLike } from './csr';
import { toCsrMatrix } from './csr_checks';
import { KMeansError } from './errors';
import { rowsField, toDataMatrix } from './data_matrix';
import { type MatrixLike, toSampleWeight } from './matrix';
import { checkInteger, checkSeed, checkThreads, invalidOptionsObject, rejectUnknownKeys } from './options';
import { type Plan, call, runAsync, runSync } from './plan';
import { Random, randomSeed } from './rng';
import { type Seeding, defaultLocalTrials, plusPlusPlan } from './seeding';
import { sparseSampleWeight } from './sparse_inputs';
import { canonicalFloat64, csrDenseRows } from './sparse_rows';
import { sparsePlusPlus } from './sparse_seeding';
import type { SampleWeight } from './kmeans';
import { defaultThreads } from './cpu_quota';

export interface KMeansPlusPlusOptions {
  /** Seed of the random generator (see KMeansOptions.seed). Default: a fresh random seed. */
  seed?: number;
  /** One non-negative weight per sample; rows are drawn in proportion to it. Default: all 1. */
  sampleWeight?: SampleWeight;
  /** Candidates tried for each center after the first. Default 2 + floor(ln k). */
  nLocalTrials?: number;
  /** Threads for the native work. Default: the CPUs available (cores, within a container's CPU quota). Results do not depend on it. */
  threads?: number;
}

const optionNames = ['seed', 'sampleWeight', 'nLocalTrials', 'threads'];

/**
 * Chooses nClusters rows of X as initial centers by greedy k-means++. Returns the centers
 * (k×d, in X's dtype) and the indices of the rows chosen. X may be a CSR matrix
 * { format: 'csr', indptr, indices, data, rows, cols } (csr.ts), which is never laid out
 * densely: the same seed then picks the same rows as on the dense rows, and the centers are
 * those rows made dense.
 *
 * @example
 * ```ts
 * import { kmeansPlusPlus } from 'kmeans-native';
 *
 * const { centers, indices } = kmeansPlusPlus([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]], 2, { seed: 0 });
 * console.log(indices, centers.data); // Int32Array [5, 2] Float64Array [10, 0, 1, 0]
 * ```
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
  if (isCsrLike(X)) return yield* sparsePlan(toCsrMatrix(X, 'X'), nClusters, options);
  const matrix = toDataMatrix(X, 'X');
  const sampleWeight = toSampleWeight(options.sampleWeight, matrix);
  const { k, nLocalTrials, rng, threads } = resolve(matrix.rows, nClusters, options);
  const means = new Float64Array(matrix.cols);
  yield* call('columnStats', { ...rowsField(matrix), n: matrix.rows, d: matrix.cols, sampleWeight, threads, means });
  return yield* plusPlusPlan({ X: matrix, k, sampleWeight, rng, threads, means }, nLocalTrials);
}

/** The CSR rows' seeding (sparse_seeding.ts): the dense seeding's rows, densified k rows only. */
function* sparsePlan(csr: CsrMatrix, nClusters: number, options: KMeansPlusPlusOptions): Plan<Seeding> {
  const sampleWeight = sparseSampleWeight(options.sampleWeight, csr);
  const { k, nLocalTrials, rng, threads } = resolve(csr.rows, nClusters, options);
  const indices = yield* sparsePlusPlus(canonicalFloat64(csr), sampleWeight, k, nLocalTrials, rng, threads);
  return { centers: { data: csrDenseRows(csr, indices), rows: k, cols: csr.cols }, indices };
}

/** The count, trials, generator and threads, checked against the number of rows. */
function resolve(rows: number, nClusters: number, options: KMeansPlusPlusOptions) {
  const k = checkInteger('nClusters', nClusters, 1);
  if (k > rows) {
    throw new KMeansError(
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      `nClusters must be <= the number of samples: n_samples = ${rows}, nClusters = ${k}`,
    );
  }
  // More trials than rows would only repeat rows (and could exhaust memory).
  const nLocalTrials =
    options.nLocalTrials === undefined
      ? defaultLocalTrials(k)
      : checkInteger('nLocalTrials', options.nLocalTrials, 1, rows);
  const rng = new Random(checkSeed(options.seed) ?? randomSeed());
  const threads = checkThreads(options.threads) ?? defaultThreads();
  return { k, nLocalTrials, rng, threads };
}
