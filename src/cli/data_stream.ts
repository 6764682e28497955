/**
 * An input opened as a stream of row chunks, for the commands that never hold all the rows:
 * text files parsed a chunk of lines at a time, .npy files read a range of rows at a time,
 * Parquet files and --sql queries streamed by DuckDB. Each pass reads the file again.
 */
import * as fs from 'node:fs';
import { type DataReadOptions, checkReadable, choice, formatOf, lines, textOptions, unreadable } from './data_file';
import { DataFileError } from './data_error';
import { checkDelimiterFormat } from './delimiter';
import { duckdbRows, parquetQuery } from './duckdb_input';
import { openNpy, readNpyRows } from './npy';
import { type RowChunk, type RowStream, chunkOfTable } from './row_stream';
import { readTextChunks } from './text_table';

/** Rows per chunk: large enough that per-chunk costs vanish, small enough to stay a few MiB. */
export const chunkRows = 65536;

/** Where the rows come from: a data file ("-": standard input) or a DuckDB query. */
export type DataInput = { file: string } | { sql: string };

export async function openDataStream(input: DataInput, options: DataReadOptions): Promise<RowStream> {
  if ('sql' in input) return duckdbRows('query', input.sql, choice(options), options.dtype);
  const { file } = input;
  if (file === '-') {
    const format = options.format ?? 'csv';
    checkDelimiterFormat(options.delimiter, format);
    if (format === 'npy' || format === 'parquet') {
      throw new DataFileError(
        'standard input',
        undefined,
        `${format === 'npy' ? 'NPY' : 'Parquet'} data must come from a file`,
      );
    }
    return {
      name: 'standard input',
      rereadable: false,
      close() {},
      chunks: () =>
        tables(readTextChunks('standard input', lines(process.stdin), { ...textOptions(options), format }, chunkRows)),
    };
  }
  const format = formatOf(file, options.format);
  checkDelimiterFormat(options.delimiter, format);
  checkReadable(file);
  if (format === 'parquet') return duckdbRows(file, parquetQuery(file), choice(options), options.dtype);
  if (format === 'npy') return { name: file, rereadable: true, close() {}, chunks: () => npyChunks(file, options) };
  return {
    name: file,
    rereadable: true,
    close() {},
    chunks: () =>
      tables(readTextChunks(file, lines(fs.createReadStream(file)), { ...textOptions(options), format }, chunkRows)),
  };
}

async function* tables(source: AsyncIterable<Parameters<typeof chunkOfTable>[0]>): AsyncGenerator<RowChunk> {
  for await (const table of source) yield chunkOfTable(table);
}

async function* npyChunks(file: string, options: DataReadOptions): AsyncGenerator<RowChunk> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    throw unreadable(file, error);
  }
  try {
    const descriptor = fd;
    const bytes = {
      size: fs.fstatSync(descriptor).size,
      read: (buffer: Buffer, position: number) => fs.readSync(descriptor, buffer, 0, buffer.length, position),
    };
    const layout = openNpy(file, bytes, choice(options), options.dtype);
    for (let first = 0; first < layout.rows; first += chunkRows) {
      yield chunkOfTable(readNpyRows(file, bytes, layout, first, Math.min(chunkRows, layout.rows - first)));
    }
  } finally {
    fs.closeSync(fd);
  }
}
