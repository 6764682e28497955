/**
 * scipy.cluster.vq in camelCase: whiten, vq, kmeans and kmeans2, with SciPy's semantics, on
 * the same native kernels as KMeans. Observations are rows; a 1-D input (number[], or a bare
 * Float64Array / Float32Array) is a set of observations of one feature, and results keep the
 * shape of the input, as in SciPy. kmeans2 lives in vq_kmeans2.ts.
 */
import { isCsrLike } from './csr';
import { invalidOption } from './errors';
import { type DType, type Matrix, allocate, asDType, dtypeOf } from './matrix';
import { type PreparedData, dataRequest } from './model_inputs';
import { checkInteger, checkSeed } from './options';
import { type Plan, call, runSync } from './plan';
import { Random, randomSeed } from './rng';
import { sparseVq } from './sparse_vq';
import { type SeedingContext, randomRows } from './seeding';
import {
  type CommonVqOptions,
  type Observations,
  type Shaped,
  checkFiniteOption,
  checkSameShape,
  checkThresh,
  noObservations,
  prepared,
  readOptions,
  requireRows,
  shaped,
  threadsOption,
  toObservations,
} from './vq_inputs';
import { emitKMeansWarning } from './warnings';
import { type VqResult, codeMeansPlan, codesPlan, meanOf } from './vq_plans';

export type { Observations, Shaped } from './vq_inputs';
export type { VqResult } from './vq_plans';
export { kmeans2 } from './vq_kmeans2';
export type { KMeans2Options, KMeans2Result, Minit } from './vq_kmeans2';

// ---------------------------------------------------------------------------------------------

export type WhitenOptions = CommonVqOptions;

/**
 * Divides each feature (column) by its standard deviation over the observations (the
 * population deviation, as numpy's std). A column whose deviation is zero is left unchanged,
 * with a process warning (code KMEANS_WHITEN_ZERO_STD), as SciPy warns. Returns a new array
 * in the shape and dtype of the input (empty for no observations, as SciPy's).
 *
 * @example
 * ```ts
 * import { whiten } from 'kmeans-native/vq';
 *
 * const w = whiten([[1, 10], [3, 30]]); // each column's deviation is 1 and 10
 * console.log(w); // { data: Float64Array [1, 1, 3, 3], rows: 2, cols: 2 }
 * ```
 */
export function whiten(obs: Observations, options: WhitenOptions = {}): Shaped {
  readOptions(options, ['checkFinite', 'threads'], 'whiten');
  const checkFinite = checkFiniteOption(options.checkFinite);
  const threads = threadsOption(options.threads);
  const empty = noObservations(obs);
  // No observations: nothing to scale, as SciPy's empty result.
  if (empty) return shaped(empty.matrix, empty.oneD);
  const { matrix, oneD } = toObservations(obs, 'obs', checkFinite);
  const { data, rows, cols } = matrix;
  const out = allocate(dtypeOf(data), data.length);
  // Natively, column by column in row order: see native/kernels/common/reductions.hpp.
  const zeroColumns = runSync(call('whiten', { ...dataRequest(prepared(matrix, threads)), out }));
  if (zeroColumns > 0) {
    emitKMeansWarning(
      'Some columns have standard deviation zero. The values of these columns will not change.',
      'KMEANS_WHITEN_ZERO_STD',
      'RuntimeWarning',
    );
  }
  return shaped({ data: out, rows, cols }, oneD);
}

// ---------------------------------------------------------------------------------------------

export type VqOptions = CommonVqOptions;

/**
 * Assigns each observation to its nearest code in the code book. Both must have the same rank
 * and number of features. Works in float32 only if both are float32 (as numpy's common type).
 * No observations (an empty array, or a matrix of no rows) give an empty code and dist, as in
 * SciPy; the code book needs at least one code.
 *
 * Beyond SciPy, obs may be a CSR matrix { format: 'csr', indptr, indices, data, rows, cols }
 * (of at least one row; the code book stays dense), which is never laid out densely: the codes
 * are those of the same rows dense, and each distance is computed from the row's entries, equal
 * to the dense one within rounding relative to its code's length. whiten, kmeans and kmeans2
 * refuse CSR input (ERR_KMEANS_INVALID_DATA); KMeans, MiniBatchKMeans and BisectingKMeans fit
 * CSR rows.
 *
 * @example
 * ```ts
 * import { vq } from 'kmeans-native/vq';
 *
 * const { code, dist } = vq([[1, 1], [9, 9], [2, 0]], [[0, 0], [10, 10]]);
 * console.log(code, dist); // Int32Array [0, 1, 0] Float64Array [1.414.., 1.414.., 2]
 * ```
 */
export function vq(obs: Observations, codeBook: Observations, options: VqOptions = {}): VqResult {
  readOptions(options, ['checkFinite', 'threads'], 'vq');
  const checkFinite = checkFiniteOption(options.checkFinite);
  const threads = threadsOption(options.threads);
  if (isCsrLike(obs)) return sparseVq(obs, codeBook, checkFinite, threads);
  const empty = noObservations(obs);
  const data = empty ?? toObservations(obs, 'obs', checkFinite);
  const book = toObservations(codeBook, 'codeBook', checkFinite);
  checkSameShape(empty ? noObservations(obs, book)! : data, book, 'codeBook');
  const dtype: DType =
    dtypeOf(data.matrix.data) === 'float32' && dtypeOf(book.matrix.data) === 'float32' ? 'float32' : 'float64';
  // No observations: no codes, as SciPy.
  if (empty) return { code: new Int32Array(0), dist: allocate(dtype, 0) };
  const rows = prepared(asDType(data.matrix, dtype, 'obs'), threads);
  return runSync(codesPlan(rows, asDType(book.matrix, dtype, 'codeBook')));
}

