// What the library must make of a CSR argument, stated from the format's rules alone (not from
// the library's checks): the error code of the first rule it breaks, in the order of the checks
// (containers, sizes, lengths, row pointers, column indices, then values row by row), or the
// dense matrix it stands for.
import type { KMeansErrorCode } from '../../src/index';
import { type DType, type Reference, magnitudeLimit } from './data';

export const float32Max = 3.4028234663852886e38;
export const maxInt32 = 2 ** 31 - 1;

export type CsrExpected = { ok: true; matrix: Reference; entries: Int32Array } | { ok: false; code: KMeansErrorCode };

const invalid = (code: KMeansErrorCode): CsrExpected => ({ ok: false, code });

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isFloatArray = (value: unknown): value is Float64Array | Float32Array =>
  value instanceof Float64Array || value instanceof Float32Array;
const resizable = (array: ArrayBufferView) => (array.buffer as { resizable?: boolean }).resizable === true;

/** The error code the input calls for, or the dense matrix it stands for. */
export function expectedOf(input: unknown): CsrExpected | null {
  const isObject = typeof input === 'object' && input !== null && !Array.isArray(input);
  const format = isObject ? (input as { format?: unknown }).format : undefined;
  // Another sparse layout's name (in any case) is refused, never read as dense rows.
  if (typeof format === 'string' && format !== 'csr' && /^(csr|csc|coo|bsr|dia|dok|lil)$/i.test(format)) {
    return invalid('ERR_KMEANS_INVALID_DATA');
  }
  if (format !== 'csr') return denseExpected(input);
  const { data, indices, indptr, rows, cols } = input as Record<string, unknown>;
  if (!isFloatArray(data) || !(indices instanceof Int32Array)) return invalid('ERR_KMEANS_INVALID_DATA');
  if (!(indptr instanceof Int32Array || indptr instanceof BigInt64Array)) return invalid('ERR_KMEANS_INVALID_DATA');
  if (!isCount(rows) || !isCount(cols)) return invalid('ERR_KMEANS_INVALID_DATA');
  if (rows === 0 || cols === 0) return invalid('ERR_KMEANS_EMPTY_DATA');
  // Labels and column indices are 32-bit.
  if (rows > maxInt32 || cols > maxInt32) return invalid('ERR_KMEANS_TOO_LARGE');
  if ([data, indices, indptr].some(resizable)) return invalid('ERR_KMEANS_INVALID_DATA');
  if (indptr.length !== rows + 1 || indices.length !== data.length) return invalid('ERR_KMEANS_INVALID_DATA');
  if (indptr instanceof BigInt64Array && indptr.some((v) => v > 2n ** 53n)) return invalid('ERR_KMEANS_INVALID_DATA');
  const starts = Array.from(indptr as ArrayLike<number | bigint>, Number);
  if (starts[0] !== 0 || starts[rows] !== data.length) return invalid('ERR_KMEANS_INVALID_DATA');
  for (let i = 0; i < rows; i++) if (starts[i + 1]! < starts[i]!) return invalid('ERR_KMEANS_INVALID_DATA');
  if (indices.some((column) => column < 0 || column >= cols)) return invalid('ERR_KMEANS_INVALID_DATA');
  return valuesExpected(data, indices, starts, rows, cols);
}

/**
 * Row by row: a stored NaN or ±Infinity anywhere in the row, then each column's sum (repeats
 * added in stored order) at or beyond the overflow limit, or, for float32, beyond float32's range
 * as the row holds it (added in float32).
 */
function valuesExpected(
  data: Float64Array | Float32Array,
  indices: Int32Array,
  starts: number[],
  rows: number,
  cols: number,
): CsrExpected {
  const dtype: DType = data instanceof Float32Array ? 'float32' : 'float64';
  const limit = magnitudeLimit(dtype, rows, cols);
  const values = new Float64Array(rows * cols);
  const sums = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const row = values.subarray(i * cols, (i + 1) * cols);
    for (let e = starts[i]!; e < starts[i + 1]!; e++)
      if (!Number.isFinite(data[e]!)) return invalid('ERR_KMEANS_NON_FINITE');
    sums.fill(0);
    for (let e = starts[i]!; e < starts[i + 1]!; e++) {
      sums[indices[e]!] = sums[indices[e]!]! + data[e]!;
      const held = row[indices[e]!]! + data[e]!;
      row[indices[e]!] = dtype === 'float32' ? Math.fround(held) : held;
    }
    for (let f = 0; f < cols; f++) {
      if (!(Math.abs(sums[f]!) < limit)) return invalid('ERR_KMEANS_OVERFLOW');
      if (dtype === 'float32' && !(Math.abs(sums[f]!) <= float32Max && Number.isFinite(row[f]!)))
        return invalid('ERR_KMEANS_OVERFLOW');
    }
  }
  const entries = Int32Array.from({ length: rows }, (_, i) => starts[i + 1]! - starts[i]!);
  return { ok: true, matrix: { values, rows, cols, dtype }, entries };
}

/** An input that does not say it is CSR is read as a dense matrix (null where it is a valid one). */
function denseExpected(input: unknown): CsrExpected | null {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || !('data' in input))
    return invalid('ERR_KMEANS_INVALID_DATA');
  const { data, rows, cols } = input as Record<string, unknown>;
  if (!isFloatArray(data) || !isCount(rows) || !isCount(cols)) return invalid('ERR_KMEANS_INVALID_DATA');
  if (rows === 0 || cols === 0) return invalid('ERR_KMEANS_EMPTY_DATA');
  if (rows > maxInt32) return invalid('ERR_KMEANS_TOO_LARGE');
  if (resizable(data) || data.length !== rows * cols) return invalid('ERR_KMEANS_INVALID_DATA');
  // A valid dense matrix by chance (its data holds rows × cols values): not a case of this file.
  return null;
}
