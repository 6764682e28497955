/**
 * Sparse input in compressed sparse row (CSR) form, as SciPy's `csr_matrix` holds it: what such a
 * matrix is, what it means where the layout leaves room (unsorted and repeated column indices),
 * and the two things computed from it without ever laying it out densely (row norms and row
 * subsets). Its checks are in csr_checks.ts.
 *
 * Meaning: row i holds the entries `data[k]` at column `indices[k]` for k from `indptr[i]` to
 * `indptr[i + 1] - 1`; every other value is zero. Indices within a row may come in any order, and
 * a column may repeat within a row: the matrix then holds the sum of the repeated entries there,
 * as SciPy's `toarray()` and `sum_duplicates()` read it. Dot products come out the same whether
 * or not repeats are summed first; squared norms and the magnitude check do not, so they sum the
 * repeats of a row first (in float64, in stored order), in a scratch of that row's size.
 */
import type { FloatArray } from './binding';
import { KMeansError } from './errors';

/**
 * A sparse matrix: `rows + 1` row pointers (`indptr[0] = 0`, non-decreasing, `indptr[rows]` the
 * number of stored entries), and for each stored entry its column (`indices`, 0 to `cols - 1`) and
 * value (`data`). `indptr` is a BigInt64Array only where there are more than 2^31 - 1 entries.
 *
 * @example
 * ```ts
 * import { KMeans, type CsrMatrix } from 'kmeans-native';
 *
 * // The 4×4 rows [1 0 0 0], [2 0 0 0], [0 0 5 0], [0 0 4 1]:
 * const X: CsrMatrix = {
 *   format: 'csr',
 *   indptr: new Int32Array([0, 1, 2, 3, 5]),
 *   indices: new Int32Array([0, 0, 2, 2, 3]),
 *   data: new Float64Array([1, 2, 5, 4, 1]),
 *   rows: 4,
 *   cols: 4,
 * };
 * const km = new KMeans({ nClusters: 2, seed: 0 }).fit(X);
 * console.log(km.labels); // Int32Array [1, 1, 0, 0]
 * ```
 */
export interface CsrMatrix<A extends FloatArray = FloatArray> {
  format: 'csr';
  indptr: Int32Array | BigInt64Array;
  indices: Int32Array;
  data: A;
  rows: number;
  cols: number;
}

/** The largest entry count an Int32Array indptr can hold. */
export const maxInt32Entries = 2 ** 31 - 1;

/** Whether `value` says it is a CSR matrix (`format: 'csr'`); whether it is a valid one is toCsrMatrix's to check. */
export function isCsrLike(value: unknown): value is { format: 'csr' } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    (value as { format?: unknown }).format === 'csr'
  );
}

/** Whether `value` says it is a sparse matrix of another layout (SciPy's format names, any case, or 'CSR'). */
export function isOtherSparseLike(value: unknown): value is { format: string } {
  if (typeof value !== 'object' || value === null || isCsrLike(value)) return false;
  const format = (value as { format?: unknown }).format;
  return typeof format === 'string' && /^(csr|csc|coo|bsr|dia|dok|lil)$/i.test(format);
}

/** Where row `row`'s entries start (and where row `row - 1`'s end), as a number. */
export function rowStart(indptr: Int32Array | BigInt64Array, row: number): number {
  return Number(indptr[row]!);
}

/**
 * Reads one row at a time with repeated columns summed: `read(row)` returns the row's entry
 * count and leaves its columns and float64 values in `columns` and `values`, in increasing
 * column order where the row had to be sorted (a row whose columns already increase strictly is
 * copied as it is). The scratch grows to the longest row read, never beyond.
 */
export class SummedRows {
  columns = new Int32Array(16);
  values = new Float64Array(16);
  private order = new Int32Array(16);

  /** With `float32`, each sum of repeats is rounded to float32 after every addition (as a float32 dense row adds them). */
  constructor(
    private readonly csr: CsrMatrix,
    private readonly float32 = false,
  ) {}

