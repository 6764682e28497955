// Property-based tests of the command line: its CSV, TSV, NDJSON and NPY readers, its
// arguments and whole fit/predict runs, fed generated inputs, well-formed and broken. Every
// input must end in the command's typed error (one line naming the file and the place) or in
// exactly the table that was generated: never a TypeError, a hang or a wrong table. Each test's
// name gives the number of inputs it tries (times KMEANS_FUZZ_SCALE); 26,500 in all.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  UsageError,
  integerOption,
  numberOption,
  parseCommandLine,
  progressMode,
  rejectOptions,
} from '../../src/cli/command_line';
import { type ColumnChoice, parseColumnSpec } from '../../src/cli/columns';
import { DataFileError } from '../../src/cli/data_error';
import { main } from '../../src/cli/main';
import { type ByteSource, readNpy } from '../../src/cli/npy';
import type { DType, Table } from '../../src/cli/table';
import { type TextReadOptions, readTextTable } from '../../src/cli/text_table';
import { expectUnchanged, fuzzParameters, snapshot } from './helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmeans-native-fuzz-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// Generating and writing numbers and tables

/** The many cosmetic choices of one rendering (spacing, quoting, notation), from one seed. */
class Choices {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** An integer in [0, n) (mulberry32). */
  int(n: number): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  }

  chance(p: number): boolean {
    return this.int(1 << 20) < p * (1 << 20);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** The largest double that Math.fround keeps finite, and the smallest it takes to Infinity. */
const float32Edge = 2 ** 128 - 2 ** 103 - 2 ** 75;
const beyondFloat32 = [
  2 ** 128 - 2 ** 103,
  -(2 ** 128),
  3.5e38,
  -3.5e38,
  1e39,
  4e38,
  1e300,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
];

/** Finite doubles of every kind: integers, short decimals, subnormals, huge ones, -0. */
const finiteNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
  { weight: 3, arbitrary: fc.integer({ min: -99_999, max: 99_999 }).map((n) => n / 100) },
  { weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 2, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      0,
      -0,
      0.1,
      -0.3,
      1 / 3,
      5e-324,
      -5e-324,
      2.2250738585072014e-308,
      1.401298464324817e-45,
      1e-7,
      1e21,
      2 ** 53,
      2 ** 53 + 2,
      123456789012345680000,
      3.4028234663852886e38,
      float32Edge,
      -float32Edge,
      1e38,
      Number.MAX_VALUE,
    ),
  },
);

/** `x`, or a smaller number in its place when float32 cannot hold it. */
function inFloat32Range(x: number): number {
  return Number.isFinite(Math.fround(x)) ? x : x / 1e300;
}

/**
 * `x` written as a decimal number in one of the many ways that mean exactly x: plain or with an
 * exponent (e or E, signed or not, zero-padded), the point anywhere, leading and trailing zeros,
 * a leading "+", ".5" and "5."; `json`: only what JSON allows.
 */
function decimalText(x: number, choose: Choices, json: boolean): string {
  const [mantissa, power] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const scientific = Number(power); // |x| = d.ddd × 10^scientific
  const exponent = scientific - (digits.length - 1); // |x| = ddd × 10^exponent
  let written = choose.pick([scientific, exponent, 0, scientific + choose.int(7) - 3]);
  // Plain forms stay short: at most 30 zeros are written out.
  if (exponent - written > 30 || written - exponent - digits.length > 30) written = scientific;
  const shift = exponent - written; // the written mantissa is ddd × 10^shift
  let whole: string;
  let fraction: string;
  if (shift >= 0) {
    [whole, fraction] = [digits + '0'.repeat(shift), ''];
  } else if (digits.length + shift > 0) {
    [whole, fraction] = [digits.slice(0, digits.length + shift), digits.slice(digits.length + shift)];
  } else {
    [whole, fraction] = ['0', '0'.repeat(-(digits.length + shift)) + digits];
  }
  whole = whole.replace(/^0+(?=\d)/, '');
  if (!json) whole = '0'.repeat(choose.int(3)) + whole;
  if (fraction !== '' || choose.chance(0.2)) fraction += '0'.repeat(choose.int(3));
  let text: string;
  if (fraction === '') {
    text = !json && choose.chance(0.2) ? `${whole}.` : whole;
  } else {
    text = !json && whole === '0' && choose.chance(0.3) ? `.${fraction}` : `${whole}.${fraction}`;
  }
  if (written !== 0 || choose.chance(0.2)) {
    const sign = written < 0 ? '-' : choose.chance(0.3) ? '+' : '';
    text += `${choose.pick(['e', 'E'])}${sign}${'0'.repeat(choose.int(2))}${Math.abs(written)}`;
  }
  const negative = x < 0 || Object.is(x, -0);
  text = (negative ? '-' : !json && choose.chance(0.2) ? '+' : '') + text;
  if (!Object.is(Number(text), x)) throw new Error(`decimalText(${x}) wrote ${text}`);
  return text;
}

/**
 * Whether `text` is a decimal number as the readers take it: an optional sign, digits with at
 * most one point and a digit on at least one side of it, and an optional exponent.
 */
function isPlainDecimal(text: string): boolean {
  const [mantissa = '', exponent, ...more] = text.replace(/^[+-]/, '').split(/[eE]/);
  if (more.length > 0 || (exponent !== undefined && !/^[+-]?[0-9]+$/.test(exponent))) return false;
  const [whole = '', fraction = '', ...points] = mantissa.split('.');
  return (
    points.length === 0 && /^[0-9]*$/.test(whole) && /^[0-9]*$/.test(fraction) && whole.length + fraction.length > 0
  );
}

/** A header field that makes the guess "this line names the columns". */
function isWord(field: string): boolean {
  return field !== '' && !isPlainDecimal(field);
}

/** Characters for column names and junk: delimiters, quotes, unicode, control characters. */
const awkwardCharacter = fc.constantFrom(
  'a',
  'b',
  'x',
  'Z',
  '_',
  '1',
  '2',
  '.',
  '-',
  '+',
  'e',
  ' ',
  '\t',
  ',',
  '"',
  "'",
  '{',
  '[',
  ':',
  'é',
  'ß',
  '中',
  '😀',
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\ufffd',
);

/** Column names: JavaScript's own property names, numbers, ranges and anything else, trimmed. */
const columnName: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: awkwardCharacter, maxLength: 6 }).map((name) => name.trim()) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'a',
      'b',
      'c',
      'x1',
      'sepal length',
      'constructor',
      '__proto__',
      'toString',
      'valueOf',
      'hasOwnProperty',
      '1',
      '2',
      '10',
      '1-2',
      '1e3',
      '-5',
      '',
    ),
  },
);

/** One field of a delimited line, quoted (with "" for quotes) or not, with spaces around. */
function field(text: string, quote: boolean, delimiter: string, choose: Choices): string {
  const space = () => ' '.repeat(choose.int(3));
  if (quote) return `${space()}"${text.replaceAll('"', '""')}"${space()}`;
  // Around unquoted CSV fields, tabs are blanks too (before a quote only spaces are).
  const blank = () =>
    delimiter === ',' && !text.startsWith('"') ? choose.pick(['', '', ' ', '  ', '\t', ' \t']) : space();
  return `${blank()}${text}${blank()}`;
}

function needsQuotes(text: string, delimiter: string): boolean {
  return text.includes('"') || text.includes(delimiter) || text !== text.trim();
}

/** `rows` as the lines of a file, with blank lines between them and maybe a BOM; where each row went. */
function withBlankLines(rows: string[], choose: Choices): { lines: string[]; lineOf: number[] } {
  const lines: string[] = [];
  const lineOf: number[] = [];
  for (const row of rows) {
    while (choose.chance(0.15)) lines.push(choose.pick(['', ' ', '\t', '  \t', '\u00a0', '\ufeff', '\u3000']));
    lines.push(row);
    lineOf.push(lines.length);
  }
  if (choose.chance(0.3)) lines.push('');
  if (lines.length > 0 && choose.chance(0.3)) lines[0] = `\ufeff${lines[0]}`;
  return { lines, lineOf };
}

type LineSource = 'lines' | 'stream';

/**
 * The lines as readTextTable receives them: given one by one, or as a stream of bytes (ends
 * \n, \r\n or \r, cut into pieces anywhere, even inside a character) read by readline as the
 * command reads a file.
 */
function lineSource(lines: string[], how: LineSource, choose: Choices): AsyncIterable<string> {
  if (how === 'lines') {
    return (async function* () {
      yield* lines;
    })();
  }
  // A lone \r before an empty line would join with its \n into one line end.
  const text = lines
    .map((line, i) => line + (lines[i + 1] ? choose.pick(['\n', '\r\n', '\r']) : choose.pick(['\n', '\r\n'])))
    .join('');
  const bytes = Buffer.from(choose.chance(0.5) ? text : text.replace(/(\r\n|\n)$/, ''));
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = 1 + choose.int(12);
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  return readline.createInterface({ input: Readable.from(pieces), crlfDelay: Infinity });
}

// ---------------------------------------------------------------------------------------------
// What every read must end in

/** A DataFileError must be one line that names the file; other errors fail the property. */
function checkedFileError(error: unknown, file: string): DataFileError {
  if (!(error instanceof DataFileError))
    throw new Error(`expected a DataFileError, got ${String(error)}`, { cause: error });
  expect(error.file).toBe(file);
  expect(error.message.startsWith(`${file}${error.where === undefined ? '' : `, ${error.where}`}: `)).toBe(true);
  expect(error.message).not.toMatch(/[\n\r]/);
  expect(error.problem.length).toBeGreaterThan(5);
  return error;
}

async function readText(
  file: string,
  lines: AsyncIterable<string>,
  options: TextReadOptions,
): Promise<Table | DataFileError> {
  try {
    return await readTextTable(file, lines, options);
  } catch (error) {
    return checkedFileError(error, file);
  }
}

function readNpyBytes(
  file: string,
  bytes: Buffer,
  choice: ColumnChoice,
  dtype: DType | undefined,
): Table | DataFileError {
  const source: ByteSource = {
    size: bytes.length,
    read: (buffer, position) => bytes.copy(buffer, 0, position, position + buffer.length),
  };
  try {
    return readNpy(file, source, choice, dtype);
  } catch (error) {
    return checkedFileError(error, file);
  }
}

