/**
 * Data in, data out. Input is `number[][]` or a row-major typed matrix. A Float32Array stays
 * float32 and a Float64Array stays float64 (never downcast silently); `number[][]` is packed
 * once into a Float64Array. Typed arrays are read in place: never copied, never modified.
 */
import type { ArrowLike } from './arrow_input';
import { type FloatArray, native } from './binding';
import { isCsrLike, isOtherSparseLike } from './csr';
import { KMeansError, describe } from './errors';
import { defaultThreads } from './cpu_quota';

/** A row-major matrix: row i is `data.subarray(i * cols, (i + 1) * cols)`. */
export interface Matrix<A extends FloatArray = FloatArray> {
  data: A;
  rows: number;
  cols: number;
}

/** A column-major matrix: column j is `columns[j]`, `rows` values of one typed-array type. */
export interface ColumnMatrix<A extends FloatArray = FloatArray> {
  columns: readonly A[];
  rows: number;
  cols: number;
}

/**
 * Column-major data as the API accepts it: one Float64Array or Float32Array per feature, all of
 * one type and length (the numeric columns of a columnar table, say). Fits and queries read
 * them in place; where a small matrix is needed row-major (an explicit init), it is copied.
 */
export interface ColumnsLike<A extends FloatArray = FloatArray> {
  columns: readonly A[];
}

/** Fit and query data, read in place by the kernels: row-major or column-major (data_matrix.ts). */
export type DataMatrix<A extends FloatArray = FloatArray> = Matrix<A> | ColumnMatrix<A>;

export function isColumnMatrix(X: DataMatrix): X is ColumnMatrix {
  return 'columns' in X;
}

export function dataDType(X: DataMatrix): DType {
  return isColumnMatrix(X) ? dtypeOf(X.columns[0]!) : dtypeOf(X.data);
}

/** The value at (row, column), whatever the layout. */
export function valueAt(X: DataMatrix, row: number, column: number): number {
  return isColumnMatrix(X) ? X.columns[column]![row]! : X.data[row * X.cols + column]!;
}

/** What the API accepts as a matrix: rows of numbers, a row-major typed matrix, typed columns, or Arrow data. */
export type MatrixLike = readonly (readonly number[])[] | Matrix | ColumnsLike | ArrowLike;

export type DType = 'float64' | 'float32';

export function dtypeOf(array: FloatArray): DType {
  return array instanceof Float32Array ? 'float32' : 'float64';
}

function isTypedMatrix(value: unknown): value is Matrix {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'data' in value;
}

export function isColumnsLike(value: unknown): value is ColumnsLike {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'columns' in value;
}

/**
 * Checks and normalises a matrix argument. `name` is used in messages ("X", "init").
 * Unless requireFinite is false, values are checked to be finite; the first bad value is
 * reported by row and column.
 */
export function toMatrix(value: unknown, name: string, requireFinite = true): Matrix {
  // A CSR matrix's data could pass for dense rows where its length happens to be rows * cols.
  if (isCsrLike(value)) {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_DATA',
      `${name} is a CSR matrix, which is not read here: pass ${name} dense as { data, rows, cols }`,
      { details: { argument: name } },
    );
  }
  if (isOtherSparseLike(value)) {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_DATA',
      `${name}.format must be 'csr' (got ${describe(value.format)}): only compressed sparse row matrices are read; convert others to CSR`,
      { details: { argument: name } },
    );
  }
  if (!isTypedMatrix(value)) return packRows(value, name, requireFinite);
  const matrix = checkTypedMatrix(value, name);
  if (requireFinite) checkFinite(matrix, name);
  return matrix;
}

function checkTypedMatrix(value: Matrix, name: string): Matrix {
  const { data, rows, cols } = value;
  if (!(data instanceof Float64Array || data instanceof Float32Array)) {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_DATA',
      `${name}.data must be a Float64Array or a Float32Array (got ${describe(data)})`,
      { details: { argument: name } },
    );
  }
  for (const [field, size] of [
    ['rows', rows],
    ['cols', cols],
  ] as const) {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new KMeansError(
        'ERR_KMEANS_INVALID_DATA',
        `${name}.${field} must be an integer >= 0 (got ${describe(size)})`,
        { details: { argument: name } },
      );
    }
  }
  checkNotEmpty(rows, cols, name);
  checkFixedBuffer(data, `${name}.data`);
  if (data.length !== rows * cols) {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_DATA',
      `${name}.data must hold rows * cols = ${rows * cols} values (got ${data.length})`,
      { details: { argument: name, expected: rows * cols, actual: data.length } },
    );
  }
  return { data, rows, cols };
}

