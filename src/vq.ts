/**
 * scipy.cluster.vq in camelCase: whiten, vq, kmeans and kmeans2, with SciPy's semantics, on
 * the same native kernels as KMeans. Observations are rows; a 1-D input (number[], or a bare
 * Float64Array / Float32Array) is a set of observations of one feature, and results keep the
 * shape of the input, as in SciPy.
 */
import type { FloatArray } from './binding';
import { native } from './binding';
import { KMeansError, invalidOption } from './errors';
import { type DType, type Matrix, type MatrixLike, allocate, asDType, dtypeOf, toMatrix } from './matrix';
import { checkInteger, checkSeed, invalidOptionsObject, rejectUnknownKeys } from './options';
import { type Plan, call, runSync } from './plan';
import { Random, randomSeed } from './rng';
import { type SeedingContext, plusPlusPlan, randomRows } from './seeding';

/** Observations: rows of a matrix, or a 1-D array of single-feature observations. */
export type Observations = MatrixLike | readonly number[] | Float64Array | Float32Array;

/** A result in the shape of the input: a matrix for 2-D input, a typed array for 1-D input. */
export type Shaped = Matrix | FloatArray;

interface Shape {
  matrix: Matrix;
  oneD: boolean;
}

function toObservations(value: unknown, name: string, checkFinite: boolean): Shape {
  if (value instanceof Float64Array || value instanceof Float32Array) {
    return { matrix: toMatrix({ data: value, rows: value.length, cols: 1 }, name, checkFinite), oneD: true };
  }
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number')) {
    return {
      matrix: toMatrix({ data: Float64Array.from(value), rows: value.length, cols: 1 }, name, checkFinite),
      oneD: true,
    };
  }
  return { matrix: toMatrix(value, name, checkFinite), oneD: false };
}

function shaped(matrix: Matrix, oneD: boolean): Shaped {
  return oneD ? matrix.data : matrix;
}

function checkFiniteOption(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw invalidOption('checkFinite', 'a boolean', value);
  return value;
}

function readOptions<O extends object>(options: O, names: readonly string[], what: string): O {
  invalidOptionsObject(options, `${what} options`);
  rejectUnknownKeys(options, names, what);
  return options;
}

const threads = () => native().info().maxThreads;

// ---------------------------------------------------------------------------------------------

export interface WhitenOptions {
  /** Check that the input holds only finite numbers (default true). */
  checkFinite?: boolean;
}

/**
 * Divides each feature (column) by its standard deviation over the observations (the
 * population deviation, as numpy's std). A column whose deviation is zero is left unchanged,
 * with a process warning (code KMEANS_WHITEN_ZERO_STD), as SciPy warns. Returns a new array
 * in the shape and dtype of the input.
 */
export function whiten(obs: Observations, options: WhitenOptions = {}): Shaped {
  readOptions(options, ['checkFinite'], 'whiten');
  const { matrix, oneD } = toObservations(obs, 'obs', checkFiniteOption(options.checkFinite));
  const { data, rows, cols } = matrix;
  const out = allocate(dtypeOf(data), data.length);
  // Natively, column by column in row order: see native/kernels/common/reductions.hpp.
  const zeroColumns = runSync(call('whiten', { ...dataRequest(matrix), out }));
  if (zeroColumns > 0) {
    process.emitWarning('Some columns have standard deviation zero. The values of these columns will not change.', {
      type: 'RuntimeWarning',
      code: 'KMEANS_WHITEN_ZERO_STD',
    });
  }
  return shaped({ data: out, rows, cols }, oneD);
}

// ---------------------------------------------------------------------------------------------

export interface VqOptions {
  /** Check that the inputs hold only finite numbers (default true). */
  checkFinite?: boolean;
}

export interface VqResult {
  /** Index of the nearest code of each observation (lowest index on an exact tie). */
  code: Int32Array;
  /** Euclidean (not squared) distance of each observation to its code. */
  dist: FloatArray;
}

/**
 * Assigns each observation to its nearest code in the code book. Both must have the same rank
 * and number of features. Works in float32 only if both are float32 (as numpy's common type).
 */