function asTable(result: Table | DataFileError): Table {
  if (result instanceof DataFileError) throw new Error(`expected a table, got: ${result.message}`);
  return result;
}

function asError(result: Table | DataFileError): DataFileError {
  if (!(result instanceof DataFileError))
    throw new Error(`expected a DataFileError, got a ${result.rows} × ${result.cols} table`);
  return result;
}

/** The table must hold exactly `values` (rounded to float32 for float32), bit for bit. */
function expectTable(
  result: Table | DataFileError,
  values: number[][],
  names: string[] | undefined,
  dtype: DType,
): Table {
  const table = asTable(result);
  expect(table.data).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
  expect([table.rows, table.cols]).toEqual([values.length, values[0]!.length]);
  expect(table.columnNames).toEqual(names);
  values.flat().forEach((value, i) => {
    const expected = dtype === 'float32' ? Math.fround(value) : value;
    if (!Object.is(table.data[i], expected)) throw new Error(`value ${i}: read ${table.data[i]}, expected ${expected}`);
  });
  return table;
}

/** What any table must be: rows of finite values, no more rows than non-blank lines. */
function expectSaneTable(table: Table, dtype: DType, lines: readonly string[]): void {
  expect(table.data).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
  expect(table.rows).toBeGreaterThan(0);
  expect(table.cols).toBeGreaterThan(0);
  expect(table.data.length).toBe(table.rows * table.cols);
  expect(table.data.every(Number.isFinite)).toBe(true);
  if (table.columnNames !== undefined) expect(table.columnNames).toHaveLength(table.cols);
  expect(table.rows).toBeLessThanOrEqual(lines.filter((line) => line.trim() !== '').length);
  for (let row = 0; row < table.rows; row++) {
    const line = Number(/^line (\d+)$/.exec(table.place(row))?.[1]);
    expect(lines[line - 1]?.trim()).toBeTruthy();
  }
}

/** An error from a text reader names a line of the file that is not blank, or the whole file. */
function expectLineError(error: DataFileError, lines: readonly string[]): void {
  if (error.where === undefined) {
    expect(error.problem).toBe('it holds no data rows');
    return;
  }
  const line = Number(/^line (\d+)$/.exec(error.where)?.[1]);
  expect(line).toBeGreaterThanOrEqual(1);
  expect(lines[line - 1]?.trim()).toBeTruthy();
}

// ---------------------------------------------------------------------------------------------
// CSV and TSV

interface DelimitedCase {
  format: 'csv' | 'tsv';
  dtype: DType;
  values: number[][];
  names: string[] | null;
  /** With names: --header (else the guess); without: --no-header (else the guess). */
  forceHeader: boolean;
  source: LineSource;
  seed: number;
}

const delimitedCase: fc.Arbitrary<DelimitedCase> = fc
  .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }))
  .chain(([cols, rows]) =>
    fc.record({
      format: fc.constantFrom('csv' as const, 'tsv' as const),
      dtype: fc.constantFrom('float64' as const, 'float32' as const),
      values: fc.array(fc.array(finiteNumber, { minLength: cols, maxLength: cols }), {
        minLength: rows,
        maxLength: rows,
      }),
      names: fc.option(fc.uniqueArray(columnName, { minLength: cols, maxLength: cols })),
      forceHeader: fc.boolean(),
      source: fc.constantFrom('lines' as const, 'stream' as const),
      seed: fc.integer(),
    }),
  );

interface Field {
  text: string;
  quote: boolean;
}

/** A generated table, written: its fields, the header option to read it with, the values. */
function delimitedFields(c: DelimitedCase, choose: Choices) {
  const delimiter = c.format === 'csv' ? ',' : '\t';
  const values = c.dtype === 'float32' ? c.values.map((row) => row.map(inFloat32Range)) : c.values;
  const names = c.names ?? undefined;
  // The guess needs a name that is not a number; without one the header must be asked for.
  const header = names ? (c.forceHeader || !names.some(isWord) ? true : undefined) : c.forceHeader ? false : undefined;
  const numberField = (value: number): Field => ({
    text: decimalText(value, choose, false),
    quote: choose.chance(0.2),
  });
  const rows: Field[][] = [
    // A header of one empty name, unquoted, would be a blank line.
    ...(names
      ? [
          names.map((name) => ({
            text: name,
            quote: needsQuotes(name, delimiter) || (name === '' && names.length === 1) || choose.chance(0.3),
          })),
        ]
      : []),
    ...values.map((row) => row.map(numberField)),
  ];
  return { delimiter, values, names, header, rows, numberField };
}

function delimitedLines(rows: Field[][], delimiter: string, choose: Choices) {
  return withBlankLines(
    rows.map((row) => row.map((f) => field(f.text, f.quote, delimiter, choose)).join(delimiter)),
    choose,
  );
}

/** Tokens that are not decimal numbers, though many are numbers to JavaScript or to people. */
const notNumbers = [
  'abc',
  'NaN',
  'nan',
  'Infinity',
  '-Infinity',
  'inf',
  '0x1F',
  '0x10',
  '0xff',
  '0b11',
  '0o7',
  '0B1',
  '1n',
  '1_000',
  '1e',
  'e5',
  '1.2.3',
  '--1',
  '+-1',
  '1e+',
  '.',
  '+',
  '-',
  '١٢',
  '１',
  '1 2',
  '½',
  'true',
  'null',
  '∞',
  '1,5',
  '1d5',
  '1f',
  '5L',
  '0.5%',
  '$1',
  '#',
  '\u0000',
  '1\u0000',
  'x"y',
  '"',
  "'1'",
  '1e1.5',
  '1e-',
  'E3',
  '0x',
  ' 1 ',
  '\u00a01',
  '1\u2028',
];
const overflowing = [
  '1e999',
  '-1e400',
  `1${'0'.repeat(320)}`,
  `${'9'.repeat(330)}.5`,
  '+1E+309',
  '.1e310',
  '-0.00001e314',
  '1e99999999999',
];

const defectKinds = [
  'text',
  'empty',
  'overflow',
  'float32',
  'ragged',
  'open quote',
  'inner quote',
  'after quote',
  'duplicate name',
] as const;

