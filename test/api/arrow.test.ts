// Apache Arrow input through the public API: FixedSizeList vectors (embeddings) and Tables of
// numeric columns give the bits of the same rows as a row-major matrix (fit, predict, transform,
// score, MiniBatchKMeans, kmeansPlusPlus); single-chunk float data is read in place; nulls,
// non-numeric columns and inexact 64-bit integers give typed errors; and src/ works without
// apache-arrow installed.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  Field,
  FixedSizeList,
  Float16,
  Float32,
  Float64,
  RecordBatchReader,
  Table,
  Utf8,
  Vector,
  makeData,
  makeVector,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { KMeans, MiniBatchKMeans, kmeansPlusPlus, type MatrixLike } from '../../src/index';
import type { FloatArray } from '../../src/binding';
import { toDataMatrix } from '../../src/data_matrix';
import { isColumnMatrix } from '../../src/matrix';
import { blobs } from '../helpers';
import { expectKMeansError } from './validation_helpers';

process.env.KMEANS_NATIVE_WORK_PER_THREAD = '1';

type Dtype = 'float64' | 'float32';
const arrayOf = (dtype: Dtype) => (dtype === 'float64' ? Float64Array : Float32Array);

/** A FixedSizeList vector of the rows of `flat` (d values a row), one chunk per entry of `chunkRows`. */
function listVector(flat: FloatArray, d: number, chunkRows: number[]) {
  const valueType = flat instanceof Float32Array ? new Float32() : new Float64();
  const type = new FixedSizeList(d, new Field('value', valueType));
  let at = 0;
  const chunks = chunkRows.map((rows) => {
    const child = makeData({ type: valueType, data: flat.subarray(at * d, (at + rows) * d) });
    at += rows;
    return makeData({ type, length: rows, child });
  });
  return new Vector(chunks);
}

/** A Table of the columns given by name, cut into record batches of `chunkRows` rows. */
function chunkedTable(columns: Record<string, (rows: number[]) => Vector>, rows: number[][], chunkRows: number[]) {
  let at = 0;
  const parts = chunkRows.map((count) => {
    const part = rows.slice(at, at + count);
    at += count;
    const names = Object.keys(columns);
    return new Table(Object.fromEntries(names.map((name, j) => [name, columns[name]!(part.map((row) => row[j]!))])));
  });
  return parts[0]!.concat(...parts.slice(1));
}

const results = (model: KMeans | MiniBatchKMeans) => ({
  centers: model.clusterCenters.data,
  labels: model.labels,
  inertia: model.inertia,
  nIter: model.nIter,
});

/** Every result of `X` equals that of the row-major matrix `reference` of the same rows, to the bit. */
function expectSameAsRows(X: MatrixLike, reference: MatrixLike, k: number) {
  const weights = Float64Array.from({ length: toDataMatrix(reference, 'X').rows }, (_, i) => 0.5 + (i % 3));
  for (const options of [
    { algorithm: 'lloyd', init: 'k-means++' },
    { algorithm: 'elkan', init: 'random', metric: 'cosine' },
  ] as const) {
    const make = () => new KMeans({ nClusters: k, seed: 4, nInit: 2, ...options });
    const rows = make().fit(reference, { sampleWeight: weights });
    const arrow = make().fit(X, { sampleWeight: weights });
    expect(results(arrow)).toEqual(results(rows));
    expect(arrow.predict(X)).toEqual(rows.predict(reference));
    expect(arrow.transform(X).data).toEqual(rows.transform(reference).data);
    expect(arrow.score(X, { sampleWeight: weights })).toBe(rows.score(reference, { sampleWeight: weights }));
  }
  const minibatch = () => new MiniBatchKMeans({ nClusters: k, seed: 2, batchSize: 64, maxIter: 4 });
  expect(results(minibatch().fit(X))).toEqual(results(minibatch().fit(reference)));
  expect(minibatch().partialFit(X).partialFit(X).clusterCenters.data).toEqual(
    minibatch().partialFit(reference).partialFit(reference).clusterCenters.data,
  );
  const seeding = kmeansPlusPlus(X, k, { seed: 9 });
  const expected = kmeansPlusPlus(reference, k, { seed: 9 });
  expect(seeding.indices).toEqual(expected.indices);
  expect(seeding.centers.data).toEqual(expected.centers.data);
}

