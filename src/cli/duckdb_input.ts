/**
 * Parquet files and --sql queries, read through DuckDB (kmeans-native/duckdb) when
 * @duckdb/node-api is installed: the query's columns are chosen by --columns (or by the
 * model's names), and its errors are told as one line naming the input, the row and the column.
 */
import { KMeansError } from '../index';
import { type DuckDBConnection, duckdbConnect, duckdbSource } from '../duckdb';
import { type ColumnChoice, resolveColumns } from './columns';
import { DataFileError } from './data_error';
import type { Columns, RowChunk, RowStream } from './row_stream';
import type { DType } from './table';

/** `SELECT * FROM` a Parquet file. */
export function parquetQuery(file: string): string {
  return `SELECT * FROM read_parquet(${quoteString(file)})`;
}

/** The rows of `query`, its chosen columns only; `name` names the input in messages. */
export async function duckdbRows(
  name: string,
  query: string,
  choice: ColumnChoice,
  dtype: DType | undefined,
): Promise<RowStream> {
  const connection = await duckdbConnect();
  try {
    const base = query.replace(/[\s;]+$/, '');
    const names = await columnNames(connection, name, base);
    let picked: number[];
    try {
      picked = resolveColumns(choice, names.length, names);
    } catch (error) {
      throw new DataFileError(name, undefined, (error as Error).message);
    }
    const chosen = picked.map((j) => names[j]!);
    const all = picked.length === names.length && picked.every((j, i) => j === i);
    const sql = all ? base : `SELECT ${chosen.map((n) => `q.${quoteIdentifier(n)}`).join(', ')} FROM (${base}) AS q`;
    const source = duckdbSource(connection, sql);
    return {
      name,
      rereadable: true,
      close: () => connection.closeSync(),
      async *chunks(): AsyncGenerator<RowChunk> {
        let first = 0;
        try {
          for await (const chunk of source.chunks()) {
            const X = asDType(chunk as Columns, dtype);
            const rows = X.columns[0]!.length;
            const base = first;
            yield { X, rows, cols: chosen.length, columnNames: chosen, place: (row) => `row ${base + row + 1}` };
            first += rows;
          }
        } catch (error) {
          throw inInputTerms(error, name, chosen);
        }
        if (first === 0) throw new DataFileError(name, undefined, 'it holds no data rows');
      },
    };
  } catch (error) {
    connection.closeSync();
    throw error;
  }
}

async function columnNames(connection: DuckDBConnection, name: string, sql: string): Promise<string[]> {
  try {
    const statement = await connection.prepare(sql);
    return Array.from({ length: statement.columnCount }, (_, j) => statement.columnName(j));
  } catch (error) {
    throw new DataFileError(name, undefined, `The DuckDB query failed: ${oneLine(error)}`);
  }
}

function asDType(X: Columns, dtype: DType | undefined): Columns {
  if (dtype !== 'float32' || X.columns[0] instanceof Float32Array) return X;
  return { columns: X.columns.map((column) => Float32Array.from(column)) };
}

/** duckdbSource's errors about the rows, told in the input's terms (rows and columns from 1). */
function inInputTerms(error: unknown, name: string, columns: string[]): unknown {
  if (!(error instanceof KMeansError)) return error;
  const { row, column } = error.details;
  const label = (j: number) => `column ${j + 1} (${JSON.stringify(columns[j])})`;
  if (error.code === 'ERR_KMEANS_SQL') return new DataFileError(name, undefined, oneLine(error));
  if (error.code === 'ERR_KMEANS_NULL_VALUE' && row !== undefined && column !== undefined) {
    return new DataFileError(name, `row ${row + 1}`, `${label(column)} is NULL`);
  }
  if (error.code === 'ERR_KMEANS_INVALID_DATA' && column !== undefined && row === undefined) {
    return new DataFileError(name, undefined, `${label(column)} is not numeric: choose the features with --columns`);
  }
  return new DataFileError(name, row === undefined ? undefined : `row ${row + 1}`, error.message);
}

/** A DuckDB message on one line: its lines joined, the caret line under the SQL left out. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^\^+$/.test(line))
    .join(' ');
}

function quoteString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