describe('CSV and TSV', () => {
  it('well-formed tables read back as the generated numbers, names and shape (3,000 tables)', async () => {
    await fc.assert(
      fc.asyncProperty(delimitedCase, async (c) => {
        const choose = new Choices(c.seed);
        const { delimiter, values, names, header, rows } = delimitedFields(c, choose);
        const { lines, lineOf } = delimitedLines(rows, delimiter, choose);
        const result = await readText('table.csv', lineSource(lines, c.source, choose), {
          format: c.format,
          header,
          columns: {},
          dtype: c.dtype,
        });
        const table = expectTable(result, values, names, c.dtype);
        const dataLines = names ? lineOf.slice(1) : lineOf;
        dataLines.forEach((line, row) => expect(table.place(row)).toBe(`line ${line}`));
      }),
      fuzzParameters(3000),
    );
  });

  it('one defect in a table is reported on its line, with the exact problem (4,000 tables)', async () => {
    const defect = fc.record({
      kind: fc.constantFrom(...defectKinds),
      row: fc.nat(),
      column: fc.nat(),
      token: fc.oneof(
        fc.constantFrom(...notNumbers),
        fc.string({ unit: awkwardCharacter, minLength: 1, maxLength: 5 }),
      ),
    });
    await fc.assert(
      fc.asyncProperty(delimitedCase, defect, async (c, d) => {
        const choose = new Choices(c.seed);
        const written = delimitedFields(c, choose);
        const { delimiter, values, names, rows, numberField } = written;
        let { header } = written;
        const cols = values[0]!.length;
        const first = names ? 1 : 0; // the first data row in `rows`
        let r = first + (d.row % values.length);
        let column = d.column % cols;
        const columnLabel = (j: number) =>
          names && header !== false ? `column ${j + 1} ("${names[j]}")` : `column ${j + 1}`;
        let kind: (typeof defectKinds)[number] = d.kind;
        if (kind === 'float32' && c.dtype === 'float64') kind = 'overflow';
        if (kind === 'ragged' && rows.length < 2) kind = 'empty';
        if (kind === 'ragged' && r === 0) r = 1;
        if (kind === 'duplicate name' && (!names || cols < 2)) kind = 'open quote';
        let problem: string;
        switch (kind) {
          case 'text': {
            // A first line with a word is a header, unless --no-header says otherwise.
            if (!names && header === undefined && r === 0) header = false;
            const text = d.token.trim() === '' ? `x${d.token}` : d.token;
            const quote = needsQuotes(text, delimiter) || choose.chance(0.3);
            let read = quote ? text : text.trim();
            if (isPlainDecimal(read)) read = `x${read}`;
            rows[r]![column] = { text: read, quote: quote || needsQuotes(read, delimiter) };
            problem = `${columnLabel(column)} "${read}" is not a number`;
            break;
          }
          case 'empty': {
            // A line of one unquoted empty field would be a blank line.
            rows[r]![column] =
              cols === 1 || choose.chance(0.3)
                ? { text: '', quote: true }
                : { text: choose.pick(['', ' ']), quote: false };
            problem = `${columnLabel(column)} is empty`;
            break;
          }
          case 'overflow': {
            const text = choose.pick(overflowing);
            rows[r]![column] = { text, quote: choose.chance(0.3) };
            problem = `${columnLabel(column)} ${text} is not a finite number`;
            break;
          }
          case 'float32': {
            const value = choose.pick(beyondFloat32);
            rows[r]![column] = numberField(value);
            problem = `${columnLabel(column)} ${value} is beyond the float32 range (--float32)`;
            break;
          }
          case 'ragged': {
            const count = cols === 1 ? 2 + choose.int(2) : choose.pick([cols - 1, cols + 1, cols + 2, 1]);
            const row = rows[r]!.slice(0, count);
            while (row.length < count) row.push(numberField(choose.int(100)));
            rows[r] = row;
            problem = `expected ${cols} fields (as on the first line), found ${count}`;
            break;
          }
          case 'open quote': {
            // The last field of any line, the header too, loses its closing quote.
            r = d.row % rows.length;
            column = rows[r]!.length - 1;
            const last = rows[r]![column]!;
            rows[r]![column] = { text: `"${last.text.replaceAll('"', '""')}`, quote: false };
            problem = 'a quoted field is not closed on this line';
            break;
          }
          case 'inner quote': {
            r = d.row % rows.length;
            rows[r]![column] = { text: choose.pick(['1"2', '12"', 'a"b"', '1 "2"', '0.5""']), quote: false };
            problem = 'a field has a quote inside it but does not start with one';
            break;
          }
          case 'after quote': {
            r = d.row % rows.length;
            const text = rows[r]![column]!.text.replaceAll('"', '""');
            rows[r]![column] = { text: `"${text}"${choose.pick(['x', '0', ' 5', '.', ';', '#', "'"])}`, quote: false };
            problem = 'a closing quote is followed by more than the delimiter';
            break;
          }
          case 'duplicate name': {
            // A name that keeps the line a header is given to a second column.
            const source = names!.findIndex((name) => header === true || isWord(name));
            const target = (source + 1 + (d.column % (cols - 1))) % cols;
            rows[0]![target] = { text: names![source]!, quote: true };
            r = 0;
            problem = `two chosen columns are named "${names![source]}": choose the features by number with --columns`;
            break;
          }
        }
        const { lines, lineOf } = delimitedLines(rows, delimiter, choose);
        const error = asError(
          await readText('broken.csv', lineSource(lines, c.source, choose), {
            format: c.format,
            header,
            columns: {},
            dtype: c.dtype,
          }),
        );
        expect([error.where, error.problem]).toEqual([`line ${lineOf[r]}`, problem]);
      }),
      fuzzParameters(4000),
    );
  });

  // Lines made of numbers, junk, delimiters, quotes, blanks, CR, BOM and control characters.
  const junkToken = fc.oneof(
    { weight: 4, arbitrary: finiteNumber.map(String) },
    { weight: 2, arbitrary: fc.constantFrom(',', ',', '\t', '\t', ' ', '') },
    { weight: 2, arbitrary: fc.constantFrom(...notNumbers, ...overflowing, '3.5e38', '1e39', '-0') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '"',
        '""',
        '"1,2"',
        '"a"',
        '" 1"',
        '\r',
        '\ufeff',
        '\u0000',
        '\u001f',
        'é',
        '😀',
        '\u2028',
        'a',
        'b',
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: awkwardCharacter, maxLength: 4 }) },
  );
  const junkLines = fc.array(
    fc.array(junkToken, { maxLength: 9 }).map((tokens) => tokens.join('')),
    { maxLength: 7 },
  );
  const junkOptions = fc.record({
    format: fc.constantFrom('csv' as const, 'tsv' as const),
    header: fc.constantFrom(undefined, true, false),
    dtype: fc.constantFrom('float64' as const, 'float32' as const),
    spec: fc.option(fc.constantFrom(['1'], ['2', '1'], ['1-2'], ['a'], ['x'], ['0'], ['1', '1'], ['b', '1'], ['3-9'])),
  });

  it('any lines end in a table or an error on a non-blank line; quote-free ones as a reference reader says (3,000 files)', async () => {
    await fc.assert(
      fc.asyncProperty(junkLines, junkOptions, async (lines, o) => {
        const options: TextReadOptions = {
          format: o.format,
          header: o.header,
          columns: o.spec ? { spec: o.spec } : {},
          dtype: o.dtype,
        };
        const result = await readText('junk.csv', lineSource(lines, 'lines', new Choices(0)), options);
        const shown = lines.map((line, i) => (i === 0 ? line.replace(/^\ufeff/, '') : line));
        if (result instanceof DataFileError) {
          expectLineError(result, shown);
        } else {
          expectSaneTable(result, o.dtype, shown);
        }
        if (o.spec || lines.some((line) => line.includes('"'))) return;
        const expected = referenceDelimited(shown, o.format === 'csv' ? ',' : '\t', o.header, o.dtype);
        if ('line' in expected) {
          expect(asError(result).where).toBe(expected.line === 0 ? undefined : `line ${expected.line}`);
        } else {
          expectTable(result, expected.values, expected.names, o.dtype);
        }
      }),
      fuzzParameters(3000),
    );
  });
});

/**
 * What a quote-free file must read as, written independently of the reader: the values and
 * names, or the line of the first problem (0: the file holds no data rows).
 */
function referenceDelimited(
  lines: string[],
  delimiter: string,
  header: boolean | undefined,
  dtype: DType,
): { values: number[][]; names: string[] | undefined } | { line: number } {
  let width: number | undefined;
  let names: string[] | undefined;
  const values: number[][] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const fields = line.split(delimiter).map((text) => text.trim());
    if (width === undefined) {
      width = fields.length;
      if (header ?? fields.some(isWord)) {
        names = fields;
        if (new Set(names).size !== names.length) return { line: i + 1 };
        continue;
      }
    }
    const usable = (text: string) =>
      isPlainDecimal(text) && Number.isFinite(dtype === 'float32' ? Math.fround(Number(text)) : Number(text));
    if (fields.length !== width || !fields.every(usable)) return { line: i + 1 };
    values.push(fields.map(Number));
  }
  return values.length === 0 ? { line: 0 } : { values, names };
}

// ---------------------------------------------------------------------------------------------
// NDJSON

interface NdjsonCase {
  objects: boolean;
  dtype: DType;
  values: number[][];
  keys: string[];
  source: LineSource;
  seed: number;
}

const ndjsonCase: fc.Arbitrary<NdjsonCase> = fc
  .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }))
  .chain(([cols, rows]) =>
    fc.record({
      objects: fc.boolean(),
      dtype: fc.constantFrom('float64' as const, 'float32' as const),
      values: fc.array(fc.array(finiteNumber, { minLength: cols, maxLength: cols }), {
        minLength: rows,
        maxLength: rows,
      }),
      keys: fc.uniqueArray(fc.oneof(columnName, fc.constantFrom('0', '7', '12', '4294967295')), {
        minLength: cols,
        maxLength: cols,
      }),
      source: fc.constantFrom('lines' as const, 'stream' as const),
      seed: fc.integer(),
    }),
  );

/** JSON whitespace, as much as anyone writes. */
function jsonSpace(choose: Choices): string {
  return choose.pick(['', '', ' ', '  ', '\t']);
}

