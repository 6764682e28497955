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

/**
 * Rows that stay where they live: a database that runs each pass as an aggregate query and
 * hands back only O(k·d) numbers. fitSource runs Lloyd's loop on these aggregates (rows are
 * never read into Node). Every method takes the fit's AbortSignal and should cancel its query.
 */
export interface PushdownSource {
  pushdown: Pushdown;
}

export interface Pushdown {
  /** Row count, width, dtype, column means, the mean of the column (population) variances, total weight. */
  stats(signal?: AbortSignal): Promise<PushdownStats>;
  /**
   * One assignment pass against `centers` (k×d, row-major): every row's nearest center (the
   * lowest index on a tie), and per cluster the (weighted) feature sums, the weights, and a
   * fingerprint of its rows (equal on two passes when every cluster holds the same rows).
   */
  assignPass(centers: Float64Array, k: number, signal?: AbortSignal): Promise<PushdownPass>;
  /** The `count` rows farthest from their nearest center, farthest first. */
  farthestRows(centers: Float64Array, k: number, count: number, signal?: AbortSignal): Promise<PushdownRows>;
  /**
   * init 'k-means||' (parallel_init.ts): the row of largest log(u)/w, u a uniform in (0, 1)
   * hashed from `key` and the row, w its weight.
   */
  weightedDraw(key: number, signal?: AbortSignal): Promise<Float64Array>;
  /**
   * init 'k-means||': the rows (row-major) with u < oversampling·w·d²/cost, u hashed from `key`
   * and the row, d² its squared distance to the nearest of the m candidates.
   */
  sampleRows(candidates: Float64Array, m: number, round: SampleRound, signal?: AbortSignal): Promise<Float64Array>;
}

export interface SampleRound {
  key: number;
  oversampling: number;
  cost: number;
}

export interface PushdownStats {
  rows: number;
  cols: number;
  dtype: 'float32' | 'float64';
  means: Float64Array;
  meanVariance: number;
  totalWeight: number;
  /** Rows of positive weight. */
  positiveRows: number;
}

export interface PushdownPass {
  /** k·d weighted sums (row-major), then the k clusters' weights: the native layout. */
  sums: Float64Array;
  /** Rows per cluster. */
  counts: Float64Array;
  /** The weighted sum of squared distances to the nearest center. */
  inertia: number;
  /** One string per cluster; compared between passes. */
  fingerprint: string[];
}

export interface PushdownRows {
  values: Float64Array;
  weights: Float64Array;
  labels: Int32Array;
}

export function isPushdownSource(source: unknown): source is PushdownSource {
  const pushdown = (source as Partial<PushdownSource> | null)?.pushdown;
  return typeof pushdown === 'object' && pushdown !== null && typeof pushdown.assignPass === 'function';
}
