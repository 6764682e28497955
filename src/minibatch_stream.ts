/**
 * fitStream's input side: a stream of matrices, read once and in order, regrouped into
 * batches of a fixed size, holding no more than a batch and the chunk being read. Every chunk
 * is checked, and converted to the first chunk's dtype. A stream of CSR matrices is regrouped
 * as CSR (sparse_minibatch_stream.ts).
 */
import { type CsrMatrix, isCsrLike } from './csr';
import { KMeansError } from './errors';
import { toRowMatrix } from './data_matrix';
import { type DType, type Matrix, type MatrixLike, allocate, asDType, dtypeOf } from './matrix';
import { PendingCsrRows, mixedStreamError } from './sparse_minibatch_stream';

export interface BatchSizes {
  /** Rows of the first batch (the initial centers come from them). */
  first: number;
  /** Rows of each later batch; the last may have fewer. */
  batch: number;
  /** A stream shorter than the first batch must still have this many rows (nClusters). */
  fewest: number;
}

/**
 * Calls `onBatch` for each batch of the stream in turn, waiting for it before reading on.
 * Throws ERR_KMEANS_EMPTY_DATA for a stream without rows, and ERR_KMEANS_TOO_FEW_SAMPLES for
 * one with fewer than `fewest`.
 */
export async function forEachBatch(
  source: AsyncIterable<MatrixLike> | Iterable<MatrixLike>,
  sizes: BatchSizes,
  onBatch: (batch: Matrix | CsrMatrix) => Promise<void>,
): Promise<void> {
  let pending: PendingRows | PendingCsrRows | undefined;
  let started = false;
  const take = async (rows: number) => {
    await onBatch(pending!.take(rows));
    started = true;
  };
  let index = 0;
  for await (const chunk of source) {
    // The first chunk says whether the stream is dense or CSR; the others must say the same.
    pending ??= isCsrLike(chunk) ? new PendingCsrRows() : new PendingRows();
    if (isCsrLike(chunk) !== pending instanceof PendingCsrRows) throw mixedStreamError(index, isCsrLike(chunk));
    pending.add(chunk, index);
    index++;
    // The first batch waits for `first` rows.
    if (!started) {
      if (pending.rows < sizes.first) continue;
      await take(sizes.first);
    }
    while (pending.rows >= sizes.batch) await take(sizes.batch);
  }
  if (pending && pending.rows > 0) {
    if (!started && pending.rows < sizes.fewest) {
      throw new KMeansError(
        'ERR_KMEANS_TOO_FEW_SAMPLES',
        `nClusters must be <= the number of samples: the stream had ${pending.rows} rows, nClusters = ${sizes.fewest}`,
      );
    }
    await take(pending.rows);
  }
  if (!started) throw new KMeansError('ERR_KMEANS_EMPTY_DATA', 'The stream gave no rows');
}

/** Rows read but not yet in a batch, as a list of matrices of one dtype and column count. */
class PendingRows {
  rows = 0;
  private parts: Matrix[] = [];
  private dtype: DType | undefined;
  private cols = 0;

  add(chunk: unknown, index: number): void {
    const matrix = toRowMatrix(chunk, `stream chunk ${index}`);
    if (this.dtype === undefined) {
      this.dtype = dtypeOf(matrix.data);
      this.cols = matrix.cols;
    } else if (matrix.cols !== this.cols) {
      throw new KMeansError(
        'ERR_KMEANS_SHAPE_MISMATCH',
        `stream chunk ${index} has ${matrix.cols} columns, but the first chunk had ${this.cols}`,
      );
    }
    this.parts.push(asDType(matrix, this.dtype, `stream chunk ${index}`));
    this.rows += matrix.rows;
  }

  /** The first `rows` rows, as one new matrix. */
  take(rows: number): Matrix {
    const out = concatRows(this.parts, rows, this.cols, this.dtype!);
    this.parts = out.rest ? [out.rest] : [];
    this.rows -= rows;
    return out.taken;
  }
}

/** The first `rows` rows of a list of matrices, and what is left of the last one used. */
function concatRows(parts: Matrix[], rows: number, cols: number, dtype: DType): { taken: Matrix; rest?: Matrix } {
  const out = allocate(dtype, rows * cols);
  let filled = 0;
  let rest: Matrix | undefined;
  for (const part of parts) {
    const use = Math.min(part.rows, rows - filled);
    if (use > 0) out.set(part.data.subarray(0, use * cols), filled * cols);
    filled += use;
    if (use < part.rows) {
      const left = part.data.subarray(use * cols);
      rest = rest
        ? concatMatrices(rest, { data: left, rows: part.rows - use, cols }, dtype)
        : { data: left, rows: part.rows - use, cols };
    }
  }
  return { taken: { data: out, rows, cols }, ...(rest ? { rest } : {}) };
}

function concatMatrices(a: Matrix, b: Matrix, dtype: DType): Matrix {
  const out = allocate(dtype, (a.rows + b.rows) * a.cols);
  out.set(a.data, 0);
  out.set(b.data, a.data.length);
  return { data: out, rows: a.rows + b.rows, cols: a.cols };
}
