// fitSource over a Parquet file read through DuckDB (2.1 million rows, 33 chunks a pass) gives
// the bits of fit on the same rows in memory: centers, inertia and iterations, float64 and float32.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AsyncFitOptions, KMeans } from '../../src/index';
import { type DuckDBConnection, duckdbConnect, duckdbSource } from '../../src/duckdb';
import type { DataSource } from '../../src/source';
import { rowsMatrix, rowsSql, tempFolder } from './duckdb_data';

/** KMeans with its multi-pass fit over a source. */
type SourceFitting = KMeans & { fitSource(source: DataSource, options?: AsyncFitOptions): Promise<KMeans> };

const rows = 2_100_000;
const cols = 4;
const folder = tempFolder();
let connection: DuckDBConnection;

beforeAll(async () => {
  connection = await duckdbConnect();
  await connection.run(`COPY (${rowsSql(rows, cols)}) TO ${folder.sql('rows.parquet')} (FORMAT parquet)`);
  await connection.run(`COPY (${rowsSql(rows, cols, 'FLOAT')}) TO ${folder.sql('floats.parquet')} (FORMAT parquet)`);
});
afterAll(() => connection?.closeSync());

function sameBits(a: Float64Array | Float32Array, b: Float64Array | Float32Array): boolean {
  return (
    a.constructor === b.constructor &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
  );
}

describe('fitSource over Parquet through DuckDB', () => {
  it.each([
    ['float64', 'rows.parquet'],
    ['float32', 'floats.parquet'],
  ] as const)('%s: the bits of fit on the rows in memory', async (dtype, file) => {
    const X = rowsMatrix(rows, cols, dtype);
    // Starts near two of the three groups' corners, so the fit takes a few iterations.
    const init = [
      [0, 0, 0, 0],
      [70, 10, 70, 10],
      [40, 40, 40, 40],
    ];
    const options = { nClusters: 3, init, maxIter: 50, tol: 0 };
    const streamed = new KMeans(options) as SourceFitting;
    await streamed.fitSource(duckdbSource(connection, `SELECT * FROM ${folder.sql(file)}`));
    const inMemory = new KMeans(options).fit(X);
    expect(inMemory.nIter).toBeGreaterThan(1);
    expect(sameBits(streamed.clusterCenters.data, inMemory.clusterCenters.data)).toBe(true);
    expect(streamed.inertia).toBe(inMemory.inertia);
    expect(streamed.nIter).toBe(inMemory.nIter);
  });
});
