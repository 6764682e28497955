/**
 * One pass over rows that live in memory or come from a source, as pieces that each start on a
 * fixed-block boundary of the whole data (every kRowsPerBlock rows). The native reductions add
 * up their blocks in row order, so pieces cut this way, with their totals carried from one to
 * the next, give the bits of one call on all the rows. A source's chunks are read in place where
 * they hold whole blocks; the rows that do not fill a block are copied and joined to the next.
 */
import { toDataMatrix } from './data_matrix';
import { KMeansError } from './errors';
import {
  type DType,
  type DataMatrix,
  type Matrix,
  allocate,
  dataDType,
  isColumnMatrix,
  toSampleWeight,
} from './matrix';
import type { PreparedData } from './model_inputs';
import { type Plan, awaited } from './plan';
import { type DataSource, type SourceChunk, isWeightedChunk } from './source';

/** Rows per fixed block: native/kernels/common/chunking.hpp's kRowsPerBlock. */
export const rowsPerBlock = 1024;

/** Copied rows are handed on once they fill this many bytes (or a block, if more). */
const pendingBytes = 8 << 20;

/** A piece of the rows: `data` holds rows firstRow, firstRow + 1, … of all the data. */
export interface RowPiece {
  data: PreparedData;
  firstRow: number;
}

/** Rows a pass can read: in memory (one piece), or a source read again for every pass. */
export type RowInput =
  { kind: 'memory'; data: PreparedData } | { kind: 'source'; source: DataSource; threads: number; shape: SourceShape };

/** What the first pass over a source found; later passes must agree. */
export interface SourceShape {
  dtype: DType;
  cols: number;
  /** Rows in all; -1 until a pass has counted them. */
  rows: number;
  weighted: boolean;
}

export function memoryInput(data: PreparedData): RowInput {
  return { kind: 'memory', data };
}

export function sourceInput(source: DataSource, threads: number): RowInput {
  if (typeof source !== 'object' || source === null || typeof source.chunks !== 'function') {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_DATA',
      'source must be an object with a chunks() method (make one with chunkSource(() => iterable))',
    );
  }
  return { kind: 'source', source, threads, shape: { dtype: 'float64', cols: -1, rows: -1, weighted: false } };
}

/** One pass: `visit` sees every piece in row order, each starting on a block boundary. */
export function* forEachPiece(input: RowInput, visit: (piece: RowPiece) => Plan<void>): Plan<number> {
  if (input.kind === 'memory') {
    yield* visit({ data: input.data, firstRow: 0 });
    return input.data.X.rows;
  }
  const { shape, threads } = input;
  const pending = new PendingRows(shape, threads);
  let firstRow = 0;
  const emit = function* (data: PreparedData): Plan<void> {
    yield* visit({ data, firstRow });
    firstRow += data.X.rows;
  };
  const reader = openSource(input.source);
  try {
    for (let index = 0; ; index++) {
      const next = yield* reader.next();
      if (next.done) break;
      const { X, sampleWeight } = checkedChunk(next.value, index, shape);
      let used = 0;
      if (pending.rows > 0 || X.rows < rowsPerBlock) {
        // Take the whole chunk if it fits, else top the copied rows up to a block boundary.
        const fits = pending.rows + X.rows <= pending.capacity;
        used = fits ? X.rows : (rowsPerBlock - (pending.rows % rowsPerBlock)) % rowsPerBlock;
        pending.add(X, sampleWeight, 0, used);
        if (pending.rows === pending.capacity || (!fits && pending.rows > 0)) yield* emit(pending.take());
      }
      const whole = Math.floor((X.rows - used) / rowsPerBlock) * rowsPerBlock;
      if (whole > 0) {
        yield* emit(sliceRows(X, sampleWeight, used, used + whole, shape.weighted, threads));
        used += whole;
      }
      if (used < X.rows) pending.add(X, sampleWeight, used, X.rows);
    }
  } catch (error) {
    reader.close();
    throw error;
  }
  if (pending.rows > 0) yield* emit(pending.take());
  if (firstRow === 0) throw new KMeansError('ERR_KMEANS_EMPTY_DATA', 'The source gave no rows');
  if (shape.rows >= 0 && shape.rows !== firstRow) {
    throw new KMeansError(
      'ERR_KMEANS_SHAPE_MISMATCH',
      `the source gave ${firstRow} rows in this pass, but ${shape.rows} in the first: it must give the same rows every time`,
    );
  }
  shape.rows = firstRow;
  return firstRow;
}

/** A pass's reader of a source: next() is a plan that gives the next chunk (awaited if async). */
function openSource(source: DataSource): { next(): Plan<IteratorResult<SourceChunk>>; close(): void } {
  let iterable: AsyncIterable<SourceChunk> | Iterable<SourceChunk>;
  try {
    iterable = source.chunks();
  } catch (error) {
    throw sourceFailed(error);
  }
  const asyncIterable = iterable as AsyncIterable<SourceChunk>;
  const syncIterable = iterable as Iterable<SourceChunk>;
  if (iterable && typeof asyncIterable[Symbol.asyncIterator] === 'function') {
    const iterator = asyncIterable[Symbol.asyncIterator]();
    return {
      *next() {
        try {
          return yield* awaited(iterator.next());
        } catch (error) {
          throw sourceFailed(error);
        }
      },
      close() {
        void iterator.return?.()?.catch(() => undefined);
      },
    };
  }
  if (iterable && typeof syncIterable[Symbol.iterator] === 'function') {
    const iterator = syncIterable[Symbol.iterator]();
    return {
      // eslint-disable-next-line require-yield
      *next() {
        try {
          return iterator.next();
        } catch (error) {
          throw sourceFailed(error);
        }
      },
      close() {
        try {
          iterator.return?.();
        } catch {
          // Closing is a courtesy: the pass has already failed.
        }
      },
    };
  }
  throw new KMeansError('ERR_KMEANS_INVALID_DATA', 'source.chunks() must return an iterable or an async iterable');
}

