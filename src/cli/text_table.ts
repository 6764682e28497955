/**
 * Line-oriented data files: CSV and TSV (with or without a header line) and NDJSON (one JSON
 * array or object per line). Read as a stream, so a file never has to fit in memory as text.
 */
import { type ColumnChoice, resolveColumns } from './columns';
import { DataFileError } from './data_error';
import { type DType, type Table, TableBuilder, parseNumber, unusableValue } from './table';

export type TextFormat = 'csv' | 'tsv' | 'ndjson';

export interface TextReadOptions {
  format: TextFormat;
  /** Whether the first line names the columns; undefined: yes if it holds anything but numbers. */
  header: boolean | undefined;
  columns: ColumnChoice;
  dtype: DType;
  /** CSV and TSV: the field separator (default: a comma, for TSV a tab). */
  delimiter?: string;
}

/** Reads `lines` (the file's lines, without their ends) into a table; `file` names it in errors. */
export async function readTextTable(
  file: string,
  lines: AsyncIterable<string>,
  options: TextReadOptions,
): Promise<Table> {
  const reader = options.format === 'ndjson' ? new NdjsonRows(file, options) : new DelimitedRows(file, options);
  let lineNumber = 0;
  for await (const raw of lines) {
    lineNumber++;
    const line = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '') continue;
    reader.add(line, lineNumber);
  }
  return reader.finish();
}

/**
 * The rows of `lines` as tables of `chunkRows` rows (the last may have fewer), read as they are
 * needed: only the chunk in hand is held.
 */
export async function* readTextChunks(
  file: string,
  lines: AsyncIterable<string>,
  options: TextReadOptions,
  chunkRows: number,
): AsyncGenerator<Table> {
  const reader = options.format === 'ndjson' ? new NdjsonRows(file, options) : new DelimitedRows(file, options);
  let lineNumber = 0;
  let yielded = false;
  for await (const raw of lines) {
    lineNumber++;
    const line = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '') continue;
    reader.add(line, lineNumber);
    if (reader.pendingRows >= chunkRows) {
      yield reader.take();
      yielded = true;
    }
  }
  if (!yielded || reader.pendingRows > 0) yield reader.finish();
}

/** What both line formats share: the chosen columns and the rows collected so far. */
abstract class RowReader {
  protected builder: TableBuilder | undefined;
  protected picked: number[] = [];
  protected names: string[] | undefined;
  private row: number[] = [];

  constructor(
    protected readonly file: string,
    protected readonly options: TextReadOptions,
  ) {}

  abstract add(line: string, lineNumber: number): void;

  /** Fixes the file's columns from its first line; `keyed`: the names are JSON object keys. */
  protected start(count: number, names: string[] | undefined, lineNumber: number, keyed = false): void {
    try {
      this.picked = resolveColumns(this.options.columns, count, names, keyed);
    } catch (error) {
      throw new DataFileError(this.file, `line ${lineNumber}`, (error as Error).message);
    }
    this.names = names === undefined ? undefined : this.picked.map((column) => names[column] as string);
    this.builder = new TableBuilder(this.picked.length);
  }

  /** Adds the chosen columns of one line: `valueAt(column)` gives a number or says why it is not one. */
  protected addRow(lineNumber: number, valueAt: (column: number) => number | string): void {
    this.row.length = 0;
    for (const column of this.picked) {
      const value = valueAt(column);
      const problem = typeof value === 'string' ? value : unusableValue(value, this.options.dtype);
      if (problem !== undefined) {
        const shown = typeof value === 'number' ? `${value} ` : '';
        throw new DataFileError(this.file, `line ${lineNumber}`, `${this.columnName(column)} ${shown}${problem}`);
      }
      this.row.push(value as number);
    }
    this.builder!.pushRow(this.row, lineNumber);
  }

  private columnName(column: number): string {
    const name = this.names?.[this.picked.indexOf(column)];
    return name === undefined ? `column ${column + 1}` : `column ${column + 1} ("${name}")`;
  }

  finish(): Table {
    if (this.builder === undefined || this.builder.rows === 0) {
      throw new DataFileError(this.file, undefined, 'it holds no data rows');
    }
    return this.builder.finish(this.options.dtype, this.names);
  }

  get pendingRows(): number {
    return this.builder?.rows ?? 0;
  }

  /** The rows read so far, leaving none pending. */
  take(): Table {
    const table = this.finish();
    this.builder = new TableBuilder(this.picked.length);
    return table;
  }
}