/** One record: an array, or an object; `shuffle`: its keys in any order (the first line's fix the columns). */
function ndjsonRecord(entries: [string, string][], objects: boolean, choose: Choices, shuffle = true): string {
  const s = () => jsonSpace(choose);
  if (!objects) return `${s()}[${s()}${entries.map(([, value]) => value).join(`${s()},${s()}`)}${s()}]${s()}`;
  const shuffled = [...entries];
  for (let i = shuffled.length - 1; i > 0 && shuffle; i--) {
    const j = choose.int(i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return `${s()}{${s()}${shuffled.map(([key, value]) => `${JSON.stringify(key)}${s()}:${s()}${value}`).join(`${s()},${s()}`)}${s()}}${s()}`;
}

/** The order of an object's columns: JavaScript's order of its keys (integer-like keys first). */
function keyOrder(keys: string[]): string[] {
  return Object.keys(Object.fromEntries(keys.map((key) => [key, 0])));
}

const ndjsonDefects = [
  'missing',
  'null',
  'extra',
  'not a number',
  'overflow',
  'float32',
  'invalid JSON',
  'scalar',
  'kind',
  'length',
  'empty first',
] as const;
const nonNumbers: unknown[] = ['4', true, false, [1], { a: 1 }, 'NaN', [], '', {}, 'Infinity'];

describe('NDJSON', () => {
  function written(c: NdjsonCase, choose: Choices) {
    const values = c.dtype === 'float32' ? c.values.map((row) => row.map(inFloat32Range)) : c.values;
    const records = values.map((row) =>
      row.map((value, j): [string, string] => [c.keys[j]!, decimalText(value, choose, true)]),
    );
    return { values, records };
  }

  it('well-formed arrays and objects read back as the generated numbers and keys (2,000 files)', async () => {
    await fc.assert(
      fc.asyncProperty(ndjsonCase, async (c) => {
        const choose = new Choices(c.seed);
        const { values, records } = written(c, choose);
        const { lines } = withBlankLines(
          records.map((entries, i) => ndjsonRecord(entries, c.objects, choose, i > 0)),
          choose,
        );
        const header = choose.pick([undefined, true, false]); // not used by NDJSON
        const result = await readText('table.ndjson', lineSource(lines, c.source, choose), {
          format: 'ndjson',
          header,
          columns: {},
          dtype: c.dtype,
        });
        if (!c.objects) {
          expectTable(result, values, undefined, c.dtype);
          return;
        }
        const order = keyOrder(c.keys);
        const columnOf = order.map((key) => c.keys.indexOf(key));
        expectTable(
          result,
          values.map((row) => columnOf.map((j) => row[j]!)),
          order,
          c.dtype,
        );
      }),
      fuzzParameters(2000),
    );
  });

  it('one defect in a file is reported on its line, with the exact problem (2,500 files)', async () => {
    const defect = fc.record({
      kind: fc.constantFrom(...ndjsonDefects),
      row: fc.nat(),
      column: fc.nat(),
      value: fc.constantFrom(...nonNumbers),
    });
    await fc.assert(
      fc.asyncProperty(ndjsonCase, defect, async (c, d) => {
        const choose = new Choices(c.seed);
        const { records } = written(c, choose);
        const rows = records.length;
        const cols = c.keys.length;
        let kind: (typeof ndjsonDefects)[number] = d.kind;
        if (kind === 'float32' && c.dtype === 'float64') kind = 'overflow';
        if (['missing', 'null', 'extra'].includes(kind) && !c.objects) kind = 'length';
        if (kind === 'length' && c.objects) kind = 'missing';
        if (['missing', 'null', 'extra', 'kind', 'length'].includes(kind) && rows < 2) kind = 'not a number';
        // Defects that need a first line to differ from go after it.
        let r = ['missing', 'null', 'extra', 'kind', 'length'].includes(kind) ? 1 + (d.row % (rows - 1)) : d.row % rows;
        const j = d.column % cols;
        const order = c.objects ? keyOrder(c.keys) : undefined;
        const columnLabel = (key: string, index: number) => {
          if (!order) return `column ${index + 1}`;
          return `column ${order.indexOf(key) + 1} ("${key}")`;
        };
        const key = c.keys[j]!;
        const entries = records[r]!;
        let line: string | undefined;
        let problem: string;
        switch (kind) {
          case 'missing':
            entries.splice(j, 1);
            problem = `${columnLabel(key, j)} is missing`;
            break;
          case 'null':
            entries[j] = [key, 'null'];
            problem = `${columnLabel(key, j)} is missing`;
            break;
          case 'extra': {
            const extra = `extra${choose.pick(['', ' key', '😀', '\u0000'])}`;
            entries.splice(choose.int(cols + 1), 0, [extra, '1']);
            problem = `key "${extra}" is not on the first line`;
            break;
          }
          case 'not a number':
            entries[j] = [key, JSON.stringify(d.value)];
            problem = `${columnLabel(key, j)} ${JSON.stringify(d.value)} is not a number`;
            break;
          case 'overflow': {
            const text = choose.pick(['1e999', '-1E400', `1${'0'.repeat(400)}`]);
            entries[j] = [key, text];
            problem = `${columnLabel(key, j)} ${JSON.parse(text)} is not a finite number`;
            break;
          }
          case 'float32': {
            const value = choose.pick(beyondFloat32);
            entries[j] = [key, decimalText(value, choose, true)];
            problem = `${columnLabel(key, j)} ${value} is beyond the float32 range (--float32)`;
            break;
          }
          case 'invalid JSON': {
            const record = ndjsonRecord(entries, c.objects, choose).trim();
            line = choose.pick([
              `${record},`,
              `x${record}`,
              record.slice(0, -1),
              record.replace(/\d(?=[^\d]*$)/, 'NaN'),
              record.replace(/[\]}]$/, ',$&'),
              `${record} ${record}`,
            ]);
            problem = 'not valid JSON';
            break;
          }
          case 'scalar':
            line = choose.pick(['5', '"x"', 'true', 'null', '-0', '"[1]"']);
            problem = 'expected a JSON array of numbers or an object of numbers';
            break;
          case 'kind':
            line = ndjsonRecord(entries, !c.objects, choose);
            problem = c.objects
              ? 'expected an object, as on the first line'
              : 'expected an array, as on the first line';
            break;
          case 'length': {
            const count = cols === 1 ? choose.pick([0, 2, 3]) : choose.pick([0, cols - 1, cols + 1]);
            const values = entries.map(([, value]) => value).slice(0, count);
            while (values.length < count) values.push(String(choose.int(9)));
            line = `[${values.join(',')}]`;
            problem = `expected ${cols} values (as on the first line), found ${count}`;
            break;
          }
          case 'empty first':
            r = 0;
            line = c.objects ? choose.pick(['{}', '{ }']) : choose.pick(['[]', '[ ]']);
            problem = 'the first line holds no values';
            break;
        }
        const texts = records.map((entries, i) =>
          i === r && line !== undefined ? line : ndjsonRecord(entries, c.objects, choose, i > 0),
        );
        const { lines, lineOf } = withBlankLines(texts, choose);
        const error = asError(
          await readText('broken.ndjson', lineSource(lines, c.source, choose), {
            format: 'ndjson',
            header: undefined,
            columns: {},
            dtype: c.dtype,
          }),
        );
        expect(error.where).toBe(`line ${lineOf[r]}`);
        if (kind === 'invalid JSON') {
          expect(error.problem).toMatch(/^not valid JSON \(.+\)$/s);
        } else {
          expect(error.problem).toBe(problem);
        }
      }),
      fuzzParameters(2500),
    );
  });

  const jsonToken = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '[',
        ']',
        '{',
        '}',
        ',',
        ',',
        ':',
        ' ',
        '"a"',
        '"b"',
        '"constructor"',
        '"__proto__"',
        'null',
        'true',
        '"x"',
      ),
    },
    { weight: 3, arbitrary: finiteNumber.map((x) => JSON.stringify(x)) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '[1,2]',
        '{"a":1}',
        '{"a":1,"b":2}',
        '{"b":2,"a":3}',
        '[]',
        '{}',
        '[[1]]',
        '{"a":{"b":1}}',
        '{"a":[1]}',
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '1e999',
        '-1e400',
        '3.5e38',
        'NaN',
        "'a'",
        '\u0000',
        '\ufeff',
        '\r',
        'é',
        '"\\u0000"',
        '-',
        '01',
        '.5',
      ),
    },
  );
  const jsonLines = fc.array(
    fc.array(jsonToken, { maxLength: 8 }).map((tokens) => tokens.join('')),
    { maxLength: 6 },
  );

  it('any lines end in a table or an error on a non-blank line, as a reference reader says (1,500 files)', async () => {
    const options = fc.record({
      dtype: fc.constantFrom('float64' as const, 'float32' as const),
      spec: fc.option(fc.constantFrom(['1'], ['a'], ['b', 'a'], ['2-3'], ['constructor'])),
    });
    await fc.assert(
      fc.asyncProperty(jsonLines, options, async (lines, o) => {
        const result = await readText('junk.ndjson', lineSource(lines, 'lines', new Choices(0)), {
          format: 'ndjson',
          header: undefined,
          columns: o.spec ? { spec: o.spec } : {},
          dtype: o.dtype,
        });
        const shown = lines.map((line, i) => (i === 0 ? line.replace(/^\ufeff/, '') : line));
        if (result instanceof DataFileError) {
          expectLineError(result, shown);
        } else {
          expectSaneTable(result, o.dtype, shown);
        }
        if (o.spec) return;
        const expected = referenceNdjson(shown, o.dtype);
        if ('line' in expected) {
          expect(asError(result).where).toBe(expected.line === 0 ? undefined : `line ${expected.line}`);
        } else {
          expectTable(result, expected.values, expected.names, o.dtype);
        }
      }),
      fuzzParameters(1500),
    );
  });
});

/** What NDJSON lines must read as, written independently of the reader (as referenceDelimited). */
function referenceNdjson(
  lines: string[],
  dtype: DType,
): { values: number[][]; names: string[] | undefined } | { line: number } {
  let keys: string[] | undefined;
  let width: number | undefined;
  const values: number[][] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      return { line: i + 1 };
    }
    const isObject = typeof record === 'object' && record !== null && !Array.isArray(record);
    if (!isObject && !Array.isArray(record)) return { line: i + 1 };
    if (width === undefined) {
      keys = isObject ? Object.keys(record as object) : undefined;
      width = keys ? keys.length : (record as unknown[]).length;
      if (width === 0) return { line: i + 1 };
    }
    let row: unknown[];
    if (keys) {
      if (!isObject || Object.keys(record as object).some((key) => !keys!.includes(key))) return { line: i + 1 };
      row = keys.map((key) =>
        Object.hasOwn(record as object, key) ? (record as Record<string, unknown>)[key] : undefined,
      );
    } else {
      if (isObject || (record as unknown[]).length !== width) return { line: i + 1 };
      row = record as unknown[];
    }
    const usable = (value: unknown) =>
      typeof value === 'number' && Number.isFinite(dtype === 'float32' ? Math.fround(value) : value);
    if (!row.every(usable)) return { line: i + 1 };
    values.push(row as number[]);
  }
  return values.length === 0 ? { line: 0 } : { values, names: keys };
}

// ---------------------------------------------------------------------------------------------
// Column choices

/**
 * The columns a choice picks, as the usage text describes --columns, written independently of
 * columns.ts: names (each naming one column), then 1-based numbers and ranges (not for JSON
 * objects), no column twice, no two chosen columns of one name; undefined: an error.
 */
function referencePick(
  choice: ColumnChoice,
  count: number,
  names: string[] | undefined,
  keyed: boolean,
): number[] | undefined {
  const named = (name: string) => (names ?? []).flatMap((n, i) => (n === name ? [i] : []));
  let picked: number[] = [];
  if (choice.spec) {
    for (const part of choice.spec) {
      const matches = named(part);
      const range = /^(\d+)(?:-(\d+))?$/.exec(part);
      if (matches.length > 1) return undefined;
      if (matches.length === 1) {
        // A number that names one column but is another column's number is ambiguous.
        if (range && !range[2] && !keyed && Number(part) <= count && Number(part) !== matches[0]! + 1) return undefined;
        picked.push(matches[0]!);
      } else if (range && !keyed) {
        const [first, last] = [Number(range[1]), Number(range[2] ?? range[1])];
        if (first < 1 || last > count || first > last) return undefined;
        for (let column = first; column <= last; column++) picked.push(column - 1);
      } else {
        return undefined;
      }
    }
  } else if (choice.modelNames && names) {
    for (const name of choice.modelNames) {
      const matches = named(name);
      if (matches.length !== 1) return undefined;
      picked.push(matches[0]!);
    }
  } else {
    picked = Array.from({ length: count }, (_, i) => i);
  }
  if (new Set(picked).size !== picked.length) return undefined;
  if (names && new Set(picked.map((column) => names[column])).size !== picked.length) return undefined;
  return picked;
}

