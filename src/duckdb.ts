/**
 * kmeans-native/duckdb: the rows of a DuckDB query as a DataSource. Each pass runs the query
 * again and streams its result, gathered into column-major chunks of about 65536 rows, so a
 * Parquet or CSV file (or any table DuckDB can read) is clustered without ever being held whole.
 * @duckdb/node-api is an optional peer dependency: this module takes a connection the caller
 * made, and only duckdbConnect loads the package, when it is called.
 */
import { KMeansError, describe, invalidOption } from './errors';
import type { DataSource, SourceChunk } from './source';
import { type DuckDBResultLike, type PendingChunk, type ResultLayout, fillRows, readLayout } from './duckdb_result';

export type { DuckDBChunkLike, DuckDBResultLike } from './duckdb_result';

/** A @duckdb/node-api DuckDBConnection, as far as this module uses it. */
export interface DuckDBConnectionLike {
  stream(sql: string): Promise<DuckDBResultLike>;
}

export interface DuckDBSourceOptions {
  /** The column holding each row's sample weight; chunks are then `{ X, sampleWeight }`. */
  weight?: string;
  /** Rows per chunk handed out (default 65536); the last chunk of a pass may have fewer. */
  chunkRows?: number;
}

const defaultChunkRows = 65536;

/**
 * The rows of `sql`'s result as a re-readable source: every `chunks()` runs the query on
 * `connection` and streams it. Every column but the weight column is a feature; DOUBLE,
 * FLOAT, integer and DECIMAL columns are read, as Float32Array columns when every feature is
 * FLOAT, else as Float64Array. A non-numeric column is ERR_KMEANS_INVALID_DATA, a NULL is
 * ERR_KMEANS_NULL_VALUE (by 0-based row of the whole result, and column), and a query that
 * DuckDB refuses or that fails while running is ERR_KMEANS_SQL with DuckDB's error as its cause.
 * The rows come in the query's order: a query whose order is not fixed (a parallel scan with
 * insertion order off, say) needs an ORDER BY for passes to agree.
 */
export function duckdbSource(
  connection: DuckDBConnectionLike,
  sql: string,
  options: DuckDBSourceOptions = {},
): DataSource {
  if (typeof (connection as Partial<DuckDBConnectionLike> | null)?.stream !== 'function') {
    throw invalidOption('connection', 'a DuckDBConnection of @duckdb/node-api', connection);
  }
  if (typeof sql !== 'string' || sql.trim() === '') throw invalidOption('sql', 'a non-empty SQL query', sql);
  if (typeof options !== 'object' || options === null) {
    throw new KMeansError('ERR_KMEANS_INVALID_OPTION', `options must be an object (got ${describe(options)})`);
  }
  const { weight, chunkRows = defaultChunkRows } = options;
  if (weight !== undefined && typeof weight !== 'string') throw invalidOption('weight', 'a column name', weight);
  if (!Number.isSafeInteger(chunkRows) || chunkRows < 1) {
    throw invalidOption('chunkRows', 'a positive whole number', chunkRows);
  }
  return { chunks: () => streamQuery(connection, sql, weight, chunkRows) };
}

async function* streamQuery(
  connection: DuckDBConnectionLike,
  sql: string,
  weight: string | undefined,
  chunkRows: number,
): AsyncGenerator<SourceChunk> {
  const result = await querying(() => connection.stream(sql));
  const layout = readLayout(result, weight);
  let pending = newChunk(layout, chunkRows);
  let filled = 0;
  let rowBase = 0;
  for (;;) {
    const chunk = await querying(() => result.fetchChunk());
    if (chunk === null || chunk.rowCount === 0) break;
    for (let offset = 0; offset < chunk.rowCount;) {
      const count = Math.min(chunk.rowCount - offset, chunkRows - filled);
      fillRows(layout, chunk, offset, count, pending, filled, rowBase);
      offset += count;
      filled += count;
      rowBase += count;
      if (filled === chunkRows) {
        yield chunkOf(pending, filled);
        pending = newChunk(layout, chunkRows);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield chunkOf(pending, filled);
}

function newChunk(layout: ResultLayout, rows: number): PendingChunk {
  const Type = layout.float32 ? Float32Array : Float64Array;
  return {
    columns: layout.features.map(() => new Type(rows)),
    weights: layout.weight === undefined ? undefined : new Float64Array(rows),
  };
}

function chunkOf({ columns, weights }: PendingChunk, rows: number): SourceChunk {
  const X = { columns: columns.map((column) => (rows === column.length ? column : column.subarray(0, rows))) };
  if (weights === undefined) return X as SourceChunk;
  return { X, sampleWeight: rows === weights.length ? weights : weights.subarray(0, rows) } as SourceChunk;
}

/** Runs a DuckDB call, turning its failure into ERR_KMEANS_SQL. */
async function querying<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new KMeansError('ERR_KMEANS_SQL', `The DuckDB query failed: ${message}`, { cause: error });
  }
}

/** A DuckDBConnection of @duckdb/node-api as duckdbConnect makes one (a part of its methods). */
export interface DuckDBConnection extends DuckDBConnectionLike {
  /** Runs a statement to its end (CREATE, COPY, INSERT...). */
  run(sql: string): Promise<unknown>;
  /** Prepares a statement: its result's columns are known without running it. */
  prepare(sql: string): Promise<{ readonly columnCount: number; columnName(index: number): string }>;
  closeSync(): void;
}

/**
 * A new connection to the DuckDB database at `path` (default: an in-memory database, which can
 * still read files: SELECT * FROM 'rows.parquet'). Loads @duckdb/node-api, and rejects with
 * ERR_KMEANS_MISSING_DEPENDENCY when it is not installed.
 */
export async function duckdbConnect(path = ':memory:'): Promise<DuckDBConnection> {
  if (typeof path !== 'string') throw invalidOption('path', 'a file path or ":memory:"', path);
  const api = await loadDuckDB();
  try {
    const instance = await api.DuckDBInstance.create(path);
    return await instance.connect();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new KMeansError('ERR_KMEANS_SQL', `DuckDB could not open ${JSON.stringify(path)}: ${message}`, {
      cause: error,
    });
  }
}

interface DuckDBModule {
  DuckDBInstance: { create(path: string): Promise<{ connect(): Promise<DuckDBConnection> }> };
}

async function loadDuckDB(): Promise<DuckDBModule> {
  try {
    return (await import('@duckdb/node-api')) as unknown as DuckDBModule;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code;
    const missing = code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
    const why = missing ? '' : ` (it is installed but failed to load: ${(error as Error)?.message ?? String(error)})`;
    throw new KMeansError(
      'ERR_KMEANS_MISSING_DEPENDENCY',
      `Reading data through DuckDB requires the optional package @duckdb/node-api: npm install @duckdb/node-api${why}`,
      { cause: error },
    );
  }
}
