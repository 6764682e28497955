/**
 * What whiten, vq, kmeans and kmeans2 share around their inputs: observations of either rank,
 * results in the shape of the input, and the checks of their options and shapes.
 */
import { fromArrow, isArrowLike } from './arrow_input';
import { isCsrLike } from './csr';
import { toRowMatrix } from './data_matrix';
import type { FloatArray } from './binding';
import { KMeansError, invalidOption } from './errors';
import { type Matrix, type MatrixLike, allocate, dtypeOf, toMatrix } from './matrix';
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
  /** Threads for the native work. Default: the CPUs available (cores, within a container's CPU quota). Results do not depend on it. */
  threads?: number;
}

export interface Shape {
  matrix: Matrix;
  oneD: boolean;
}

export function toObservations(value: unknown, name: string, checkFinite: boolean): Shape {
  refuseCsr(value, name);
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

/** Only vq reads CSR matrices, and only as its obs (sparse_vq.ts): anywhere else, a typed refusal. */
function refuseCsr(value: unknown, name: string): void {
  if (!isCsrLike(value)) return;
  throw new KMeansError(
    'ERR_KMEANS_INVALID_DATA',
    `${name} is a CSR matrix, which only vq reads, as its obs: pass ${name} dense as { data, rows, cols }, ` +
      'or cluster CSR rows with KMeans or BisectingKMeans, which read them as they are',
    { details: { argument: name } },
  );
}

/**
 * Observations with no rows, which SciPy's vq (and whiten, and kmeans from a codebook) take: an
 * empty typed array (1-D), a typed matrix, typed columns or Arrow data of at least one feature
 * and no rows (2-D), or [], of `like`'s rank and features where there is one (else 1-D: numpy
 * reads [] so). Undefined for anything else, which toObservations checks as usual.
 */
export function noObservations(value: unknown, like?: Shape): Shape | undefined {
  if (isCsrLike(value)) return undefined;
  // A new empty array each time: results never share the caller's.
  const empty = (like: FloatArray, cols: number, oneD: boolean): Shape => ({
    matrix: { data: allocate(dtypeOf(like), 0), rows: 0, cols },
    oneD,
  });
  if (value instanceof Float64Array || value instanceof Float32Array) {
    return value.length === 0 ? empty(value, 1, true) : undefined;
  }
  if (Array.isArray(value)) {
    if (value.length > 0) return undefined;
    return like ? empty(new Float64Array(0), like.matrix.cols, like.oneD) : empty(new Float64Array(0), 1, true);
  }
  const layout = isArrowLike(value) && arrowRows(value) === 0 ? fromArrow(value, 'obs') : value;
  if (typeof layout !== 'object' || layout === null) return undefined;
  const { data, rows, cols, columns } = layout as Partial<Matrix> & { columns?: unknown };
  if (data instanceof Float64Array || data instanceof Float32Array) {
    const noRows = rows === 0 && data.length === 0 && Number.isSafeInteger(cols) && cols! >= 1;
    return noRows ? empty(data, cols!, false) : undefined;
  }
  if (!Array.isArray(columns) || columns.length === 0) return undefined;
  const first: unknown = columns[0];
  if (!(first instanceof Float64Array || first instanceof Float32Array)) return undefined;
  const noRows = columns.every(
    (column: unknown) => column instanceof first.constructor && (column as FloatArray).length === 0,
  );
  return noRows ? empty(first, columns.length, false) : undefined;
}

/** The rows of Arrow data, read without laying it out: a vector's length, a table's first column's. */
function arrowRows(value: object): number | undefined {
  if ('length' in value && typeof value.length === 'number') return value.length;
  const table = value as { numCols?: unknown; getChildAt?: (index: number) => unknown };
  if (typeof table.numCols !== 'number' || table.numCols === 0) return undefined;
  const column = table.getChildAt?.(0) as { length?: unknown } | undefined;
  return typeof column?.length === 'number' ? column.length : undefined;
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
