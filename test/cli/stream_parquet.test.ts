// The command line over data it does not hold: Parquet files and --sql queries read through
// DuckDB (the same fit as the same rows in CSV; errors on one line, exit code 2, also when
// @duckdb/node-api is missing), predict and fit --mini-batch over a Parquet file of 512 MiB in
// memory, and fit --stream over a .npy file of 256 MiB, each in a child process whose peak
// resident memory (VmHWM, read as it exits) stays under a stated bound well below the data's size.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KMeans } from '../../src/index';
import { type DuckDBConnection, duckdbConnect } from '../../src/duckdb';
import { StreamingSample, sampleRows } from '../../src/cli/row_sample';
import { rowsMatrix, rowsSql, valueAt } from '../api/duckdb_data';
import { bin, cliWorkspace } from './cli_helpers';

const { dir, out, cli, readLabels } = cliWorkspace();
const MiB = 1024 * 1024;
let connection: DuckDBConnection;

beforeAll(async () => {
  connection = await duckdbConnect();
  await connection.run(`COPY (${rowsSql(3000, 3)}) TO '${out('small.parquet')}' (FORMAT parquet)`);
  await connection.run(`COPY (${rowsSql(3000, 3)}) TO '${out('small.csv')}' (HEADER)`);
});
afterAll(() => connection?.closeSync());

/** Runs the command with VmHWM recorded at exit: its code, output and peak resident bytes. */
function measured(args: string[]) {
  const hwm = out('hwm.cjs');
  fs.writeFileSync(
    hwm,
    "process.on('exit', () => require('fs').writeFileSync(process.env.KMEANS_TEST_HWM, " +
      "/VmHWM:\\s+(\\d+) kB/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1]));",
  );
  const file = out('hwm.txt');
  // Under the sanitizers (npm run test:sanitize), freed buffers would wait in ASan's quarantine
  // and count in the peak: the command runs without one.
  const asan = process.env.ASAN_OPTIONS;
  const sanitizer = asan === undefined ? {} : { ASAN_OPTIONS: `${asan}:quarantine_size_mb=0` };
  const result = spawnSync(process.execPath, ['--require', hwm, bin, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...sanitizer, KMEANS_TEST_HWM: file },
  });
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    peak: Number(fs.readFileSync(file, 'utf8')) * 1024,
  };
}

const linux = fs.existsSync('/proc/self/status');

describe('Parquet and --sql', () => {
  it('a Parquet file gives the fit, labels and model of the same rows in CSV', () => {
    const args = ['-k', '3', '--seed', '2', '-q'];
    expect(cli(['fit', 'small.parquet', ...args, '--out', 'pq.json', '--labels', 'pq.csv']).code).toBe(0);
    expect(cli(['fit', 'small.csv', ...args, '--out', 'csv.json', '--labels', 'csv.csv']).code).toBe(0);
    expect(fs.readFileSync(out('pq.json'), 'utf8')).toBe(fs.readFileSync(out('csv.json'), 'utf8'));
    expect(readLabels(out('pq.csv'))).toEqual(readLabels(out('csv.csv')));
    const summary = cli(['fit', 'small.parquet', '-k', '3', '--seed', '2']).stdout;
    expect(summary).toMatch(/^small\.parquet: 3000 rows × 3 columns \(x0, x1, x2\)\n/);
    // predict reads the model's columns by name, in the model's order.
    const run = cli(['predict', 'pq.json', '--sql', `SELECT x2, x1, 0 AS other, x0 FROM '${out('small.parquet')}'`]);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n').slice(1).map(Number)).toEqual(readLabels(out('pq.csv')));
  });

  it('--sql is the data, and --columns picks among its columns', () => {
    const sql = `SELECT x0, 'id' || i AS id, x1 FROM (SELECT i, ${rowsSql(3000, 2).slice(7)});`;
    const run = cli(['fit', '--sql', sql, '--columns', 'x0,x1', '-k', '3', '--seed', '2', '--out', 'sql.json']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^query: 3000 rows × 2 columns \(x0, x1\)\n/);
    const expected = new KMeans({ nClusters: 3, seed: 2 }).fit(rowsMatrix(3000, 2));
    expect(JSON.parse(fs.readFileSync(out('sql.json'), 'utf8')).clusterCenters).toEqual(
      Array.from(expected.clusterCenters.data),
    );
  });

  const failures: [string, string[], RegExp][] = [
    [
      'bad SQL',
      ['fit', '--sql', 'SELEC 1'],
      /^kmeans-native: query: The DuckDB query failed: .*syntax error.*SELEC.*\n$/,
    ],
    ['a missing file', ['fit', '--sql', "SELECT * FROM 'none.parquet'"], /^kmeans-native: query: .*none\.parquet.*\n$/],
    ['a file and --sql', ['fit', 'small.csv', '--sql', 'SELECT 1'], /^kmeans-native: --sql is the data: .*\n$/],
    [
      'a text column',
      ['fit', '--sql', "SELECT 1.0 AS a, 'x' AS b"],
      /^kmeans-native: query: column 2 \("b"\) is not numeric: choose the features with --columns\n$/,
    ],
    [
      'a NULL',
      ['fit', '--sql', 'SELECT i::DOUBLE a, CASE WHEN i = 7 THEN NULL ELSE 1.0 END b FROM range(10) t(i)'],
      /^kmeans-native: query, row 8: column 2 \("b"\) is NULL\n$/,
    ],
    [
      '--stream from standard input',
      ['fit', '-', '--stream'],
      /^kmeans-native: fit --stream reads the data more than once: .*\n$/,
    ],
  ];
  for (const [name, args, message] of failures) {
    it(`${name}: one line on stderr, exit code 2`, () => {
      const run = cli(args, '1,2\n3,4\n');
      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(2);
    });
  }

  it('without @duckdb/node-api: the command says what to install, exit code 2', () => {
    const hide = out('hide-duckdb.cjs');
    fs.writeFileSync(
      hide,
      "const Module = require('node:module'); const resolve = Module._resolveFilename;" +
        "Module._resolveFilename = function (request, ...rest) { if (request.startsWith('@duckdb/'))" +
        " throw Object.assign(new Error('Cannot find module ' + request), { code: 'MODULE_NOT_FOUND' });" +
        ' return resolve.call(this, request, ...rest); };',
    );
    for (const args of [
      ['fit', 'small.parquet'],
      ['fit', '--sql', 'SELECT 1'],
    ]) {
      const result = spawnSync(process.execPath, ['--require', hide, bin, ...args], { cwd: dir, encoding: 'utf8' });
      expect(result.stderr).toBe(
        'kmeans-native: Reading data through DuckDB requires the optional package @duckdb/node-api: npm install @duckdb/node-api\n',
      );
      expect(result.status).toBe(2);
    }
    expect(cli(['fit', 'small.csv', '-k', '2', '-q']).code).toBe(0);
  });
});

