/**
 * kmeans-native/clickhouse: the rows of a ClickHouse table as a PushdownSource. Every pass of
 * fitSource is one aggregate query that ClickHouse runs where the rows live (on every shard of a
 * Distributed table), and only k·d sums come back. @clickhouse/client is an optional peer
 * dependency: this module takes a client the caller made, and only clickhouseConnect loads the
 * package, when it is called.
 */
import { randomUUID } from 'node:crypto';
import {
  type RowsSql,
  asFloat64,
  assignPassSql,
  farthestRowsSql,
  fromClause,
  pointOf,
  quoteIdentifier,
  quoteTable,
  sampleRowsSql,
  weightedDrawSql,
} from './clickhouse_sql';
import { KMeansError, invalidOption } from './errors';
import { invalidOptionsObject, rejectUnknownKeys } from './options';
import type { Pushdown, PushdownPass, PushdownRows, PushdownSource, PushdownStats } from './source';

/** A @clickhouse/client client, as far as this module uses it. */
export interface ClickHouseClientLike {
  query(params: {
    query: string;
    format: 'JSONCompact';
    query_id?: string;
    abort_signal?: AbortSignal;
    clickhouse_settings?: Record<string, string>;
  }): Promise<{ json(): Promise<unknown> }>;
  command(params: { query: string }): Promise<unknown>;
}

export interface ClickHouseSourceOptions {
  client: ClickHouseClientLike;
  /** `table` or `database.table`: a Distributed table runs every pass on all its shards. */
  table: string;
  /** Numeric columns, one feature each (integers and floats, Nullable allowed if it holds no NULL). */
  columns?: string[];
  /** One Array(Float32) or Array(Float64) column, all of one length. */
  vector?: string;
  /** The numeric column holding each row's sample weight. */
  weight?: string;
  /**
   * A filter, pasted into the queries as `WHERE (<where>)`: it is trusted SQL, never build it
   * from user input.
   */
  where?: string;
}

const numericType = /^(?:Nullable\()?(U?Int(?:8|16|32|64)|Float(?:32|64))\)?$/;
const vectorType = /^Array\((Float32|Float64)\)$/;

/**
 * A PushdownSource over `table`'s rows (fitSource runs Lloyd's loop on its aggregates). The
 * identifiers are checked and quoted now (ERR_KMEANS_INVALID_OPTION); the table's columns are
 * checked by the fit's first query: an unknown table or column, or a failed query, is
 * ERR_KMEANS_SQL with the server's error as its cause, a non-numeric column ERR_KMEANS_INVALID_DATA,
 * a NULL ERR_KMEANS_NULL_VALUE.
 */