describe('column choices', () => {
  const columnPart = (cols: number, names: string[]) =>
    fc.oneof(
      fc.integer({ min: 0, max: cols + 1 }).map(String),
      fc
        .tuple(fc.integer({ min: 0, max: cols + 1 }), fc.integer({ min: 0, max: cols + 1 }))
        .map(([a, b]) => `${a}-${b}`),
      fc.constantFrom(...names, 'zz', '01', '1-', '-1', '1--2', 'a-b', '99999999999999999999'),
    );
  const columnCase = fc.integer({ min: 1, max: 5 }).chain((cols) =>
    fc
      .record({
        format: fc.constantFrom('csv' as const, 'ndjson arrays' as const, 'ndjson objects' as const, 'npy' as const),
        names: fc.array(fc.constantFrom('a', 'b', 'c', '1', '2', '3', '1-2', 'constructor', 'x y'), {
          minLength: cols,
          maxLength: cols,
        }),
        values: fc.array(fc.array(fc.integer({ min: -9, max: 9 }), { minLength: cols, maxLength: cols }), {
          minLength: 1,
          maxLength: 3,
        }),
        how: fc.constantFrom('spec', 'spec', 'spec', 'model names', 'all'),
        seed: fc.integer(),
      })
      .chain((c) =>
        fc.record({
          c: fc.constant(c),
          parts: fc.array(columnPart(cols, c.names), { minLength: 1, maxLength: 4 }),
          modelNames: fc.array(fc.constantFrom(...c.names, 'zz'), { minLength: 1, maxLength: 3 }),
        }),
      ),
  );

  it('--columns by number, range and name, out of range and repeated, in every format: the columns asked for or an error (2,000 choices)', async () => {
    await fc.assert(
      fc.asyncProperty(columnCase, async ({ c, parts, modelNames }) => {
        const choose = new Choices(c.seed);
        const cols = c.names.length;
        const keyed = c.format === 'ndjson objects';
        // An object cannot hold one key twice: those columns are named apart.
        const fileNames = keyed
          ? c.names.map((name, i) => (c.names.indexOf(name) === i ? name : `${name}${i}`))
          : c.names;
        // --columns as typed, with spaces around the entries.
        const typed = parts.map((part) => `${' '.repeat(choose.int(2))}${part}${' '.repeat(choose.int(2))}`).join(',');
        const spec = parseColumnSpec(typed);
        expect(spec).toEqual(parts);
        const choice: ColumnChoice = c.how === 'spec' ? { spec } : c.how === 'model names' ? { modelNames } : {};
        let result: Table | DataFileError;
        let names: string[] | undefined;
        if (c.format === 'npy') {
          result = readNpyBytes(
            'pick.npy',
            npyFile(
              { descr: '<i2', shape: [c.values.length, cols], fortran: false, version: 1, values: c.values.flat() },
              choose,
            ),
            choice,
            undefined,
          );
        } else {
          let texts: string[];
          if (c.format === 'csv') {
            names = fileNames;
            texts = [
              fileNames.map((name) => field(name, needsQuotes(name, ',') || choose.chance(0.3), ',', choose)).join(','),
              ...c.values.map((row) => row.join(',')),
            ];
          } else {
            names = keyed ? keyOrder(fileNames) : undefined;
            texts = c.values.map((row, i) =>
              ndjsonRecord(
                row.map((value, j) => [fileNames[j]!, String(value)]),
                keyed,
                choose,
                i > 0,
              ),
            );
          }
          const { lines } = withBlankLines(texts, choose);
          const format = c.format === 'csv' ? 'csv' : 'ndjson';
          result = await readText('pick', lineSource(lines, 'lines', choose), {
            format,
            header: c.format === 'csv' ? true : undefined,
            columns: choice,
            dtype: 'float64',
          });
          if (result instanceof DataFileError)
            expect(result.where).toBe(`line ${lines.findIndex((line) => line.trim() !== '') + 1}`);
        }
        // For objects, the stored column j holds key names[j] in the file's (JavaScript's) order.
        const stored = keyed ? names!.map((key) => fileNames.indexOf(key)) : Array.from({ length: cols }, (_, j) => j);
        const picked = referencePick(choice, cols, names, keyed);
        if (picked === undefined) {
          const error = asError(result);
          expect(error.problem).toMatch(
            /--columns|no column is named|more than one column is named|two chosen columns are named/,
          );
          if (c.format === 'npy') expect(error.where).toBe('header');
          return;
        }
        const columnNames = names && picked.map((column) => names![column]!);
        expectTable(
          result,
          c.values.map((row) => picked.map((column) => row[stored[column]!]!)),
          columnNames,
          'float64',
        );
      }),
      fuzzParameters(2000),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// NPY

interface NpySpec {
  descr: string;
  shape: number[];
  fortran: boolean;
  version: 1 | 2 | 3;
  /** Row-major, whatever the file's order. */
  values: (number | bigint)[];
}

/** Bytes per element and how to store one, for each dtype the reader takes. */
const npyTypes: Record<
  string,
  { bytes: number; write: (view: DataView, offset: number, value: number | bigint, little: boolean) => void }
> = {
  f4: { bytes: 4, write: (v, o, x, le) => v.setFloat32(o, Number(x), le) },
  f8: { bytes: 8, write: (v, o, x, le) => v.setFloat64(o, Number(x), le) },
  i1: { bytes: 1, write: (v, o, x) => v.setInt8(o, Number(x)) },
  u1: { bytes: 1, write: (v, o, x) => v.setUint8(o, Number(x)) },
  b1: { bytes: 1, write: (v, o, x) => v.setUint8(o, Number(x)) },
  i2: { bytes: 2, write: (v, o, x, le) => v.setInt16(o, Number(x), le) },
  u2: { bytes: 2, write: (v, o, x, le) => v.setUint16(o, Number(x), le) },
  i4: { bytes: 4, write: (v, o, x, le) => v.setInt32(o, Number(x), le) },
  u4: { bytes: 4, write: (v, o, x, le) => v.setUint32(o, Number(x), le) },
  i8: { bytes: 8, write: (v, o, x, le) => v.setBigInt64(o, BigInt(x), le) },
  u8: { bytes: 8, write: (v, o, x, le) => v.setBigUint64(o, BigInt(x), le) },
};

/** A .npy file as NumPy writes one (or near enough): magic, version, header dict, padding, values. */
function npyFile(spec: NpySpec, choose: Choices, dict?: string): Buffer {
  const s = () => choose.pick(['', ' ', '  ']);
  const [rows, cols] = spec.shape as [number, number?];
  const shape = cols === undefined ? `(${rows},${s()})` : `(${rows},${s()}${cols}${choose.pick(['', ','])})`;
  const entries = [
    `'descr':${s()}'${spec.descr}'`,
    `'fortran_order':${s()}${spec.fortran ? 'True' : 'False'}`,
    `'shape':${s()}${shape}`,
  ];
  for (let i = entries.length - 1; i > 0; i--) {
    const j = choose.int(i + 1);
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  const text = dict ?? `{${entries.join(`,${s()}`)}${choose.pick(['', ',', ', '])}}`;
  const prefixBytes = spec.version === 1 ? 10 : 12;
  const unpadded = Buffer.byteLength(text, spec.version === 3 ? 'utf8' : 'latin1') + 1;
  // NumPy pads the header to a multiple of 64 bytes; other writers do not.
  const padding = choose.chance(0.7) ? (64 - ((prefixBytes + unpadded) % 64)) % 64 : choose.int(5);
  const header = Buffer.from(`${text}${' '.repeat(padding)}\n`, spec.version === 3 ? 'utf8' : 'latin1');
  const prefix = Buffer.alloc(prefixBytes);
  Buffer.from([0x93, ...Buffer.from('NUMPY'), spec.version, 0]).copy(prefix);
  if (spec.version === 1) prefix.writeUInt16LE(header.length, 8);
  else prefix.writeUInt32LE(header.length, 8);
  const type = npyTypes[spec.descr.slice(1)]!;
  const little = spec.descr[0] !== '>';
  const data = Buffer.alloc(spec.values.length * type.bytes);
  const view = new DataView(data.buffer, data.byteOffset, data.length);
  const width = cols ?? 1;
  spec.values.forEach((value, i) => {
    const [row, column] = [Math.floor(i / width), i % width];
    const stored = spec.fortran ? column * rows + row : i;
    type.write(view, stored * type.bytes, value, little);
  });
  return Buffer.concat([prefix, header, data]);
}

/** Values of a dtype, the awkward ones included: NaN and the infinities for floats, the limits for integers. */
function npyValue(descr: string): fc.Arbitrary<number | bigint> {
  const kind = descr.slice(1);
  const bits = npyTypes[kind]!.bytes * 8;
  if (kind === 'f4')
    return fc.oneof(
      { weight: 20, arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true }) },
      { weight: 1, arbitrary: fc.float() },
    );
  if (kind === 'f8')
    return fc.oneof(
      { weight: 20, arbitrary: finiteNumber },
      { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
    );
  if (kind === 'b1') return fc.integer({ min: 0, max: 255 });
  const signed = kind[0] === 'i';
  const min = signed ? -(2n ** BigInt(bits - 1)) : 0n;
  const max = signed ? 2n ** BigInt(bits - 1) - 1n : 2n ** BigInt(bits) - 1n;
  return fc.oneof(fc.bigInt({ min, max }), fc.constantFrom(min, max, 0n, 1n));
}

const npyDescrs = [
  '|i1',
  '|u1',
  '|b1',
  '=f8',
  ...['f4', 'f8', 'i2', 'u2', 'i4', 'u4', 'i8', 'u8'].flatMap((type) => [`<${type}`, `>${type}`]),
];

const npySpec: fc.Arbitrary<NpySpec> = fc
  .record({
    descr: fc.constantFrom(...npyDescrs),
    shape: fc.oneof(
      fc.tuple(fc.integer({ min: 1, max: 6 })),
      fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 })),
    ),
    fortran: fc.boolean(),
    version: fc.constantFrom(1 as const, 2 as const, 3 as const),
  })
  .chain((s) => {
    const count = s.shape.reduce((a, b) => a * b, 1);
    return fc
      .array(npyValue(s.descr), { minLength: count, maxLength: count })
      .map((values) => ({ ...s, shape: [...s.shape], values }));
  });

/** What readNpy must return for `spec`: the chosen columns' values, or the first unusable one's place. */
function npyExpected(spec: NpySpec, picked: number[], dtype: DType | undefined) {
  const outType: DType = dtype ?? (spec.descr.slice(1) === 'f4' ? 'float32' : 'float64');
  const [rows, cols = 1] = spec.shape as [number, number?];
  const number = (value: number | bigint) => (spec.descr.slice(1) === 'b1' ? (value === 0 ? 0 : 1) : Number(value));
  // The first bad value in the file's order: by rows, or by columns in Fortran order.
  for (let e = 0; e < rows * cols; e++) {
    const [row, column] = spec.fortran ? [e % rows, Math.floor(e / rows)] : [Math.floor(e / cols), e % cols];
    if (!picked.includes(column)) continue;
    const value = number(spec.values[row * cols + column]!);
    const problem = !Number.isFinite(value)
      ? 'is not a finite number'
      : outType === 'float32' && !Number.isFinite(Math.fround(value))
        ? 'is beyond the float32 range (--float32)'
        : undefined;
    if (problem) return { where: `row ${row + 1}, column ${column + 1}`, problem: `${value} ${problem}` };
  }
  const values = Array.from({ length: rows }, (_, row) =>
    picked.map((column) => number(spec.values[row * cols + column]!)),
  );
  return { values, outType };
}

describe('NumPy .npy', () => {
  const columnsOption = fc.option(
    fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }).map(String), fc.constantFrom('1-2', '2-1', '1-5', 'a')), {
      minLength: 1,
      maxLength: 3,
    }),
  );

  it('valid files of every dtype, shape, order and version read back exactly (2,000 files)', () => {
    fc.assert(
      fc.property(
        npySpec,
        fc.constantFrom(undefined, 'float64' as const, 'float32' as const),
        columnsOption,
        fc.integer(),
        (spec, dtype, columns, seed) => {
          const bytes = npyFile(spec, new Choices(seed));
          const before = snapshot(bytes);
          const choice: ColumnChoice = columns ? { spec: columns } : {};
          const result = readNpyBytes('data.npy', bytes, choice, dtype);
          expectUnchanged([bytes], [before]);
          const cols = spec.shape[1] ?? 1;
          const picked = referencePick(choice, cols, undefined, false);
          if (picked === undefined) {
            expect(asError(result).where).toBe('header');
            return;
          }
          const expected = npyExpected(spec, picked, dtype);
          if ('where' in expected) {
            expect([asError(result).where, asError(result).problem]).toEqual([expected.where, expected.problem]);
            return;
          }
          const table = expectTable(result, expected.values, undefined, expected.outType);
          expect(table.place(spec.shape[0]! - 1)).toBe(`row ${spec.shape[0]}`);
        },
      ),
      fuzzParameters(2000),
    );
  });

  const mutations = [
    'magic',
    'version',
    'truncate',
    'extend',
    'length',
    'shape',
    'empty',
    'dict',
    'flip',
    'flip',
  ] as const;
  const oddDicts = (spec: NpySpec): [string, RegExp][] => {
    const shape = `(${spec.shape.join(', ')}${spec.shape.length === 1 ? ',' : ''})`;
    const order = spec.fortran ? 'True' : 'False';
    return [
      [
        `{"descr": "${spec.descr}", "fortran_order": ${order}, "shape": ${shape}}`,
        /^the header dict is not understood: /,
      ],
      [`{'descr': '${spec.descr}', 'shape': ${shape}}`, /^the header dict is not understood: /],
      [
        `{'descr': '${spec.descr}', 'fortran_order': ${order.toLowerCase()}, 'shape': ${shape}}`,
        /^the header dict is not understood: /,
      ],
      [
        `{'descr': [('a', '${spec.descr}')], 'fortran_order': ${order}, 'shape': ${shape}}`,
        /^the header dict is not understood: /,
      ],
      [`{'descr': '|O', 'fortran_order': ${order}, 'shape': ${shape}}`, /^the header dict is not understood: /],
      [`{'descr': '<M8[ns]', 'fortran_order': ${order}, 'shape': ${shape}}`, /^the header dict is not understood: /],
      [`{'descr': '<f16', 'fortran_order': ${order}, 'shape': ${shape}}`, /^dtype '<f16' is not supported/],
      [`{'descr': '<c16', 'fortran_order': ${order}, 'shape': ${shape}}`, /^dtype '<c16' is not supported/],
      [`{'descr': '<U8', 'fortran_order': ${order}, 'shape': ${shape}}`, /^dtype '<U8' is not supported/],
      [`{'descr': '<i16', 'fortran_order': ${order}, 'shape': ${shape}}`, /^dtype '<i16' is not supported/],
      [
        `{'descr': '${spec.descr}', 'fortran_order': ${order}, 'shape': (1, 1, ${spec.values.length})}`,
        /^the shape \(.*\) is not one- or two-dimensional$/,
      ],
      [
        `{'descr': '${spec.descr}', 'fortran_order': ${order}, 'shape': ()}`,
        /^the shape \(\) is not one- or two-dimensional$/,
      ],
      [
        `{'descr': '${spec.descr}', 'fortran_order': ${order}, 'shape': (${spec.values.length}L,)}`,
        /^the shape \(.*\) is not one- or two-dimensional$/,
      ],
      [
        `{'descr': '${spec.descr}', 'fortran_order': ${order}, 'shape': (-${spec.values.length},)}`,
        /^the shape \(.*\) is not one- or two-dimensional$/,
      ],
      [
        `{'descr': '${spec.descr}', 'fortran_order': ${order}, 'shape': (${spec.values.length}, None)}`,
        /^the shape \(.*\) is not one- or two-dimensional$/,
      ],
    ];
  };

  it('broken files: wrong magic or version, cut, lengthened, lying lengths and shapes, odd dicts, flipped bytes (3,000 files)', () => {
    fc.assert(
      fc.property(npySpec, fc.constantFrom(...mutations), fc.nat(), fc.integer(), (spec, mutation, at, seed) => {
        const choose = new Choices(seed);
        let bytes = npyFile(spec, choose);
        const prefixBytes = spec.version === 1 ? 10 : 12;
        const dataOffset = prefixBytes + (spec.version === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8));
        const dataBytes = bytes.length - dataOffset;
        const shapeText = spec.shape.join(', ');
        let where: string | undefined;
        let problem: RegExp | undefined;
        switch (mutation) {
          case 'magic':
            bytes[at % 6] = bytes[at % 6]! ^ (1 + choose.int(255));
            [where, problem] = ['header', /^not a NumPy \.npy file \(the magic string is missing\)$/];
            break;
          case 'version': {
            const version = choose.pick([0, 4, 9, 255]);
            bytes[6] = version;
            [where, problem] = [
              'header',
              new RegExp(`^format version ${version} is not supported \\(1, 2 and 3 are\\)$`),
            ];
            break;
          }
          case 'truncate': {
            const length = at % bytes.length;
            bytes = bytes.subarray(0, length);
            if (length < 6) [where, problem] = ['header', /^not a NumPy \.npy file/];
            else if (length < dataOffset) [where, problem] = ['header', /^the file ends inside the header$/];
            else
              [where, problem] = [
                'data',
                new RegExp(
                  `^the header's shape \\(${shapeText}\\) needs ${dataBytes} bytes of values, the file holds ${length - dataOffset}$`,
                ),
              ];
            break;
          }
          case 'extend': {
            const extra = 1 + (at % 20);
            bytes = Buffer.concat([bytes, Buffer.alloc(extra, 0x3f)]);
            [where, problem] = [
              'data',
              new RegExp(
                `^the header's shape \\(${shapeText}\\) needs ${dataBytes} bytes of values, the file holds ${dataBytes + extra}$`,
              ),
            ];
            break;
          }
          case 'length': {
            const length = dataOffset - prefixBytes;
            const lie = choose.pick([
              0,
              1,
              length - 1,
              length + 1,
              length - 16,
              length + 64,
              0xffff,
              spec.version === 1 ? 0xfffe : 0xffffffff,
            ]);
            if (lie === length || lie < 0) return;
            if (spec.version === 1) bytes.writeUInt16LE(lie & 0xffff, 8);
            else bytes.writeUInt32LE(lie >>> 0, 8);
            where = 'header or data';
            break;
          }
          case 'shape': {
            // A shape whose product is not the number of values stored.
            const [rows, cols = 1] = spec.shape as [number, number?];
            let shape = choose.pick([[rows + 1], [rows, cols + 1], [rows * cols + 1, 1], [rows + 2, cols + 2]]);
            if (shape.reduce((a, b) => a * b, 1) === rows * cols) shape = [rows * cols + 1];
            bytes = npyFile({ ...spec, shape, fortran: false }, choose);
            const needed = shape.reduce((a, b) => a * b, 1) * npyTypes[spec.descr.slice(1)]!.bytes;
            [where, problem] = [
              'data',
              new RegExp(
                `^the header's shape \\(${shape.join(', ')}\\) needs ${needed} bytes of values, the file holds ${dataBytes}$`,
              ),
            ];
            break;
          }
          case 'empty':
            bytes = npyFile({ ...spec, shape: choose.pick([[0], [0, 3], [spec.shape[0]!, 0]]), values: [] }, choose);
            [where, problem] = ['header', /^the array is empty$/];
            break;
          case 'dict': {
            const [dict, expected] = choose.pick(oddDicts(spec));
            bytes = npyFile(spec, choose, dict);
            [where, problem] = ['header', expected];
            break;
          }
          case 'flip':
            bytes[at % bytes.length] = choose.int(256);
            break;
        }
        const result = readNpyBytes('broken.npy', bytes, {}, choose.pick([undefined, 'float32' as const]));
        if (where === undefined) {
          if (result instanceof DataFileError) {
            expect(result.where).toMatch(/^(header|data|row \d+, column \d+)$/);
          } else {
            expect(result.data.length).toBe(result.rows * result.cols);
            expect(result.data.every(Number.isFinite)).toBe(true);
          }
          return;
        }
        const error = asError(result);
        if (where === 'header or data') {
          expect(error.where).toMatch(/^(header|data)$/);
        } else {
          expect(error.where).toBe(where);
          expect(error.problem).toMatch(problem!);
        }
      }),
      fuzzParameters(3000),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Command-line arguments

const stringOptions = [
  'clusters',
  'algorithm',
  'init',
  'n-init',
  'max-iter',
  'tol',
  'seed',
  'threads',
  'metric',
  'columns',
  'format',
  'out',
  'labels',
  'plot',
  'k',
] as const;
const booleanOptions = [
  'header',
  'no-header',
  'float32',
  'progress',
  'no-progress',
  'quiet',
  'help',
  'version',
  'gap',
  'json',
] as const;
const shortNames: Record<string, string> = { clusters: 'k', quiet: 'q', help: 'h', version: 'v' };
type StringOption = (typeof stringOptions)[number];
type BooleanOption = (typeof booleanOptions)[number];

/** Option values: whole numbers, others, empty, signed, spaced, unicode digits, newlines. */
const optionValue = fc.oneof(
  fc.nat({ max: 20 }).map(String),
  fc.constantFrom(
    '',
    '0',
    '007',
    '3.5',
    '1e3',
    '0x10',
    ' 3',
    '3 ',
    '3\n',
    '٣',
    '３',
    '+3',
    '-3',
    '-',
    'NaN',
    'Infinity',
    '1e999',
    '99999999999999999999',
    'auto',
    'a\nb',
    '\u0000',
  ),
  fc.string({ unit: awkwardCharacter, maxLength: 5 }),
  finiteNumber.map(String),
);

type ArgumentItem =
  | { kind: 'string'; name: StringOption; value: string; form: 'space' | 'equals' | 'short' | 'attached' }
  | { kind: 'boolean'; name: BooleanOption; short: boolean }
  | { kind: 'positional'; text: string }
  | { kind: 'junk'; tokens: readonly string[] };

const argumentItem: fc.Arbitrary<ArgumentItem> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('string' as const),
      name: fc.constantFrom(...stringOptions),
      value: optionValue,
      form: fc.constantFrom('space' as const, 'equals' as const, 'short' as const, 'attached' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('boolean' as const),
      name: fc.constantFrom(...booleanOptions),
      short: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('positional' as const),
      text: fc.oneof(
        fc.constantFrom('fit', 'predict', 'data.csv', '-', 'model.json', ''),
        fc.string({ unit: awkwardCharacter, maxLength: 5 }),
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('junk' as const),
      tokens: fc.constantFrom(
        ['--nope'],
        ['-z'],
        ['--quiet=1'],
        ['--header=yes'],
        ['---'],
        ['--=3'],
        ['--no-quiet'],
        ['--kk', '3'],
        ['--Clusters', '2'],
      ),
    }),
  },
);

