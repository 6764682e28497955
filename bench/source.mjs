// Data beyond memory: rows per second of reading a Parquet file through DuckDB (duckdbSource, one
// pass) and of k-means iterations over it (fitSource), against the same rows in memory (fit).
// The data is float32 blobs made by DuckDB and written to a temporary Parquet file; the
// in-memory copy is read from it once. fitSource is timed where KMeans has it. Usage:
//   node bench/source.mjs [--rows 2000000] [--cols 16] [--k 16] [--iters 5] [--repeats 3] [--threads N]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { KMeans } from '../dist/index.mjs';
import { duckdbConnect, duckdbSource } from '../dist/duckdb.mjs';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '2000000' },
    cols: { type: 'string', default: '16' },
    k: { type: 'string', default: '16' },
    iters: { type: 'string', default: '5' },
    repeats: { type: 'string', default: '3' },
    threads: { type: 'string', default: String(os.availableParallelism()) },
  },
});
const [rows, cols, k, iters, repeats, threads] = ['rows', 'cols', 'k', 'iters', 'repeats', 'threads'].map((name) =>
  Number(values[name]),
);

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const rate = (n, ms) => `${(((n / ms) * 1000) / 1e6).toFixed(2)}M rows/s`;

/** Median milliseconds of `repeats` runs of `run`, with its last result. */
async function timed(run) {
  const times = [];
  let result;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    result = await run();
    times.push(performance.now() - start);
  }
  return { ms: median(times), result };
}

// Blobs: row i belongs to group i*7 mod k, whose center is 3 * group in every coordinate, plus
// a uniform offset in [-4, 4) from a hash of (i, j): deterministic, and made inside DuckDB.
const columns = Array.from(
  { length: cols },
  (_, j) => `CAST((hash(i * ${cols} + ${j}) % 10000) / 1250.0 - 4 + ((i * 7) % ${k}) * 3 AS FLOAT) AS x${j}`,
);
const dir = mkdtempSync(path.join(os.tmpdir(), 'kmeans-bench-source-'));
const file = path.join(dir, 'rows.parquet');
const connection = await duckdbConnect();
try {
  await connection.run(`COPY (SELECT ${columns.join(', ')} FROM range(${rows}) t(i)) TO '${file}' (FORMAT parquet)`);
  const source = duckdbSource(connection, `SELECT * FROM '${file}'`);
  console.log(
    `${rows} rows × ${cols} float32 columns, k = ${k}, ${threads} threads; Parquet ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB`,
  );

  // The rows in memory, row-major, read once through the source.
  const X = { data: new Float32Array(rows * cols), rows, cols };
  let at = 0;
  for await (const chunk of source.chunks()) {
    const n = chunk.columns[0].length;
    chunk.columns.forEach((column, j) => column.forEach((value, i) => (X.data[(at + i) * cols + j] = value)));
    at += n;
  }

  const read = await timed(async () => {
    let n = 0;
    for await (const chunk of source.chunks()) n += chunk.columns[0].length;
    return n;
  });
  console.log(`read through duckdbSource:   ${rate(rows, read.ms)}  (${read.ms.toFixed(0)} ms a pass)`);

  const init = { data: X.data.slice(0, k * cols), rows: k, cols };
  const options = { nClusters: k, init, maxIter: iters, tol: 0, threads };
  const fit = await timed(async () => new KMeans(options).fit(X));
  const fitIters = fit.result.nIter;
  console.log(`fit in memory:               ${rate(rows * fitIters, fit.ms)} per iteration  (${fitIters} iterations)`);

  if (typeof new KMeans().fitSource === 'function') {
    const streamed = await timed(async () => new KMeans(options).fitSource(source));
    const n = streamed.result.nIter;
    console.log(`fitSource through DuckDB:    ${rate(rows * n, streamed.ms)} per iteration  (${n} iterations)`);
    const same = streamed.result.inertia === fit.result.inertia;
    console.log(`same inertia as fit: ${same}`);
  } else {
    console.log('fitSource through DuckDB:    (KMeans#fitSource is not in this build)');
  }
} finally {
  connection.closeSync();
  rmSync(dir, { recursive: true, force: true });
}
