/**
 * CSR rows as the dense kernels would see them once laid out, computed from the entries alone:
 * the canonical form (columns increasing, repeats summed in the data's own precision, as a dense
 * copy of the row holds them), which the sparse k-means++ reads, unit rows for the cosine metric
 * (the dense unit_rows scaling, value for value), the mean column variance of the tolerance, and
 * the k rows that become centers made dense.
 */
import type { FloatArray } from './binding';
import { type CsrMatrix, SummedRows, maxInt32Entries, rowStart } from './csr';
import { KMeansError } from './errors';
import { allocate, dtypeOf } from './matrix';

/** Rows with strictly increasing columns and float64 values (each exactly a value of the data's dtype). */
export interface CanonicalRows {
  starts: Float64Array;
  columns: Int32Array;
  values: Float64Array;
  rows: number;
  cols: number;
  float32: boolean;
}

/** Whether every row's columns increase strictly (no repeats, sorted). */
export function isCanonical(csr: CsrMatrix): boolean {
  const { indptr, indices } = csr;
  for (let i = 0; i < csr.rows; i++) {
    const end = rowStart(indptr, i + 1);
    for (let e = rowStart(indptr, i) + 1; e < end; e++) if (indices[e]! <= indices[e - 1]!) return false;
  }
  return true;
}

/**
 * The canonical rows: each row's entries by column, repeats added in stored order in the data's
 * precision (float32 sums rounded to float32, as the dense row's scatter adds them).
 */
export function canonicalRows(csr: CsrMatrix): CanonicalRows {
  const { indptr, indices, data, rows, cols } = csr;
  const float32 = data instanceof Float32Array;
  const starts = new Float64Array(rows + 1);
  const columns = new Int32Array(data.length);
  const values = new Float64Array(data.length);
  let at = 0;
  let order = new Int32Array(16);
  for (let i = 0; i < rows; i++) {
    const start = rowStart(indptr, i);
    const length = rowStart(indptr, i + 1) - start;
    if (length > order.length) order = new Int32Array(Math.max(length, order.length * 2));
    const sorted = order.subarray(0, length);
    for (let e = 0; e < length; e++) sorted[e] = start + e;
    sorted.sort((a, b) => indices[a]! - indices[b]! || a - b);
    const first = at;
    for (const position of sorted) {
      const column = indices[position]!;
      if (at > first && columns[at - 1] === column) {
        const sum = values[at - 1]! + data[position]!;
        values[at - 1] = float32 ? Math.fround(sum) : sum;
      } else {
        columns[at] = column;
        values[at] = data[position]!;
        at++;
      }
    }
    starts[i + 1] = at;
  }
  return { starts, columns: columns.subarray(0, at), values: values.subarray(0, at), rows, cols, float32 };
}

/** The canonical rows as a CSR matrix of the given dtype (Int32 row pointers where they fit). */
export function canonicalCsr(rows: CanonicalRows, values: Float64Array = rows.values): CsrMatrix {
  const entries = rows.columns.length;
  const indptr = entries > maxInt32Entries ? BigInt64Array.from(rows.starts, BigInt) : Int32Array.from(rows.starts);
  const data: FloatArray = rows.float32 ? Float32Array.from(values) : Float64Array.from(values);
  return { format: 'csr', indptr, indices: rows.columns, data, rows: rows.rows, cols: rows.cols };
}

/**
 * The rows in canonical form with float64 values, as the sparse k-means++ reads them: the matrix
 * itself where it already is so (no copy), else a canonical copy (from `rows`, where made).
 */
export function canonicalFloat64(csr: CsrMatrix, rows?: () => CanonicalRows): CsrMatrix {
  if (csr.data instanceof Float64Array && isCanonical(csr)) return csr;
  // float32 values are exact in float64, and the kernel computes in double either way.
  return canonicalCsr({ ...(rows ? rows() : canonicalRows(csr)), float32: false });
}

/**
 * Each canonical row scaled to unit length as the dense unit_rows scales a row (native
 * scale_to_unit: the squares summed in column order in double, then each value times
 * 1 / sqrt of the sum, stored in the dtype; rows of tiny or huge norm divided by their largest
 * magnitude first). Returns the scaled values, or the first row of length zero.
 */
export function unitValues(rows: CanonicalRows): { values: Float64Array } | { zeroRow: number } {
  const out = new Float64Array(rows.values.length);
  const round = rows.float32 ? Math.fround : (value: number) => value;
  for (let i = 0; i < rows.rows; i++) {
    const start = rows.starts[i]!;
    const end = rows.starts[i + 1]!;
    let squares = 0;
    for (let e = start; e < end; e++) squares += rows.values[e]! * rows.values[e]!;
    if (squares >= 2.2250738585072014e-308 && Number.isFinite(squares)) {
      const scale = 1 / Math.sqrt(squares);
      for (let e = start; e < end; e++) out[e] = round(rows.values[e]! * scale);
      continue;
    }
    let largest = 0;
    for (let e = start; e < end; e++) largest = Math.max(largest, Math.abs(rows.values[e]!));
    if (!(largest > 0)) return { zeroRow: i };
    let scaled = 0;
    for (let e = start; e < end; e++) {
      const value = rows.values[e]! / largest;
      scaled += value * value;
    }
    const norm = Math.sqrt(scaled);
    for (let e = start; e < end; e++) out[e] = round(rows.values[e]! / largest / norm);
  }
  return { values: out };
}

/**
 * The mean over columns of the (unweighted) column variances, as the dense columnStats gives it
 * (within rounding): two passes over the entries, repeats summed.
 */
export function csrMeanVariance(csr: CsrMatrix): number {
  const { rows: n, cols } = csr;
  const sums = new Float64Array(cols);
  const counts = new Float64Array(cols);
  const deviations = new Float64Array(cols);
  const reader = new SummedRows(csr);
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < n; i++) {
      const count = reader.read(i);
      for (let e = 0; e < count; e++) {
        const f = reader.columns[e]!;
        if (pass === 0) {
          sums[f] = sums[f]! + reader.values[e]!;
          counts[f] = counts[f]! + 1;
        } else {
          const diff = reader.values[e]! - sums[f]! / n;
          deviations[f] = deviations[f]! + diff * diff;
        }
      }
    }
  }
  let total = 0;
  for (let f = 0; f < cols; f++) {
    const mean = sums[f]! / n;
    total += (deviations[f]! + (n - counts[f]!) * mean * mean) / n;
  }
  return total / cols;
}

/**
 * The given rows laid out dense, one after another, in the data's dtype: each row's entries
 * added in stored order in that dtype, as the dense copy of the row holds them.
 */
export function csrDenseRows(csr: CsrMatrix, which: ArrayLike<number>): FloatArray {
  const d = csr.cols;
  // k rows of a very wide matrix may be more than a typed array holds: ERR_KMEANS_TOO_LARGE.
  const out = allocate(dtypeOf(csr.data), which.length * d);
  for (let r = 0; r < which.length; r++) {
    const row = which[r]!;
    if (!Number.isInteger(row) || row < 0 || row >= csr.rows) {
      throw new KMeansError('ERR_KMEANS_INTERNAL', `csrDenseRows: ${row} is not a row of the matrix`);
    }
    for (let e = rowStart(csr.indptr, row); e < rowStart(csr.indptr, row + 1); e++) {
      out[r * d + csr.indices[e]!] = out[r * d + csr.indices[e]!]! + csr.data[e]!;
    }
  }
  return out;
}
