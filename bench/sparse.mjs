// Sparse k-means benchmark: Lloyd's iterations of this library's KMeans on a CSR matrix against
// scikit-learn's KMeans on the same scipy.sparse CSR matrix, from the same initial centers, in the
// same run.
//
//   node bench/sparse.mjs [--rows N] [--cols D] [--per-row P] [--clusters K] [--dtypes float64,float32]
//                         [--threads N] [--repeats R] [--iters M] [--json] [--no-sklearn]
//
// Data: a text-like CSR matrix (makeSparseTopics in bench/data.js), by default 10^6 rows × 10^5
// columns with 10 entries per row (10^7 entries, 124 MB as float64 CSR, 800 GB dense), k = 100.
// ms per iteration = (T(maxIter = M) − T(maxIter = 1)) / (M − 1) per repeat, after one untimed
// warm-up fit, tol 0, median over the repeats (as the iter mode of lloyd.mjs). See bench/README.md.

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { makeSparseTopics, sparseInitialCenters } from './data.js';
import { findPython } from '../scripts/python.js';

const require = createRequire(import.meta.url);
const benchDir = path.dirname(fileURLToPath(import.meta.url));

const usage = `Usage: node bench/sparse.mjs [options]

Options:
  --rows N         rows (default: 1000000)
  --cols D         columns (default: 100000)
  --per-row P      entries per row (default: 10)
  --clusters K     k (default: 100)
  --dtypes LIST    float64, float32 or both, comma-separated (default: float64,float32)
  --threads N      threads for both libraries (default: ${os.availableParallelism()}, the number of cores)
  --repeats R      timed pairs of fits per library; the median is reported (default: 3)
  --iters M        iterations of the long fit, at least 2 (default: 4)
  --json           print one JSON line per library and dtype on stdout (the table goes to stderr)
  --no-sklearn     leave scikit-learn out
  -h, --help       show this help`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: '1000000' },
      cols: { type: 'string', default: '100000' },
      'per-row': { type: 'string', default: '10' },
      clusters: { type: 'string', default: '100' },
      dtypes: { type: 'string', default: 'float64,float32' },
      threads: { type: 'string' },
      repeats: { type: 'string', default: '3' },
      iters: { type: 'string', default: '4' },
      json: { type: 'boolean', default: false },
      'no-sklearn': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const integer = (name, value, min) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min)
      throw new Error(`--${name} must be an integer >= ${min}, got '${value}'`);
    return number;
  };
  const dtypes = values.dtypes.split(',').map((dtype) => dtype.trim());
  for (const dtype of dtypes)
    if (dtype !== 'float64' && dtype !== 'float32') throw new Error(`--dtypes: unknown dtype '${dtype}'`);
  const options = {
    rows: integer('rows', values.rows, 2),
    cols: integer('cols', values.cols, 1),
    perRow: integer('per-row', values['per-row'], 1),
    clusters: integer('clusters', values.clusters, 1),
    dtypes,
    threads: values.threads ? integer('threads', values.threads, 1) : os.availableParallelism(),
    repeats: integer('repeats', values.repeats, 1),
    iters: integer('iters', values.iters, 2),
    json: values.json,
    sklearn: !values['no-sklearn'],
  };
  if (options.perRow > options.cols) throw new Error('--per-row must not exceed --cols');
  if (options.clusters > options.rows) throw new Error('--clusters must not exceed --rows');
  return options;
}