// ---------------------------------------------------------------------------------------------

export interface KMeansVqOptions extends CommonVqOptions {
  /** Number of restarts from k random observations, when k is a number (default 20). */
  iter?: number;
  /** Stop when the change in distortion between passes is at most this (default 1e-5). */
  thresh?: number;
  /** Seed of the random generator (see KMeansOptions.seed). Default: a fresh random seed. */
  seed?: number;
}

export interface KMeansVqResult {
  /** The codes, k rows or fewer: a code that loses all its observations is dropped. */
  codebook: Shaped;
  /** Mean Euclidean (not squared) distance of the observations to their nearest code. */
  distortion: number;
}

/**
 * SciPy's kmeans: Lloyd passes until the mean distance changes by at most `thresh`. With a
 * number k, `iter` restarts from k distinct random observations and keeps the codebook with
 * the lowest distortion; with an initial codebook (`kOrGuess` a matrix), one run from it, which
 * on no observations gives SciPy's result: no codes, distortion NaN (a number k needs k of them).
 * As current SciPy, the loop compares the absolute change of the distortion and the
 * distortion returned is that of the codebook returned.
 *
 * @example
 * ```ts
 * import { kmeans, whiten } from 'kmeans-native/vq';
 *
 * const obs = whiten([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]]);
 * const { codebook, distortion } = kmeans(obs, 2, { seed: 0 });
 * console.log(codebook, distortion); // { data: Float64Array [2.22.., 1.22.., 0.22.., 1.22..], rows: 2, cols: 2 } 0.816..
 * ```
 */
export function kmeans(
  obs: Observations,
  kOrGuess: number | Observations,
  options: KMeansVqOptions = {},
): KMeansVqResult {
  readOptions(options, ['iter', 'thresh', 'checkFinite', 'seed', 'threads'], 'kmeans');
  const checkFinite = checkFiniteOption(options.checkFinite);
  const iter = checkInteger('iter', options.iter ?? 20, 1);
  const thresh = checkThresh(options.thresh);
  const threads = threadsOption(options.threads);
  if (typeof kOrGuess !== 'number' && noObservations(obs)) {
    // As SciPy: from a codebook, every code loses its (no) observations; the mean distance is NaN.
    const guess = toObservations(kOrGuess, 'kOrGuess', checkFinite);
    const empty = noObservations(obs, guess)!;
    checkSameShape(empty, guess, 'kOrGuess');
    return { codebook: shaped(empty.matrix, empty.oneD), distortion: NaN };
  }
  const data = toObservations(obs, 'obs', checkFinite);
  const X = data.matrix;
  const rows = prepared(X, threads);

  if (typeof kOrGuess !== 'number') {
    const guess = toObservations(kOrGuess, 'kOrGuess', checkFinite);
    checkSameShape(data, guess, 'kOrGuess');
    const result = runSync(kmeansRunPlan(rows, asDType(guess.matrix, dtypeOf(X.data), 'kOrGuess'), thresh));
    return { codebook: shaped(result.book, data.oneD), distortion: result.distortion };
  }
  if (!Number.isInteger(kOrGuess))
    throw invalidOption('kOrGuess', 'an integer number of clusters or a codebook', kOrGuess);
  const k = kOrGuess;
  if (k < 1) throw invalidOption('kOrGuess', 'at least 1 cluster', k);
  requireRows(X, k, 'kmeans');
  const rng = new Random(checkSeed(options.seed) ?? randomSeed());
  const context: SeedingContext = { X, k, sampleWeight: null, rng, threads, means: new Float64Array(X.cols) };
  const best = runSync(restartsPlan(rows, context, iter, thresh));
  return { codebook: shaped(best.book, data.oneD), distortion: best.distortion };
}

/** `iter` runs, each from k distinct random rows; the first of the lowest distortion wins. */
function* restartsPlan(
  data: PreparedData<Matrix>,
  context: SeedingContext,
  iter: number,
  thresh: number,
): Plan<{ book: Matrix; distortion: number }> {
  let best: { book: Matrix; distortion: number } | undefined;
  for (let run = 0; run < iter; run++) {
    const result = yield* kmeansRunPlan(data, (yield* randomRows(context)).centers, thresh);
    if (!best || result.distortion < best.distortion) best = result;
  }
  return best!;
}

/** One run of SciPy's _kmeans from a codebook. */
function* kmeansRunPlan(
  data: PreparedData<Matrix>,
  guess: Matrix,
  thresh: number,
): Plan<{ book: Matrix; distortion: number }> {
  let book = guess;
  let previous = Infinity;
  let diff = Infinity;
  while (diff > thresh) {
    const { code, dist } = yield* codesPlan(data, book);
    const distortion = meanOf(dist);
    diff = Math.abs(previous - distortion);
    previous = distortion;
    const { book: means, counts } = yield* codeMeansPlan(data, book, code);
    book = keepRows(means, counts);
  }
  const { dist } = yield* codesPlan(data, book);
  return { book, distortion: meanOf(dist) };
}

/** The rows whose count is positive. */
function keepRows(book: Matrix, counts: Float64Array): Matrix {
  const keep: number[] = [];
  counts.forEach((count, j) => count > 0 && keep.push(j));
  if (keep.length === book.rows) return book;
  const data = allocate(dtypeOf(book.data), keep.length * book.cols);
  keep.forEach((j, row) => data.set(book.data.subarray(j * book.cols, (j + 1) * book.cols), row * book.cols));
  return { data, rows: keep.length, cols: book.cols };
}