export function vq(obs: Observations, codeBook: Observations, options: VqOptions = {}): VqResult {
  readOptions(options, ['checkFinite'], 'vq');
  const checkFinite = checkFiniteOption(options.checkFinite);
  const data = toObservations(obs, 'obs', checkFinite);
  const book = toObservations(codeBook, 'codeBook', checkFinite);
  checkSameShape(data, book, 'codeBook');
  const dtype: DType =
    dtypeOf(data.matrix.data) === 'float32' && dtypeOf(book.matrix.data) === 'float32' ? 'float32' : 'float64';
  return runSync(assignPlan(asDType(data.matrix, dtype, 'obs'), asDType(book.matrix, dtype, 'codeBook')));
}

function checkSameShape(data: Shape, book: Shape, name: string): void {
  if (data.oneD !== book.oneD) {
    throw new KMeansError(
      'ERR_KMEANS_SHAPE_MISMATCH',
      `obs and ${name} must have the same rank: obs is ${data.oneD ? '1-D' : '2-D'}, ${name} is ${book.oneD ? '1-D' : '2-D'}`,
    );
  }
  if (data.matrix.cols !== book.matrix.cols) {
    throw new KMeansError(
      'ERR_KMEANS_SHAPE_MISMATCH',
      `${name} must have one column per feature of obs: obs has ${data.matrix.cols} features, ${name} has ${book.matrix.cols}`,
    );
  }
}

/** The fields every native request reads, for unweighted observations. */
function dataRequest(data: Matrix) {
  return { x: data.data, n: data.rows, d: data.cols, sampleWeight: null, threads: threads() };
}

function* assignPlan(data: Matrix, book: Matrix): Plan<VqResult> {
  const code = new Int32Array(data.rows);
  const sqDistances = new Float64Array(data.rows);
  yield* call('assign', {
    ...dataRequest(data),
    centers: book.data,
    k: book.rows,
    labels: code,
    sqDistances,
    mixedPrecision: dtypeOf(data.data) === 'float64',
  });
  const dist = allocate(dtypeOf(data.data), data.rows);
  for (let i = 0; i < data.rows; i++) dist[i] = Math.sqrt(sqDistances[i]!);
  return { code, dist };
}

function meanOf(values: FloatArray): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/** Means of the observations of each code; codes without members keep their row. */
function* clusterMeansPlan(data: Matrix, book: Matrix, code: Int32Array): Plan<{ book: Matrix; counts: Float64Array }> {
  const centers = book.data.slice();
  const counts = new Float64Array(book.rows);
  yield* call('clusterMeans', {
    ...dataRequest(data),
    labels: code,
    k: book.rows,
    centers,
    weights: counts,
  });
  return { book: { data: centers, rows: book.rows, cols: book.cols }, counts };
}

// ---------------------------------------------------------------------------------------------

