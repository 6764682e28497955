// MiniBatchKMeans benchmark: this library's MiniBatchKMeans against scikit-learn's, and against
// full-batch KMeans (both libraries), on the same float32 blobs in the same run: median
// wall-clock time of a whole fit and mean final inertia over --repeats seeds. Usage:
//   node bench/minibatch.mjs [--repeats 3] [--threads 2] [--workloads n1m-d16-k64,n100k-d768-k50] [--no-sklearn]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KMeans, MiniBatchKMeans, info } from '../dist/index.mjs';
import { makeBlobs } from './data.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { findPython } = createRequire(import.meta.url)('../scripts/python.js');

const workloads = [
  { name: 'n1m-d16-k64', n: 1_000_000, d: 16, k: 64 },
  // Shaped like sentence embeddings (768 features).
  { name: 'n100k-d768-k50', n: 100_000, d: 768, k: 50 },
];

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    threads: { type: 'string', default: String(os.availableParallelism()) },
    workloads: { type: 'string' },
    'no-sklearn': { type: 'boolean', default: false },
  },
});
const repeats = Number(values.repeats);
const threads = Number(values.threads);
const chosen = values.workloads ? workloads.filter((w) => values.workloads.split(',').includes(w.name)) : workloads;

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

function timeFits(make, X) {
  const runs = [];
  for (let seed = 0; seed < repeats; seed++) {
    const start = performance.now();
    const model = make(seed).fit(X);
    runs.push({ ms: performance.now() - start, inertia: model.inertia });
  }
  return { ms: median(runs.map((r) => r.ms)), inertia: mean(runs.map((r) => r.inertia)) };
}

function sklearn(workload, X) {
  const python = values['no-sklearn'] ? null : findPython(['sklearn']);
  if (!python) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kmeans-minibatch-'));
  try {
    const file = path.join(dir, 'x.bin');
    writeFileSync(file, Buffer.from(X.data.buffer, X.data.byteOffset, X.data.byteLength));
    const args = [
      path.join(here, 'sklearn_minibatch.py'),
      '--data',
      file,
      '--rows',
      workload.n,
      '--cols',
      workload.d,
      '--clusters',
      workload.k,
      '--dtype',
      'float32',
      '--repeats',
      repeats,
      '--threads',
      threads,
    ].map(String);
    const env = { ...process.env, OMP_NUM_THREADS: String(threads) };
    const child = spawnSync(python, args, { env, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (child.status !== 0) throw new Error(`scikit-learn failed: ${child.stderr}`);
    const out = JSON.parse(child.stdout);
    const summary = (runs) => ({ ms: median(runs.map((r) => r.ms)), inertia: mean(runs.map((r) => r.inertia)) });
    return { version: out.version, minibatch: summary(out.minibatch), kmeans: summary(out.kmeans) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.error(`kmeans-native (simd ${info().simd}), ${threads} threads, ${repeats} seeds per fit, float32`);
const rows = [];
for (const workload of chosen) {
  const blobs = makeBlobs(workload);
  const X = { data: Float32Array.from(blobs.data), rows: workload.n, cols: workload.d };
  const common = { nClusters: workload.k, threads };
  const ours = timeFits((seed) => new MiniBatchKMeans({ ...common, seed }), X);
  const oursFull = timeFits((seed) => new KMeans({ ...common, seed }), X);
  const sk = sklearn(workload, X);
  rows.push({ workload: workload.name, ours, oursFull, sk });
  const fmt = (r) => (r ? `${r.ms.toFixed(0).padStart(8)} ms  inertia ${r.inertia.toExponential(4)}` : 'n/a');
  console.log(`\n${workload.name}`);
  console.log(`  ours MiniBatchKMeans     ${fmt(ours)}`);
  console.log(`  sklearn MiniBatchKMeans  ${fmt(sk?.minibatch)}`);
  console.log(`  ours KMeans              ${fmt(oursFull)}`);
  console.log(`  sklearn KMeans           ${fmt(sk?.kmeans)}`);
  if (sk) {
    console.log(
      `  time ours/sklearn (MiniBatch): ${(ours.ms / sk.minibatch.ms).toFixed(2)}   inertia ours/sklearn: ${(ours.inertia / sk.minibatch.inertia).toFixed(4)}`,
    );
  }
  console.log(
    `  MiniBatch time / our KMeans time: ${(ours.ms / oursFull.ms).toFixed(2)}   inertia: ${(ours.inertia / oursFull.inertia).toFixed(4)}`,
  );
}