/** An option value parseArgs takes as the next argument only if it does not look like an option. */
function looksLikeOption(value: string): boolean {
  return value.length > 1 && value.startsWith('-');
}

describe('command-line arguments', () => {
  it('parse into the values given (the last of each) or a one-line UsageError; the option helpers agree (2,000 command lines)', () => {
    const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    try {
      fc.assert(
        fc.property(
          fc.array(argumentItem, { maxLength: 8 }),
          fc.array(fc.string({ unit: awkwardCharacter, maxLength: 4 }), { maxLength: 2 }),
          fc.boolean(),
          (items, afterDashes, isTTY) => {
            const args: string[] = [];
            const values: Record<string, string | boolean> = {};
            const positionals: string[] = [];
            let refused = false;
            for (const item of items) {
              if (item.kind === 'string') {
                const short = shortNames[item.name];
                let form =
                  short === undefined && (item.form === 'short' || item.form === 'attached') ? 'space' : item.form;
                if (form === 'attached' && item.value === '') form = 'short';
                if (form === 'space') args.push(`--${item.name}`, item.value);
                if (form === 'equals') args.push(`--${item.name}=${item.value}`);
                if (form === 'short') args.push(`-${short}`, item.value);
                if (form === 'attached') args.push(`-${short}${item.value}`);
                // A next argument that looks like an option is refused as ambiguous.
                if ((form === 'space' || form === 'short') && looksLikeOption(item.value)) refused = true;
                values[item.name] = item.value;
              } else if (item.kind === 'boolean') {
                const short = shortNames[item.name];
                args.push(item.short && short !== undefined ? `-${short}` : `--${item.name}`);
                values[item.name] = true;
              } else if (item.kind === 'positional') {
                // "--" would end the options; anything else that starts with "-" is an unknown option.
                const text = item.text === '--' ? 'fit' : item.text;
                args.push(text);
                if (looksLikeOption(text)) refused = true;
                positionals.push(text);
              } else {
                args.push(...item.tokens);
                refused = true;
              }
            }
            if (afterDashes.length > 0) args.push('--', ...afterDashes);
            positionals.push(...afterDashes);
            const before = snapshot(args);
            let parsed: ReturnType<typeof parseCommandLine>;
            try {
              parsed = parseCommandLine(args);
            } catch (error) {
              expectUnchanged([args], [before]);
              expectUsageError(error);
              expect((error as Error).message).toMatch(/ \(see kmeans-native --help\)$/);
              expect(refused).toBe(true);
              return;
            }
            expectUnchanged([args], [before]);
            expect(refused).toBe(false);
            expect({ ...parsed.values }).toEqual(values);
            expect(parsed.positionals).toEqual(positionals);
            checkOptionHelpers(parsed.values, isTTY);
          },
        ),
        fuzzParameters(2000),
      );
    } finally {
      if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
    }
  });

  it('--columns splits into its trimmed entries or refuses an empty one (500 lists)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('1', '2', '-', ',', ' ', '\t', 'a', 'é', '\u0000'), maxLength: 10 }),
        (text) => {
          const parts = text.split(',').map((part) => part.trim());
          let spec: readonly string[];
          try {
            spec = parseColumnSpec(text);
          } catch (error) {
            expect(error).toBeInstanceOf(Error);
            expect(parts).toContain('');
            return;
          }
          expect(spec).toEqual(parts);
        },
      ),
      fuzzParameters(500),
    );
  });
});

