/**
 * svmlight / libsvm text files (.svm, .libsvm): one row per line, `label index:value ...`, with
 * `#` starting a comment. Indices count from 1, as the format defines (zeroBased reads files
 * that count from 0); the number of columns is the largest index unless given. The label (and
 * a `qid:N` after it) is read past, k-means has no use for it, but can be kept as text; files
 * without a label column (labelColumn false) start each line with its features. Within a line,
 * indices may come in any order and repeat (the values of a repeated index add up, as for any
 * CSR input). Lines with no features are rows of zeros; blank and comment-only lines are no rows.
 */
import * as fs from 'node:fs';
import type { CsrMatrix } from '../index';
import { DataFileError } from './data_error';
import { checkReadable, lines } from './data_file';
import { type DType, parseNumber, unusableValue } from './table';

export interface SvmlightReadOptions {
  /** Indices count from 0 instead of 1. */
  zeroBased?: boolean;
  /** The number of columns; an index beyond it is an error. Default: the largest index read. */
  cols?: number;
  /** Default float64. */
  dtype?: DType;
  /** Whether each line starts with a label (default true). */
  labelColumn?: boolean;
  /** Keep each row's label as written (readSvmlightRows' labels). */
  keepLabels?: boolean;
  /** How messages name a given `cols` (default "given": "beyond the 12 columns given"). */
  colsOrigin?: string;
}

/** A file's rows, the line each came from, and (with keepLabels) each row's label. */
export interface SvmlightRows {
  matrix: CsrMatrix;
  lines: Int32Array;
  labels: string[] | undefined;
}

const maxColumns = 2 ** 31 - 1;

/** Reads `file` ("-": standard input). */
export async function readSvmlightFile(file: string, options: SvmlightReadOptions = {}): Promise<CsrMatrix> {
  return (await readSvmlightFileRows(file, options)).matrix;
}

/** As readSvmlightFile, with the rows' lines and labels. */
export function readSvmlightFileRows(file: string, options: SvmlightReadOptions = {}): Promise<SvmlightRows> {
  if (file === '-') return readSvmlightRows('standard input', lines(process.stdin), options);
  checkReadable(file);
  return readSvmlightRows(file, lines(fs.createReadStream(file)), options);
}

export async function readSvmlight(
  file: string,
  input: AsyncIterable<string>,
  options: SvmlightReadOptions = {},
): Promise<CsrMatrix> {
  return (await readSvmlightRows(file, input, options)).matrix;
}

export async function readSvmlightRows(
  file: string,
  input: AsyncIterable<string>,
  options: SvmlightReadOptions = {},
): Promise<SvmlightRows> {
  const { zeroBased = false, cols, dtype = 'float64', labelColumn = true, keepLabels = false } = options;
  if (cols !== undefined && !(Number.isSafeInteger(cols) && cols >= 1 && cols <= maxColumns)) {
    throw new DataFileError(
      file,
      undefined,
      `the column count must be a whole number from 1 to 2^31 - 1 (got ${cols})`,
    );
  }
  const builder = new CsrBuilder();
  const labels: string[] | undefined = keepLabels ? [] : undefined;
  let lineNumber = 0;
  let widest = -1;
  for await (const line of input) {
    lineNumber++;
    const fail = (problem: string): never => {
      throw new DataFileError(file, `line ${lineNumber}`, problem);
    };
    const hash = line.indexOf('#');
    const tokens = (hash < 0 ? line : line.slice(0, hash)).trim().split(/\s+/);
    if (tokens[0] === '') continue;
    let first = 0;
    if (labelColumn) {
      if (tokens[0]!.includes(':')) {
        fail(`it starts with "${tokens[0]}", not a label: svmlight lines read "label index:value ..."`);
      }
      labels?.push(tokens[0]!);
      first = 1;
    }
    if (tokens[first]?.startsWith('qid:')) first++;
    for (let t = first; t < tokens.length; t++) {
      const token = tokens[t]!;
      const colon = token.indexOf(':');
      if (colon < 0) {
        fail(
          t === 0
            ? `it starts with "${token}", not index:value (is the first field a label?)`
            : `"${token}" is not index:value`,
        );
      }
      const indexText = token.slice(0, colon);
      const valueText = token.slice(colon + 1);
      if (!/^\d+$/.test(indexText)) fail(`"${indexText}" in "${token}" is not an index (a whole number)`);
      const column = Number(indexText) - (zeroBased ? 0 : 1);
      if (column < 0) {
        fail(
          `index 0 in "${token}": indices count from 1 in svmlight files (read the file as zero-based if it counts from 0)`,
        );
      }
      if (column >= (cols ?? maxColumns)) {
        fail(
          cols === undefined
            ? `index ${indexText} is beyond the 2^31 - 1 columns supported`
            : `index ${indexText} is beyond the ${cols} columns ${options.colsOrigin ?? 'given'}`,
        );
      }
      const value = parseNumber(valueText);
      if (value === undefined) fail(`"${valueText}" in "${token}" is not a number`);
      const problem = unusableValue(value!, dtype);
      if (problem !== undefined) fail(`the value of index ${indexText}, ${valueText}, ${problem}`);
      builder.push(column, value!);
      if (column > widest) widest = column;
    }
    builder.endRow(lineNumber);
  }
  if (builder.rows === 0) throw new DataFileError(file, undefined, 'it holds no data rows');
  const width = cols ?? widest + 1;
  if (width === 0) throw new DataFileError(file, undefined, 'it holds no values (every row is empty)');
  return { matrix: builder.finish(width, dtype), lines: builder.lines(), labels };
}

/** Collects entries row by row into growing buffers. */
class CsrBuilder {
  private indices = new Int32Array(4096);
  private values = new Float64Array(4096);
  private ends = new Float64Array(1024);
  private lineNumbers = new Int32Array(1024);
  private length = 0;
  rows = 0;

  push(column: number, value: number): void {
    if (this.length === this.indices.length) {
      this.indices = grown(this.indices);
      this.values = grown(this.values);
    }
    this.indices[this.length] = column;
    this.values[this.length++] = value;
  }

  endRow(line: number): void {
    if (this.rows === this.ends.length) {
      this.ends = grown(this.ends);
      this.lineNumbers = grown(this.lineNumbers);
    }
    this.lineNumbers[this.rows] = line;
    this.ends[this.rows++] = this.length;
  }

  /** The line each row came from. */
  lines(): Int32Array {
    return this.lineNumbers.slice(0, this.rows);
  }

  finish(cols: number, dtype: DType): CsrMatrix {
    const n = this.length;
    const ends = this.ends.subarray(0, this.rows);
    const indptr = n > 2 ** 31 - 1 ? new BigInt64Array(this.rows + 1) : new Int32Array(this.rows + 1);
    if (indptr instanceof BigInt64Array) ends.forEach((end, i) => (indptr[i + 1] = BigInt(end)));
    else indptr.set(ends, 1);
    const values = this.values.subarray(0, n);
    const data = dtype === 'float32' ? Float32Array.from(values) : values.slice();
    return { format: 'csr', indptr, indices: this.indices.slice(0, n), data, rows: this.rows, cols };
  }
}

function grown<T extends Float64Array | Int32Array>(array: T): T {
  const bigger = new (array.constructor as new (length: number) => T)(array.length * 2);
  bigger.set(array);
  return bigger;
}
