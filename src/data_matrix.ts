/**
 * The data of a fit or a query, as the native kernels read it in place: a row-major `Matrix`, or
 * a column-major `ColumnMatrix` (one typed array per feature, as columnar sources such as Arrow
 * tables hold numeric columns). The kernels read a column-major matrix a chunk of rows at a time
 * and give the bits they give on the same rows laid out row-major; nothing copies X.
 */
import { fromArrow, isArrowLike } from './arrow_input';
import type { FloatArray } from './binding';
import { KMeansError, describe } from './errors';
import {
  type ColumnMatrix,
  type ColumnsLike,
  type DataMatrix,
  type Matrix,
  allocate,
  checkNotEmpty,
  dataDType,
  firstOutOfRange,
  isColumnMatrix,
  isColumnsLike,
  magnitudeLimit,
  nonFinite,
  outOfRangeError,
  toMatrix,
} from './matrix';

/**
 * X of a fit or a query, checked: typed columns are kept as a ColumnMatrix, the rest as toMatrix
 * gives; Arrow data is first laid out as one of those (arrow_input.ts).
 */
export function toDataMatrix(value: unknown, name: string, requireFinite = true): DataMatrix {
  const input = isArrowLike(value) ? fromArrow(value, name) : value;
  return isColumnsLike(input) ? toColumnMatrix(input, name, requireFinite) : toMatrix(input, name, requireFinite);
}

/** A matrix wanted row-major (an explicit init, a stream chunk): typed columns are copied into rows. */
export function toRowMatrix(value: unknown, name: string, requireFinite = true): Matrix {
  const matrix = toDataMatrix(value, name, requireFinite);
  if (!isColumnMatrix(matrix)) return matrix;
  return gatherRows(matrix, rowIndices(matrix.rows));
}

/** 0, 1, ..., n − 1: every row of an n-row matrix, in order. */
export function rowIndices(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

/** The rows field of a native request: `x` for row-major data, `columns` for column-major. */
export function rowsField(X: DataMatrix): { x: FloatArray } | { columns: readonly FloatArray[] } {
  return isColumnMatrix(X) ? { columns: X.columns } : { x: X.data };
}

/** The given rows, in that order, as a new row-major matrix of X's dtype. */
export function gatherRows(X: DataMatrix, indices: ArrayLike<number>): Matrix {
  const d = X.cols;
  const out = allocate(dataDType(X), indices.length * d);
  for (let r = 0; r < indices.length; r++) {
    const row = indices[r]!;
    if (isColumnMatrix(X)) for (let f = 0; f < d; f++) out[r * d + f] = X.columns[f]![row]!;
    else out.set(X.data.subarray(row * d, (row + 1) * d), r * d);
  }
  return { data: out, rows: indices.length, cols: d };
}

/**
 * Checks column-major input `{ columns }`: at least one column, every column a Float64Array or
 * a Float32Array of the same type and length (at least one row), none a view of a resizable
 * buffer; with requireFinite, every value finite and below the overflow limit. The arrays are
 * kept as they are.
 */
export function toColumnMatrix(value: ColumnsLike, name: string, requireFinite = true): ColumnMatrix {
  const { columns } = value;
  const invalid = (message: string, details = {}) =>
    new KMeansError('ERR_KMEANS_INVALID_DATA', message, { details: { argument: name, ...details } });
  if (!Array.isArray(columns) || columns.length === 0) {
    throw invalid(
      `${name}.columns must be a non-empty array of Float64Array or Float32Array columns (got ${describe(columns)})`,
    );
  }
  const first = columns[0] as unknown;
  if (!(first instanceof Float64Array || first instanceof Float32Array)) {
    throw invalid(`${name}.columns[0] must be a Float64Array or a Float32Array (got ${describe(first)})`, {
      column: 0,
    });
  }
  const rows = first.length;
  columns.forEach((column: unknown, j: number) => {
    if (!(column instanceof first.constructor)) {
      throw invalid(
        `${name}.columns[${j}] must be a ${first.constructor.name}, as columns[0] is (got ${describe(column)})`,
        {
          column: j,
        },
      );
    }
    const typed = column as FloatArray;
    if (typed.length !== rows) {
      throw invalid(
        `${name}.columns[${j}] has ${typed.length} values, but columns[0] has ${rows}: every column needs one per row`,
        {
          column: j,
          expected: rows,
          actual: typed.length,
        },
      );
    }
    const buffer = typed.buffer as { resizable?: boolean; growable?: boolean };
    if (buffer.resizable || buffer.growable) {
      throw invalid(
        `${name}.columns[${j}] is a view of a resizable ArrayBuffer, which could shrink while the native code reads it: pass a copy (.slice())`,
        { column: j },
      );
    }
  });
  checkNotEmpty(rows, columns.length, name);
  const matrix: ColumnMatrix = { columns: columns as FloatArray[], rows, cols: columns.length };
  if (requireFinite) checkColumnsFinite(matrix, name);
  return matrix;
}

/** As toColumnMatrix's finite check: the first bad value by row and column (row order). */
function checkColumnsFinite(X: ColumnMatrix, name: string): void {
  const limit = magnitudeLimit(dataDType(X), X.rows, X.cols);
  const index = firstOutOfRange(X, limit);
  if (index < 0) return;
  const row = Math.floor(index / X.cols);
  const column = index - row * X.cols;
  const value = X.columns[column]![row]!;
  if (!Number.isFinite(value)) throw nonFinite(name, row, column, value);
  throw outOfRangeError(name, row, column, value, limit, X.rows, X.cols);
}