export function clickhouseSource(options: ClickHouseSourceOptions): PushdownSource {
  invalidOptionsObject(options, 'clickhouseSource options');
  rejectUnknownKeys(options, ['client', 'table', 'columns', 'vector', 'weight', 'where'], 'clickhouseSource');
  const { client, table, columns, vector, weight, where } = options;
  if (typeof (client as Partial<ClickHouseClientLike> | null)?.query !== 'function') {
    throw invalidOption('client', 'a client of @clickhouse/client', client);
  }
  const quotedTable = quoteTable(table);
  if ((columns === undefined) === (vector === undefined)) {
    throw new KMeansError('ERR_KMEANS_INVALID_OPTION', 'clickhouseSource takes either columns or vector');
  }
  if (columns !== undefined && (!Array.isArray(columns) || columns.length === 0)) {
    throw invalidOption('columns', 'a non-empty array of column names', columns);
  }
  const quotedColumns = columns?.map((column) => quoteIdentifier(column, 'columns'));
  const quotedVector = vector === undefined ? undefined : quoteIdentifier(vector, 'vector');
  const quotedWeight = weight === undefined ? undefined : quoteIdentifier(weight, 'weight');
  if (where !== undefined && (typeof where !== 'string' || where.trim() === '')) {
    throw invalidOption('where', 'a non-empty SQL condition', where);
  }
  const rows: RowsSql = {
    table: quotedTable,
    where,
    columns: quotedColumns,
    vector: quotedVector,
    weight: quotedWeight === undefined ? undefined : asFloat64(quotedWeight),
  };
  const checked = [...(quotedColumns ?? [quotedVector!]), ...(quotedWeight ? [quotedWeight] : [])];
  const pushdown: Pushdown = {
    stats: (signal) => readStats(client, quotedTable, rows, checked, signal),
    async assignPass(centers, k, signal): Promise<PushdownPass> {
      const data = await run(client, assignPassSql(rows, centers, k), signal);
      const d = centers.length / k;
      const sums = new Float64Array(k * d + k);
      const counts = new Float64Array(k);
      const fingerprint = new Array<string>(k).fill('0');
      let inertia = 0;
      for (const [label, count, total, featureSums, distance, print] of data as ResultRow[]) {
        const j = Number(label);
        counts[j] = Number(count);
        sums[k * d + j] = Number(total);
        for (let f = 0; f < d; f++) sums[j * d + f] = Number((featureSums as number[])[f]);
        inertia += Number(distance);
        fingerprint[j] = String(print);
      }
      return { sums, counts, inertia, fingerprint };
    },
    async farthestRows(centers, k, count, signal): Promise<PushdownRows> {
      const data = await run(client, farthestRowsSql(rows, centers, k, count), signal);
      const d = centers.length / k;
      const values = new Float64Array(data.length * d);
      data.forEach((row, e) => values.set((row[0] as number[]).map(Number), e * d));
      return {
        values,
        weights: Float64Array.from(data, (row) => Number(row[1])),
        labels: Int32Array.from(data, (row) => Number(row[2])),
      };
    },
    async weightedDraw(key, signal): Promise<Float64Array> {
      const [row] = await run(client, weightedDrawSql(rows, key), signal);
      return Float64Array.from((row?.[0] as number[] | undefined) ?? [], Number);
    },
    async sampleRows(candidates, m, round, signal): Promise<Float64Array> {
      const data = await run(client, sampleRowsSql(rows, candidates, m, round), signal);
      return Float64Array.from(
        data.flatMap((row) => row[0] as number[]),
        Number,
      );
    },
  };
  return { pushdown };
}

type ResultRow = unknown[];

/** Checks the columns' types (DESCRIBE), then one query for counts, means, variances and NULLs. */
async function readStats(
  client: ClickHouseClientLike,
  table: string,
  rows: RowsSql,
  checked: string[],
  signal?: AbortSignal,
): Promise<PushdownStats> {
  const described = await run(client, `DESCRIBE TABLE ${table}`, signal);
  const types = new Map(described.map((row) => [`\`${String(row[0])}\``, String(row[1])]));
  const vector = rows.columns === undefined;
  const point = pointOf(rows);
  const nullable: string[] = [];
  let float32 = true;
  checked.forEach((column, index) => {
    const type = types.get(column);
    if (type === undefined) {
      throw new KMeansError('ERR_KMEANS_SQL', `The table ${table} has no column ${column}`, {
        details: { argument: column },
      });
    }
    const isVector = vector && index === 0;
    const match = (isVector ? vectorType : numericType).exec(type);
    if (!match) {
      const expected = isVector ? 'Array(Float32) or Array(Float64)' : 'a numeric type';
      throw new KMeansError('ERR_KMEANS_INVALID_DATA', `column ${column} must be ${expected}, it is ${type}`, {
        details: { argument: column },
      });
    }
    if (type.startsWith('Nullable(')) nullable.push(column);
    if (index < (rows.columns?.length ?? 1) && match[1] !== 'Float32') float32 = false;
  });
  const weight = rows.weight ?? '1';
  const nulls = nullable.length ? `[${nullable.map((column) => `countIf(isNull(${column}))`).join(', ')}]` : '[0]';
  const lengths = vector ? `min(length(${point})), max(length(${point}))` : '0, 0';
  const [row] = await run(
    client,
    `SELECT count(), sum(${weight}), min(${weight}), avgForEach(${point}), ` +
      `varPopForEach(${point}), ${nulls}, ${lengths}, countIf(${weight} > 0) ${fromClause(rows)}`,
    signal,
  );
  const [count, total, least, means, variances, nullCounts, shortest, longest, positive] = row as ResultRow;
  const withNull = (nullCounts as unknown[]).findIndex((value) => Number(value) > 0);
  if (nullable.length && withNull >= 0) {
    throw new KMeansError('ERR_KMEANS_NULL_VALUE', `column ${nullable[withNull]} holds NULL values`, {
      details: { argument: nullable[withNull] },
    });
  }
  if (Number(shortest) !== Number(longest)) {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_DATA',
      `the arrays of ${point} must all have one length (from ${shortest} to ${longest})`,
    );
  }
  if (Number(least) < 0) {
    throw new KMeansError('ERR_KMEANS_INVALID_WEIGHTS', `sampleWeight must be >= 0 (the smallest is ${least})`, {
      details: { argument: 'sampleWeight' },
    });
  }
  const meanValues = Float64Array.from(means as unknown[], (value) => (value === null ? NaN : Number(value)));
  const varianceValues = (variances as unknown[]).map((value) => (value === null ? NaN : Number(value)));
  if (![...meanValues, ...varianceValues].every(Number.isFinite)) {
    throw new KMeansError('ERR_KMEANS_NON_FINITE', 'the rows hold values that are NaN, infinite or too large');
  }
  const cols = meanValues.length;
  let variance = 0;
  for (const value of varianceValues) variance += value;
  return {
    rows: Number(count),
    cols,
    dtype: float32 ? 'float32' : 'float64',
    means: meanValues,
    meanVariance: cols ? variance / cols : 0,
    totalWeight: Number(total),
    positiveRows: Number(positive),
  };
}