/** A source's chunks for one pass, in order, its failures as ERR_KMEANS_SOURCE_FAILED. */
export async function* readChunks(source: DataSource): AsyncGenerator<SourceChunk, void, undefined> {
  if (typeof source !== 'object' || source === null || typeof source.chunks !== 'function') sourceInput(source, 1);
  const reader = openSource(source);
  let done = false;
  try {
    for (;;) {
      const plan = reader.next();
      let step = plan.next();
      while (!step.done) {
        // The plan only awaits the source: its failure goes back into the plan, which names it.
        let value: unknown;
        try {
          value = await (step.value as { promise: Promise<unknown> }).promise;
        } catch (error) {
          step = plan.throw(error);
          continue;
        }
        step = plan.next(value);
      }
      if (step.value.done) {
        done = true;
        return;
      }
      yield step.value.value;
    }
  } finally {
    if (!done) reader.close();
  }
}

function sourceFailed(error: unknown): KMeansError {
  const message = error instanceof Error ? error.message : String(error);
  return new KMeansError('ERR_KMEANS_SOURCE_FAILED', `the source failed while it was being read: ${message}`, {
    cause: error,
  });
}

/** A chunk's rows and weights, checked against the first chunk's dtype and width. */
function checkedChunk(
  chunk: SourceChunk,
  index: number,
  shape: SourceShape,
): { X: DataMatrix; sampleWeight: Float64Array | null } {
  const name = `source chunk ${index}`;
  const weighted = isWeightedChunk(chunk);
  const X = toDataMatrix(weighted ? chunk.X : chunk, name);
  const sampleWeight = weighted ? toSampleWeight(chunk.sampleWeight, X, true) : null;
  if (shape.cols < 0) {
    shape.cols = X.cols;
    shape.dtype = dataDType(X);
  } else if (X.cols !== shape.cols) {
    throw new KMeansError(
      'ERR_KMEANS_SHAPE_MISMATCH',
      `${name} has ${X.cols} columns, but the first chunk had ${shape.cols}: every chunk must have the same columns`,
    );
  } else if (dataDType(X) !== shape.dtype) {
    throw new KMeansError(
      'ERR_KMEANS_SHAPE_MISMATCH',
      `${name} is ${dataDType(X)}, but the first chunk was ${shape.dtype}: every chunk must have the same dtype`,
    );
  }
  if (sampleWeight) shape.weighted = true;
  return { X, sampleWeight };
}

/** Rows [begin, end) of a chunk, read in place. */
function sliceRows(
  X: DataMatrix,
  sampleWeight: Float64Array | null,
  begin: number,
  end: number,
  weighted: boolean,
  threads: number,
): PreparedData {
  const rows = end - begin;
  const matrix: DataMatrix = isColumnMatrix(X)
    ? { columns: X.columns.map((column) => column.subarray(begin, end)), rows, cols: X.cols }
    : { data: X.data.subarray(begin * X.cols, end * X.cols), rows, cols: X.cols };
  const weights = sampleWeight ? sampleWeight.subarray(begin, end) : weighted ? new Float64Array(rows).fill(1) : null;
  return { X: matrix, sampleWeight: weights, threads };
}

/** Rows copied out of chunks until they fill a piece, row-major in the source's dtype. */
class PendingRows {
  rows = 0;
  readonly capacity: number;
  private values: Matrix['data'];
  private weights: Float64Array | null = null;

  constructor(
    private readonly shape: SourceShape,
    private readonly threads: number,
  ) {
    const bytesPerRow = Math.max(1, shape.cols) * (shape.dtype === 'float32' ? 4 : 8);
    this.capacity = Math.max(1, Math.floor(pendingBytes / bytesPerRow / rowsPerBlock)) * rowsPerBlock;
    this.values = allocate(shape.dtype, 0);
  }

  add(X: DataMatrix, sampleWeight: Float64Array | null, begin: number, end: number): void {
    if (end <= begin) return;
    const { cols } = this.shape;
    if (this.values.length === 0) this.values = allocate(this.shape.dtype, this.capacity * cols);
    if (isColumnMatrix(X)) {
      for (let r = begin; r < end; r++) {
        const at = (this.rows + r - begin) * cols;
        for (let c = 0; c < cols; c++) this.values[at + c] = X.columns[c]![r]!;
      }
    } else {
      this.values.set(X.data.subarray(begin * cols, end * cols), this.rows * cols);
    }
    if (sampleWeight || this.weights || this.shape.weighted) {
      this.weights ??= new Float64Array(this.capacity).fill(1, 0, this.rows);
      if (sampleWeight) this.weights.set(sampleWeight.subarray(begin, end), this.rows);
      else this.weights.fill(1, this.rows, this.rows + end - begin);
    }
    this.rows += end - begin;
  }

  /** The rows held so far, as a piece of their own (a copy); then none are held. */
  take(): PreparedData {
    const { cols } = this.shape;
    const data = this.values.subarray(0, this.rows * cols);
    this.values = allocate(this.shape.dtype, 0);
    const weights = this.weights ? this.weights.slice(0, this.rows) : null;
    const piece: PreparedData = { X: { data, rows: this.rows, cols }, sampleWeight: weights, threads: this.threads };
    this.rows = 0;
    this.weights = null;
    return piece;
  }
}