describe.each(['float64', 'float32'] as const)('a FixedSizeList<%s> vector', (dtype) => {
  const n = 500;
  const d = 6;
  const all = arrayOf(dtype).from(blobs(n + 20, d, 5, 7).flat());
  const reference = { data: all.slice(5 * d, (5 + n) * d), rows: n, cols: d };

  it('one chunk, sliced to a non-zero offset: the bits of the row-major matrix, read in place', () => {
    const vector = listVector(all, d, [n + 20]).slice(5, 5 + n);
    expect(vector.data[0]!.offset).toBe(5);
    expectSameAsRows(vector, reference, 5);
    const matrix = toDataMatrix(vector, 'X');
    const values = vector.data[0]!.children[0]!.values as FloatArray;
    expect(isColumnMatrix(matrix)).toBe(false);
    if (isColumnMatrix(matrix)) return;
    expect(matrix.data).toBeInstanceOf(arrayOf(dtype));
    expect(matrix.data.buffer).toBe(all.buffer);
    expect(matrix.data.byteOffset).toBe(values.byteOffset);
    expect(matrix.data.byteOffset).toBe(5 * d * all.BYTES_PER_ELEMENT);
    expect([matrix.rows, matrix.cols]).toEqual([n, d]);
  });

  it('several chunks, sliced across them: the bits of the row-major matrix', () => {
    const vector = listVector(all, d, [100, 7, 250, 163]).slice(5, 5 + n);
    expect(vector.data.length).toBe(4);
    expectSameAsRows(vector, reference, 5);
  });

  it('as the one column of a Table, and async', async () => {
    const table = new Table({ embedding: listVector(all, d, [n + 20]).slice(5, 5 + n) });
    const model = await new KMeans({ nClusters: 5, seed: 1 }).fitAsync(table);
    expect(results(model)).toEqual(results(new KMeans({ nClusters: 5, seed: 1 }).fit(reference)));
    expect(model.clusterCenters.data).toBeInstanceOf(arrayOf(dtype));
  });
});

describe('a Table of numeric columns', () => {
  const rows = blobs(600, 4, 4, 3);
  const float64 = (values: number[]) => makeVector(Float64Array.from(values));
  const float32 = (values: number[]) => makeVector(Float32Array.from(values));
  const named = (make: (values: number[]) => Vector) => ({ a: make, b: make, c: make, d: make });

  it.each(['float64', 'float32'] as const)(
    'of %s, in several record batches: the bits of the row-major matrix',
    (dtype) => {
      const table = chunkedTable(named(dtype === 'float64' ? float64 : float32), rows, [200, 1, 250, 149]);
      expect(table.batches.length).toBe(4);
      const reference = { data: arrayOf(dtype).from(rows.flat()), rows: 600, cols: 4 };
      expectSameAsRows(table, reference, 4);
      const matrix = toDataMatrix(table, 'X');
      expect(isColumnMatrix(matrix) && matrix.columns.every((column) => column instanceof arrayOf(dtype))).toBe(true);
    },
  );

  it('of one chunk, sliced to a non-zero offset: read in place as columns', () => {
    const table = chunkedTable(named(float64), rows, [600]).slice(10, 510);
    const matrix = toDataMatrix(table, 'X');
    if (!isColumnMatrix(matrix)) throw new Error('expected columns');
    matrix.columns.forEach((column, j) => {
      const chunk = table.getChildAt(j)!.data[0]!;
      expect(chunk.offset).toBe(10);
      expect(column.buffer).toBe(chunk.values.buffer);
      expect(column.byteOffset).toBe(chunk.values.byteOffset);
      expect(column.length).toBe(500);
    });
    expectSameAsRows(table, { data: Float64Array.from(rows.slice(10, 510).flat()), rows: 500, cols: 4 }, 4);
  });

  it('of every numeric type, in several record batches: converted exactly, as float64', () => {
    const values = rows.map((row) => row.map((x) => Math.round(2 * x) + 40)); // integers in [0, 127]
    const columns = {
      int8: (v: number[]) => makeVector(Int8Array.from(v)),
      int16: (v: number[]) => makeVector(Int16Array.from(v)),
      int32: (v: number[]) => makeVector(Int32Array.from(v)),
      int64: (v: number[]) => makeVector(BigInt64Array.from(v, BigInt)),
      uint8: (v: number[]) => makeVector(Uint8Array.from(v)),
      uint16: (v: number[]) => makeVector(Uint16Array.from(v)),
      uint32: (v: number[]) => makeVector(Uint32Array.from(v)),
      uint64: (v: number[]) => makeVector(BigUint64Array.from(v, BigInt)),
      float16: (v: number[]) => vectorFromArray(v, new Float16()),
      float32,
      float64,
    };
    const wide = values.map((row) => Object.keys(columns).map((_, j) => row[j % 4]! + j));
    const table = chunkedTable(columns, wide, [300, 300]);
    const matrix = toDataMatrix(table, 'X');
    if (!isColumnMatrix(matrix)) throw new Error('expected columns');
    expect(matrix.columns.every((column) => column instanceof Float64Array)).toBe(true);
    expectSameAsRows(table, { data: Float64Array.from(wide.flat()), rows: 600, cols: 11 }, 4);
  });

  it('float32 with float64 is float64; float16 with float32 is float32; the float64 column stays in place', () => {
    const mixed = new Table({ a: float32([1, 2.5, 3]), b: float64([4, 5, 6]) });
    const matrix = toDataMatrix(mixed, 'X');
    if (!isColumnMatrix(matrix)) throw new Error('expected columns');
    expect(matrix.columns[0]).toEqual(Float64Array.from([1, 2.5, 3]));
    expect(matrix.columns[1]!.buffer).toBe(mixed.getChildAt(1)!.data[0]!.values.buffer);
    const half = new Table({ a: vectorFromArray([0.5, -2, 65504, 2 ** -24], new Float16()), b: float32([1, 2, 3, 4]) });
    const halfMatrix = toDataMatrix(half, 'X');
    if (!isColumnMatrix(halfMatrix)) throw new Error('expected columns');
    expect(halfMatrix.columns[0]).toEqual(Float32Array.from([0.5, -2, 65504, 2 ** -24]));
  });

  it('MiniBatchKMeans.fitStream reads record batches as it reads row-major chunks', async () => {
    const table = chunkedTable(named(float64), rows, [200, 200, 200]);
    const chunks = [0, 200, 400].map((at) => ({
      data: Float64Array.from(rows.slice(at, at + 200).flat()),
      rows: 200,
      cols: 4,
    }));
    const make = () => new MiniBatchKMeans({ nClusters: 4, seed: 3, batchSize: 100 });
    const expected = (await make().fitStream(chunks)).clusterCenters.data;
    expect((await make().fitStream(table.batches)).clusterCenters.data).toEqual(expected);
    const reader = RecordBatchReader.from(tableToIPC(table, 'stream'));
    expect((await make().fitStream(reader)).clusterCenters.data).toEqual(expected);
  });

  it('labels go back as an Arrow column', () => {
    const table = chunkedTable(named(float64), rows, [600]);
    const model = new KMeans({ nClusters: 4, seed: 1 }).fit(table);
    const labelled = table.assign(new Table({ cluster: makeVector(model.labels) }));
    expect(labelled.schema.fields.map((field) => field.name)).toEqual(['a', 'b', 'c', 'd', 'cluster']);
    expect(labelled.getChild('cluster')!.toArray()).toEqual(model.labels);
  });
});