describe('the plot of streamed data', () => {
  it('samples the rows sampleRows picks, without knowing their count', () => {
    for (const [rows, wanted] of <[number, number][]>[
      [50_000, 1000],
      [500, 1000],
    ]) {
      const sample = new StreamingSample<number>(wanted);
      for (let i = 0; i < rows; i++) sample.offer(i, () => i * 2);
      expect(sample.rows().map(({ index }) => index)).toEqual(Array.from(sampleRows(rows, wanted)));
      expect(sample.rows().every(({ index, item }) => item === index * 2)).toBe(true);
    }
  });
});

describe.runIf(linux)('data beyond memory (peak resident memory of the command)', () => {
  const big = { rows: 8_000_000, cols: 8 }; // 512 MiB as float64
  const bound = 320 * MiB;

  beforeAll(async () => {
    await connection.run(`COPY (${rowsSql(big.rows, big.cols)}) TO '${out('big.parquet')}' (FORMAT parquet)`);
    expect(cli(['fit', 'small.parquet', '-k', '3', '--seed', '1', '--out', 'small.json', '-q']).code).toBe(0);
    // A model of 8 features for predict: fitted on a small slice of the same rows.
    const slice = `SELECT * FROM '${out('big.parquet')}' LIMIT 30000`;
    expect(cli(['fit', '--sql', slice, '-k', '3', '--seed', '1', '--out', 'big.json', '-q']).code).toBe(0);
  }, 60_000);

  it(`predict streams a 512 MiB Parquet file in under ${bound / MiB} MiB, writing every label`, () => {
    const run = measured(['predict', 'big.json', 'big.parquet', '--labels', 'big-labels.csv', '--plot', 'big.svg']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^big\.parquet: 8000000 rows × 8 columns/);
    expect(fs.statSync(out('big-labels.csv')).size).toBe('cluster\n'.length + big.rows * 2);
    expect(fs.readFileSync(out('big.svg'), 'utf8')).toContain('10,000 of 8,000,000 points shown');
    expect(run.peak).toBeLessThan(bound);
  });

  it(`fit --mini-batch makes one pass over it in under ${bound / MiB} MiB`, () => {
    const run = measured(['fit', '--mini-batch', 'big.parquet', '-k', '3', '--seed', '1', '--batch-size', '4096']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/mini-batch k-means: k = 3, batches of 4096 rows, seed 1: \d+ steps in one pass/);
    expect(run.peak).toBeLessThan(bound);
  });

  it('fit --stream over a 256 MiB .npy file: the fit of the rows in memory, in under 200 MiB', () => {
    const rows = 8_000_000;
    const cols = 4;
    writeNpy(out('big.npy'), rows, cols);
    const args = ['-k', '3', '--seed', '4', '--max-iter', '20', '-q'];
    // Without Hamerly's bounds, which would take 20 bytes a row (160 MB here).
    const streamArgs = ['--bounds-memory', '0', '--out', 'stream.json', '--labels', 'stream.csv'];
    const run = measured(['fit', '--stream', 'big.npy', ...args, ...streamArgs]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.peak).toBeLessThan(200 * MiB);
    // --stream seeds with k-means|| by default: the same seeding in memory gives the same bits.
    const inMemory = cli(['fit', 'big.npy', ...args, '--init', 'k-means||', '--out', 'memory.json']);
    expect(inMemory.code).toBe(0);
    const fitted = (file: string) => {
      const { clusterCenters, inertia, nIter } = JSON.parse(fs.readFileSync(out(file), 'utf8'));
      return { clusterCenters, inertia, nIter };
    };
    expect(fitted('stream.json')).toEqual(fitted('memory.json'));
    expect(fs.statSync(out('stream.csv')).size).toBe('cluster\n'.length + rows * 2);
  });
});

/** A float64 .npy file of the test rows, written a piece at a time. */
function writeNpy(file: string, rows: number, cols: number): void {
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const header = dict.padEnd(117) + '\n';
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(
      fd,
      Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0, 118, 0]), Buffer.from(header)]),
    );
    const piece = 200_000;
    for (let first = 0; first < rows; first += piece) {
      const part = new Float64Array(Math.min(piece, rows - first) * cols);
      for (let i = 0; i < part.length; i++) part[i] = valueAt(first + Math.floor(i / cols), i % cols);
      fs.writeSync(fd, Buffer.from(part.buffer));
    }
  } finally {
    fs.closeSync(fd);
  }
}