export interface KMeansVqOptions {
  /** Number of restarts from k random observations, when k is a number (default 20). */
  iter?: number;
  /** Stop when the change in distortion between passes is at most this (default 1e-5). */
  thresh?: number;
  /** Check that the input holds only finite numbers (default true). */
  checkFinite?: boolean;
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
 * the lowest distortion; with an initial codebook (`kOrGuess` a matrix), one run from it.
 * As current SciPy, the loop compares the absolute change of the distortion and the
 * distortion returned is that of the codebook returned.
 */
export function kmeans(
  obs: Observations,
  kOrGuess: number | Observations,
  options: KMeansVqOptions = {},
): KMeansVqResult {
  readOptions(options, ['iter', 'thresh', 'checkFinite', 'seed'], 'kmeans');
  const checkFinite = checkFiniteOption(options.checkFinite);
  const iter = checkInteger('iter', options.iter ?? 20, 1);
  const thresh = checkThresh(options.thresh);
  const data = toObservations(obs, 'obs', checkFinite);
  const X = data.matrix;

  if (typeof kOrGuess !== 'number') {
    const guess = toObservations(kOrGuess, 'kOrGuess', checkFinite);
    checkSameShape(data, guess, 'kOrGuess');
    const result = runSync(kmeansRunPlan(X, asDType(guess.matrix, dtypeOf(X.data), 'kOrGuess'), thresh));
    return { codebook: shaped(result.book, data.oneD), distortion: result.distortion };
  }
  if (!Number.isInteger(kOrGuess))
    throw invalidOption('kOrGuess', 'an integer number of clusters or a codebook', kOrGuess);
  const k = kOrGuess;
  if (k < 1) throw invalidOption('kOrGuess', 'at least 1 cluster', k);
  requireRows(X, k, 'kmeans');
  const rng = new Random(checkSeed(options.seed) ?? randomSeed());
  const context: SeedingContext = {
    X,
    k,
    sampleWeight: null,
    rng,
    threads: threads(),
    means: new Float64Array(X.cols),
  };

  let best: { book: Matrix; distortion: number } | undefined;
  for (let run = 0; run < iter; run++) {
    const result = runSync(kmeansRunPlan(X, runSync(randomRows(context)).centers, thresh));
    if (!best || result.distortion < best.distortion) best = result;
  }
  return { codebook: shaped(best!.book, data.oneD), distortion: best!.distortion };
}

function checkThresh(value: unknown): number {
  if (value === undefined) return 1e-5;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw invalidOption('thresh', 'a finite number >= 0', value);
  return value;
}

function requireRows(X: Matrix, k: number, what: string): void {
  if (k > X.rows) {
    throw new KMeansError(
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      `${what} needs at least k observations: k = ${k}, but obs has ${X.rows}`,
    );
  }
}

/** One run of SciPy's _kmeans from a codebook. */
function* kmeansRunPlan(X: Matrix, guess: Matrix, thresh: number): Plan<{ book: Matrix; distortion: number }> {
  let book = guess;
  let previous = Infinity;
  let diff = Infinity;
  while (diff > thresh) {
    const { code, dist } = yield* assignPlan(X, book);
    const distortion = meanOf(dist);
    diff = Math.abs(previous - distortion);
    previous = distortion;
    const { book: means, counts } = yield* clusterMeansPlan(X, book, code);
    book = keepRows(means, counts);
  }
  const { dist } = yield* assignPlan(X, book);
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

// ---------------------------------------------------------------------------------------------

export type Minit = 'random' | 'points' | '++' | 'matrix';

export interface KMeans2Options {
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
  /** Check that the input holds only finite numbers (default true). */
  checkFinite?: boolean;
  /** Seed of the random generator (see KMeansOptions.seed). Default: a fresh random seed. */
  seed?: number;
}

export interface KMeans2Result {
  /** The k centroids after the last iteration. */
  centroids: Shaped;
  /** The code of each observation, from the last assignment (before the last update). */
  label: Int32Array;
}

const emptyClusterMessage = 'One of the clusters is empty. Re-run kmeans with a different initialization.';

/** SciPy's kmeans2: `iter` Lloyd iterations from a chosen initialisation. */
export function kmeans2(data: Observations, k: number | Observations, options: KMeans2Options = {}): KMeans2Result {
  readOptions(options, ['iter', 'thresh', 'minit', 'missing', 'checkFinite', 'seed'], 'kmeans2');
  const iter = checkInteger('iter', options.iter ?? 10, 1);
  checkThresh(options.thresh);
  const minit = options.minit ?? 'random';
  if (!['random', 'points', '++', 'matrix'].includes(minit)) {
    throw invalidOption('minit', '"random", "points", "++" or "matrix"', minit);
  }
  const missing = options.missing ?? 'warn';
  if (missing !== 'warn' && missing !== 'raise') throw invalidOption('missing', '"warn" or "raise"', missing);
  const checkFinite = checkFiniteOption(options.checkFinite);
  const input = toObservations(data, 'data', checkFinite);
  const X = input.matrix;

  let book: Matrix;
  if (minit === 'matrix' || typeof k !== 'number') {
    if (typeof k === 'number') throw invalidOption('k', 'a codebook (matrix) when minit is "matrix"', k);
    const guess = toObservations(k, 'k', checkFinite);
    checkSameShape(input, guess, 'k');
    book = asDType(guess.matrix, dtypeOf(X.data), 'k');
  } else {
    const clusters = Math.trunc(k);
    if (!Number.isFinite(k) || clusters < 1) throw invalidOption('k', 'a number of clusters >= 1 or a codebook', k);
    if (clusters !== k) process.emitWarning('k was not an integer, was converted.', { code: 'KMEANS_K_CONVERTED' });
    const rng = new Random(checkSeed(options.seed) ?? randomSeed());
    book = runSync(initialCodebook(X, clusters, minit, rng));
  }

  let label: Int32Array = new Int32Array(X.rows);
  let warned = false;
  for (let i = 0; i < iter; i++) {
    label = runSync(assignPlan(X, book)).code;
    const { book: means, counts } = runSync(clusterMeansPlan(X, book, label));
    if (counts.some((count) => count === 0)) {
      if (missing === 'raise') throw new KMeansError('ERR_KMEANS_EMPTY_CLUSTER', emptyClusterMessage);
      if (!warned) process.emitWarning(emptyClusterMessage, { code: 'KMEANS_EMPTY_CLUSTER' });
      warned = true;
    }
    book = means; // empty clusters kept their previous centroid
  }
  return { centroids: shaped(book, input.oneD), label };
}

function* initialCodebook(X: Matrix, k: number, minit: Exclude<Minit, 'matrix'>, rng: Random): Plan<Matrix> {
  const context: SeedingContext = {
    X,
    k,
    sampleWeight: null,
    rng,
    threads: threads(),
    means: new Float64Array(X.cols),
  };
  if (minit === 'random') return gaussianCodebook(X, k, rng);
  requireRows(X, k, `kmeans2 with minit "${minit}"`);
  if (minit === 'points') return (yield* randomRows(context)).centers;
  yield* call('columnStats', { ...dataRequest(X), means: context.means });
  return (yield* plusPlusPlan(context, 1)).centers;
}

/**
 * k points drawn from a Gaussian with the data's mean and covariance (SciPy's _krandinit):
 * mean + z·L with z standard normal and L·Lᵀ = cov. L is the Cholesky factor of the covariance,
 * or, where that is singular (more features than observations, a constant feature), the
 * centred data / sqrt(n - 1), which has the same product.
 */
function gaussianCodebook(X: Matrix, k: number, rng: Random): Matrix {
  const { data, rows: n, cols: d } = X;
  if (n < 2)
    throw new KMeansError(
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      'kmeans2 with minit "random" needs at least 2 observations (got 1)',
    );
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) mean[f]! += data[i * d + f]! / n;
  const centred = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) centred[i * d + f] = data[i * d + f]! - mean[f]!;
  const factor = choleskyOfCovariance(centred, n, d) ?? { rows: n, values: centred.map((v) => v / Math.sqrt(n - 1)) };