describe('Arrow input checks', () => {
  const fit = (X: MatrixLike) => () => new KMeans({ nClusters: 1 }).fit(X);
  const nullable = (values: (number | null)[]) => vectorFromArray(values, new Float64());

  it('a null in a table is refused by its row (counted across batches) and column', () => {
    const first = new Table({ a: nullable([1, 2, 3]), b: nullable([1, 2, 3]), c: nullable([1, 2, 3]) });
    const second = new Table({ a: nullable([1, 2, 3, 4]), b: nullable([1, 2, null, 4]), c: nullable([1, null, 3, 4]) });
    const error = expectKMeansError(fit(first.concat(second)), 'ERR_KMEANS_NULL_VALUE', /row 4, column 2 \("c"\)/);
    expect(error.details).toEqual({ argument: 'X', row: 4, column: 2 });
    const tie = new Table({ a: nullable([1, 2]), b: nullable([null, 2]), c: nullable([null, 2]) });
    expect(expectKMeansError(fit(tie), 'ERR_KMEANS_NULL_VALUE', /row 0, column 1/).details).toEqual({
      argument: 'X',
      row: 0,
      column: 1,
    });
    const sliced = first.concat(second).slice(2);
    expect(expectKMeansError(fit(sliced), 'ERR_KMEANS_NULL_VALUE', /\S/).details).toMatchObject({ row: 2, column: 2 });
  });

  it('a null list or a null value in a list is refused by its row (and column)', () => {
    const type = new FixedSizeList(2, new Field('value', new Float64(), true));
    const clean = vectorFromArray([[1, 2]], type);
    const nullRow = clean.concat(vectorFromArray([[1, 2], [3, 4], null], type));
    const rowError = expectKMeansError(
      fit(nullRow),
      'ERR_KMEANS_NULL_VALUE',
      'X row 3 is null: fill or drop the nulls first',
    );
    expect(rowError.details).toEqual({ argument: 'X', row: 3 });
    const nullValue = clean.concat(
      vectorFromArray(
        [
          [1, 2],
          [3, null],
        ],
        type,
      ),
    );
    const valueError = expectKMeansError(fit(nullValue), 'ERR_KMEANS_NULL_VALUE', /row 2, column 1/);
    expect(valueError.details).toEqual({ argument: 'X', row: 2, column: 1 });
    expect(() => new KMeans({ nClusters: 1 }).fit(clean).predict(nullValue)).toThrow(/row 2, column 1/);
  });

  it('a column that is not numbers is refused by name', () => {
    const table = new Table({
      x: makeVector(Float64Array.from([1, 2])),
      name: vectorFromArray(['p', 'q'], new Utf8()),
    });
    const error = expectKMeansError(
      fit(table),
      'ERR_KMEANS_INVALID_DATA',
      /^X column 1 \("name"\) is Utf8, not numbers/,
    );
    expect(error.details).toEqual({ argument: 'X', column: 1 });
    expectKMeansError(fit(new Table({ tag: vectorFromArray(['p', 'q']) })), 'ERR_KMEANS_INVALID_DATA', /Dictionary/);
    const list = listVector(Float64Array.from([1, 2, 3, 4]), 2, [2]);
    expectKMeansError(
      fit(new Table({ x: makeVector(Float64Array.from([1, 2])), list })),
      'ERR_KMEANS_INVALID_DATA',
      /"list"/,
    );
    expectKMeansError(fit(makeVector(Float64Array.from([1, 2]))), 'ERR_KMEANS_INVALID_DATA', /FixedSizeList/);
  });

  it('a 64-bit integer beyond 2^53 is refused by row and column', () => {
    const big = new Table({
      a: makeVector(BigInt64Array.from([1n, 2n])),
      b: makeVector(BigInt64Array.from([2n ** 53n, -(2n ** 53n) - 1n])),
    });
    const error = expectKMeansError(fit(big), 'ERR_KMEANS_INVALID_DATA', /row 1, column 1 holds -9007199254740993n/);
    expect(error.details).toMatchObject({ argument: 'X', row: 1, column: 1 });
  });

  it('NaN, empty and mismatched data are checked as for typed arrays', () => {
    expectKMeansError(
      fit(new Table({ a: makeVector(Float64Array.from([1, NaN])) })),
      'ERR_KMEANS_NON_FINITE',
      /row 1, column 0/,
    );
    expectKMeansError(fit(new Table({ a: makeVector(new Float64Array(0)) })), 'ERR_KMEANS_EMPTY_DATA', /\S/);
    const model = new KMeans({ nClusters: 1 }).fit(listVector(Float64Array.from([1, 2, 3, 4]), 2, [2]));
    expectKMeansError(
      () => model.predict(new Table({ a: makeVector(Float64Array.from([1])) })),
      'ERR_KMEANS_SHAPE_MISMATCH',
      /\S/,
    );
  });

  it('a vector of float32 lists types its results as float32', () => {
    const vector = vectorFromArray(
      [
        [1, 2],
        [3, 4],
      ],
      new FixedSizeList(2, new Field('value', new Float32())),
    );
    const centers: Float32Array = new KMeans({ nClusters: 1 }).fit(vector).clusterCenters.data;
    expect(centers).toBeInstanceOf(Float32Array);
  });
});

