/**
 * Checks a CSR matrix argument (csr.ts) as toMatrix checks a dense one, with the same codes and
 * messages where the two share a rule: the containers and sizes, the row pointers and column
 * indices, and with requireFinite every value finite and below the overflow limit. The caller's
 * arrays are read, never copied or modified, and nothing of size rows × cols is allocated.
 */
import { type CsrMatrix, SummedRows, isCsrLike, maxInt32Entries, rowStart } from './csr';
import { KMeansError, type KMeansErrorDetails, describe } from './errors';
import { checkNotEmpty, dtypeOf, magnitudeLimit, nonFinite, outOfRangeError } from './matrix';

/** The largest float32, which sums of repeated float32 entries must stay within. */
const float32Max = 3.4028234663852886e38;

/** BigInt64Array row pointers beyond this could not be read exactly as numbers. */
const maxExactCount = 2n ** 53n;

function invalid(name: string, message: string, details: KMeansErrorDetails = {}): KMeansError {
  return new KMeansError('ERR_KMEANS_INVALID_DATA', message, { details: { argument: name, ...details } });
}

/**
 * Checks and returns a CSR matrix argument `{ format: 'csr', indptr, indices, data, rows, cols }`.
 * `name` is used in messages ("X"). The result holds the caller's arrays.
 */
export function toCsrMatrix(value: unknown, name: string, requireFinite = true): CsrMatrix {
  const csr = checkContainers(value, name);
  checkRowPointers(csr, name);
  checkColumnIndices(csr, name);
  if (requireFinite) checkCsrFinite(csr, name);
  return csr;
}

function checkContainers(value: unknown, name: string): CsrMatrix {
  if (!isCsrLike(value)) {
    const format = (value as { format?: unknown } | null)?.format;
    throw invalid(
      name,
      typeof value === 'object' && value !== null && format !== undefined
        ? `${name}.format must be 'csr' (got ${describe(format)}): only compressed sparse row matrices are read; convert others to CSR`
        : `${name} must be a CSR matrix { format: 'csr', indptr, indices, data, rows, cols } (got ${describe(value)})`,
    );
  }
  const { indptr, indices, data, rows, cols } = value as Partial<CsrMatrix>;
  if (!(data instanceof Float64Array || data instanceof Float32Array)) {
    throw invalid(name, `${name}.data must be a Float64Array or a Float32Array (got ${describe(data)})`);
  }
  if (!(indices instanceof Int32Array)) {
    throw invalid(name, `${name}.indices must be an Int32Array (got ${describe(indices)})`);
  }
  if (!(indptr instanceof Int32Array || indptr instanceof BigInt64Array)) {
    throw invalid(
      name,
      `${name}.indptr must be an Int32Array, or a BigInt64Array beyond 2^31 - 1 entries (got ${describe(indptr)})`,
    );
  }
  for (const [field, size] of [
    ['rows', rows],
    ['cols', cols],
  ] as const) {
    if (!Number.isSafeInteger(size) || (size as number) < 0) {
      throw invalid(name, `${name}.${field} must be an integer >= 0 (got ${describe(size)})`);
    }
  }
  const csr: CsrMatrix = { format: 'csr', indptr, indices, data, rows: rows!, cols: cols! };
  checkNotEmpty(csr.rows, csr.cols, name);
  if (csr.cols > maxInt32Entries) {
    throw new KMeansError(
      'ERR_KMEANS_TOO_LARGE',
      `${name} has ${csr.cols} columns, more than the ${maxInt32Entries} (2^31 - 1) that Int32Array column indices address`,
      { details: { argument: name, expected: maxInt32Entries, actual: csr.cols } },
    );
  }
  for (const field of ['data', 'indices', 'indptr'] as const) checkFixedBuffer(csr[field], `${name}.${field}`, name);
  if (indptr.length !== csr.rows + 1) {
    throw invalid(name, `${name}.indptr must hold rows + 1 = ${csr.rows + 1} values (got ${indptr.length})`, {
      expected: csr.rows + 1,
      actual: indptr.length,
    });
  }
  if (indices.length !== data.length) {
    throw invalid(
      name,
      `${name}.indices must hold one column index per value of ${name}.data: expected ${data.length}, got ${indices.length}`,
      { expected: data.length, actual: indices.length },
    );
  }
  return csr;
}

/** As toMatrix: a view of a resizable buffer could shrink under a running async call. */
function checkFixedBuffer(array: ArrayBufferView, field: string, name: string): void {
  const buffer = array.buffer as { resizable?: boolean; growable?: boolean };
  if (buffer.resizable || buffer.growable) {
    throw invalid(
      name,
      `${field} is a view of a resizable ArrayBuffer, which could shrink while the native code reads it: pass a copy (${field}.slice())`,
    );
  }
}

