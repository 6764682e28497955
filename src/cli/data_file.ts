/**
 * Reads a data file in any of the formats the command line takes: CSV, TSV, NDJSON or NPY,
 * chosen by --format, else by the file's extension, else by its first bytes. "-" is standard
 * input (a text format).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { ColumnSpec } from './columns';
import { DataFileError } from './data_error';
import { isNpy, readNpy } from './npy';
import type { DType, Table } from './table';
import { type TextFormat, readTextTable } from './text_table';

export type DataFormat = TextFormat | 'npy';
export const dataFormats: readonly DataFormat[] = ['csv', 'tsv', 'ndjson', 'npy'];

export interface DataReadOptions {
  format?: DataFormat;
  header?: boolean;
  columns?: ColumnSpec;
  /** undefined: float64, except that float32 .npy data stays float32. */
  dtype?: DType;
}

const extensions: Record<string, DataFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.npy': 'npy',
};

export async function readDataFile(file: string, options: DataReadOptions = {}): Promise<Table> {
  if (file === '-') {
    const format = options.format ?? 'csv';
    if (format === 'npy') throw new DataFileError('standard input', undefined, 'NPY data must come from a file');
    return readTextTable('standard input', lines(process.stdin), { ...textOptions(options), format });
  }
  const format = options.format ?? extensions[path.extname(file).toLowerCase()] ?? sniffFormat(file);
  if (format === 'npy') return readNpy(file, readWhole(file), options.columns, options.dtype);
  checkReadable(file);
  return readTextTable(file, lines(fs.createReadStream(file)), { ...textOptions(options), format });
}

function textOptions(options: DataReadOptions) {
  return { header: options.header, columns: options.columns, dtype: options.dtype ?? 'float64' };
}

function lines(input: NodeJS.ReadableStream): AsyncIterable<string> {
  return readline.createInterface({ input, crlfDelay: Infinity });
}

/** The format of a file with an unknown extension, from its first bytes. */
function sniffFormat(file: string): DataFormat {
  const head = readHead(file, 4096);
  if (isNpy(head)) return 'npy';
  const firstLine = head.toString('utf8').replace(/^\uFEFF/, '').trimStart().split('\n')[0] ?? '';
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

function readWhole(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw unreadable(file, error);
  }
}

function checkReadable(file: string): void {
  readHead(file, 1);
}

function unreadable(file: string, error: unknown): DataFileError {
  const { code } = error as NodeJS.ErrnoException;
  const problem =
    code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory, not a file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
  return new DataFileError(file, undefined, `cannot read it: ${problem}`);
}
