/**
 * fitStream's regrouping of a stream of CSR matrices into batches (the dense one is in
 * minibatch_stream.ts): each chunk checked as a fit's X is, with the first chunk's column count
 * and its values in the first chunk's dtype. Pending rows stay in the chunks they came in; a
 * batch copies only its own entries.
 */
import { type CsrMatrix, maxInt32Entries, rowStart } from './csr';
import { toCsrMatrix } from './csr_checks';
import { KMeansError } from './errors';
import { type DType, allocate, dtypeOf } from './matrix';

/** A chunk of a stream that is dense where the first was CSR, or the other way round. */
export function mixedStreamError(index: number, csr: boolean): KMeansError {
  const [kind, first] = csr ? ['a CSR matrix', 'dense'] : ['dense', 'a CSR matrix'];
  return new KMeansError(
    'ERR_KMEANS_INVALID_DATA',
    `stream chunk ${index} is ${kind}, but the first chunk was ${first}: a stream's chunks must be all CSR or all dense`,
    { details: { argument: `stream chunk ${index}` } },
  );
}

/** CSR rows read but not yet in a batch: the chunks, each with the first row not yet taken. */
export class PendingCsrRows {
  rows = 0;
  private parts: { csr: CsrMatrix; from: number }[] = [];
  private dtype: DType | undefined;
  private cols = 0;

  add(chunk: unknown, index: number): void {
    const name = `stream chunk ${index}`;
    const csr = toCsrMatrix(chunk, name);
    if (this.dtype === undefined) {
      this.dtype = dtypeOf(csr.data);
      this.cols = csr.cols;
    } else if (csr.cols !== this.cols) {
      throw new KMeansError(
        'ERR_KMEANS_SHAPE_MISMATCH',
        `${name} has ${csr.cols} columns, but the first chunk had ${this.cols}`,
      );
    }
    this.parts.push({ csr: inDType(csr, this.dtype, name), from: 0 });
    this.rows += csr.rows;
  }

  /** The first `rows` rows, as one new CSR matrix. */
  take(rows: number): CsrMatrix {
    let entries = 0;
    let left = rows;
    for (const { csr, from } of this.parts) {
      const use = Math.min(csr.rows - from, left);
      entries += rowStart(csr.indptr, from + use) - rowStart(csr.indptr, from);
      left -= use;
    }
    const indptr = entries > maxInt32Entries ? new BigInt64Array(rows + 1) : new Int32Array(rows + 1);
    const indices = new Int32Array(entries);
    const data = allocate(this.dtype!, entries);
    let row = 0;
    let at = 0;
    for (const part of this.parts) {
      const { csr, from } = part;
      const use = Math.min(csr.rows - from, rows - row);
      if (use === 0) break;
      const start = rowStart(csr.indptr, from);
      for (let r = 1; r <= use; r++) {
        const end = at + rowStart(csr.indptr, from + r) - start;
        if (indptr instanceof BigInt64Array) indptr[row + r] = BigInt(end);
        else indptr[row + r] = end;
      }
      const end = rowStart(csr.indptr, from + use);
      indices.set(csr.indices.subarray(start, end), at);
      data.set(csr.data.subarray(start, end), at);
      at += end - start;
      row += use;
      part.from += use;
    }
    this.parts = this.parts.filter(({ csr, from }) => from < csr.rows);
    this.rows -= rows;
    return { format: 'csr', indptr, indices, data, rows, cols: this.cols };
  }
}

/**
 * The chunk with its values in `dtype` (a converted copy of the values only), checked again in
 * that dtype; a value beyond float32's range is refused as the dense stream refuses it.
 */
function inDType(csr: CsrMatrix, dtype: DType, name: string): CsrMatrix {
  if (dtypeOf(csr.data) === dtype) return csr;
  const data = dtype === 'float32' ? Float32Array.from(csr.data) : Float64Array.from(csr.data);
  const converted: CsrMatrix = { ...csr, data };
  if (dtype === 'float64') return converted;
  try {
    return toCsrMatrix(converted, name);
  } catch (error) {
    if ((error as KMeansError).code !== 'ERR_KMEANS_NON_FINITE') throw error;
    const { row, column } = (error as KMeansError).details;
    let value: number | undefined;
    for (let e = rowStart(csr.indptr, row!); e < rowStart(csr.indptr, row! + 1) && value === undefined; e++) {
      if (csr.indices[e] === column && !Number.isFinite(data[e]!)) value = csr.data[e];
    }
    throw new KMeansError(
      'ERR_KMEANS_NON_FINITE',
      `${name} has values beyond the float32 range, so it cannot be used with float32 data: pass the data as float64`,
      { details: { argument: name, row, column, value } },
    );
  }
}