function expectUsageError(error: unknown): void {
  if (!(error instanceof UsageError)) throw new Error(`expected a UsageError, got ${String(error)}`, { cause: error });
  expect(error.message.length).toBeGreaterThan(10);
  // eslint-disable-next-line no-control-regex -- control characters are what it matches
  expect(error.message).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f]/);
}

/** integerOption, numberOption, progressMode and rejectOptions against what was typed. */
function checkOptionHelpers(values: ReturnType<typeof parseCommandLine>['values'], isTTY: boolean): void {
  for (const name of ['clusters', 'n-init', 'max-iter', 'seed', 'threads'] as const) {
    const text = values[name];
    let value: number | undefined;
    try {
      value = integerOption(values, name, 8);
    } catch (error) {
      expectUsageError(error);
      expect((error as Error).message.startsWith(name === 'clusters' ? '-k ' : `--${name} `)).toBe(true);
      expect(text !== undefined && [...text].every((ch) => ch >= '0' && ch <= '9') && text !== '').toBe(false);
      continue;
    }
    expect(value).toBe(text === undefined ? 8 : Number(text));
    if (text !== undefined) expect(text).toMatch(/^[0-9]+$/);
  }
  const tol = values.tol;
  try {
    const value = numberOption(values, 'tol');
    if (tol === undefined) expect(value).toBeUndefined();
    else expect(Number.isFinite(value) && Object.is(value, Number(tol)) && tol.trim() !== '').toBe(true);
  } catch (error) {
    expectUsageError(error);
    expect(tol !== undefined && tol.trim() !== '' && Number.isFinite(Number(tol))).toBe(false);
  }
  Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true, writable: true });
  const off = values.quiet === true || values['no-progress'] === true;
  expect(progressMode(values)).toBe(off ? 'off' : isTTY ? 'terminal' : values.progress ? 'lines' : 'off');
  const fitOnly = [
    'clusters',
    'algorithm',
    'init',
    'n-init',
    'max-iter',
    'tol',
    'seed',
    'threads',
    'metric',
    'out',
  ] as const;
  const given = fitOnly.find((name) => values[name] !== undefined);
  try {
    rejectOptions(values, 'predict', [...fitOnly]);
    expect(given).toBeUndefined();
  } catch (error) {
    expectUsageError(error);
    expect((error as Error).message).toBe(`--${given} does not apply to predict`);
  }
}

// ---------------------------------------------------------------------------------------------
// Whole commands

let mainHasRun = false;

/** Runs main in this process with stdout and stderr captured, as the bin would run it. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const listeners = () => [process.stdout.listenerCount('error'), process.listenerCount('warning')];
  const before = listeners();
  let stdout = '';
  let stderr = '';
  const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true, writable: true });
  const out = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await main(args);
    // Warnings arrive on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    // main takes the process's output over once, however often it runs.
    if (mainHasRun) expect(listeners()).toEqual(before);
    mainHasRun = true;
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  }
}

let fileCount = 0;
function tempFile(extension: string, content: string | Buffer): string {
  const file = path.join(dir, `data${fileCount++}${extension}`);
  fs.writeFileSync(file, content);
  return file;
}

/** A small well-formed data file in one of the formats, with its rows, columns and names. */
interface DataCase {
  format: 'csv' | 'tsv' | 'ndjson' | 'npy';
  values: number[][];
  names: string[] | null;
  seed: number;
}

const dataCase: fc.Arbitrary<DataCase> = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 3, max: 12 }))
  .chain(([cols, rows]) =>
    fc.record({
      format: fc.constantFrom('csv' as const, 'tsv' as const, 'ndjson' as const, 'npy' as const),
      values: fc.array(
        fc.array(fc.oneof(fc.integer({ min: -50, max: 50 }), fc.double({ min: -1e3, max: 1e3, noNaN: true })), {
          minLength: cols,
          maxLength: cols,
        }),
        { minLength: rows, maxLength: rows },
      ),
      names: fc.option(
        fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'width', 'x y', 'é'), {
          minLength: cols,
          maxLength: cols,
        }),
      ),
      seed: fc.integer(),
    }),
  );

function dataFileContent(
  c: DataCase,
  choose: Choices,
): { content: string | Buffer; extension: string; names: string[] | undefined } {
  if (c.format === 'npy') {
    const spec: NpySpec = {
      descr: '<f8',
      shape: [c.values.length, c.values[0]!.length],
      fortran: choose.chance(0.5),
      version: 1,
      values: c.values.flat(),
    };
    return { content: npyFile(spec, choose), extension: choose.pick(['.npy', '.bin', '']), names: undefined };
  }
  if (c.format === 'ndjson') {
    const names = c.names ?? undefined;
    const lines = c.values.map((row, i) =>
      ndjsonRecord(
        row.map((value, j): [string, string] => [names?.[j] ?? '', decimalText(value, choose, true)]),
        names !== undefined,
        choose,
        i > 0,
      ),
    );
    return {
      content: `${lines.join('\n')}\n`,
      extension: choose.pick(['.ndjson', '.jsonl', '.txt']),
      names: names && keyOrder(names),
    };
  }
  const delimiter = c.format === 'csv' ? ',' : '\t';
  const rows = [
    ...(c.names ? [c.names.join(delimiter)] : []),
    ...c.values.map((row) =>
      row
        .map((value) => field(decimalText(value, choose, false), choose.chance(0.2), delimiter, choose))
        .join(delimiter),
    ),
  ];
  const ends = choose.pick(['\n', '\r\n']);
  const content = (choose.chance(0.2) ? '\ufeff' : '') + rows.join(ends) + ends;
  // Without a known extension, a tab on the first line makes the file TSV.
  const extension = c.format === 'tsv' ? '.tsv' : content.includes('\t') ? '.csv' : choose.pick(['.csv', '.txt']);
  return { content, extension, names: c.names ?? undefined };
}