describe('without apache-arrow', () => {
  it('src/ never imports it', () => {
    const src = path.join(__dirname, '..', '..', 'src');
    const files = fs.readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    for (const file of files) {
      expect(fs.readFileSync(path.join(src, file), 'utf8'), file).not.toMatch(/['"]apache-arrow['"]/);
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(src, '..', 'package.json'), 'utf8'));
    expect(pkg.dependencies?.['apache-arrow']).toBeUndefined();
    expect(pkg.peerDependenciesMeta['apache-arrow']).toEqual({ optional: true });
  });

  it('the package reads Arrow-shaped data when apache-arrow cannot be loaded', () => {
    const script = `
      const Module = require('node:module');
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (/^apache-arrow/.test(request)) throw Object.assign(new Error('no ' + request), { code: 'MODULE_NOT_FOUND' });
        return resolve.call(this, request, ...rest);
      };
      const { KMeans } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'index.js'))});
      // A FixedSizeList<Float64>[2] vector of 4 rows, laid out as apache-arrow lays one out.
      const values = Float64Array.from([0, 0, 0, 1, 10, 10, 10, 11]);
      const child = { length: 8, offset: 0, nullCount: 0, values };
      const X = {
        type: { typeId: 16, listSize: 2, valueType: { typeId: 3, precision: 2 } },
        length: 4,
        data: [{ length: 4, offset: 0, nullCount: 0, children: [child] }],
      };
      const model = new KMeans({ nClusters: 2, seed: 1 }).fit(X);
      process.stdout.write(JSON.stringify(Array.from(model.predict([[0, 0], [10, 10]]))));
    `;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    const [a, b] = JSON.parse(result.stdout) as number[];
    expect(a).not.toBe(b);
  });
});