/**
 * A resizable ArrayBuffer can shrink under a running async call, which the native code could
 * not survive: such arrays are refused (a copy, `array.slice()`, is fine).
 */
function checkFixedBuffer(array: ArrayBufferView, name: string): void {
  const buffer = array.buffer as { resizable?: boolean; growable?: boolean };
  if (buffer.resizable || buffer.growable) {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_DATA',
      `${name} is a view of a resizable ArrayBuffer, which could shrink while the native code reads it: pass a copy (${name}.slice())`,
      { details: { argument: name.replace(/\.data$/, '') } },
    );
  }
}

/** Labels, and the row indices of seeding and mini-batches, are 32-bit: rows beyond that are refused. */
const maxRows = 2 ** 31 - 1;

export function checkNotEmpty(rows: number, cols: number, name: string): void {
  const details = { argument: name };
  if (rows === 0)
    throw new KMeansError('ERR_KMEANS_EMPTY_DATA', `${name} must have at least one row (got 0 rows)`, { details });
  if (cols === 0)
    throw new KMeansError('ERR_KMEANS_EMPTY_DATA', `${name} must have at least one column (got 0 columns)`, {
      details,
    });
  if (rows > maxRows) {
    throw new KMeansError(
      'ERR_KMEANS_TOO_LARGE',
      `${name} has ${rows} rows, more than the ${maxRows} (2^31 - 1) supported: labels and row indices are 32-bit; split the data into parts`,
      { details: { ...details, expected: maxRows, actual: rows } },
    );
  }
}

function packRows(value: unknown, name: string, requireFinite: boolean): Matrix<Float64Array> {
  if (!Array.isArray(value)) {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_DATA',
      `${name} must be an array of rows (number[][]) or a matrix { data, rows, cols } (got ${describe(value)})`,
      { details: { argument: name } },
    );
  }
  const rows = value.length;
  if (rows > 0 && !Array.isArray(value[0]) && !ArrayBuffer.isView(value[0])) {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_DATA',
      `${name} must be 2-D: an array of rows, each an array of numbers (row 0 is ${describe(value[0])}); ` +
        'wrap a single sample as [row] or each value of a single feature as [value]',
      { details: { argument: name, row: 0 } },
    );
  }
  const cols = rows > 0 ? (value[0] as ArrayLike<number>).length : 0;
  checkNotEmpty(rows, cols, name);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = value[i] as unknown;
    if (!Array.isArray(row) && !ArrayBuffer.isView(row)) {
      throw new KMeansError(
        'ERR_KMEANS_INVALID_DATA',
        `${name}[${i}] must be an array of numbers (got ${describe(row)})`,
        { details: { argument: name, row: i } },
      );
    }
    const cells = row as ArrayLike<unknown>;
    if (cells.length !== cols) {
      throw new KMeansError(
        'ERR_KMEANS_INVALID_DATA',
        `${name} has ragged rows: row ${i} has ${cells.length} values, row 0 has ${cols}`,
        { details: { argument: name, row: i, expected: cols, actual: cells.length } },
      );
    }
    for (let j = 0; j < cols; j++) {
      const cell = cells[j];
      if (typeof cell !== 'number') {
        throw new KMeansError(
          'ERR_KMEANS_INVALID_DATA',
          `${name}[${i}][${j}] must be a number (got ${describe(cell)})`,
          { details: { argument: name, row: i, column: j } },
        );
      }
      if (requireFinite && !Number.isFinite(cell)) throw nonFinite(name, i, j, cell);
      data[i * cols + j] = cell;
    }
  }
  if (requireFinite) checkFinite({ data, rows, cols }, name);
  return { data, rows, cols };
}

