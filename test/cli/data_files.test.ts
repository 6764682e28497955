// The command line's data readers: CSV, TSV, NDJSON and NPY give the same matrix, NumPy's own
// files in every layout read back as NumPy wrote them, and every broken file is an error that
// names the file, the place and the problem.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseColumnSpec } from '../../src/cli/columns';
import { DataFileError } from '../../src/cli/data_error';
import { type DataReadOptions, readDataFile } from '../../src/cli/data_file';
import { type ByteSource, readNpy } from '../../src/cli/npy';

const fixtures = path.join(__dirname, '..', 'fixtures', 'cli');
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
  const rows = Array.from({ length: table.rows }, (_, i) =>
    Array.from(table.data.subarray(i * table.cols, (i + 1) * table.cols)),
  );
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
      file(
        'crlf-bom-quoted.csv',
        `\uFEFF"a", "b" ,c\r\n${values.map((row) => `"${row[0]}",${row[1]} , ${row[2]}`).join('\r\n')}\r\n\r\n`,
      ),
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
    const ndjson = await read(file('pick.ndjson', values.map((row) => JSON.stringify(row)).join('\n')), {
      columns: parseColumnSpec('2'),
    });
    expect(ndjson.rows2d).toEqual(values.map((row) => [row[1]]));
  });

  it('--float32 rounds to float32', async () => {
    const table = await read(file('f32.csv', '0.1,0.2\n0.3,0.4'), { dtype: 'float32' });
    expect(table.data).toEqual(Float32Array.from([0.1, 0.2, 0.3, 0.4]));
  });

  it('non-data columns can be left out by choosing the feature columns', async () => {
    const iris = await read(path.join(__dirname, '..', '..', 'data', 'iris.csv'), { columns: parseColumnSpec('1-4') });
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
    [
      'short-row.csv',
      'a,b,c\n1,2,3\n4,5,6\n7,8\n',
      /^short-row\.csv, line 4: expected 3 fields \(as on the first line\), found 2$/,
    ],
    ['text-value.csv', 'a,b\n1,2\n3,x7\n', /^text-value\.csv, line 3: column 2 \("b"\) "x7" is not a number$/],
    ['empty-value.tsv', 'a\tb\n1\t\n', /^empty-value\.tsv, line 2: column 2 \("b"\) is empty$/],
    ['nan-value.csv', '1,2\nNaN,4\n', /^nan-value\.csv, line 2: column 1 "NaN" is not a number$/],
    ['overflow.csv', '1,2\n1e400,4\n', /^overflow\.csv, line 2: column 1 1e400 is not a finite number$/],
    ['open-quote.csv', 'a,b\n"1,2\n', /^open-quote\.csv, line 2: a quoted field is not closed on this line$/],
    ['header-only.csv', 'a,b,c\n', /^header-only\.csv: it holds no data rows$/],
    ['empty.csv', '', /^empty\.csv: it holds no data rows$/],
    ['bad-json.ndjson', '[1,2]\n[3,4\n', /^bad-json\.ndjson, line 2: not valid JSON \(.+\)$/],
    [
      'short-array.ndjson',
      '[1,2]\n\n[3]\n',
      /^short-array\.ndjson, line 3: expected 2 values \(as on the first line\), found 1$/,
    ],
    ['string-value.ndjson', '[1,2]\n[3,"4"]\n', /^string-value\.ndjson, line 2: column 2 "4" is not a number$/],
    ['new-key.ndjson', '{"a":1}\n{"a":2,"b":3}\n', /^new-key\.ndjson, line 2: key "b" is not on the first line$/],
    ['missing-key.ndjson', '{"a":1,"b":2}\n{"a":2}\n', /^missing-key\.ndjson, line 2: column 2 \("b"\) is missing$/],
    ['scalar.ndjson', '5\n', /^scalar\.ndjson, line 1: expected a JSON array of numbers or an object of numbers$/],
    ['empty-array.ndjson', '\n[]\n[]\n', /^empty-array\.ndjson, line 2: the first line holds no values$/],
    ['empty-object.ndjson', '{}\n', /^empty-object\.ndjson, line 1: the first line holds no values$/],
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
    [
      'truncated.npy',
      npy.subarray(0, npy.length - 8),
      /^truncated\.npy, data: the header's shape \(5, 3\) needs 120 bytes of values, the file holds 112$/,
    ],
    ['cut-header.npy', npy.subarray(0, 40), /^cut-header\.npy, header: the file ends inside the header$/],
    ['magic-only.npy', npy.subarray(0, 6), /^magic-only\.npy, header: the file ends inside the header$/],
    ['not-numpy.npy', 'hello', /^not-numpy\.npy, header: not a NumPy \.npy file \(the magic string is missing\)$/],
  ];
  for (const [name, content, message] of npyCases) {
    it(name, async () => expect(path.basename((await failure(file(name, content))).message)).toMatch(message));
  }
  it('NumPy files it cannot use', async () => {
    expect((await failure(path.join(fixtures, 'c16.npy'))).message).toMatch(
      /c16\.npy, header: dtype '<c16' is not supported/,
    );
    expect((await failure(path.join(fixtures, 'f8_3d.npy'))).message).toMatch(
      /f8_3d\.npy, header: the shape \(2, 2, 2\) is not one- or two-dimensional/,
    );
    expect((await failure(path.join(fixtures, 'f8_nan.npy'))).message).toMatch(
      /f8_nan\.npy, row 4, column 2: NaN is not a finite number$/,
    );
  });

  it('files that cannot be read', async () => {
    expect((await failure(path.join(dir, 'missing.csv'))).message).toMatch(
      /missing\.csv: cannot read it: no such file$/,
    );
    expect((await failure(dir, { format: 'csv' })).message).toMatch(/: cannot read it: it is a directory, not a file$/);
  });

  it('columns that do not exist', async () => {
    const csv = file('cols.csv', 'a,b\n1,2\n');
    expect((await failure(csv, { columns: ['z'] })).message).toMatch(
      /cols\.csv, line 1: no column is named "z" \(the columns are: a, b\)$/,
    );
    expect((await failure(csv, { columns: ['2-3'] })).message).toMatch(
      /cols\.csv, line 1: --columns 2-3 is outside the file's columns 1-2$/,
    );
    expect((await failure(csv, { columns: ['1', 'a'] })).message).toMatch(/--columns names column 1 twice$/);
    const headerless = file('cols-headerless.csv', '1,2\n');
    expect((await failure(headerless, { columns: ['a'] })).message).toMatch(
      /"a" is not a column number, and the file has no header naming its columns$/,
    );
  });
});

