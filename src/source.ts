/**
 * Data read in passes: a source hands out its rows as a sequence of chunks, the same rows in the
 * same order every time it is asked, so that an exact fit can read it once per iteration while
 * holding only the chunk in hand.
 */
import type { MatrixLike } from './matrix';
import type { SampleWeight } from './types';

/** One chunk of a source: a matrix of rows, or rows with their sample weights. */
export type SourceChunk = MatrixLike | WeightedChunk;

export interface WeightedChunk {
  X: MatrixLike;
  sampleWeight?: SampleWeight;
}

/**
 * Re-readable rows. Every call of `chunks()` starts a new pass from the first row: it must give
 * the same rows in the same order each time (chunk sizes may differ from pass to pass).
 */
export interface DataSource {
  chunks(): AsyncIterable<SourceChunk> | Iterable<SourceChunk>;
}

/** A source whose passes each call `factory` for a fresh (async) iterable of chunks. */
export function chunkSource(factory: () => AsyncIterable<SourceChunk> | Iterable<SourceChunk>): DataSource {
  if (typeof factory !== 'function') {
    throw new TypeError(`chunkSource takes a function that returns an iterable of chunks, got ${typeof factory}`);
  }
  return { chunks: factory };
}

export function isWeightedChunk(chunk: SourceChunk): chunk is WeightedChunk {
  return typeof chunk === 'object' && chunk !== null && !Array.isArray(chunk) && 'X' in chunk;
}
