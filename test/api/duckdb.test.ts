// kmeans-native/duckdb: a query's rows as a DataSource. Parquet, CSV and JSON files written by DuckDB
// and tables read back as the same bits as the rows in memory, over several chunk boundaries
// and on every pass; FLOAT stays float32; integers, decimals and a weight column; NULLs,
// non-numeric columns, bad SQL and options give typed errors; and the package loads, and says
// what to install, without @duckdb/node-api.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KMeans, KMeansError } from '../../src/index';
import { type DuckDBConnection, duckdbConnect, duckdbSource } from '../../src/duckdb';
import type { DataSource, SourceChunk, WeightedChunk } from '../../src/source';
import { rowsMatrix, rowsSql, tempFolder } from './duckdb_data';

const root = path.join(__dirname, '..', '..');
const folder = tempFolder();
let connection: DuckDBConnection;

beforeAll(async () => {
  connection = await duckdbConnect();
});
afterAll(() => connection?.closeSync());

async function chunksOf(source: DataSource): Promise<SourceChunk[]> {
  const chunks: SourceChunk[] = [];
  for await (const chunk of source.chunks()) chunks.push(chunk);
  return chunks;
}

type Columns = { columns: (Float64Array | Float32Array)[] };

/** The chunks' columns end to end, as one row-major array of the chunks' type. */
function concatenated(chunks: SourceChunk[]): Float64Array | Float32Array {
  const parts = chunks.map((chunk) => ('X' in chunk ? (chunk as WeightedChunk).X : chunk) as Columns);
  const cols = parts[0]!.columns.length;
  const rows = parts.reduce((total, part) => total + part.columns[0]!.length, 0);
  const Type = parts[0]!.columns[0] instanceof Float32Array ? Float32Array : Float64Array;
  const out = new Type(rows * cols);
  let base = 0;
  for (const { columns } of parts) {
    for (let j = 0; j < cols; j++) columns[j]!.forEach((value, i) => (out[(base + i) * cols + j] = value));
    base += columns[0]!.length;
  }
  return out;
}

/** Asserts equal bits (a large toEqual on typed arrays is slow); names the first difference. */
function expectSameBits(actual: Float64Array | Float32Array, expected: Float64Array | Float32Array): void {
  expect(actual.constructor).toBe(expected.constructor);
  expect(actual.length).toBe(expected.length);
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (!a.equals(b)) {
    const i = actual.findIndex((value, k) => !Object.is(value, expected[k]));
    expect.fail(`value ${i} differs: ${actual[i]} (expected ${expected[i]})`);
  }
}

async function rejection(promise: Promise<unknown>): Promise<KMeansError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(KMeansError);
  return error as KMeansError;
}