describe('reading details', () => {
  it('a first line with an empty field is data, not a header', async () => {
    const error = await failure(file('first-empty.csv', '1,,3\n4,5,6\n'));
    expect(error.message).toMatch(/first-empty\.csv, line 1: column 2 is empty$/);
  });

  it('duplicate column names cannot name the features', async () => {
    const csv = file('duplicates.csv', 'a,a,b\n1,2,3\n');
    expect((await failure(csv)).message).toMatch(
      /line 1: two chosen columns are named "a": choose the features by number with --columns$/,
    );
    expect((await failure(csv, { columns: ['a'] })).message).toMatch(
      /line 1: more than one column is named "a": choose by number with --columns$/,
    );
    expect((await read(csv, { columns: parseColumnSpec('1,3') })).columnNames).toEqual(['a', 'b']);
  });

  it("a column number that is also another column's name is ambiguous", async () => {
    const csv = file('numeric-names.csv', 'id,2,1\n7,8,9\n');
    expect((await failure(csv, { columns: ['1'] })).message).toMatch(
      /--columns 1 is ambiguous: column 1 is not the column named "1" \(column 3\)$/,
    );
    expect((await read(csv, { columns: ['2'] })).rows2d).toEqual([[8]]);
  });

  it('a key missing from a JSON object is missing, even when Object has a property of that name', async () => {
    const ndjson = file(
      'inherited.ndjson',
      '{"constructor": 1, "toString": 2, "__proto__": 3}\n{"toString": 4, "__proto__": 5}\n{"constructor": 6, "toString": 7}\n',
    );
    expect((await failure(ndjson)).message).toMatch(
      /inherited\.ndjson, line 2: column 1 \("constructor"\) is missing$/,
    );
    expect((await failure(ndjson, { columns: ['toString', '__proto__'] })).message).toMatch(
      /line 3: column 3 \("__proto__"\) is missing$/,
    );
  });

  it("JSON objects are chosen by key: their key order is not the file's", async () => {
    const ndjson = file('keyed.ndjson', '{"z": 1, "5": 100}\n{"z": 2, "5": 200}\n');
    expect((await read(ndjson, { columns: ['z'] })).rows2d).toEqual([[1], [2]]);
    expect((await failure(ndjson, { columns: ['1'] })).message).toMatch(
      /no column is named "1" \(the columns are: 5, z\) \(JSON objects are chosen by key, not by number\)$/,
    );
  });

  it("predict's model columns: by name when the file names its columns, else all of them", async () => {
    const named = file('model-named.csv', 'x,b,a\n1,2,3\n');
    expect((await read(named, { modelNames: ['a', 'b'] })).rows2d).toEqual([[3, 2]]);
    const headerless = file('model-headerless.csv', '1,2\n');
    expect((await read(headerless, { modelNames: ['a', 'b'] })).rows2d).toEqual([[1, 2]]);
  });

  it('values beyond float32 with --float32, and ones JSON reads as Infinity', async () => {
    const csv = file('f32-range.csv', '1,2\n3,1e39\n');
    expect((await failure(csv, { dtype: 'float32' })).message).toMatch(
      /line 2: column 2 1e\+39 is beyond the float32 range \(--float32\)$/,
    );
    expect((await failure(file('inf.ndjson', '[1e400, 2]\n'))).message).toMatch(
      /line 1: column 1 Infinity is not a finite number$/,
    );
  });

  it('control characters in a file never break the one-line message', async () => {
    const error = await failure(file('control.csv', 'a\u0001b,c\n1,x\u0000y\n'));
    expect(error.message).toMatch(/line 2: column 2 \("c"\) "x\ufffdy" is not a number$/);
  });

  it('a file cut inside the NumPy prefix', async () => {
    const npy = fs.readFileSync(path.join(fixtures, 'f8.npy'));
    expect((await failure(file('eight.npy', npy.subarray(0, 8)))).message).toMatch(
      /eight\.npy, header: the file ends inside the header$/,
    );
  });
});