/** Exit code 2 with one "kmeans-native: " line, or 0 (warnings aside); never 1. */
function expectCleanExit(result: { code: number; stdout: string; stderr: string }): void {
  if (result.code === 2) {
    expect(result.stderr).toMatch(/^kmeans-native: [^\n]+\n$/);
    expect(result.stderr).not.toMatch(/kmeans-native: warning:/);
    expect(result.stdout).toBe('');
    return;
  }
  expect(result.stderr, result.stderr).toMatch(/^(kmeans-native: warning: [^\n]+\n)*$/);
  expect(result.code).toBe(0);
}

/** A fit summary that says what was read and sizes that add up to its rows. */
function expectSummary(
  stdout: string,
  file: string,
  shape?: { rows: number; cols: number; names: string[] | undefined; k: number },
): void {
  const first = new RegExp(`^${escapeRegExp(file)}: (\\d+) rows × (\\d+) columns(?: \\((.*)\\))?\\n`).exec(stdout);
  expect(first, stdout).not.toBeNull();
  const [rows, cols] = [Number(first![1]), Number(first![2])];
  const sizes = [...stdout.matchAll(/^ {6}\d+ +(\d+)/gm)].map((m) => Number(m[1]));
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(rows);
  if (!shape) return;
  expect([rows, cols]).toEqual([shape.rows, shape.cols]);
  expect(first![3]).toBe(shape.names?.join(', '));
  expect(stdout).toContain(`: k = ${shape.k}, `);
  expect(sizes).toHaveLength(shape.k);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const invalidExtras = ['--format xls', '--columns ,', '--header --no-header', '--bogus', '--plot no/such/dir/p.svg'];
const fileMutations = [
  'none',
  'none',
  'none',
  'none',
  'none',
  'flip',
  'cut',
  'junk line',
  'duplicate line',
  'empty',
] as const;

describe('whole commands, in process', () => {
  it('fit on generated files, well-formed or broken, with random options: exit 0 with its summary or 2 with one line (300 runs)', async () => {
    const fitOptions = fc.record({
      k: fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 1, max: 3 }).map(String) },
        { weight: 1, arbitrary: fc.constantFrom('0', '-1', 'x', '99', '2.5', '') },
        { weight: 1, arbitrary: fc.constant('rows + 1') },
      ),
      algorithm: fc.constantFrom(
        undefined,
        undefined,
        undefined,
        undefined,
        'lloyd',
        'elkan',
        'hamerly',
        'auto',
        'lloid',
      ),
      extra: fc.constantFrom(
        [],
        [],
        [],
        [],
        [],
        [],
        ['--float32'],
        ['--float32'],
        ['-q'],
        ['--labels', '-'],
        ['--n-init', '3', '--init', 'random'],
        ['--out', '-'],
        ['--float32'],
        ['-q'],
        ['--labels', '-'],
        ['--metric', 'cosine'],
        ['--n-init', '2'],
        ['--max-iter', '1'],
        ['--tol', '0'],
        ['--header'],
        ['--no-header'],
        ['--format', 'csv'],
        ['--format', 'npy'],
        ['--format', 'xls'],
        ['--columns', '1'],
        ['--columns', '2-1'],
        ['--columns', 'a'],
        ['--columns', ','],
        ['--header', '--no-header'],
        ['--init', 'random'],
        ['--threads', '1'],
        ['--bogus'],
        ['--plot', 'no/such/dir/p.svg'],
      ),
    });
    await fc.assert(
      fc.asyncProperty(dataCase, fc.constantFrom(...fileMutations), fitOptions, async (c, mutation, o) => {
        const choose = new Choices(c.seed);
        const written = dataFileContent(c, choose);
        let content = typeof written.content === 'string' ? Buffer.from(written.content) : written.content;
        if (mutation === 'flip')
          content[choose.int(content.length)] = choose.pick([0x22, 0x2c, 0x09, 0x0a, 0x0d, 0x00, 0x78, 0xff, 0x5b]);
        if (mutation === 'cut') content = content.subarray(0, choose.int(content.length));
        if (mutation === 'junk line')
          content = Buffer.concat([
            content,
            Buffer.from(choose.pick(['1,2,x\n', '"\n', '[1,\n', '{"z":1}\n', 'NaN\n', '\u0000\n'])),
          ]);
        if (mutation === 'duplicate line')
          content = Buffer.concat([content, content.subarray(content.indexOf(0x0a) + 1)]);
        if (mutation === 'empty') content = Buffer.alloc(0);
        const file = tempFile(written.extension, content);
        const k = o.k === 'rows + 1' ? String(c.values.length + 1) : o.k;
        const args = [
          'fit',
          file,
          '-k',
          k,
          '--seed',
          String(c.seed >>> 0),
          ...(o.algorithm ? ['--algorithm', o.algorithm] : []),
          ...o.extra,
        ];
        const result = await run(args);
        expectCleanExit(result);
        // With options that are all valid, only the data can be wrong, and the message names the file.
        const validOptions =
          o.algorithm !== 'lloid' &&
          /^[1-9]\d*$/.test(k) &&
          !invalidExtras.some((extra) => extra === o.extra.join(' '));
        if (result.code === 2 && validOptions)
          expect(result.stderr.startsWith(`kmeans-native: ${file}`), result.stderr).toBe(true);
        const rows = c.values.length;
        const plain = mutation === 'none' && validOptions && o.extra.length === 0;
        if (plain && Number(k) > rows) {
          expect(result.stderr).toBe(
            `kmeans-native: ${file}: it has ${rows} rows, fewer than the ${k} clusters asked for (-k)\n`,
          );
        } else if (plain) {
          expect(result.code, result.stderr).toBe(0);
          expectSummary(result.stdout, file, { rows, cols: c.values[0]!.length, names: written.names, k: Number(k) });
        } else if (result.code === 0) {
          // What standard output carries: nothing, the labels, the model, or the summary.
          const extra = o.extra.join(' ');
          if (extra === '-q') expect(result.stdout).toBe('');
          else if (extra === '--labels -') expect(result.stdout).toMatch(/^cluster\n(\d+\n)+$/);
          else if (extra === '--out -') expect(JSON.parse(result.stdout).nClusters).toBe(Number(k));
          else expectSummary(result.stdout, file);
        }
      }),
      fuzzParameters(300),
    );
  });

  it('predict with saved models, broken or not, on generated files: exit 0 with labels or 2 with one line (100 runs)', async () => {
    const data = tempFile('.csv', 'a,b\n0,0\n0,1\n10,10\n10,11\n');
    const model = path.join(dir, 'model.json');
    expect((await run(['fit', data, '-k', '2', '--seed', '1', '--out', model, '-q'])).code).toBe(0);
    const modelText = fs.readFileSync(model);
    await fc.assert(
      fc.asyncProperty(
        dataCase,
        fc.constantFrom(...fileMutations),
        fc.constantFrom('none', 'none', 'flip', 'cut', 'names'),
        async (c, mutation, modelMutation) => {
          const choose = new Choices(c.seed);
          const written = dataFileContent(
            { ...c, names: c.names && c.values[0]!.length === 2 ? ['b', 'a'] : c.names },
            choose,
          );
          let content = typeof written.content === 'string' ? Buffer.from(written.content) : written.content;
          if (mutation === 'flip') content[choose.int(content.length)] = choose.pick([0x22, 0x2c, 0x0a, 0x00, 0x78]);
          if (mutation === 'cut') content = content.subarray(0, choose.int(content.length));
          if (mutation === 'junk line' || mutation === 'duplicate line')
            content = Buffer.concat([content, Buffer.from('1,\n')]);
          if (mutation === 'empty') content = Buffer.alloc(0);
          let modelBytes = Buffer.from(modelText);
          if (modelMutation === 'flip')
            modelBytes[choose.int(modelBytes.length)] = choose.pick([0x22, 0x2c, 0x7d, 0x30, 0x2d]);
          if (modelMutation === 'cut') modelBytes = modelBytes.subarray(0, choose.int(modelBytes.length));
          if (modelMutation === 'names')
            modelBytes = Buffer.from(
              modelText.toString().replace('"featureNames":["a","b"]', '"featureNames":["a","a"]'),
            );
          const modelFile = tempFile('.json', modelBytes);
          const file = tempFile(written.extension, content);
          const result = await run(['predict', modelFile, file, ...(choose.chance(0.2) ? ['--columns', '2,1'] : [])]);
          expectCleanExit(result);
          if (result.code === 0) {
            const labels = result.stdout.split('\n');
            expect(labels[0]).toBe('cluster');
            expect(labels.slice(1, -1).every((label) => label === '0' || label === '1')).toBe(true);
          }
          if (mutation === 'none' && modelMutation === 'none' && c.values[0]!.length === 2 && result.code === 0) {
            expect(result.stdout.split('\n')).toHaveLength(c.values.length + 2);
          }
        },
      ),
      fuzzParameters(100),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Messages

describe('error messages', () => {
  it('stay on one line whatever the file name, place and problem hold (600 messages)', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', ' ', '\n', '\r', '\t', '\u0000', '\u001b', '\u007f', '\u2028', 'é', '😀'),
      maxLength: 8,
    });
    fc.assert(
      fc.property(text, fc.option(text), text, (file, where, problem) => {
        const error = new DataFileError(file, where ?? undefined, problem);
        // eslint-disable-next-line no-control-regex -- control characters are what it matches
        expect(error.message).not.toMatch(/[\n\r\u0000-\u0008\u000b-\u001f\u007f]/);
        expect(error.message).toHaveLength(`${file}${where === null ? '' : `, ${where}`}: ${problem}`.length);
        expectUsageError(new UsageError(`--columns "${problem}" is wrong`));
      }),
      fuzzParameters(600),
    );
  });
});
