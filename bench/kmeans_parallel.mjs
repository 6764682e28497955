// init 'k-means||' against 'k-means++', in the same run on the same blobs (data.js):
//  quality: the mean final inertia of KMeans (tol 1e-4, maxIter 300) over --seeds seeds from each
//           init, on the workloads of lloyd.mjs, and their ratio (k-means|| over k-means++);
//  seeding: the time to choose k centers, median over --repeats, on --rows rows of --cols float32
//           columns with --clusters centers (default 10^6 × 16, k = 1000): kmeansPlusPlus against
//           the k-means|| plan that fit runs.
// Usage:
//   node bench/kmeans_parallel.mjs [--part quality|seeding|all] [--workloads a,b | --all]
//       [--dtype float32|float64] [--seeds 5] [--repeats 3] [--threads N] [--rows R] [--cols C]
//       [--clusters K] [--init-steps S] [--json]
import { createRequire } from 'node:module';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { makeBlobs, toDtype } from './data.js';
import { selectWorkloads } from './workloads.js';

const require = createRequire(import.meta.url);
const { KMeans, kmeansPlusPlus } = require('../dist/index.js');
// The plan that fit runs for init 'k-means||' (no public function of its own).
const { kmeansParallelPlan } = require('../dist/parallel_init.js');
const { memoryInput } = require('../dist/source_pass.js');
const { runSync } = require('../dist/plan.js');
const { Random } = require('../dist/rng.js');

const { values } = parseArgs({
  options: {
    part: { type: 'string', default: 'all' },
    workloads: { type: 'string' },
    all: { type: 'boolean', default: false },
    dtype: { type: 'string', default: 'float32' },
    seeds: { type: 'string', default: '5' },
    repeats: { type: 'string', default: '3' },
    threads: { type: 'string', default: String(os.availableParallelism()) },
    rows: { type: 'string', default: '1000000' },
    cols: { type: 'string', default: '16' },
    clusters: { type: 'string', default: '1000' },
    'init-steps': { type: 'string', default: '2' },
    json: { type: 'boolean', default: false },
  },
});
const threads = Number(values.threads);
const initSteps = Number(values['init-steps']);
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const log = (line) => (values.json ? process.stderr : process.stdout).write(line + '\n');
const emit = (record) => values.json && process.stdout.write(JSON.stringify(record) + '\n');

function blobs(workload, dtype) {
  const { data, rows, cols } = makeBlobs(workload);
  return { data: toDtype(data, dtype), rows, cols };
}

function quality() {
  const names = values.workloads?.split(',');
  const seeds = Array.from({ length: Number(values.seeds) }, (_, seed) => seed + 1);
  log(
    `quality: mean final inertia over ${seeds.length} seeds, ${values.dtype}, ${threads} threads, initSteps ${initSteps}`,
  );
  log('workload            k-means++         k-means||         ratio    fit ms (++ / ||)');
  for (const workload of selectWorkloads({ names, all: values.all })) {
    const X = blobs(workload, values.dtype);
    const run = (init) => {
      const fits = seeds.map((seed) => {
        const start = performance.now();
        const model = new KMeans({ nClusters: workload.k, init, initSteps, seed, threads }).fit(X);
        return { inertia: model.inertia, ms: performance.now() - start };
      });
      return { inertia: mean(fits.map((f) => f.inertia)), ms: median(fits.map((f) => f.ms)) };
    };
    const plusPlus = run('k-means++');
    const parallel = run('k-means||');
    const ratio = parallel.inertia / plusPlus.inertia;
    log(
      `${workload.name.padEnd(18)}  ${plusPlus.inertia.toExponential(6).padEnd(16)}  ` +
        `${parallel.inertia.toExponential(6).padEnd(16)}  ${ratio.toFixed(4)}   ` +
        `${plusPlus.ms.toFixed(0)} / ${parallel.ms.toFixed(0)}`,
    );
    emit({ part: 'quality', workload: workload.name, dtype: values.dtype, plusPlus, parallel, ratio });
  }
}

function seeding() {
  const workload = { n: Number(values.rows), d: Number(values.cols), k: Number(values.clusters), seed: 7 };
  const X = blobs(workload, 'float32');
  const { k } = workload;
  log(
    `seeding: n = ${workload.n}, d = ${workload.d}, k = ${k}, float32, ${threads} threads, median of ${values.repeats}`,
  );
  const time = (choose) => {
    const runs = [];
    for (let seed = 1; seed <= Number(values.repeats); seed++) {
      const start = performance.now();
      choose(seed);
      runs.push(performance.now() - start);
    }
    return median(runs);
  };
  const data = { X, sampleWeight: null, threads };
  const parallel = time((seed) =>
    runSync(
      kmeansParallelPlan(memoryInput(data), { k, initSteps, rng: new Random(seed), threads, mixedPrecision: 'auto' }),
    ),
  );
  log(`  k-means||  ${(parallel / 1000).toFixed(2)} s`);
  const plusPlus = time((seed) => kmeansPlusPlus(X, k, { seed, threads }));
  log(`  k-means++  ${(plusPlus / 1000).toFixed(2)} s   (${(plusPlus / parallel).toFixed(1)}× the time of k-means||)`);
  emit({ part: 'seeding', ...workload, threads, parallelMs: parallel, plusPlusMs: plusPlus });
}

if (values.part === 'quality' || values.part === 'all') quality();
if (values.part === 'seeding' || values.part === 'all') seeding();