/** indptr[0] = 0, non-decreasing, indptr[rows] = the number of entries; BigInt values exact as numbers. */
function checkRowPointers({ indptr, data, rows }: CsrMatrix, name: string): void {
  if (indptr instanceof BigInt64Array) {
    const beyond = indptr.findIndex((value) => value > maxExactCount);
    if (beyond >= 0) {
      throw invalid(
        name,
        `${name}.indptr[${beyond}] is ${indptr[beyond]}n, beyond 2^53: row pointers must be counts that a number holds exactly`,
        { row: Math.min(beyond, rows - 1) },
      );
    }
  }
  const first = rowStart(indptr, 0);
  if (first !== 0) throw invalid(name, `${name}.indptr[0] must be 0 (got ${first})`, { value: first });
  let previous = 0;
  for (let i = 1; i <= rows; i++) {
    const next = rowStart(indptr, i);
    if (next < previous) {
      throw invalid(
        name,
        `${name}.indptr must not decrease: indptr[${i}] = ${next} is below indptr[${i - 1}] = ${previous} (row ${i - 1})`,
        { row: i - 1 },
      );
    }
    previous = next;
  }
  if (previous !== data.length) {
    throw invalid(
      name,
      `${name}.indptr[${rows}] must be the number of stored values, ${name}.data.length = ${data.length} (got ${previous})`,
      { expected: data.length, actual: previous },
    );
  }
}

/** Every column index in 0..cols - 1; the first one outside is reported with its row. */
function checkColumnIndices({ indptr, indices, rows, cols }: CsrMatrix, name: string): void {
  let bad = -1;
  for (let k = 0; k < indices.length; k++) {
    const column = indices[k]!;
    if (column < 0 || column >= cols) {
      bad = k;
      break;
    }
  }
  if (bad < 0) return;
  const row = rowOfEntry(indptr, rows, bad);
  const column = indices[bad]!;
  throw invalid(
    name,
    `${name}.indices[${bad}] is ${column} (row ${row}): column indices must lie in 0..${cols - 1} (cols = ${cols})`,
    { row, value: column },
  );
}

/** The row holding entry k: the last row whose start is at or before k (rows may be empty). */
function rowOfEntry(indptr: Int32Array | BigInt64Array, rows: number, k: number): number {
  let low = 0;
  let high = rows - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (rowStart(indptr, middle) <= k) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * Throws ERR_KMEANS_NON_FINITE at the first NaN or ±Infinity (by row, then stored order), and
 * ERR_KMEANS_OVERFLOW at the first value too large to square, with the dense path's limit for
 * the matrix's rows and cols. Where a column repeats within a row, the limit applies to the sum
 * that the row holds there (and for float32 data, that sum must stay within float32's range,
 * both in float64 and as the kernels add it up, in float32 in stored order).
 */
function checkCsrFinite(csr: CsrMatrix, name: string): void {
  const { indptr, indices, data, rows, cols } = csr;
  const float32 = dtypeOf(data) === 'float32';
  const limit = magnitudeLimit(dtypeOf(data), rows, cols);
  const reader = new SummedRows(csr);
  const float32Reader = float32 ? new SummedRows(csr, true) : null;
  for (let i = 0; i < rows; i++) {
    const start = rowStart(indptr, i);
    const end = rowStart(indptr, i + 1);
    for (let k = start; k < end; k++) {
      if (!Number.isFinite(data[k]!)) throw nonFinite(name, i, indices[k]!, data[k]!);
    }
    const count = reader.read(i);
    float32Reader?.read(i);
    for (let k = 0; k < count; k++) {
      const value = reader.values[k]!;
      const column = reader.columns[k]!;
      if (!(Math.abs(value) < limit)) throw outOfRangeError(name, i, column, value, limit, rows, cols);
      if (float32 && !(Math.abs(value) <= float32Max)) {
        throw new KMeansError(
          'ERR_KMEANS_OVERFLOW',
          `${name} row ${i}, column ${column}: the entries stored for this column add up to ${value}, beyond the float32 range; pass the data as float64`,
          { details: { argument: name, row: i, column, value, limit: float32Max } },
        );
      }
      // 3e38 + 3e38 - 3e38 is 3e38 in float64, but Infinity as float32 sums it.
      if (float32Reader && !Number.isFinite(float32Reader.values[k]!)) {
        throw new KMeansError(
          'ERR_KMEANS_OVERFLOW',
          `${name} row ${i}, column ${column}: the entries stored for this column overflow float32 as they are added up in stored order; pass the data as float64`,
          { details: { argument: name, row: i, column, value, limit: float32Max } },
        );
      }
    }
  }
}