  const out = allocate(dtypeOf(data), k * d);
  const z = new Float64Array(factor.rows);
  for (let c = 0; c < k; c++) {
    for (let r = 0; r < factor.rows; r++) z[r] = rng.nextNormal();
    for (let f = 0; f < d; f++) {
      let value = mean[f]!;
      for (let r = 0; r < factor.rows; r++) value += z[r]! * factor.values[r * d + f]!;
      out[c * d + f] = value;
    }
  }
  return { data: out, rows: k, cols: d };
}

/** Lᵀ (d×d, row r = column r of L) with L·Lᵀ = cov, or undefined if cov is not positive definite. */
function choleskyOfCovariance(
  centred: Float64Array,
  n: number,
  d: number,
): { rows: number; values: Float64Array } | undefined {
  if (d > n) return undefined;
  const cov = new Float64Array(d * d);
  for (let a = 0; a < d; a++)
    for (let b = 0; b <= a; b++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += centred[i * d + a]! * centred[i * d + b]!;
      cov[a * d + b] = cov[b * d + a] = sum / (n - 1);
    }
  const lower = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      let sum = cov[a * d + b]!;
      for (let c = 0; c < b; c++) sum -= lower[a * d + c]! * lower[b * d + c]!;
      if (a === b) {
        if (!(sum > 1e-12 * cov[a * d + a]!) || sum <= 0) return undefined;
        lower[a * d + a] = Math.sqrt(sum);
      } else {
        lower[a * d + b] = sum / lower[b * d + b]!;
      }
    }
  }
  const transposed = new Float64Array(d * d);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) transposed[b * d + a] = lower[a * d + b]!;
  return { rows: d, values: transposed };
}
