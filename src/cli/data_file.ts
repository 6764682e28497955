/**
 * Reads a data file in any of the formats the command line takes: CSV, TSV, NDJSON, NPY or
 * Parquet (through DuckDB), chosen by --format, else by the file's extension, else by its first
 * bytes. "-" is standard input (a text format).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { ColumnChoice, ColumnSpec } from './columns';
import { DataFileError } from './data_error';
import { checkDelimiterFormat } from './delimiter';
import { duckdbRows, parquetQuery } from './duckdb_input';
import { type ByteSource, isNpy, readNpy } from './npy';
import { collectTable } from './row_stream';
import type { DType, Table } from './table';
import { type TextFormat, readTextTable } from './text_table';

export type DataFormat = TextFormat | 'npy' | 'parquet';
export const dataFormats: readonly DataFormat[] = ['csv', 'tsv', 'ndjson', 'npy', 'parquet'];

export interface DataReadOptions {
  format?: DataFormat;
  header?: boolean;
  columns?: ColumnSpec;
  /** Without `columns`: these names when the file names its columns, else every column. */
  modelNames?: readonly string[];
  /** undefined: float64, except that float32 .npy data stays float32. */
  dtype?: DType;
  /** CSV and TSV: the field separator (--delimiter). */
  delimiter?: string;
}

const extensions: Record<string, DataFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.npy': 'npy',
  '.parquet': 'parquet',
};

export async function readDataFile(file: string, options: DataReadOptions = {}): Promise<Table> {
  if (file === '-') {
    const format = options.format ?? 'csv';
    checkDelimiterFormat(options.delimiter, format);
    if (format === 'npy' || format === 'parquet') {
      const kind = format === 'npy' ? 'NPY' : 'Parquet';
      throw new DataFileError('standard input', undefined, `${kind} data must come from a file`);
    }
    return readTextTable('standard input', lines(process.stdin), { ...textOptions(options), format });
  }
  const format = formatOf(file, options.format);
  checkDelimiterFormat(options.delimiter, format);
  if (format === 'npy') return readNpyFile(file, choice(options), options.dtype);
  checkReadable(file);
  if (format === 'parquet') {
    const stream = await duckdbRows(file, parquetQuery(file), choice(options), options.dtype);
    try {
      return await collectTable(stream);
    } finally {
      stream.close();
    }
  }
  return readTextTable(file, lines(fs.createReadStream(file)), { ...textOptions(options), format });
}

/** --format, else the file's extension, else its first bytes. */
export function formatOf(file: string, format: DataFormat | undefined): DataFormat {
  return format ?? extensions[path.extname(file).toLowerCase()] ?? sniffFormat(file);
}

export function textOptions(options: DataReadOptions) {
  const { header, delimiter } = options;
  return { header, columns: choice(options), dtype: options.dtype ?? 'float64', delimiter };
}

export function choice(options: DataReadOptions): ColumnChoice {
  return { spec: options.columns, modelNames: options.modelNames };
}

/** The .npy reader reads the file in pieces, so files beyond Node's 2 GiB read limit work. */
function readNpyFile(file: string, columns: ColumnChoice, dtype: DType | undefined): Table {
  return readInPieces(file, (source) => readNpy(file, source, columns, dtype));
}

/**
 * `read` over the file as a ByteSource (positioned reads of an open descriptor, closed after);
 * a failure to open or read is the file's one-line error.
 */
export function readInPieces<T>(file: string, read: (source: ByteSource) => T): T {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    throw unreadable(file, error);
  }
  try {
    const descriptor = fd;
    const size = fs.fstatSync(descriptor).size;
    return read({ size, read: (buffer, position) => fs.readSync(descriptor, buffer, 0, buffer.length, position) });
  } catch (error) {
    throw error instanceof DataFileError ? error : unreadable(file, error);
  } finally {
    fs.closeSync(fd);
  }
}

export function lines(input: NodeJS.ReadableStream): AsyncIterable<string> {
  return readline.createInterface({ input, crlfDelay: Infinity });
}

/** The format of a file with an unknown extension, from its first bytes. */
function sniffFormat(file: string): DataFormat {
  const head = readHead(file, 4096);
  if (isNpy(head)) return 'npy';
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  const firstLine =
    head
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart()
      .split('\n')[0] ?? '';
  if (firstLine.startsWith('[') || firstLine.startsWith('{')) return 'ndjson';
  return firstLine.includes('\t') ? 'tsv' : 'csv';
}

function readHead(file: string, bytes: number): Buffer {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, fs.readSync(fd, buffer, 0, bytes, 0));
  } catch (error) {
    throw unreadable(file, error);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function checkReadable(file: string): void {
  readHead(file, 1);
}

export function unreadable(file: string, error: unknown): DataFileError {
  const { code } = error as NodeJS.ErrnoException;
  const problem =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'it is a directory, not a file'
        : code === 'EACCES'
          ? 'permission denied'
          : (error as Error).message;
  return new DataFileError(file, undefined, `cannot read it: ${problem}`);
}