const median = (values) => {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const perIteration = ({ t1Ms, tMMs }, iters) => median(t1Ms.map((t1, r) => (tMMs[r] - t1) / (iters - 1)));

function timeOurs({ KMeans }, X, init, { clusters, threads, repeats, iters }) {
  const fit = (maxIter) => {
    const start = performance.now();
    const model = new KMeans({
      nClusters: clusters,
      init: { data: init, rows: clusters, cols: X.cols },
      maxIter,
      tol: 0,
      threads,
      algorithm: 'lloyd',
    }).fit(X);
    return [performance.now() - start, model];
  };
  fit(1);
  const t1Ms = [];
  const tMMs = [];
  let model;
  for (let r = 0; r < repeats; r++) {
    t1Ms.push(fit(1)[0]);
    const [ms, fitted] = fit(iters);
    tMMs.push(ms);
    model = fitted;
  }
  return { t1Ms, tMMs, nIter: model.nIter, inertia: model.inertia };
}

function timeSklearn(python, X, init, dtype, options, tmpDir) {
  const file = (name, array) => {
    const target = path.join(tmpDir, `${name}.bin`);
    writeFileSync(target, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return target;
  };
  const args = [
    path.join(benchDir, 'sklearn_sparse.py'),
    ...['--indptr', file('indptr', X.indptr), '--indices', file('indices', X.indices)],
    ...['--data', file('data', X.data), '--init', file('init', init)],
    ...['--rows', String(X.rows), '--cols', String(X.cols), '--nnz', String(X.data.length)],
    ...['--clusters', String(options.clusters), '--dtype', dtype],
    ...['--iters', String(options.iters), '--repeats', String(options.repeats), '--threads', String(options.threads)],
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, {
      env: { ...process.env, OMP_NUM_THREADS: String(options.threads) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(stdout.trim().split('\n').pop())) : reject(new Error(`exit ${code}`)),
    );
  });
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const say = options.json ? (line = '') => process.stderr.write(`${line}\n`) : (line = '') => console.log(line);
  const lib = require('../dist/index.js');
  const python = options.sklearn ? findPython(['sklearn', 'scipy', 'threadpoolctl']) : null;
  if (options.sklearn && !python) say('note: scikit-learn not found (set PYTHON); leaving it out');
  const sklearnVersion = python
    ? execFileSync(python, ['-c', 'import sklearn; print(sklearn.__version__)'], { encoding: 'utf8' }).trim()
    : null;
  const base = makeSparseTopics({ n: options.rows, d: options.cols, perRow: options.perRow, topics: options.clusters });
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'kmeans-sparse-bench-'));
  try {
    say();
    say(
      `Sparse Lloyd: ${options.rows} × ${options.cols} CSR, ${base.data.length} entries, k = ${options.clusters}, ` +
        `threads ${options.threads}: ms per iteration, median of ${options.repeats}` +
        (sklearnVersion ? `; scikit-learn ${sklearnVersion}` : ''),
    );
    say('dtype     ours ms/iter  sklearn ms/iter  ours/sklearn  inertia (ours, sklearn)');
    for (const dtype of options.dtypes) {
      const X = dtype === 'float64' ? base : { ...base, data: Float32Array.from(base.data) };
      const init = sparseInitialCenters(X, options.clusters);
      const ours = timeOurs(lib, X, init, options);
      const theirs = python ? await timeSklearn(python, X, init, dtype, options, tmpDir) : null;
      const oursMs = perIteration(ours, options.iters);
      const theirMs = theirs ? perIteration(theirs, options.iters) : NaN;
      say(
        [
          dtype.padEnd(8),
          oursMs.toFixed(0).padStart(13),
          (theirs ? theirMs.toFixed(0) : '-').padStart(16),
          (theirs ? (oursMs / theirMs).toFixed(3) : '-').padStart(13),
          `  ${ours.inertia.toPrecision(12)}${theirs ? `, ${theirs.inertia.toPrecision(12)}` : ''}`,
        ].join(' '),
      );
      if (options.json) {
        const common = {
          bench: 'sparse-lloyd',
          rows: X.rows,
          cols: X.cols,
          nnz: X.data.length,
          k: options.clusters,
          dtype,
          threads: options.threads,
          iters: options.iters,
        };
        console.log(JSON.stringify({ ...common, library: 'kmeans-native', msPerIter: oursMs, ...ours }));
        if (theirs) console.log(JSON.stringify({ ...common, library: 'scikit-learn', msPerIter: theirMs, ...theirs }));
      }
    }
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exitCode = 1;
});
