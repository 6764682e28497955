/**
 * SciPy's kmeans2: `iter` Lloyd iterations from a chosen initialisation, written as one plan
 * (initialisation and iterations) that runSync drives.
 */
import { KMeansError, invalidOption } from './errors';
import { type Matrix, allocate, asDType, dtypeOf } from './matrix';
import { type PreparedData, assignPlan, dataRequest } from './model_inputs';
import { checkInteger, checkSeed } from './options';
import { type Plan, call, runSync } from './plan';
import { Random, randomSeed } from './rng';
import { type SeedingContext, plusPlusPlan, randomRows } from './seeding';
import {
  type CommonVqOptions,
  type Observations,
  type Shaped,
  checkFiniteOption,
  checkSameShape,
  checkThresh,
  prepared,
  readOptions,
  requireRows,
  shaped,
  threadsOption,
  toObservations,
} from './vq_inputs';
import { emitKMeansWarning } from './warnings';
import { codeMeansPlan } from './vq_plans';

export type Minit = 'random' | 'points' | '++' | 'matrix';

export interface KMeans2Options extends CommonVqOptions {
  /** Lloyd iterations (default 10). */
  iter?: number;
  /** Accepted for SciPy compatibility; SciPy's kmeans2 does not use it either (default 1e-5). */
  thresh?: number;
  /**
   * Initialisation when k is a number (default 'random'): 'random' draws k points from a
   * Gaussian with the data's mean and covariance; 'points' takes k distinct observations;
   * '++' is k-means++ (one trial per center); 'matrix' means k is the initial codebook.
   */
  minit?: Minit;
  /**
   * What to do when a cluster ends an iteration empty (its centroid stays where it was):
   * 'warn' (default) emits a process warning (code KMEANS_EMPTY_CLUSTER), 'raise' throws
   * ERR_KMEANS_EMPTY_CLUSTER.
   */
  missing?: 'warn' | 'raise';
  /** Seed of the random generator (see KMeansOptions.seed). Default: a fresh random seed. */
  seed?: number;
}

export interface KMeans2Result {
  /** The k centroids after the last iteration. */
  centroids: Shaped;
  /** The code of each observation, from the last assignment (before the last update). */
  label: Int32Array;
}

/** How the first codebook comes: given, or drawn by a method. */
type Start = { codebook: Matrix } | { k: number; minit: Exclude<Minit, 'matrix'>; rng: Random };

const emptyClusterMessage = 'One of the clusters is empty. Re-run kmeans with a different initialization.';

/**
 * SciPy's kmeans2: `iter` Lloyd iterations from a chosen initialisation.
 *
 * @example
 * ```ts
 * import { kmeans2 } from 'kmeans-native/vq';
 *
 * const X = [[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]];
 * const { centroids, label } = kmeans2(X, 2, { minit: '++', seed: 0 });
 * console.log(label, centroids); // Int32Array [1, 1, 1, 0, 0, 0] { data: Float64Array [10, 2, 1, 2], rows: 2, cols: 2 }
 * // An initial codebook instead of k:
 * console.log(kmeans2(X, [[0, 0], [9, 9]], { minit: 'matrix' }).label); // Int32Array [0, 0, 0, 1, 1, 1]
 * ```
 */
export function kmeans2(data: Observations, k: number | Observations, options: KMeans2Options = {}): KMeans2Result {
  readOptions(options, ['iter', 'thresh', 'minit', 'missing', 'checkFinite', 'seed', 'threads'], 'kmeans2');
  const iter = checkInteger('iter', options.iter ?? 10, 1);
  checkThresh(options.thresh);
  const minit = options.minit ?? 'random';
  if (!['random', 'points', '++', 'matrix'].includes(minit)) {
    throw invalidOption('minit', '"random", "points", "++" or "matrix"', minit);
  }
  const missing = options.missing ?? 'warn';
  if (missing !== 'warn' && missing !== 'raise') throw invalidOption('missing', '"warn" or "raise"', missing);
  const checkFinite = checkFiniteOption(options.checkFinite);
  const threads = threadsOption(options.threads);
  const input = toObservations(data, 'data', checkFinite);
  const X = input.matrix;

  let start: Start;
  if (minit === 'matrix' || typeof k !== 'number') {
    if (typeof k === 'number') throw invalidOption('k', 'a codebook (matrix) when minit is "matrix"', k);
    const guess = toObservations(k, 'k', checkFinite);
    checkSameShape(input, guess, 'k');
    start = { codebook: asDType(guess.matrix, dtypeOf(X.data), 'k') };
  } else {
    const clusters = Math.trunc(k);
    if (!Number.isFinite(k) || clusters < 1) throw invalidOption('k', 'a number of clusters >= 1 or a codebook', k);
    if (clusters !== k) emitKMeansWarning('k was not an integer, was converted.', 'KMEANS_K_CONVERTED');
    start = { k: clusters, minit, rng: new Random(checkSeed(options.seed) ?? randomSeed()) };
  }
  const { book, label } = runSync(kmeans2Plan(prepared(X, threads), start, iter, missing));
  return { centroids: shaped(book, input.oneD), label };
}

