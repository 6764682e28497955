// The command line's data readers: CSV, TSV, NDJSON and NPY give the same matrix, NumPy's own
// files in every layout read back as NumPy wrote them, and every broken file is an error that
// names the file, the place and the problem.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseColumnSpec } from '../src/cli/columns';
import { DataFileError } from '../src/cli/data_error';
import { type DataReadOptions, readDataFile } from '../src/cli/data_file';

const fixtures = path.join(__dirname, 'fixtures', 'cli');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmeans-native-data-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, content);
  return target;
}

// The values make_cli_fixtures.py stores in every .npy file.
const values = [
  [1.5, -2.25, 3.0],
  [4.0, 5.5, -6.125],
  [7.0, 8.0, 9.5],
  [-10.0, 11.0, 12.25],
  [13.5, -14.0, 15.0],
];

async function read(name: string, options: DataReadOptions = {}) {
  const table = await readDataFile(name, options);
  const rows = Array.from({ length: table.rows }, (_, i) => Array.from(table.data.subarray(i * table.cols, (i + 1) * table.cols)));
  return { ...table, rows2d: rows };
}

async function failure(name: string, options: DataReadOptions = {}): Promise<DataFileError> {
  const error = await readDataFile(name, options).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DataFileError);
  return error as DataFileError;
}

describe('text formats', () => {
  const header = 'a,b,c';
  const csvBody = values.map((row) => row.join(',')).join('\n');

  it('CSV, TSV, headerless CSV, NDJSON arrays and objects all read the same matrix', async () => {
    const objects = values.map((row) => JSON.stringify({ a: row[0], b: row[1], c: row[2] })).join('\n');
    const cases = [
      file('with-header.csv', `${header}\n${csvBody}\n`),
      file('with-header.tsv', `a\tb\tc\n${values.map((row) => row.join('\t')).join('\n')}`),
      file('no-header.csv', `${csvBody}\n`),
      file('arrays.ndjson', `${values.map((row) => JSON.stringify(row)).join('\n')}\n`),
      file('objects.jsonl', `${objects}\n`),
      file('crlf-bom-quoted.csv', `\uFEFF"a", "b" ,c\r\n${values.map((row) => `"${row[0]}",${row[1]} , ${row[2]}`).join('\r\n')}\r\n\r\n`),
    ];
    for (const name of cases) {
      const table = await read(name);
      expect(table.rows2d, name).toEqual(values);
      expect(table.data, name).toBeInstanceOf(Float64Array);
      const named = !/no-header|arrays/.test(name);
      expect(table.columnNames, name).toEqual(named ? ['a', 'b', 'c'] : undefined);
    }
  });

  it('finds the format of a file without a known extension from its content', async () => {
    expect((await read(file('data.txt', `${header}\n${csvBody}`))).rows2d).toEqual(values);
    expect((await read(file('data.dat', values.map((row) => row.join('\t')).join('\n')))).rows2d).toEqual(values);
    expect((await read(file('data.json', values.map((row) => JSON.stringify(row)).join('\n')))).rows2d).toEqual(values);
    expect((await read(file('data.bin', fs.readFileSync(path.join(fixtures, 'f8.npy'))))).rows2d).toEqual(values);
  });

  it('--header and --no-header override the guess', async () => {
    const numericHeader = file('numeric-header.csv', `1,2,3\n${csvBody}`);
    expect((await read(numericHeader)).rows).toBe(6);
    const forced = await read(numericHeader, { header: true });
    expect(forced.rows2d).toEqual(values);
    expect(forced.columnNames).toEqual(['1', '2', '3']);
    const error = await failure(file('named.csv', `${header}\n${csvBody}`), { header: false });
    expect(error.message).toMatch(/named\.csv, line 1: column 1 "a" is not a number$/);
  });

  it('picks columns by number, range and name, in the order given', async () => {
    const csv = file('pick.csv', `${header}\n${csvBody}`);
    const picked = await read(csv, { columns: parseColumnSpec('c,1-2') });
    expect(picked.rows2d).toEqual(values.map(([a, b, c]) => [c, a, b]));
    expect(picked.columnNames).toEqual(['c', 'a', 'b']);
    const npy = await read(path.join(fixtures, 'f8.npy'), { columns: parseColumnSpec('3') });
    expect(npy.rows2d).toEqual(values.map((row) => [row[2]]));
    const ndjson = await read(file('pick.ndjson', values.map((row) => JSON.stringify(row)).join('\n')), { columns: parseColumnSpec('2') });
    expect(ndjson.rows2d).toEqual(values.map((row) => [row[1]]));
  });

  it('--float32 rounds to float32', async () => {
    const table = await read(file('f32.csv', '0.1,0.2\n0.3,0.4'), { dtype: 'float32' });
    expect(table.data).toEqual(Float32Array.from([0.1, 0.2, 0.3, 0.4]));
  });

  it('non-data columns can be left out by choosing the feature columns', async () => {
    const iris = await read(path.join(__dirname, '..', 'data', 'iris.csv'), { columns: parseColumnSpec('1-4') });
    expect([iris.rows, iris.cols]).toEqual([150, 4]);
    expect(iris.columnNames).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
  });
});

