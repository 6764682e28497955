/**
 * What whiten, vq, kmeans and kmeans2 share around their inputs: observations of either rank,
 * results in the shape of the input, and the checks of their options and shapes.
 */
import { toRowMatrix } from './data_matrix';
import type { FloatArray } from './binding';
import { KMeansError, invalidOption } from './errors';
import { type Matrix, type MatrixLike, toMatrix } from './matrix';
import { type PreparedData, threadCount } from './model_inputs';
import { checkThreads, invalidOptionsObject, rejectUnknownKeys } from './options';

/** Observations: rows of a matrix, or a 1-D array of single-feature observations. */
export type Observations = MatrixLike | readonly number[] | Float64Array | Float32Array;

/** A result in the shape of the input: a matrix for 2-D input, a typed array for 1-D input. */
export type Shaped = Matrix | FloatArray;

/** Options every function of the module takes. */
export interface CommonVqOptions {
  /** Check that the input holds only finite numbers (default true). */
  checkFinite?: boolean;
  /** Threads for the native work. Default: all cores. Results do not depend on it. */
  threads?: number;
}

export interface Shape {
  matrix: Matrix;
  oneD: boolean;
}

export function toObservations(value: unknown, name: string, checkFinite: boolean): Shape {
  if (value instanceof Float64Array || value instanceof Float32Array) {
    return { matrix: toMatrix({ data: value, rows: value.length, cols: 1 }, name, checkFinite), oneD: true };
  }
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number')) {
    return {
      matrix: toMatrix({ data: Float64Array.from(value), rows: value.length, cols: 1 }, name, checkFinite),
      oneD: true,
    };
  }
  // Typed columns and Arrow data are copied into rows: SciPy's functions take observations as rows.
  return { matrix: toRowMatrix(value, name, checkFinite), oneD: false };
}

export function shaped(matrix: Matrix, oneD: boolean): Shaped {
  return oneD ? matrix.data : matrix;
}

/** Checks that `options` is an object with no key outside `names`. */
export function readOptions<O extends CommonVqOptions>(options: O, names: readonly string[], what: string): O {
  invalidOptionsObject(options, `${what} options`);
  rejectUnknownKeys(options, names, what);
  return options;
}

export function checkFiniteOption(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw invalidOption('checkFinite', 'a boolean', value);
  return value;
}

/** The thread count of every native call (checked as KMeans's `threads`). */
export function threadsOption(value: unknown): number {
  return threadCount(checkThreads(value));
}

/** Unweighted observations for the native requests. */
export function prepared(matrix: Matrix, threads: number): PreparedData<Matrix> {
  return { X: matrix, sampleWeight: null, threads };
}

export function checkSameShape(data: Shape, book: Shape, name: string): void {
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

export function checkThresh(value: unknown): number {
  if (value === undefined) return 1e-5;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw invalidOption('thresh', 'a finite number >= 0', value);
  return value;
}

export function requireRows(X: Matrix, k: number, what: string): void {
  if (k > X.rows) {
    throw new KMeansError(
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      `${what} needs at least k observations: k = ${k}, but obs has ${X.rows}`,
    );
  }
}