describe('duckdbSource', () => {
  const rows = 150_001;
  const cols = 5;
  const expected = rowsMatrix(rows, cols);

  it('reads a Parquet file written by DuckDB as the same bits, in chunks of 65536 rows, on every pass', async () => {
    await connection.run(`COPY (${rowsSql(rows, cols)}) TO ${folder.sql('rows.parquet')} (FORMAT parquet)`);
    const source = duckdbSource(connection, `SELECT * FROM ${folder.sql('rows.parquet')}`);
    for (let pass = 0; pass < 2; pass++) {
      const chunks = await chunksOf(source);
      expect(chunks.map((chunk) => (chunk as Columns).columns[0]!.length)).toEqual([65536, 65536, rows - 131072]);
      for (const chunk of chunks) {
        expect((chunk as Columns).columns).toHaveLength(cols);
        for (const column of (chunk as Columns).columns) expect(column).toBeInstanceOf(Float64Array);
      }
      expectSameBits(concatenated(chunks), expected.data);
    }
  });

  it('gives chunks whose predictions are those of the whole', async () => {
    const source = duckdbSource(connection, `SELECT * FROM ${folder.sql('rows.parquet')}`, { chunkRows: 40_000 });
    const model = new KMeans({ nClusters: 3, seed: 5, nInit: 1 }).fit(rowsMatrix(3000, cols));
    const chunks = await chunksOf(source);
    expect(chunks).toHaveLength(4);
    const labels = Int32Array.from(chunks.flatMap((chunk) => Array.from(model.predict(chunk as Columns))));
    expect(labels).toEqual(model.predict(expected));
  });

  it('reads CSV and JSON files and tables, with chunk boundaries that are not DuckDB vector boundaries', async () => {
    const small = rowsMatrix(10_000, 3);
    await connection.run(`COPY (${rowsSql(10_000, 3)}) TO ${folder.sql('rows.csv')} (HEADER)`);
    await connection.run(`COPY (${rowsSql(10_000, 3)}) TO ${folder.sql('rows.json')} (FORMAT json)`);
    await connection.run(`CREATE TABLE rows_table AS ${rowsSql(10_000, 3)}`);
    const files = [folder.sql('rows.csv'), folder.sql('rows.json')].map((file) => `SELECT * FROM ${file}`);
    for (const sql of [...files, 'SELECT * FROM rows_table']) {
      const chunks = await chunksOf(duckdbSource(connection, sql, { chunkRows: 3000 }));
      expect(chunks.map((chunk) => (chunk as Columns).columns[0]!.length)).toEqual([3000, 3000, 3000, 1000]);
      expectSameBits(concatenated(chunks), small.data);
    }
  });

  it('reads FLOAT columns as Float32Array, and FLOAT mixed with DOUBLE as Float64Array', async () => {
    const floats = await chunksOf(duckdbSource(connection, rowsSql(5000, 2, 'FLOAT')));
    expect((floats[0] as Columns).columns[0]).toBeInstanceOf(Float32Array);
    expectSameBits(concatenated(floats), rowsMatrix(5000, 2, 'float32').data);
    const mixed = await chunksOf(duckdbSource(connection, 'SELECT 1.5::FLOAT a, 2.25::DOUBLE b'));
    expect((mixed[0] as Columns).columns).toEqual([Float64Array.of(1.5), Float64Array.of(2.25)]);
  });

  it('reads integer and DECIMAL columns exactly', async () => {
    const sql = `SELECT -3::TINYINT a, 40000::INTEGER b, 9007199254740992::BIGINT c, 255::UTINYINT d,
      18446744073709551615::UBIGINT // 2048 e, 12345::HUGEINT f, 1.10::DECIMAL(5,2) g, 0.1::DECIMAL(38,20) h`;
    const [chunk] = await chunksOf(duckdbSource(connection, sql));
    expect((chunk as Columns).columns.map((column) => column[0])).toEqual([
      -3,
      40000,
      2 ** 53,
      255,
      2 ** 53 - 1,
      12345,
      1.1,
      0.1,
    ]);
    const error = await rejection(chunksOf(duckdbSource(connection, 'SELECT 1.0 a, 9007199254740993::BIGINT b')));
    expect(error.code).toBe('ERR_KMEANS_INVALID_DATA');
    expect(error.message).toBe('X row 0 ("b") holds 9007199254740993n, beyond 2^53: it has no exact float64 value');
  });

  it('takes the weight column as sample weights, leaving it out of the features', async () => {
    const sql = `SELECT x0, x1, (i % 4)::INTEGER AS w, x2 FROM (SELECT i, ${rowsSql(5000, 3).slice(7)})`;
    const chunks = await chunksOf(duckdbSource(connection, sql, { weight: 'w', chunkRows: 2048 }));
    expect(chunks).toHaveLength(3);
    const weights = Float64Array.from(chunks.flatMap((chunk) => Array.from((chunk as WeightedChunk).sampleWeight!)));
    expect(weights).toEqual(Float64Array.from({ length: 5000 }, (_, i) => i % 4));
    const X = rowsMatrix(5000, 3);
    expectSameBits(concatenated(chunks), X.data);
  });

  it('names the row (of the whole result) and the column of a NULL', async () => {
    const sql = `SELECT x0, CASE WHEN i = 70000 THEN NULL ELSE x1 END AS x1 FROM (SELECT i, ${rowsSql(80_000, 2).slice(7)})`;
    const error = await rejection(chunksOf(duckdbSource(connection, sql)));
    expect(error.code).toBe('ERR_KMEANS_NULL_VALUE');
    expect(error.message).toBe('X has a null at row 70000, column 1 ("x1"): fill or drop the nulls first');
    expect(error.details).toEqual({ argument: 'X', row: 70000, column: 1 });
    const weightError = await rejection(
      chunksOf(duckdbSource(connection, 'SELECT 1.0 a, NULL::DOUBLE w', { weight: 'w' })),
    );
    expect(weightError.message).toBe('sampleWeight has a null at row 0 ("w"): fill or drop the nulls first');
  });

  it('refuses a non-numeric column by name, and a weight column that is not there', async () => {
    const error = await rejection(chunksOf(duckdbSource(connection, "SELECT 1.0 a, 'x' AS label")));
    expect(error.code).toBe('ERR_KMEANS_INVALID_DATA');
    expect(error.message).toMatch(/^The query's column 1 \("label"\) is VARCHAR, not numbers/);
    expect(error.details).toEqual({ argument: 'X', column: 1 });
    const missing = await rejection(chunksOf(duckdbSource(connection, 'SELECT 1.0 a', { weight: 'w' })));
    expect(missing.code).toBe('ERR_KMEANS_INVALID_OPTION');
  });

  it('rejects a failing query with ERR_KMEANS_SQL, DuckDB message included and its error as the cause', async () => {
    const bad = await rejection(chunksOf(duckdbSource(connection, 'SELEC 1')));
    expect(bad.code).toBe('ERR_KMEANS_SQL');
    expect(bad.message).toMatch(/^The DuckDB query failed: .*syntax error at or near "SELEC"/s);
    expect(bad.cause).toBeInstanceOf(Error);
    expect(bad.message).toContain((bad.cause as Error).message);
    const missing = await rejection(chunksOf(duckdbSource(connection, `SELECT * FROM ${folder.sql('none.parquet')}`)));
    expect(missing.code).toBe('ERR_KMEANS_SQL');
    expect(missing.message).toContain('none.parquet');
  });

  it('checks its arguments', () => {
    expect(() => duckdbSource({} as never, 'SELECT 1')).toThrow(/connection must be a DuckDBConnection/);
    expect(() => duckdbSource(connection, ' ')).toThrow(/sql must be a non-empty SQL query/);
    expect(() => duckdbSource(connection, 'SELECT 1', { chunkRows: 0 })).toThrow(/chunkRows must be/);
    expect(() => duckdbSource(connection, 'SELECT 1', { weight: 3 as never })).toThrow(/weight must be a column name/);
  });
});

describe('kmeans-native/duckdb entry point', () => {
  it('works with import and require', () => {
    const script = (load: string) =>
      `${load}; duckdbConnect().then(async (c) => { let n = 0; for await (const chunk of duckdbSource(c, 'SELECT * FROM range(3)').chunks()) n += chunk.columns[0].length; console.log(n); });`;
    const esm = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', script("import { duckdbConnect, duckdbSource } from 'kmeans-native/duckdb'")],
      { cwd: root, encoding: 'utf8' },
    );
    expect(esm.trim()).toBe('3');
    const cjs = execFileSync(
      process.execPath,
      ['-e', script("const { duckdbConnect, duckdbSource } = require('kmeans-native/duckdb')")],
      { cwd: root, encoding: 'utf8' },
    );
    expect(cjs.trim()).toBe('3');
  });

  it('loads without @duckdb/node-api, and duckdbConnect says what to install', () => {
    // A copy of the built package in a folder where module resolution finds no node_modules.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmeans-native-no-duckdb-'));
    try {
      fs.cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
      const script = `
        const { duckdbConnect, duckdbSource } = require(${JSON.stringify(path.join(dir, 'dist', 'duckdb.js'))});
        const source = duckdbSource({ stream: async () => { throw new Error('unused'); } }, 'SELECT 1');
        duckdbConnect().then(() => console.log('connected'), (error) =>
          console.log(JSON.stringify({ code: error.code, message: error.message, chunks: typeof source.chunks })));`;
      const result = spawnSync(process.execPath, ['-e', script], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NODE_PATH: '' },
      });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({
        code: 'ERR_KMEANS_MISSING_DEPENDENCY',
        message:
          'Reading data through DuckDB requires the optional package @duckdb/node-api: npm install @duckdb/node-api',
        chunks: 'function',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is not imported by the main entry', () => {
    const src = path.join(root, 'src');
    for (const file of fs.readdirSync(src).filter((name) => name.endsWith('.ts') && !name.startsWith('duckdb'))) {
      expect(fs.readFileSync(path.join(src, file), 'utf8'), file).not.toMatch(
        /(from|import\(|require\()\s*'(@duckdb\/node-api|\.\/duckdb)'/,
      );
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.dependencies?.['@duckdb/node-api']).toBeUndefined();
    expect(pkg.peerDependenciesMeta['@duckdb/node-api']).toEqual({ optional: true });
  });
});