function* kmeans2Plan(
  data: PreparedData<Matrix>,
  start: Start,
  iter: number,
  missing: 'warn' | 'raise',
): Plan<{ book: Matrix; label: Int32Array }> {
  let book = 'codebook' in start ? start.codebook : yield* initialCodebook(data, start.k, start.minit, start.rng);
  let label: Int32Array = new Int32Array(data.X.rows);
  let warned = false;
  for (let i = 0; i < iter; i++) {
    label = (yield* assignPlan(data, book, 'euclidean', (dtype) => dtype === 'float64')).labels;
    const { book: means, counts } = yield* codeMeansPlan(data, book, label);
    if (counts.some((count) => count === 0)) {
      if (missing === 'raise') throw new KMeansError('ERR_KMEANS_EMPTY_CLUSTER', emptyClusterMessage);
      if (!warned) emitKMeansWarning(emptyClusterMessage, 'KMEANS_EMPTY_CLUSTER');
      warned = true;
    }
    book = means; // empty clusters kept their previous centroid
  }
  return { book, label };
}

function* initialCodebook(
  data: PreparedData<Matrix>,
  k: number,
  minit: Exclude<Minit, 'matrix'>,
  rng: Random,
): Plan<Matrix> {
  const { X, threads } = data;
  if (minit === 'random') return yield* gaussianCodebook(data, k, rng);
  requireRows(X, k, `kmeans2 with minit "${minit}"`);
  const context: SeedingContext = { X, k, sampleWeight: null, rng, threads, means: new Float64Array(X.cols) };
  if (minit === 'points') return (yield* randomRows(context)).centers;
  yield* call('columnStats', { ...dataRequest(data), means: context.means });
  return (yield* plusPlusPlan(context, 1)).centers;
}

/**
 * k points drawn from a Gaussian with the data's mean and covariance (SciPy's _krandinit):
 * mean + z·B with z standard normal and BᵀB = cov. B is Lᵀ, L the Cholesky factor of the
 * covariance (both computed natively: native/kernels/common/covariance.hpp), or, where the
 * covariance is singular (more features than observations, a constant feature), the centred
 * data / sqrt(n - 1), which has the same product.
 */
function* gaussianCodebook(data: PreparedData<Matrix>, k: number, rng: Random): Plan<Matrix> {
  const { data: values, rows: n, cols: d } = data.X;
  if (n < 2)
    throw new KMeansError(
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      'kmeans2 with minit "random" needs at least 2 observations (got 1)',
    );
  const mean = new Float64Array(d);
  // With more features than observations the covariance is singular: the means only.
  const full = d <= n ? { covariance: new Float64Array(d * d), factor: new Float64Array(d * d) } : {};
  const positiveDefinite = yield* call('covariance', { ...dataRequest(data), means: mean, ...full });
  const basis =
    positiveDefinite && full.factor
      ? { rows: d, values: full.factor }
      : { rows: n, values: scaledDeviations(data.X, mean) };

  const out = allocate(dtypeOf(values), k * d);
  const z = new Float64Array(basis.rows);
  for (let c = 0; c < k; c++) {
    for (let r = 0; r < basis.rows; r++) z[r] = rng.nextNormal();
    for (let f = 0; f < d; f++) {
      let value = mean[f]!;
      for (let r = 0; r < basis.rows; r++) value += z[r]! * basis.values[r * d + f]!;
      out[c * d + f] = value;
    }
  }
  return { data: out, rows: k, cols: d };
}

/** (x - mean) / sqrt(n - 1), row by row: B with BᵀB = the sample covariance. */
function scaledDeviations(X: Matrix, mean: Float64Array): Float64Array {
  const { data, rows: n, cols: d } = X;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let f = 0; f < d; f++) out[i * d + f] = (data[i * d + f]! - mean[f]!) / Math.sqrt(n - 1);
  return out;
}