/** Throws ERR_KMEANS_NON_FINITE unless every value of the matrix is finite (ERR_KMEANS_OVERFLOW if too large). */
export function requireFinite(matrix: Matrix, name: string): void {
  checkFinite(matrix, name);
}

export function nonFinite(name: string, row: number, column: number, value: number): KMeansError {
  return new KMeansError(
    'ERR_KMEANS_NON_FINITE',
    `${name} must contain only finite numbers: row ${row}, column ${column} is ${value}`,
    { details: { argument: name, row, column, value } },
  );
}

// Typed data this large is scanned natively (vectorised, on all cores); smaller in JavaScript.
const nativeScanFrom = 1 << 15;

/** The largest finite float32, 2^128 - 2^104. */
const float32Max = 3.4028234663852886e38;

/**
 * The overflow rule, the one place it is stated: the magnitude that every value must stay below
 * so that a sum of squared distances (an inertia, a k-means++ potential) stays finite in float64.
 * (2x)² summed over `cols` columns and `rows` rows reaches the largest double at
 * x = sqrt(max / 4·cols·rows), about 6.7e153 / √(cols·rows). With sample weights adding up to
 * more than the row count, `rows` is their total. float32 data has no limit unless the bound is
 * within float32's range (only for huge weights): float32 values squared stay far from double's
 * largest, and where float32 distances overflow, the exact re-check in double decides.
 */
export function magnitudeLimit(dtype: DType, rows: number, cols: number): number {
  const limit = Math.sqrt(Number.MAX_VALUE / (4 * cols * Math.max(rows, 1)));
  return dtype === 'float32' && limit > float32Max ? Infinity : limit;
}

/** Throws ERR_KMEANS_NON_FINITE at a NaN or infinity, ERR_KMEANS_OVERFLOW at a value too large to square. */
function checkFinite(matrix: Matrix, name: string): void {
  const { data, rows, cols } = matrix;
  const limit = magnitudeLimit(dtypeOf(data), rows, cols);
  const index = firstOutOfRange(matrix, limit);
  if (index < 0) return;
  const row = Math.floor(index / cols);
  const column = index - row * cols;
  const value = data[index]!;
  if (!Number.isFinite(value)) throw nonFinite(name, row, column, value);
  throw outOfRangeError(name, row, column, value, limit, rows, cols);
}

/** ERR_KMEANS_OVERFLOW for a value whose square would make sums of squared distances overflow. */
export function outOfRangeError(
  name: string,
  row: number,
  column: number,
  value: number,
  limit: number,
  rows: number,
  cols: number,
): KMeansError {
  return new KMeansError(
    'ERR_KMEANS_OVERFLOW',
    `${name} row ${row}, column ${column} is ${value}: sums of squared distances would overflow ` +
      `float64 (with ${rows} rows and ${cols} columns, |values| must stay below ${limit.toPrecision(3)}); scale the data down`,
    { details: { argument: name, row, column, value, limit } },
  );
}

/**
 * The row-major index (row * cols + column) of the first value that is NaN or not below `limit`
 * in magnitude, or -1.
 */
export function firstOutOfRange(X: DataMatrix, limit: number): number {
  // A limit of zero (weights adding up to more than double's range) leaves no value in range.
  if (!(limit > 0)) return 0;
  if (isColumnMatrix(X)) {
    const { columns, rows, cols } = X;
    return native().firstOutOfRange({
      columns,
      n: rows,
      d: cols,
      sampleWeight: null,
      threads: defaultThreads(),
      limit,
    });
  }
  const { data, rows, cols } = X;
  if (data.length >= nativeScanFrom) {
    return native().firstOutOfRange({
      x: data,
      n: rows,
      d: cols,
      sampleWeight: null,
      threads: defaultThreads(),
      limit,
    });
  }
  for (let i = 0; i < data.length; i++) if (!(Math.abs(data[i]!) < limit)) return i;
  return -1;
}

/**
 * The same matrix in the given dtype: the matrix itself if it already is, else a converted
 * copy. `name` names it in the error thrown if a value overflows float32.
 */