describe('NumPy .npy files written by NumPy', () => {
  const rounded = values.map((row) => row.map(Math.round));
  const cases: [string, number[][], Float64ArrayConstructor | Float32ArrayConstructor][] = [
    ['f8.npy', values, Float64Array],
    ['f4.npy', values, Float32Array],
    ['f8_big_endian.npy', values, Float64Array],
    ['f8_fortran.npy', values, Float64Array],
    ['f8_v2.npy', values, Float64Array],
    ['i8.npy', rounded, Float64Array],
    ['i2_big_endian.npy', rounded, Float64Array],
    ['u1.npy', rounded.map((row) => row.map(Math.abs)), Float64Array],
    ['bool.npy', values.map((row) => row.map((v) => (v > 0 ? 1 : 0))), Float64Array],
    ['f8_1d.npy', values.map((row) => [row[0]!]), Float64Array],
  ];
  for (const [name, expected, type] of cases) {
    it(`reads ${name}`, async () => {
      const table = await read(path.join(fixtures, name));
      expect(table.rows2d).toEqual(expected);
      expect(table.data).toBeInstanceOf(type);
      expect(table.columnNames).toBeUndefined();
    });
  }

  it('float32 data becomes float64 when asked, and float64 data float32 with --float32', async () => {
    expect((await read(path.join(fixtures, 'f4.npy'), { dtype: 'float64' })).data).toBeInstanceOf(Float64Array);
    expect((await read(path.join(fixtures, 'f8.npy'), { dtype: 'float32' })).data).toBeInstanceOf(Float32Array);
  });
});

