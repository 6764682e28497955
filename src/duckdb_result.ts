/**
 * A DuckDB result's columns as numbers: which columns are features and which holds the
 * weights, how each column's values become numbers (exactly), and the NULL and type errors,
 * worded as the Arrow input's.
 */
import { KMeansError } from './errors';

/** A streaming DuckDBResult of @duckdb/node-api, as far as this module reads it. */
export interface DuckDBResultLike {
  readonly columnCount: number;
  columnNames(): string[];
  columnType(index: number): { toString(): string };
  fetchChunk(): Promise<DuckDBChunkLike | null>;
}

/** A DuckDBDataChunk (at most 2048 rows), as far as this module reads it. */
export interface DuckDBChunkLike {
  readonly rowCount: number;
  getColumnVector(index: number): { getItem(row: number): unknown };
}

/** The arrays one chunk is gathered into. */
export interface PendingChunk {
  columns: (Float64Array | Float32Array)[];
  weights: Float64Array | undefined;
}

/** How a column's values arrive from @duckdb/node-api: numbers, bigints or decimal values. */
type Kind = 'number' | 'bigint' | 'decimal';

interface Column {
  /** The column's index in the query's result, and its name. */
  index: number;
  name: string;
  kind: Kind;
}

export interface ResultLayout {
  features: Column[];
  weight: Column | undefined;
  /** Every feature column is FLOAT. */
  float32: boolean;
}

const numberTypes = new Set(['FLOAT', 'DOUBLE', 'TINYINT', 'SMALLINT', 'INTEGER', 'UTINYINT', 'USMALLINT', 'UINTEGER']);
const bigintTypes = new Set(['BIGINT', 'UBIGINT', 'HUGEINT', 'UHUGEINT']);

function kindOf(type: string): Kind | undefined {
  if (numberTypes.has(type)) return 'number';
  if (bigintTypes.has(type)) return 'bigint';
  return /^DECIMAL\(\d+,\s*\d+\)$/.test(type) ? 'decimal' : undefined;
}

/** The features and the weight column of a result, with non-numeric columns refused by name. */
export function readLayout(result: DuckDBResultLike, weight: string | undefined): ResultLayout {
  const names = result.columnNames();
  const types = names.map((_, index) => String(result.columnType(index)));
  const weightIndex = weight === undefined ? -1 : names.indexOf(weight);
  if (weight !== undefined && weightIndex < 0) {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_OPTION',
      `weight names no column of the query's result (its columns: ${names.join(', ')}) (got ${JSON.stringify(weight)})`,
    );
  }
  const columns = names.map((name, index) => {
    const kind = kindOf(types[index]!);
    if (kind === undefined) {
      const feature = weightIndex < 0 || index < weightIndex ? index : index - 1;
      const argument = index === weightIndex ? 'sampleWeight' : 'X';
      throw new KMeansError(
        'ERR_KMEANS_INVALID_DATA',
        `The query's column ${index} (${JSON.stringify(name)}) is ${types[index]}, not numbers: select numeric columns only (cast them, or leave the others out)`,
        { details: { argument, ...(index === weightIndex ? {} : { column: feature }) } },
      );
    }
    return { index, name, kind };
  });
  const features = columns.filter((column) => column.index !== weightIndex);
  if (features.length === 0) {
    throw new KMeansError('ERR_KMEANS_EMPTY_DATA', 'The query selects no feature columns', {
      details: { argument: 'X' },
    });
  }
  return {
    features,
    weight: weightIndex < 0 ? undefined : columns[weightIndex],
    float32: features.every((column) => types[column.index] === 'FLOAT'),
  };
}

/**
 * Copies `count` rows of a DuckDB chunk, from its row `offset`, into the pending chunk from its
 * row `at`; `rowBase` is the result's row at `offset`, for errors.
 */
export function fillRows(
  layout: ResultLayout,
  chunk: DuckDBChunkLike,
  offset: number,
  count: number,
  into: PendingChunk,
  at: number,
  rowBase: number,
): void {
  layout.features.forEach((column, j) => {
    copyColumn(chunk, column, offset, count, into.columns[j]!, at, (i) => ['X', rowBase + i, j]);
  });
  const weight = layout.weight;
  if (weight !== undefined) {
    copyColumn(chunk, weight, offset, count, into.weights!, at, (i) => ['sampleWeight', rowBase + i]);
  }
}

/** Where a value is, for errors: the argument, the result's row and the feature column. */
type Place = [argument: string, row: number, column?: number];

function copyColumn(
  chunk: DuckDBChunkLike,
  column: Column,
  offset: number,
  count: number,
  out: Float64Array | Float32Array,
  at: number,
  place: (i: number) => Place,
): void {
  const vector = chunk.getColumnVector(column.index);
  if (column.kind === 'number') {
    // The common case, in a loop of its own: it sets the speed of reading a query.
    for (let i = 0; i < count; i++) {
      const value = vector.getItem(offset + i);
      if (value === null || value === undefined) throw nullError(place(i), column);
      out[at + i] = value as number;
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    const value = vector.getItem(offset + i);
    if (value === null || value === undefined) throw nullError(place(i), column);
    out[at + i] =
      column.kind === 'bigint' ? exactNumber(value as bigint, () => place(i), column) : Number(String(value)); // the decimal's digits, rounded once
  }
}

const maxExact = 2n ** 53n;

function exactNumber(value: bigint, place: () => Place, column: Column): number {
  if (value <= maxExact && value >= -maxExact) return Number(value);
  const [argument, row, feature] = place();
  throw new KMeansError(
    'ERR_KMEANS_INVALID_DATA',
    `${argument} row ${row} (${JSON.stringify(column.name)}) holds ${value}n, beyond 2^53: it has no exact float64 value`,
    { details: { argument, row, ...(feature === undefined ? {} : { column: feature }), value: Number(value) } },
  );
}

function nullError([argument, row, feature]: Place, { name }: Column): KMeansError {
  const where = feature === undefined ? `row ${row}` : `row ${row}, column ${feature}`;
  return new KMeansError(
    'ERR_KMEANS_NULL_VALUE',
    `${argument} has a null at ${where} (${JSON.stringify(name)}): fill or drop the nulls first`,
    { details: { argument, row, ...(feature === undefined ? {} : { column: feature }) } },
  );
}
