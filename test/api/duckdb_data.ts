// Rows that DuckDB and JavaScript both compute exactly (multiples of 1/64 below 2^24), in three
// groups: the same matrix in memory and as a query, to compare bit for bit.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';

const primes = [7919, 104729, 1299709, 15485863, 32452843, 49979687, 67867967, 86028121];

/** The value of row i, column j. */
export function valueAt(i: number, j: number): number {
  return ((i * primes[j]! + j) % 1000) / 64 + (i % 3) * 30;
}

/** The SQL columns x0..x{cols-1} computing valueAt over `FROM range(rows) t(i)`, as `type`. */
export function columnsSql(cols: number, type = 'DOUBLE'): string {
  return Array.from(
    { length: cols },
    (_, j) => `CAST(((i * ${primes[j]} + ${j}) % 1000) / 64 + (i % 3) * 30 AS ${type}) AS x${j}`,
  ).join(', ');
}

export function rowsSql(rows: number, cols: number, type = 'DOUBLE'): string {
  return `SELECT ${columnsSql(cols, type)} FROM range(${rows}) t(i)`;
}

/** The same rows in memory, row-major. */
export function rowsMatrix(rows: number, cols: number, dtype: 'float64' | 'float32' = 'float64') {
  const data = dtype === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = valueAt(i, j);
  return { data, rows, cols };
}

/** A temporary folder removed after the file's tests; `file(name)` is a path in it, quoted for SQL. */
export function tempFolder() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmeans-native-duckdb-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return { dir, file: (name: string) => path.join(dir, name), sql: (name: string) => `'${path.join(dir, name)}'` };
}