class DelimitedRows extends RowReader {
  private readonly delimiter: string;
  private fieldCount = 0;

  constructor(file: string, options: TextReadOptions) {
    super(file, options);
    this.delimiter = options.delimiter ?? (options.format === 'tsv' ? '\t' : ',');
  }

  add(line: string, lineNumber: number): void {
    const fields = splitFields(line, this.delimiter);
    if (typeof fields === 'string') throw new DataFileError(this.file, `line ${lineNumber}`, fields);
    if (this.builder === undefined) {
      // A header is a first line with a field that is neither empty nor a number.
      const header = this.options.header ?? fields.some((field) => field !== '' && parseNumber(field) === undefined);
      this.fieldCount = fields.length;
      this.start(fields.length, header ? fields : undefined, lineNumber);
      if (header) return;
    }
    if (fields.length !== this.fieldCount) {
      throw new DataFileError(
        this.file,
        `line ${lineNumber}`,
        `expected ${this.fieldCount} fields (as on the first line), found ${fields.length}`,
      );
    }
    this.addRow(lineNumber, (column) => {
      const text = fields[column] as string;
      const value = parseNumber(text);
      if (value === undefined) return text === '' ? 'is empty' : `"${text}" is not a number`;
      return Number.isFinite(value) ? value : `${text} is not a finite number`;
    });
  }
}

/**
 * One line's fields, trimmed, with RFC 4180 quoting ("a, b" and "" for a quote inside quotes);
 * a string describing the problem when the quoting is broken. Quoted fields cannot span lines.
 */
export function splitFields(line: string, delimiter: string): string[] | string {
  if (!line.includes('"')) return line.split(delimiter).map((field) => field.trim());
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ') i++;
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) return 'a quoted field is not closed on this line';
        field += line.slice(i, quote);
        i = quote + 1;
        if (line[i] !== '"') break;
        field += '"';
        i++;
      }
      while (line[i] === ' ') i++;
      if (i < line.length && line[i] !== delimiter) return 'a closing quote is followed by more than the delimiter';
    } else {
      const end = line.indexOf(delimiter, i);
      field = (end < 0 ? line.slice(i) : line.slice(i, end)).trim();
      if (field.includes('"')) return 'a field has a quote inside it but does not start with one';
      i = end < 0 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the delimiter
  }
}

class NdjsonRows extends RowReader {
  private keys: string[] | undefined;
  private width = 0;

  add(line: string, lineNumber: number): void {
    const where = `line ${lineNumber}`;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new DataFileError(this.file, where, `not valid JSON (${(error as Error).message})`);
    }
    const isObject = typeof record === 'object' && record !== null && !Array.isArray(record);
    if (!Array.isArray(record) && !isObject) {
      throw new DataFileError(this.file, where, 'expected a JSON array of numbers or an object of numbers');
    }
    if (this.builder === undefined) {
      this.keys = isObject ? Object.keys(record as object) : undefined;
      this.width = isObject ? this.keys!.length : (record as unknown[]).length;
      if (this.width === 0) throw new DataFileError(this.file, where, 'the first line holds no values');
      this.start(this.width, this.keys, lineNumber, isObject);
    }
    const values = this.valuesOf(record, isObject, where);
    this.addRow(lineNumber, (column) => {
      const value = values[column];
      if (typeof value === 'number') return value;
      return value === undefined || value === null ? 'is missing' : `${JSON.stringify(value)} is not a number`;
    });
  }

  private valuesOf(record: unknown, isObject: boolean, where: string): unknown[] {
    if (this.keys === undefined) {
      if (isObject) throw new DataFileError(this.file, where, 'expected an array, as on the first line');
      const values = record as unknown[];
      if (values.length !== this.width) {
        throw new DataFileError(
          this.file,
          where,
          `expected ${this.width} values (as on the first line), found ${values.length}`,
        );
      }
      return values;
    }
    if (!isObject) throw new DataFileError(this.file, where, 'expected an object, as on the first line');
    const object = record as Record<string, unknown>;
    const extra = Object.keys(object).find((key) => !this.keys!.includes(key));
    if (extra !== undefined) throw new DataFileError(this.file, where, `key "${extra}" is not on the first line`);
    // Own keys only: a record without "constructor" does not hold Object's.
    return this.keys.map((key) => (Object.hasOwn(object, key) ? object[key] : undefined));
  }
}