export function asDType(matrix: Matrix, dtype: DType, name: string): Matrix {
  if (dtypeOf(matrix.data) === dtype) return matrix;
  const data = dtype === 'float32' ? Float32Array.from(matrix.data) : Float64Array.from(matrix.data);
  const converted = { data, rows: matrix.rows, cols: matrix.cols };
  if (dtype === 'float32') {
    try {
      checkFinite(converted, name);
    } catch (error) {
      if ((error as KMeansError).code === 'ERR_KMEANS_OVERFLOW') throw error;
      // Where the first value became infinite, and that value as it was.
      const { row, column } = (error as KMeansError).details;
      const value = row === undefined || column === undefined ? undefined : matrix.data[row * matrix.cols + column];
      throw new KMeansError(
        'ERR_KMEANS_NON_FINITE',
        `${name} has values beyond the float32 range, so it cannot be used with float32 data: pass the data as float64`,
        { details: { argument: name, row, column, value } },
      );
    }
  }
  return converted;
}

/** A new zeroed array of the dtype. */
export function allocate(dtype: DType, length: number): FloatArray {
  try {
    return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
  } catch (error) {
    throw new KMeansError(
      'ERR_KMEANS_TOO_LARGE',
      `The result would hold ${length} values, more than a typed array can`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Sample weights for the rows of X as a Float64Array (a Float64Array argument is used in place).
 * Weights must be finite and >= 0 with a positive sum (unless X is `part` of the data). `undefined` means all ones (null).
 * Weights that add up to more than the row count scale every sum of squared distances up: X's
 * values must then stay below magnitudeLimit for that total weight (ERR_KMEANS_OVERFLOW).
 */
export function toSampleWeight(value: unknown, X: DataMatrix, part = false): Float64Array | null {
  if (value === undefined || value === null) return null;
  const n = X.rows;
  if (!Array.isArray(value) && !(value instanceof Float64Array) && !(value instanceof Float32Array)) {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_WEIGHTS',
      `sampleWeight must be an array of numbers, a Float64Array or a Float32Array (got ${describe(value)})`,
      { details: { argument: 'sampleWeight' } },
    );
  }
  const values = value as ArrayLike<unknown>;
  if (ArrayBuffer.isView(values)) checkFixedBuffer(values, 'sampleWeight');
  if (values.length !== n) {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_WEIGHTS',
      `sampleWeight must have one value per sample: expected ${n}, got ${values.length}`,
      { details: { argument: 'sampleWeight', expected: n, actual: values.length } },
    );
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const w = values[i];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new KMeansError(
        'ERR_KMEANS_INVALID_WEIGHTS',
        `sampleWeight must hold finite numbers >= 0: sampleWeight[${i}] is ${describe(w)}`,
        { details: { argument: 'sampleWeight', row: i, ...(typeof w === 'number' ? { value: w } : {}) } },
      );
    }
    sum += w;
  }
  // A part of the data (a source's chunk) may weigh nothing; the whole is checked once read.
  if (!(sum > 0) && !part) {
    throw new KMeansError('ERR_KMEANS_INVALID_WEIGHTS', 'sampleWeight must not be all zero', {
      details: { argument: 'sampleWeight' },
    });
  }
  if (!Number.isFinite(sum)) {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_WEIGHTS',
      `sampleWeight must have a finite sum (the total overflows to ${sum}): scale the weights down`,
      { details: { argument: 'sampleWeight', value: sum } },
    );
  }
  if (sum > n) checkWeightedMagnitude(X, sum);
  return value instanceof Float64Array ? value : Float64Array.from(values as ArrayLike<number>);
}

function checkWeightedMagnitude(X: DataMatrix, totalWeight: number): void {
  const limit = magnitudeLimit(dataDType(X), totalWeight, X.cols);
  const index = firstOutOfRange(X, limit);
  if (index < 0) return;
  const row = Math.floor(index / X.cols);
  const column = index - row * X.cols;
  const value = valueAt(X, row, column);
  throw new KMeansError(
    'ERR_KMEANS_OVERFLOW',
    `X row ${row}, column ${column} is ${value}: with sampleWeight adding up to ` +
      `${totalWeight.toPrecision(3)}, sums of weighted squared distances would overflow float64 ` +
      `(|values| must stay below ${limit.toPrecision(3)}); scale the data or the weights down`,
    { details: { argument: 'X', row, column, value, limit } },
  );
}
