/**
 * An input's rows read a chunk at a time: what a streaming command holds instead of a whole
 * table. A file (or a query) can be read again for each pass; standard input only once.
 */
import type { Matrix } from '../index';
import type { Table } from './table';

/** Column-major chunk data, as DuckDB's rows arrive. */
export interface Columns {
  columns: readonly (Float64Array | Float32Array)[];
}

/** One chunk of rows: the matrix the library reads, and where each row is in the input. */
export interface RowChunk {
  X: Matrix | Columns;
  rows: number;
  cols: number;
  columnNames: string[] | undefined;
  /** Where the chunk's row i is in the input, for messages: "line 17" or "row 3". */
  place(row: number): string;
}

export interface RowStream {
  /** The input as messages name it: a file, "standard input" or "query". */
  name: string;
  /** Whether chunks() may be called more than once. */
  rereadable: boolean;
  /** One pass over the rows, from the first. */
  chunks(): AsyncIterable<RowChunk>;
  /** Releases what the stream holds (a database connection). */
  close(): void;
}

/** The rows of the chunk in a row-major table. */
export function chunkOfTable(table: Table): RowChunk {
  const { data, rows, cols } = table;
  return { X: { data, rows, cols }, rows, cols, columnNames: table.columnNames, place: table.place };
}

/** The value at (row, column) of a chunk, whatever its layout. */
export function chunkValue(chunk: RowChunk, row: number, column: number): number {
  const X = chunk.X;
  return 'columns' in X ? X.columns[column]![row]! : X.data[row * X.cols + column]!;
}

/** A whole pass in one row-major table (for a fit in memory); row i is "row i + 1". */
export async function collectTable(stream: RowStream): Promise<Table> {
  const parts: RowChunk[] = [];
  let rows = 0;
  for await (const chunk of stream.chunks()) {
    parts.push(chunk);
    rows += chunk.rows;
  }
  const first = parts[0]!;
  const cols = first.cols;
  const float32 = parts.every(
    (part) => ('columns' in part.X ? part.X.columns[0] : part.X.data) instanceof Float32Array,
  );
  const data = float32 ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  let at = 0;
  for (const part of parts) {
    for (let i = 0; i < part.rows; i++)
      for (let j = 0; j < cols; j++) data[(at + i) * cols + j] = chunkValue(part, i, j);
    at += part.rows;
  }
  return { data, rows, cols, columnNames: first.columnNames, place: (row) => `row ${row + 1}` };
}