describe('broken files: one line naming the file, the place and the problem', () => {
  const cases: [string, string | Buffer, RegExp][] = [
    ['short-row.csv', 'a,b,c\n1,2,3\n4,5,6\n7,8\n', /^short-row\.csv, line 4: expected 3 fields \(as on the first line\), found 2$/],
    ['text-value.csv', 'a,b\n1,2\n3,x7\n', /^text-value\.csv, line 3: column 2 \("b"\) "x7" is not a number$/],
    ['empty-value.tsv', 'a\tb\n1\t\n', /^empty-value\.tsv, line 2: column 2 \("b"\) is empty$/],
    ['nan-value.csv', '1,2\nNaN,4\n', /^nan-value\.csv, line 2: column 1 "NaN" is not a number$/],
    ['overflow.csv', '1,2\n1e400,4\n', /^overflow\.csv, line 2: column 1 1e400 is not a finite number$/],
    ['open-quote.csv', 'a,b\n"1,2\n', /^open-quote\.csv, line 2: a quoted field is not closed on this line$/],
    ['header-only.csv', 'a,b,c\n', /^header-only\.csv: it holds no data rows$/],
    ['empty.csv', '', /^empty\.csv: it holds no data rows$/],
    ['bad-json.ndjson', '[1,2]\n[3,4\n', /^bad-json\.ndjson, line 2: not valid JSON \(.+\)$/],
    ['short-array.ndjson', '[1,2]\n\n[3]\n', /^short-array\.ndjson, line 3: expected 2 values \(as on the first line\), found 1$/],
    ['string-value.ndjson', '[1,2]\n[3,"4"]\n', /^string-value\.ndjson, line 2: column 2 "4" is not a finite number$/],
    ['new-key.ndjson', '{"a":1}\n{"a":2,"b":3}\n', /^new-key\.ndjson, line 2: key "b" is not on the first line$/],
    ['missing-key.ndjson', '{"a":1,"b":2}\n{"a":2}\n', /^missing-key\.ndjson, line 2: column 2 \("b"\) is missing$/],
    ['scalar.ndjson', '5\n', /^scalar\.ndjson, line 1: expected a JSON array of numbers or an object of numbers$/],
  ];
  for (const [name, content, message] of cases) {
    it(name, async () => {
      const error = await failure(file(name, content));
      expect(path.basename(error.message)).toMatch(message);
      expect(error.message.startsWith(dir)).toBe(true);
      expect(error.message).not.toContain('\n');
    });
  }

  const npy = fs.readFileSync(path.join(fixtures, 'f8.npy'));
  const npyCases: [string, string | Buffer, RegExp][] = [
    ['truncated.npy', npy.subarray(0, npy.length - 8), /^truncated\.npy, data: the header's shape \(5, 3\) needs 120 bytes of values, the file holds 112$/],
    ['cut-header.npy', npy.subarray(0, 40), /^cut-header\.npy, header: the file ends inside the header$/],
    ['not-numpy.npy', 'hello', /^not-numpy\.npy, header: not a NumPy \.npy file \(the magic string is missing\)$/],
  ];
  for (const [name, content, message] of npyCases) {
    it(name, async () => expect(path.basename((await failure(file(name, content))).message)).toMatch(message));
  }
  it('NumPy files it cannot use', async () => {
    expect((await failure(path.join(fixtures, 'c16.npy'))).message).toMatch(/c16\.npy, header: dtype '<c16' is not supported/);
    expect((await failure(path.join(fixtures, 'f8_3d.npy'))).message).toMatch(/f8_3d\.npy, header: the shape \(2, 2, 2\) is not one- or two-dimensional/);
    expect((await failure(path.join(fixtures, 'f8_nan.npy'))).message).toMatch(/f8_nan\.npy, row 4, column 2: NaN is not a finite number$/);
  });

  it('files that cannot be read', async () => {
    expect((await failure(path.join(dir, 'missing.csv'))).message).toMatch(/missing\.csv: cannot read it: no such file$/);
    expect((await failure(dir, { format: 'csv' })).message).toMatch(/: cannot read it: it is a directory, not a file$/);
  });

  it('columns that do not exist', async () => {
    const csv = file('cols.csv', 'a,b\n1,2\n');
    expect((await failure(csv, { columns: ['z'] })).message).toMatch(/cols\.csv, line 1: no column is named "z" \(the columns are: a, b\)$/);
    expect((await failure(csv, { columns: ['2-3'] })).message).toMatch(/cols\.csv, line 1: --columns 2-3 is outside the file's columns 1-2$/);
    expect((await failure(csv, { columns: ['1', 'a'] })).message).toMatch(/--columns names column 1 twice$/);
    const headerless = file('cols-headerless.csv', '1,2\n');
    expect((await failure(headerless, { columns: ['a'] })).message).toMatch(/"a" is not a column number, and the file has no header naming its columns$/);
  });
});