/**
 * Runs `sql` (rows of JSONCompact). An abort closes the request and kills the query (18.16 does
 * not stop a query whose client went away); a failure is ERR_KMEANS_SQL.
 */
async function run(client: ClickHouseClientLike, sql: string, signal?: AbortSignal): Promise<ResultRow[]> {
  const queryId = `kmeans_native_${randomUUID()}`;
  const kill = () => {
    client.command({ query: `KILL QUERY WHERE query_id = '${queryId}' ASYNC` }).catch(() => undefined);
  };
  signal?.addEventListener('abort', kill, { once: true });
  try {
    const result = await client.query({
      query: sql,
      format: 'JSONCompact',
      query_id: queryId,
      ...(signal ? { abort_signal: signal } : {}),
      clickhouse_settings: sizeSettings(sql),
    });
    const json = (await result.json()) as { data?: ResultRow[] };
    return json.data ?? [];
  } catch (error) {
    if (signal?.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new KMeansError('ERR_KMEANS_SQL', `The ClickHouse query failed: ${message}`, { cause: error });
  } finally {
    signal?.removeEventListener('abort', kill);
  }
}

/**
 * The centers are written into the query, a term per center and feature: a large k·d needs
 * more than the default limits on the query's size (256 KiB) and on its syntax tree.
 */
function sizeSettings(sql: string): Record<string, string> {
  const bytes = Buffer.byteLength(sql);
  return {
    max_query_size: String(Math.max(262_144, 2 * bytes)),
    max_ast_elements: String(Math.max(50_000, bytes)),
    max_expanded_ast_elements: String(Math.max(500_000, 4 * bytes)),
  };
}

/** A @clickhouse/client client, as clickhouseConnect makes one (a part of its methods). */
export interface ClickHouseClient extends ClickHouseClientLike {
  insert(params: { table: string; values: unknown[]; format: 'JSONEachRow' }): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * A client of @clickhouse/client made with `config` (createClient's: url, username, password,
 * database...). Loads the package, and rejects with ERR_KMEANS_MISSING_DEPENDENCY when it is
 * not installed.
 */
export async function clickhouseConnect(config: Record<string, unknown> = {}): Promise<ClickHouseClient> {
  invalidOptionsObject(config, 'config');
  let api: { createClient(config: Record<string, unknown>): ClickHouseClient };
  try {
    api = (await import('@clickhouse/client')) as unknown as typeof api;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code;
    const missing = code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
    const why = missing ? '' : ` (it is installed but failed to load: ${(error as Error)?.message ?? String(error)})`;
    throw new KMeansError(
      'ERR_KMEANS_MISSING_DEPENDENCY',
      `Clustering in ClickHouse requires the optional package @clickhouse/client: npm install @clickhouse/client${why}`,
      { cause: error },
    );
  }
  return api.createClient(config);
}

export { type LabelExpressionOptions, type LabelledModel, clickhouseLabelExpression } from './clickhouse_label';