describe('NumPy data read in pieces', () => {
  // A synthetic 1,000,000 × 3 float64 array (24 MB: several read pieces), C and Fortran order.
  const rows = 1_000_000;
  const value = (row: number, column: number) => row * 4 + column;
  function source(fortran: boolean): ByteSource {
    const header = Buffer.from(
      `{'descr': '<f8', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${rows}, 3), }`.padEnd(118) + '\n',
    );
    const prefix = Buffer.concat([
      Buffer.from([0x93]),
      Buffer.from('NUMPY'),
      Buffer.from([1, 0]),
      Buffer.from([header.length, 0]),
      header,
    ]);
    return {
      size: prefix.length + rows * 3 * 8,
      read(buffer, position) {
        for (let i = 0; i < buffer.length; i++) {
          const at = position + i;
          if (at < prefix.length) {
            buffer[i] = prefix[at]!;
          } else {
            const element = Math.floor((at - prefix.length) / 8);
            const [row, column] = fortran
              ? [element % rows, Math.floor(element / rows)]
              : [Math.floor(element / 3), element % 3];
            const bytes = Buffer.alloc(8);
            bytes.writeDoubleLE(value(row, column));
            buffer[i] = bytes[(at - prefix.length) % 8]!;
          }
        }
        return buffer.length;
      },
    };
  }
  for (const fortran of [false, true]) {
    it(fortran ? 'Fortran order' : 'C order', () => {
      const table = readNpy('synthetic.npy', source(fortran), { spec: ['3', '1'] }, undefined);
      expect([table.rows, table.cols]).toEqual([rows, 2]);
      for (const row of [0, 1, 524_287, 524_288, rows - 1]) {
        expect([table.data[row * 2], table.data[row * 2 + 1]]).toEqual([value(row, 2), value(row, 0)]);
      }
    });
  }
});