  read(row: number): number {
    const { indptr, indices, data } = this.csr;
    const start = rowStart(indptr, row);
    const length = rowStart(indptr, row + 1) - start;
    if (length > this.columns.length) this.grow(length);
    let increasing = true;
    for (let k = 1; k < length && increasing; k++) increasing = indices[start + k]! > indices[start + k - 1]!;
    if (increasing) {
      this.columns.set(indices.subarray(start, start + length));
      for (let k = 0; k < length; k++) this.values[k] = data[start + k]!;
      return length;
    }
    // Stored positions by column, ties in stored order, so that sums are always made alike.
    const order = this.order.subarray(0, length);
    for (let k = 0; k < length; k++) order[k] = start + k;
    order.sort((a, b) => indices[a]! - indices[b]! || a - b);
    let count = -1;
    for (let k = 0; k < length; k++) {
      const position = order[k]!;
      const column = indices[position]!;
      if (count >= 0 && this.columns[count] === column) {
        const sum = this.values[count]! + data[position]!;
        this.values[count] = this.float32 ? Math.fround(sum) : sum;
      } else {
        count++;
        this.columns[count] = column;
        this.values[count] = data[position]!;
      }
    }
    return count + 1;
  }

  private grow(length: number): void {
    const size = Math.max(length, this.columns.length * 2);
    this.columns = new Int32Array(size);
    this.values = new Float64Array(size);
    this.order = new Int32Array(size);
  }
}

/**
 * Each row's squared Euclidean norm, in float64, of the row with repeated columns summed (the
 * norm of the row as `toarray()` gives it). Rows without entries have norm 0.
 */
export function csrRowSquaredNorms(csr: CsrMatrix): Float64Array {
  const norms = new Float64Array(csr.rows);
  const reader = new SummedRows(csr);
  for (let i = 0; i < csr.rows; i++) {
    const count = reader.read(i);
    let sum = 0;
    for (let k = 0; k < count; k++) sum += reader.values[k]! * reader.values[k]!;
    norms[i] = sum;
  }
  return norms;
}

/**
 * The given rows, in that order (a row may repeat), as a new CSR matrix of the same dtype and
 * column count. Each row's entries are copied as stored (order and repeats kept). `indptr` is an
 * Int32Array unless the subset has more than 2^31 - 1 entries.
 */
export function csrRowsOf(csr: CsrMatrix, rows: ArrayLike<number>): CsrMatrix {
  const { indptr, indices, data } = csr;
  const n = rows.length;
  let total = 0;
  for (let r = 0; r < n; r++) {
    const row = rows[r]!;
    if (!Number.isInteger(row) || row < 0 || row >= csr.rows) {
      throw new KMeansError(
        'ERR_KMEANS_INTERNAL',
        `csrRowsOf: rows[${r}] = ${row} is not a row of the ${csr.rows}-row matrix`,
      );
    }
    total += rowStart(indptr, row + 1) - rowStart(indptr, row);
  }
  const outIndptr = total > maxInt32Entries ? new BigInt64Array(n + 1) : new Int32Array(n + 1);
  const outIndices = new Int32Array(total);
  const outData: FloatArray = data instanceof Float32Array ? new Float32Array(total) : new Float64Array(total);
  let at = 0;
  for (let r = 0; r < n; r++) {
    const start = rowStart(indptr, rows[r]!);
    const end = rowStart(indptr, rows[r]! + 1);
    outIndices.set(indices.subarray(start, end), at);
    outData.set(data.subarray(start, end), at);
    at += end - start;
    if (outIndptr instanceof BigInt64Array) outIndptr[r + 1] = BigInt(at);
    else outIndptr[r + 1] = at;
  }
  return { format: 'csr', indptr: outIndptr, indices: outIndices, data: outData, rows: n, cols: csr.cols };
}
