// Silhouette benchmark: this library's silhouetteScore against scikit-learn's silhouette_score, on
// the same rows and labels, in the same run.
//
//   node bench/metrics.mjs [--rows N] [--large] [--threads N] [--repeats R] [--json] [--no-sklearn]
//                          [--keep-openblas-env]
//
// Data: Gaussian blobs (bench/data.js), 16 features around 8 centers, labelled by their blob.
// Each library is timed --repeats times on the whole data (this library after one untimed call;
// scikit-learn's calls take seconds, so it gets none), and the median is reported, with the ratio
// ours/scikit-learn (below 1: this library is faster) and a check that the two scores agree
// within 1e-9 relative. --large adds 200,000 rows, where scikit-learn takes minutes: it is then
// timed once. See bench/README.md.

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { makeBlobs } from './data.js';
import { findPython } from '../scripts/python.js';

const require = createRequire(import.meta.url);
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const features = 16;
const clusters = 8;
const largeRows = 200_000;

const usage = `Usage: node bench/metrics.mjs [options]

Options:
  --rows N            rows of the data (default: 50000)
  --large             also time ${largeRows} rows (scikit-learn then runs once)
  --threads N         threads for this library and scikit-learn (default: ${os.availableParallelism()}, the number of cores)
  --repeats R         timed calls per library; the median is reported (default: 3)
  --json              print one JSON line per library and size on stdout (the table goes to stderr)
  --no-sklearn        leave scikit-learn out
  --keep-openblas-env run scikit-learn with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE as they are
  -h, --help          show this help`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: '50000' },
      large: { type: 'boolean', default: false },
      threads: { type: 'string' },
      repeats: { type: 'string', default: '3' },
      json: { type: 'boolean', default: false },
      'no-sklearn': { type: 'boolean', default: false },
      'keep-openblas-env': { type: 'boolean', default: false },
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
  const rows = integer('rows', values.rows, 3);
  return {
    sizes: values.large && rows !== largeRows ? [rows, largeRows] : [rows],
    threads: values.threads ? integer('threads', values.threads, 1) : os.availableParallelism(),
    repeats: integer('repeats', values.repeats, 1),
    json: values.json,
    sklearn: !values['no-sklearn'],
    keepOpenblasEnv: values['keep-openblas-env'],
  };
}

const median = (values) => {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function timeOurs(lib, { data, rows, labels }, { threads, repeats }) {
  const X = { data, rows, cols: features };
  lib.silhouetteScore(X, labels, { threads });
  const ms = [];
  let score;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    score = lib.silhouetteScore(X, labels, { threads });
    ms.push(performance.now() - start);
  }
  return { ms, score };
}

// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, set for an older CPU, slow scikit-learn's matrix
// products (see bench/README.md): removed unless --keep-openblas-env, as lloyd.mjs does.
function sklearnEnv({ threads, keepOpenblasEnv }) {
  const env = { ...process.env, OMP_NUM_THREADS: String(threads) };
  if (!keepOpenblasEnv) for (const name of ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE']) delete env[name];
  return env;
}

function timeSklearn(python, { data, rows, labels }, { threads, repeats, keepOpenblasEnv }, tmpDir) {
  const dataFile = path.join(tmpDir, `x-${rows}.f64`);
  const labelFile = path.join(tmpDir, `labels-${rows}.i32`);
  writeFileSync(dataFile, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  writeFileSync(labelFile, new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength));
  const long = rows >= largeRows;
  const args = [
    path.join(benchDir, 'sklearn_metrics.py'),
    ...['--data', dataFile, '--labels', labelFile, '--rows', String(rows), '--cols', String(features)],
    ...['--threads', String(threads), '--repeats', String(long ? 1 : repeats)],
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, {
      env: sklearnEnv({ threads, keepOpenblasEnv }),
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
  const lib = require('../dist/metrics.js');
  const python = options.sklearn ? findPython(['sklearn', 'threadpoolctl']) : null;
  if (options.sklearn && !python) say('note: scikit-learn not found (set PYTHON); leaving it out');
  const sklearnVersion = python
    ? execFileSync(python, ['-c', 'import sklearn; print(sklearn.__version__)'], { encoding: 'utf8' }).trim()
    : null;
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'kmeans-metrics-bench-'));
  try {
    say();
    say(
      `Silhouette (euclidean), ${features} features, ${clusters} clusters, threads ${options.threads}: ` +
        `median of ${options.repeats} calls` +
        (sklearnVersion ? `; scikit-learn ${sklearnVersion}` : ''),
    );
    say('rows      ours ms  sklearn ms  ours/sklearn  score              check');
    for (const rows of options.sizes) {
      const { data, labels } = makeBlobs({ n: rows, d: features, k: clusters, seed: 7 });
      const problem = { data, rows, labels };
      const ours = await timeOurs(lib, problem, options);
      const theirs = python ? await timeSklearn(python, problem, options, tmpDir) : null;
      const oursMs = median(ours.ms);
      const theirMs = theirs ? median(theirs.ms) : NaN;
      const agree = theirs ? Math.abs(ours.score - theirs.score) <= 1e-9 * Math.abs(theirs.score) : true;
      say(
        [
          String(rows).padEnd(8),
          oursMs.toFixed(0).padStart(9),
          (theirs ? theirMs.toFixed(0) : '-').padStart(11),
          (theirs ? (oursMs / theirMs).toFixed(3) : '-').padStart(13),
          `  ${ours.score.toFixed(15)}`,
          theirs ? (agree ? 'ok' : `FAIL (scikit-learn ${theirs.score})`) : '',
        ].join(' '),
      );
      if (options.json) {
        const common = {
          bench: 'silhouette',
          metric: 'euclidean',
          rows,
          d: features,
          k: clusters,
          threads: options.threads,
        };
        console.log(JSON.stringify({ ...common, library: 'kmeans-native', ms: ours.ms, score: ours.score }));
        if (theirs)
          console.log(
            JSON.stringify({
              ...common,
              library: 'scikit-learn',
              version: theirs.version,
              ms: theirs.ms,
              score: theirs.score,
            }),
          );
      }
      if (!agree) process.exitCode = 1;
    }
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exitCode = 1;
});
