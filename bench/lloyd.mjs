// k-means benchmark: kmeans-native against scikit-learn, ml-kmeans and skmeans on the same data and
// the same initial centers.
//
//   node bench/lloyd.mjs [--mode iter|fit|all] [--workloads a,b | --all] [--dtypes float64,float32]
//                        [--threads N] [--repeats R] [--iters M] [--peer-iters P] [--peer-budget S]
//                        [--max-iter N] [--tol T] [--json] [--no-sklearn] [--no-js-peers]
//                        [--keep-openblas-env] [--no-roofline] [--peak-gflops X] [--read-gbs Y]
//                        [--no-metrics]
//
// iter: ms per Lloyd iteration = (T(maxIter=M) - T(maxIter=1)) / (M - 1), taken per repeat after
//       one untimed warm-up fit, median over the repeats, so that fixed costs (validation, copies,
//       the final label assignment) cancel; for this library also GFLOP/s and GB/s, against the
//       machine's FMA peak and read bandwidth measured by roofline.mjs.
// fit:  ms for a whole fit to convergence (tol 1e-4, maxIter 300), median over the repeats, of this
//       library's Lloyd, Hamerly and automatic choice and of scikit-learn's Lloyd and Elkan.
// Then, unless --no-metrics, the silhouette row of bench/metrics.mjs. See bench/README.md.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { initialCenters, makeBlobs, toDtype } from './data.js';
import { measureRoofline } from './roofline.mjs';
import { dtypes as allDtypes, selectWorkloads, workloads as allWorkloads } from './workloads.js';
import { findPython } from '../scripts/python.js';

const require = createRequire(import.meta.url);
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.dirname(benchDir);

const modes = ['iter', 'fit'];

const usage = `Usage: node bench/lloyd.mjs [options]

Options:
  --mode M          iter (ms per Lloyd iteration), fit (ms to convergence) or all (both) (default: iter)
  --workloads a,b   workloads to run (default: the default set; see bench/workloads.js)
  --all             run every workload
  --dtypes a,b      float64, float32 or both (default: both)
  --threads N       threads for this library and scikit-learn (default: ${os.availableParallelism()}, the number of cores)
  --repeats R       timed repeats per measurement; the median is reported (default: 5)
  --iters M         iter mode: iterations of the long fit, at least 2 (default: 6)
  --peer-iters P    iter mode: the same for ml-kmeans and skmeans, at least 2 (default: 3)
  --peer-budget S   iter mode: skip ml-kmeans or skmeans on a workload where one iteration
                    takes longer than S seconds (default: 20)
  --max-iter N      fit mode: maxIter of every fit (default: 300)
  --tol T           fit mode: tolerance, relative as in scikit-learn (default: 1e-4)
  --json            print one JSON line per library and measurement on stdout (the tables go to stderr)
  --no-sklearn      leave scikit-learn out
  --no-js-peers     leave ml-kmeans and skmeans out
  --keep-openblas-env
                    run scikit-learn with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE as they are in
                    this environment (default: removed, so that OpenBLAS picks its kernel for this CPU)
  --no-roofline     iter mode: do not measure the FMA peak and read bandwidth (no percentages)
  --peak-gflops X   iter mode: the float32 FMA peak at --threads threads, in GFLOP/s, instead of
                    measuring it
  --read-gbs Y      iter mode: the memory read bandwidth at --threads threads, in GB/s, instead of
                    measuring it
  --no-metrics      leave out the silhouette row (bench/metrics.mjs) run at the end
  -h, --help        show this help

Workloads: ${allWorkloads.map((w) => w.name + (w.default === false ? ' (not default)' : '')).join(', ')}`;

// ---------------------------------------------------------------------------------------------
// Options

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      mode: { type: 'string', default: 'iter' },
      workloads: { type: 'string' },
      all: { type: 'boolean', default: false },
      dtypes: { type: 'string' },
      threads: { type: 'string' },
      repeats: { type: 'string', default: '5' },
      iters: { type: 'string', default: '6' },
      'peer-iters': { type: 'string', default: '3' },
      'peer-budget': { type: 'string', default: '20' },
      'max-iter': { type: 'string', default: '300' },
      tol: { type: 'string', default: '1e-4' },
      json: { type: 'boolean', default: false },
      'no-sklearn': { type: 'boolean', default: false },
      'no-js-peers': { type: 'boolean', default: false },
      'keep-openblas-env': { type: 'boolean', default: false },
      'no-roofline': { type: 'boolean', default: false },
      'no-metrics': { type: 'boolean', default: false },
      'peak-gflops': { type: 'string' },
      'read-gbs': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const list = (value) =>
    value
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  const integer = (name, value, min) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min) {
      throw new Error(`--${name} must be an integer >= ${min}, got '${value}'`);
    }
    return number;
  };
  const nonNegative = (name, value) => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number) || number < 0) {
      throw new Error(`--${name} must be a number >= 0, got '${value}'`);
    }
    return number;
  };
  const positive = (name, value) => {
    if (value === undefined) return null;
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number) || number <= 0) {
      throw new Error(`--${name} must be a number > 0, got '${value}'`);
    }
    return number;
  };
  if (values.mode !== 'all' && !modes.includes(values.mode)) {
    throw new Error(`unknown mode '${values.mode}' (known: ${modes.join(', ')}, all)`);
  }
  const dtypes = values.dtypes ? list(values.dtypes) : allDtypes;
  for (const dtype of dtypes) {
    if (!allDtypes.includes(dtype)) {
      throw new Error(`unknown dtype '${dtype}' (known: ${allDtypes.join(', ')})`);
    }
  }
  return {
    modes: values.mode === 'all' ? modes : [values.mode],
    workloads: selectWorkloads({ names: list(values.workloads), all: values.all }),
    dtypes,
    threads: values.threads ? integer('threads', values.threads, 1) : os.availableParallelism(),
    repeats: integer('repeats', values.repeats, 1),
    iters: integer('iters', values.iters, 2),
    peerIters: integer('peer-iters', values['peer-iters'], 2),
    peerBudgetMs: nonNegative('peer-budget', values['peer-budget']) * 1000,
    maxIter: integer('max-iter', values['max-iter'], 1),
    tol: nonNegative('tol', values.tol),
    json: values.json,
    sklearn: !values['no-sklearn'],
    jsPeers: !values['no-js-peers'],
    keepOpenblasEnv: values['keep-openblas-env'],
    roofline: !values['no-roofline'],
    metrics: !values['no-metrics'],
    peakGflops: positive('peak-gflops', values['peak-gflops']),
    readGBs: positive('read-gbs', values['read-gbs']),
  };
}

// ---------------------------------------------------------------------------------------------
// Peers: the libraries being timed. The first one is this library, the reference for the ratios and
// the correctness checks. Each peer has
//   name, short          display names (short is the table column)
//   threads(options)     the number of threads it runs on
//   setup()              loads the library; resolves to { version, detail? } or { skip: 'reason' }
//   perIteration(problem, options)
//                        iter mode: resolves to { iters, t1Ms: [...], tMMs: [...], nIter1, nIter,
//                        inertia, distanceEvals?, relocated? }, where t1Ms[i] and tMMs[i] are repeat
//                        i's fits with maxIter 1 and maxIter iters, or to { skipped: 'reason' }
//   toConvergence(problem, options)
//                        fit mode, optional: resolves to one entry per algorithm, { algorithm,
//                        algorithmUsed?, ms: [...], nIter, inertia, converged?, distanceEvals? }
// A JavaScript peer only has to say how to fit once; jsPeer() does the timing (see ours below).

const valueOf = (x) => (typeof x === 'function' ? x() : x);

// Times fit(1) and fit(iters) in this process, interleaved, after one untimed warm-up fit. The
// warm-up fit(1), one iteration plus the fixed costs, bounds the time of one iteration: above
// budgetMs, the measurement is skipped.
async function timeIterations(fit, { iters, repeats, budgetMs = Infinity }) {
  const timed = async (maxIter) => {
    const start = performance.now();
    const result = await fit(maxIter);
    return { ms: performance.now() - start, result };
  };
  const warmUp = await timed(1);
  if (warmUp.ms > budgetMs) return { skipped: `too slow: ~${formatSeconds(warmUp.ms)} s/iter` };
  const t1Ms = [];
  const tMMs = [];
  let first;
  let last;
  for (let r = 0; r < repeats; r++) {
    const one = await timed(1);
    const many = await timed(iters);
    t1Ms.push(one.ms);
    tMMs.push(many.ms);
    first = one.result;
    last = many.result;
  }
  return {
    iters,
    t1Ms,
    tMMs,
    nIter1: first.nIter,
    nIter: last.nIter,
    inertia: valueOf(last.inertia),
    distanceEvals: last.distanceEvals,
    relocated: last.relocated,
  };
}

// Times whole fits, one per algorithm and repeat, interleaved, after one untimed warm-up fit each.
// fits: [{ algorithm, fit }], where fit() resolves to { nIter, inertia, converged?, distanceEvals? }.
async function timeFits(fits, { repeats }) {
  for (const { fit } of fits) await fit();
  const rows = fits.map(({ algorithm }) => ({ algorithm, ms: [] }));
  for (let r = 0; r < repeats; r++) {
    for (const [i, { fit }] of fits.entries()) {
      const start = performance.now();
      const result = await fit();
      rows[i].ms.push(performance.now() - start);
      Object.assign(rows[i], result, { inertia: valueOf(result.inertia) });
    }
  }
  return rows;
}

// load() resolves to { lib, version, detail? } or throws; prepare(problem), optional, builds what
// the library reads (outside the timing); fit(lib, problem, maxIter, threads) resolves to { nIter,
// inertia, distanceEvals?, relocated? }, where inertia may be a function, called once the timing is
// over. A slow peer is timed with --peer-iters iterations and the --peer-budget limit.
// threads: a fixed thread count (1 for single-threaded libraries), else the --threads option.
// emptyClusters: what the library does with an empty cluster, where it does not relocate it as
// this library and scikit-learn do (explains an inertia mismatch after such an iteration).
function jsPeer({ name, short, load, prepare, fit, slow = false, threads, emptyClusters }) {
  let lib = null;
  return {
    name,
    short,
    slow,
    emptyClusters,
    threads: (options) => threads ?? options.threads,
    async setup() {
      try {
        const loaded = await load();
        lib = loaded.lib;
        return { version: loaded.version, detail: loaded.detail };
      } catch (error) {
        return { skip: `${name}: ${error.message.split('\n')[0]}` };
      }
    },
    perIteration(problem, options) {
      prepare?.(problem);
      return timeIterations((maxIter) => fit(lib, problem, maxIter, options.threads), {
        iters: slow ? options.peerIters : options.iters,
        repeats: options.repeats,
        budgetMs: slow ? options.peerBudgetMs : Infinity,
      });
    },
    // One untimed fit, for the reference inertia after a given number of iterations.
    async once(problem, maxIter, options) {
      const result = await fit(lib, problem, maxIter, options.threads);
      return { ...result, inertia: valueOf(result.inertia) };
    },
    lib: () => lib,
  };
}

// The version in a package's package.json, found from its entry point (works for ESM-only packages).
function packageVersion(name) {
  let dir = path.dirname(require.resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (manifest.name === name) return manifest.version;
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

const total = (values) => values.reduce((sum, x) => sum + x, 0);

function fitOurs({ KMeans }, { data, init, n, d, k }, { maxIter, tol, threads, algorithm }) {
  const km = new KMeans({
    nClusters: k,
    init: { data: init, rows: k, cols: d },
    nInit: 1,
    maxIter,
    tol,
    threads,
    algorithm,
  }).fit({ data, rows: n, cols: d });
  return {
    algorithmUsed: km.algorithmUsed,
    nIter: km.nIter,
    inertia: km.inertia,
    converged: km.converged,
    distanceEvals: total(km.history.distanceEvals),
    relocated: total(km.history.relocated),
  };
}

const oursAlgorithms = ['lloyd', 'hamerly', 'auto'];

const ours = jsPeer({
  name: 'kmeans-native',
  short: 'ours',
  load() {
    let lib;
    try {
      lib = require('..');
    } catch (error) {
      if (error.code === 'MODULE_NOT_FOUND') {
        throw new Error(`not built (${error.message.split('\n')[0]}); run npm run build`);
      }
      throw error;
    }
    const info = typeof lib.info === 'function' ? lib.info() : null;
    const detail = info ? `simd ${info.simd ?? '?'}, max threads ${info.maxThreads ?? '?'}` : undefined;
    return { lib, version: require('../package.json').version, detail };
  },
  // iter mode: Lloyd's algorithm with tol 0, so that every fit runs maxIter iterations.
  fit: (lib, problem, maxIter, threads) => fitOurs(lib, problem, { maxIter, tol: 0, threads, algorithm: 'lloyd' }),
});

ours.toConvergence = (problem, { maxIter, tol, threads, repeats }) => {
  const fits = oursAlgorithms.map((algorithm) => ({
    algorithm,
    fit: () => fitOurs(ours.lib(), problem, { maxIter, tol, threads, algorithm }),
  }));
  return timeFits(fits, { repeats });
};

// ml-kmeans and skmeans take number[][] (problem.rows(): built once per workload and dtype, outside
// the timing) and compute in doubles; neither reports the inertia, which is computed from their final
// centers once the timing is over.
const mlKMeans = jsPeer({
  name: 'ml-kmeans',
  short: 'ml-kmeans',
  slow: true,
  threads: 1,
  emptyClusters: 'keeps the center of an empty cluster',
  async load() {
    const { kmeans } = await import('ml-kmeans');
    return { lib: kmeans, version: packageVersion('ml-kmeans'), detail: 'JavaScript, float64, 1 thread' };
  },
  prepare: (problem) => problem.rows(),
  // tolerance 0: it stops early only when no center moves at all.
  fit(kmeans, problem, maxIter) {
    const result = kmeans(problem.rows(), problem.k, {
      initialization: problem.initRows(),
      maxIterations: maxIter,
      tolerance: 0,
    });
    return { nIter: result.iterations, inertia: () => inertia(problem.rows(), result.centroids) };
  },
});

const skmeansPeer = jsPeer({
  name: 'skmeans',
  short: 'skmeans',
  slow: true,
  threads: 1,
  emptyClusters: 'moves the center of an empty cluster to the origin',
  load() {
    return { lib: require('skmeans'), version: packageVersion('skmeans'), detail: 'JavaScript, float64, 1 thread' };
  },
  prepare: (problem) => problem.rows(),
  // It stops early only when no center moves at all. initRows() is a fresh outer array each time:
  // skmeans writes its new centers into the array it is given.
  fit(skmeans, problem, maxIter) {
    const result = skmeans(problem.rows(), problem.k, problem.initRows(), maxIter);
    return { nIter: result.it, inertia: () => inertia(problem.rows(), result.centroids) };
  },
});

// The sum over rows of the squared distance to the nearest center, in doubles.
function inertia(rows, centers) {
  let total = 0;
  for (const row of rows) {
    let best = Infinity;
    for (const center of centers) {
      let sum = 0;
      for (let j = 0; j < row.length; j++) {
        const diff = row[j] - center[j];
        sum += diff * diff;
      }
      if (sum < best) best = sum;
    }
    total += best;
  }
  return total;
}

const sklearnNote = 'scikit-learn not found: set PYTHON or apt-get install -y python3-sklearn; leaving it out';

const sklearnAlgorithms = ['lloyd', 'elkan'];

// Environment variables that pin OpenBLAS to a kernel and cache size. Set for an older CPU model
// than this one (OPENBLAS_CORETYPE=Haswell on an AVX-512 CPU, say), they slow scikit-learn's
// matrix products, so they are removed unless --keep-openblas-env.
const openblasOverrides = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

function sklearnEnv(threads, keepOpenblasEnv) {
  const env = { ...process.env, OMP_NUM_THREADS: String(threads) };
  if (!keepOpenblasEnv) for (const name of openblasOverrides) delete env[name];
  return env;
}

// The versions, and the BLAS libraries that numpy and scikit-learn load, as threadpoolctl reports
// them (the architecture: the kernel OpenBLAS chose).
const sklearnProbe = `
import json, numpy, sklearn, sklearn.cluster, threadpoolctl
blas = [p for p in threadpoolctl.threadpool_info() if p['user_api'] == 'blas']
print(json.dumps({
    'version': sklearn.__version__,
    'numpy': numpy.__version__,
    'blas': [{'library': p['internal_api'], 'version': p.get('version'), 'architecture': p.get('architecture')}
             for p in blas],
}))
`;

const blasNames = { openblas: 'OpenBLAS', mkl: 'MKL', blis: 'BLIS', flexiblas: 'FlexiBLAS' };

// "OpenBLAS 0.3.21 architecture Cooperlake"
function describeBlas({ library, version, architecture }) {
  const parts = [blasNames[library] ?? library, version, architecture && `architecture ${architecture}`];
  return parts.filter(Boolean).join(' ');
}

// What became of this environment's OpenBLAS variables, if it has any.
function describeOpenblasEnv(keepOpenblasEnv) {
  const set = openblasOverrides.filter((name) => process.env[name] !== undefined);
  if (!set.length) return '';
  if (keepOpenblasEnv) return `kept ${set.map((name) => `${name}=${process.env[name]}`).join(' ')}`;
  return `${set.join(' and ')} unset: see --keep-openblas-env`;
}

function sklearnPeer() {
  let python = null;
  let env = null;
  const runScript = async (problem, threads, extra) => {
    const files = problem.files();
    const args = [
      path.join(benchDir, 'sklearn_lloyd.py'),
      '--data',
      files.data,
      '--init',
      files.init,
      '--rows',
      String(problem.n),
      '--cols',
      String(problem.d),
      '--clusters',
      String(problem.k),
      '--dtype',
      problem.dtype,
      '--threads',
      String(threads),
      ...extra,
    ];
    const stdout = await runChild(python, args, { ...env, OMP_NUM_THREADS: String(threads) });
    return JSON.parse(stdout.trim().split('\n').pop());
  };
  return {
    name: 'scikit-learn',
    short: 'sklearn',
    threads: (options) => options.threads,
    setup({ threads, keepOpenblasEnv }) {
      python = findPython(['sklearn', 'threadpoolctl']);
      if (!python) return { skip: sklearnNote };
      env = sklearnEnv(threads, keepOpenblasEnv);
      const probe = execFileSync(python, ['-c', sklearnProbe], { encoding: 'utf8', env });
      const { version, numpy, blas } = JSON.parse(probe);
      const envNote = describeOpenblasEnv(keepOpenblasEnv);
      const detail = [`numpy ${numpy}`, ...blas.map(describeBlas), python].join(', ') + (envNote ? `; ${envNote}` : '');
      return { version, detail };
    },
    async perIteration(problem, { iters, repeats, threads }) {
      const result = await runScript(problem, threads, [
        '--mode',
        'iter',
        '--iters',
        String(iters),
        '--repeats',
        String(repeats),
      ]);
      return { iters, ...result };
    },
    async toConvergence(problem, { maxIter, tol, repeats, threads }) {
      const result = await runScript(problem, threads, [
        '--mode',
        'fit',
        '--algorithms',
        sklearnAlgorithms.join(','),
        '--max-iter',
        String(maxIter),
        '--tol',
        String(tol),
        '--repeats',
        String(repeats),
      ]);
      return result.fits.map((fit) => ({ ...fit, threadpools: result.threadpools }));
    },
  };
}

// The libraries timed, in table order; the first is the reference for the ratios and checks.
// ml-kmeans and skmeans take part in iter mode only.
function peerList(options) {
  return [
    ours,
    ...(options.sklearn ? [sklearnPeer()] : []),
    ...(options.jsPeers && options.modes.includes('iter') ? [mlKMeans, skmeansPeer] : []),
  ];
}

// Runs a child process, passing its stderr through, and resolves to its stdout.
function runChild(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(chunks).toString('utf8'));
      else reject(new Error(`${path.basename(args[0])} exited with ${signal ?? `code ${code}`}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Problems: one workload in one dtype, with everything the libraries read

// The problem's data and initial centers as raw little-endian files, written once, on demand, for
// libraries timed in another process; remove() deletes them so that disk use stays at one problem.
function scratchFiles(tmpDir, problem) {
  let files = null;
  return {
    get() {
      if (files) return files;
      if (os.endianness() !== 'LE') throw new Error('writing data files needs a little-endian machine');
      const stem = path.join(tmpDir, `${problem.name}-${problem.dtype}`);
      files = { data: `${stem}-x.bin`, init: `${stem}-init.bin` };
      const bytes = (array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength);
      writeFileSync(files.data, bytes(problem.data));
      writeFileSync(files.init, bytes(problem.init));
      return files;
    },
    remove() {
      if (!files) return;
      rmSync(files.data, { force: true });
      rmSync(files.init, { force: true });
      files = null;
    },
  };
}

// Row-major typed array to number[][] (float32 values become the doubles they round to).
function toRows(values, rows, cols) {
  const out = new Array(rows);
  for (let i = 0; i < rows; i++) out[i] = Array.from(values.subarray(i * cols, (i + 1) * cols));
  return out;
}

function once(make) {
  let value;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value;
  };
}

function makeProblem(workload, blobs, dtype, tmpDir) {
  const { n, d, k } = workload;
  const data = toDtype(blobs.data, dtype);
  const problem = { name: workload.name, n, d, k, dtype, data, init: initialCenters(data, n, d, k) };
  const scratch = scratchFiles(tmpDir, problem);
  const initRows = once(() => toRows(problem.init, k, d));
  problem.files = scratch.get;
  problem.rows = once(() => toRows(data, n, d));
  problem.initRows = () => initRows().slice();
  problem.release = scratch.remove;
  return problem;
}

// ---------------------------------------------------------------------------------------------
// Measurements and checks

function median(values) {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function msPerIteration({ t1Ms, tMMs, iters }) {
  return median(t1Ms.map((t1, i) => (tMMs[i] - t1) / (iters - 1)));
}

// Relative tolerance on the inertia, between any library and the reference.
const inertiaTolerance = { float64: 1e-6, float32: 1e-3 };
const toleranceText = `${formatNumber(inertiaTolerance.float64)} (float64) / ${formatNumber(inertiaTolerance.float32)} (float32) relative`;

function relativeDifference(a, b) {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
}

function inertiaProblem(label, value, referenceLabel, reference, dtype) {
  const diff = relativeDifference(value, reference);
  if (diff <= inertiaTolerance[dtype]) return null;
  return (
    `inertia ${referenceLabel} ${reference} vs ${label} ${value}` +
    ` (relative difference ${diff.toExponential(1)} > ${formatNumber(inertiaTolerance[dtype])})`
  );
}

// iter mode: every library ran exactly its M iterations, and its inertia after M iterations agrees
// with the reference's after as many (referenceAt: Map from M to the reference's { inertia,
// relocated }, relocated being the empty clusters it relocated in those iterations).
function checkIterations(results, { dtype, referenceAt }) {
  const problems = [];
  for (const { peer, result } of results) {
    if (result.nIter !== result.iters) {
      problems.push(
        `${peer.short} stopped after ${result.nIter} of ${result.iters} iterations` +
          ' (converged early; its ms/iter is not comparable)',
      );
    }
    if (result.nIter1 !== 1) problems.push(`${peer.short} ran ${result.nIter1} iterations with maxIter 1`);
  }
  const [reference, ...others] = results;
  for (const { peer, result } of others) {
    const expected = referenceAt.get(result.iters);
    if (!expected) continue;
    const problem = inertiaProblem(peer.short, result.inertia, reference.peer.short, expected.inertia, dtype);
    if (!problem) continue;
    const why =
      expected.relocated > 0 && peer.emptyClusters
        ? ` (${reference.peer.short} relocated ${expected.relocated} empty cluster(s) in those iterations;` +
          ` ${peer.short} ${peer.emptyClusters})`
        : '';
    problems.push(`after ${result.iters} iterations: ${problem}${why}`);
  }
  return problems;
}

// fit mode: every row took as many iterations as the reference (the first row) and reached the
// same inertia; rows that do not are marked.
function checkFits(rows, { dtype }) {
  const problems = [];
  const [reference, ...others] = rows;
  for (const row of others) {
    const issues = [];
    if (row.nIter !== reference.nIter) {
      issues.push(`${row.label} took ${row.nIter} iterations, ${reference.label} ${reference.nIter}`);
    }
    const problem = inertiaProblem(row.label, row.inertia, reference.label, reference.inertia, dtype);
    if (problem) issues.push(problem);
    row.flagged = issues.length > 0;
    problems.push(...issues);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Output

function gitCommit() {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty', '--abbrev=7'], {
      cwd: repoDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

function formatMs(ms) {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  return ms < 10 ? ms.toFixed(3) : ms < 1000 ? ms.toFixed(2) : ms.toFixed(0);
}

// 1e-4 rather than 0.0001.
function formatNumber(x) {
  return x !== 0 && Math.abs(x) < 1e-2 ? x.toExponential() : String(x);
}

function formatSeconds(ms) {
  const s = ms / 1000;
  return s < 10 ? s.toFixed(1) : s.toFixed(0);
}

function formatRatio(ratio) {
  if (!Number.isFinite(ratio)) return '-';
  return ratio >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(2);
}

function formatCount(count) {
  return count === undefined || count === null ? '-' : count.toExponential(2);
}

function formatRow(columns, cells) {
  const pad = (column, cell) => (column.left ? String(cell).padEnd(column.width) : String(cell).padStart(column.width));
  return columns
    .map((column, i) => pad(column, cells[i]))
    .join('  ')
    .trimEnd();
}

function printHeader(say, columns) {
  say(
    formatRow(
      columns,
      columns.map((c) => c.title),
    ),
  );
  say(
    formatRow(
      columns,
      columns.map((c) => '-'.repeat(c.width)),
    ),
  );
}

function workloadColumns(workloads) {
  return [
    { title: 'workload', width: Math.max(8, ...workloads.map((w) => w.name.length)), left: true },
    { title: 'dtype', width: 7, left: true },
    { title: 'threads', width: 7 },
  ];
}

const finiteOrNull = (x) => (Number.isFinite(x) ? x : null);

// The largest value of ratio(row) over rows, with its workload and dtype, or null.
function worst(rows, ratio) {
  let found = null;
  for (const row of rows) {
    const value = ratio(row);
    if (Number.isFinite(value) && (!found || value > found.value)) {
      found = { value, where: `${row.workload} ${row.dtype}` };
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Throughput against the machine's ceilings

// The ceilings for iter mode's percentages, at --threads threads: the float32 FMA peak and the
// memory read bandwidth, as given (--peak-gflops, --read-gbs) or else measured by roofline.mjs.
// Resolves to { fmaGflops, readGBs, source } (a null ceiling: no percentage).
async function measurePeaks(options, say) {
  const peaks = { fmaGflops: options.peakGflops, readGBs: options.readGBs, source: {} };
  for (const key of ['fmaGflops', 'readGBs']) if (peaks[key] !== null) peaks.source[key] = 'given';
  if (!options.roofline || (peaks.fmaGflops !== null && peaks.readGBs !== null)) return peaks;
  try {
    const measured = await measureRoofline({ threads: [options.threads], log: say });
    const where = `roofline.mjs, ${measured.isa}`;
    if (peaks.fmaGflops === null) {
      peaks.fmaGflops = measured.fmaGflops.float32[options.threads];
      peaks.source.fmaGflops = where;
    }
    if (peaks.readGBs === null) {
      peaks.readGBs = measured.readGBs[options.threads];
      peaks.source.readGBs = where;
    }
  } catch (error) {
    say(`note: roofline not measured (${error.message.split('\n')[0]}); no percentages of the peaks`);
  }
  return peaks;
}

function describeThroughput(say, threads, peaks) {
  const given = (key, unit) =>
    peaks[key] === null ? 'not measured' : `${peaks[key].toFixed(1)} ${unit} (${peaks.source[key]})`;
  say('GFLOP/s = 2 n k d / (ours ms/iter), GB/s = n d bytes per value / (ours ms/iter);');
  say(
    `%FMA: of the float32 FMA peak at ${threads} thread${threads === 1 ? '' : 's'}, ${given('fmaGflops', 'GFLOP/s')},` +
      ' for float64 data too (ours computes distances in float32 by default);',
  );
  say(`%read: of the memory read bandwidth, ${given('readGBs', 'GB/s')}`);
}

// One iteration's distance work (2 n k d flops: a multiply and an add per value, center and row)
// and input data (n d values), over its time. Percentages against peaks where given: this
// library computes distances in float32 (float64 data included, by default), hence the float32
// FMA peak for every dtype.
function throughput({ n, d, k, dtype }, ms, peaks) {
  const valid = Number.isFinite(ms) && ms > 0;
  const gflops = valid ? (2 * n * k * d) / ms / 1e6 : null;
  const gbPerS = valid ? (n * d * bytesPerValue[dtype]) / ms / 1e6 : null;
  const percent = (value, peak) => (value !== null && peak ? (100 * value) / peak : null);
  return {
    gflops,
    gbPerS,
    fmaPeakPercent: percent(gflops, peaks?.fmaGflops),
    readPeakPercent: percent(gbPerS, peaks?.readGBs),
    fmaPeakGflops: peaks?.fmaGflops ?? null,
    readPeakGBs: peaks?.readGBs ?? null,
  };
}

const bytesPerValue = { float64: 8, float32: 4 };

function formatRate(x) {
  if (x === null) return '-';
  return x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0);
}

function formatPercent(x) {
  if (x === null) return '-';
  return x < 10 ? x.toFixed(1) : x.toFixed(0);
}

// ---------------------------------------------------------------------------------------------
// Modes. Each has header(), run(problem), which measures one workload in one dtype and prints its
// rows, and summary(), which prints the checks and the worst ratios.

function iterMode({ peers, options, say, emit, peaks }) {
  const { iters, peerIters, repeats } = options;
  const [reference, ...others] = peers;
  const compared = reference === ours ? others : [];
  const columns = [
    ...workloadColumns(options.workloads),
    ...peers.map((peer) => ({ title: `${peer.short} ms/iter`, width: Math.max(10, peer.short.length + 8) })),
    ...compared.map((peer) => ({ title: `ours/${peer.short}`, width: Math.max(9, peer.short.length + 5) })),
    ...(reference === ours
      ? [
          { title: 'GFLOP/s', width: 7 },
          { title: '%FMA', width: 5 },
          { title: 'GB/s', width: 6 },
          { title: '%read', width: 5 },
        ]
      : []),
    { title: 'check', width: 5, left: true },
  ];
  const slowPeers = peers.filter((peer) => peer.slow);
  const rows = [];
  const details = [];
  const notes = [];

  return {
    header() {
      say(`Lloyd iterations: ms/iter = (T(maxIter=M) - T(maxIter=1)) / (M - 1), median of ${repeats}, tol 0`);
      const peerM = slowPeers.length ? `; ${slowPeers.map((p) => p.short).join(', ')}: M = ${peerIters}` : '';
      say(`M = ${iters}${peerM}`);
      if (reference === ours) describeThroughput(say, options.threads, peaks);
      if (slowPeers.length) {
        say(
          `${slowPeers.map((p) => p.short).join(' and ')} run on 1 thread in float64 (float32 rows: the` +
            ` float32-rounded values); skipped where one iteration takes over ${options.peerBudgetMs / 1000} s`,
        );
      }
      say();
      printHeader(say, columns);
    },

    async run(problem) {
      const results = [];
      const skipped = new Map();
      const failed = [];
      for (const peer of peers) {
        try {
          const result = await peer.perIteration(problem, options);
          if (result.skipped) {
            skipped.set(peer, result.skipped);
            notes.push(`${problem.name} ${problem.dtype}: ${peer.short} skipped (${result.skipped})`);
          } else {
            results.push({ peer, result });
          }
        } catch (error) {
          failed.push(peer);
          details.push(`${problem.name} ${problem.dtype}: ${peer.short} failed: ${error.message}`);
        }
      }

      // The reference after each M used, for the inertia checks.
      const referenceAt = new Map();
      if (results[0]?.peer === ours) {
        referenceAt.set(results[0].result.iters, results[0].result);
        for (const { result } of results) {
          if (!referenceAt.has(result.iters)) {
            referenceAt.set(result.iters, await ours.once(problem, result.iters, options));
          }
        }
      }
      const problems = checkIterations(results, { dtype: problem.dtype, referenceAt });
      for (const issue of problems) details.push(`${problem.name} ${problem.dtype}: ${issue}`);

      const perIter = new Map(results.map(({ peer, result }) => [peer, msPerIteration(result)]));
      const ratios = new Map(compared.map((peer) => [peer, perIter.get(ours) / perIter.get(peer)]));
      const rate = (peer) => throughput(problem, perIter.get(peer), peer === ours ? peaks : null);
      const oursRate = rate(ours);
      const cells = [
        problem.name,
        problem.dtype,
        options.threads,
        ...peers.map((peer) => (skipped.has(peer) ? 'skipped' : formatMs(perIter.get(peer)))),
        ...compared.map((peer) => formatRatio(ratios.get(peer))),
        ...(reference === ours
          ? [
              formatRate(oursRate.gflops),
              formatPercent(oursRate.fmaPeakPercent),
              formatRate(oursRate.gbPerS),
              formatPercent(oursRate.readPeakPercent),
            ]
          : []),
        failed.length ? 'FAIL' : problems.length ? 'FLAG' : 'ok',
      ];
      say(formatRow(columns, cells));
      rows.push({ workload: problem.name, dtype: problem.dtype, ratios, flagged: problems.length > 0 });

      for (const peer of peers) {
        const found = results.find((r) => r.peer === peer);
        if (!found && !skipped.has(peer)) continue;
        const result = found?.result ?? {};
        emit({
          mode: 'iter',
          problem,
          library: peer,
          algorithm: 'lloyd',
          threads: peer.threads(options),
          ms: perIter.get(peer) ?? null,
          nIter: result.nIter ?? null,
          inertia: result.inertia ?? null,
          distanceEvals: result.distanceEvals ?? null,
          fields: {
            iters: result.iters ?? (slowPeers.includes(peer) ? peerIters : iters),
            repeats,
            oursOverThis: finiteOrNull(perIter.get(ours) / perIter.get(peer)),
            ...rate(peer),
            skipped: skipped.get(peer) ?? null,
            t1Ms: result.t1Ms ?? null,
            tMMs: result.tMMs ?? null,
            threadpools: result.threadpools,
            checks: problems,
          },
        });
      }
    },

    summary() {
      say();
      for (const note of notes) say(note);
      if (details.length) {
        say('Checks (ratios and times may be unreliable for these rows):');
        for (const detail of details) say(`  ${detail}`);
      } else {
        const agree =
          peers.length > 1 ? `; inertias agree with ours after as many iterations within ${toleranceText}` : '';
        say(`Checks: every library ran its M iterations${agree}.`);
      }
      if (!compared.length) return;
      say('ours/<peer> below 1 means this library is faster.');
      const parts = compared.map((peer) => {
        const found = worst(rows, (row) => row.ratios.get(peer));
        if (!found) return `ours/${peer.short} -`;
        const faster = found.value < 1 ? `, ours ${(1 / found.value).toFixed(found.value > 0.1 ? 1 : 0)}x faster` : '';
        return `ours/${peer.short} ${formatRatio(found.value)} (${found.where}${faster})`;
      });
      say(`Summary (iter), worst ratio across rows: ${parts.join('; ')}`);
    },
  };
}

function fitMode({ peers, options, say, emit }) {
  const { maxIter, tol, repeats } = options;
  const fitPeers = peers.filter((peer) => typeof peer.toConvergence === 'function');
  const sklearn = fitPeers.find((peer) => peer.short === 'sklearn');
  const columns = [
    ...workloadColumns(options.workloads),
    { title: 'library', width: Math.max(7, ...fitPeers.map((peer) => peer.short.length)), left: true },
    { title: 'algorithm', width: 14, left: true },
    { title: 'ms to conv', width: 10 },
    { title: 'nIter', width: 5 },
    { title: 'inertia', width: 15 },
    { title: 'dist evals', width: 10 },
    { title: 'vs sklearn', width: 10 },
    { title: 'check', width: 5, left: true },
  ];
  const summaries = [];
  const details = [];

  return {
    header() {
      say(`Fits to convergence from the given centers: tol ${formatNumber(tol)}, maxIter ${maxIter}`);
      say(`ms to conv = median of ${repeats} whole fits; dist evals = sample-to-center distances computed`);
      say('auto (x): the algorithm that auto chose');
      if (sklearn) say("vs sklearn = ms / the faster of scikit-learn's lloyd and elkan on that workload");
      say();
      printHeader(say, columns);
    },

    async run(problem) {
      const rows = [];
      let failed = false;
      for (const peer of fitPeers) {
        try {
          for (const entry of await peer.toConvergence(problem, options)) {
            rows.push({ peer, label: `${peer.short} ${entry.algorithm}`, msMedian: median(entry.ms), ...entry });
          }
        } catch (error) {
          failed = true;
          details.push(`${problem.name} ${problem.dtype}: ${peer.short} failed: ${error.message}`);
        }
      }
      const problems = rows[0]?.peer === ours ? checkFits(rows, { dtype: problem.dtype }) : [];
      for (const issue of problems) details.push(`${problem.name} ${problem.dtype}: ${issue}`);

      const sklearnRows = rows.filter((row) => row.peer === sklearn);
      const best = sklearnRows.length ? Math.min(...sklearnRows.map((row) => row.msMedian)) : NaN;
      for (const row of rows) {
        row.overBestSklearn = row.msMedian / best;
        const cells = [
          problem.name,
          problem.dtype,
          options.threads,
          row.peer.short,
          row.algorithmUsed && row.algorithmUsed !== row.algorithm
            ? `${row.algorithm} (${row.algorithmUsed})`
            : row.algorithm,
          formatMs(row.msMedian),
          row.nIter,
          row.inertia.toExponential(8),
          formatCount(row.distanceEvals),
          formatRatio(row.overBestSklearn),
          failed ? 'FAIL' : row.flagged ? 'FLAG' : 'ok',
        ];
        say(formatRow(columns, cells));
        emit({
          mode: 'fit',
          problem,
          library: row.peer,
          algorithm: row.algorithm,
          threads: row.peer.threads(options),
          ms: row.msMedian,
          nIter: row.nIter,
          inertia: row.inertia,
          distanceEvals: row.distanceEvals ?? null,
          fields: {
            algorithmUsed: row.algorithmUsed ?? row.algorithm,
            repeats,
            tol,
            maxIter,
            converged: row.converged ?? null,
            overBestSklearn: finiteOrNull(row.overBestSklearn),
            fitMs: row.ms,
            threadpools: row.threadpools,
            checks: problems,
          },
        });
      }
      const auto = rows.find((row) => row.peer === ours && row.algorithm === 'auto');
      summaries.push({ workload: problem.name, dtype: problem.dtype, ratio: auto?.overBestSklearn });
    },

    summary() {
      say();
      if (details.length) {
        say('Checks (ratios and times may be unreliable for these rows):');
        for (const detail of details) say(`  ${detail}`);
      } else {
        say(`Checks: every fit took as many iterations as ours lloyd and reached its inertia within ${toleranceText}.`);
      }
      if (!sklearn) return;
      const found = worst(summaries, (row) => row.ratio);
      const text = found ? `${formatRatio(found.value)} (${found.where})` : '-';
      say(`Summary (fit), worst ratio across rows: ours auto / best of sklearn lloyd and elkan ${text}`);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Main

// This library warns, as scikit-learn does, when a fit ends with fewer distinct clusters than k,
// which short fits can; those warnings stay out of the tables (scikit-learn's are silenced too).
function silenceClusterWarnings() {
  const listeners = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.code === 'KMEANS_FEWER_DISTINCT_CLUSTERS') return;
    for (const listener of listeners) listener.call(process, warning);
  });
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  silenceClusterWarnings();
  // With --json, stdout carries only the JSON lines; everything for people goes to stderr.
  const say = options.json ? (line = '') => process.stderr.write(`${line}\n`) : (line = '') => console.log(line);

  const peers = [];
  const notes = [];
  for (const peer of peerList(options)) {
    const setup = await peer.setup(options);
    if (setup.skip) {
      notes.push(setup.skip);
      continue;
    }
    peer.version = setup.version;
    peer.detail = setup.detail;
    peers.push(peer);
  }
  for (const note of notes) say(`note: ${note}`);
  if (peers.length === 0) {
    say('nothing to time');
    process.exitCode = 1;
    return;
  }

  const cpus = os.cpus();
  const machine = {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    commit: gitCommit(),
  };
  say(
    `CPU ${machine.cpu}, ${machine.cores} cores | node ${machine.node} | threads ${options.threads}` +
      ` | commit ${machine.commit}`,
  );
  for (const peer of peers) say(`${peer.short}: ${peer.name} ${peer.version}${peer.detail ? ` (${peer.detail})` : ''}`);

  const emit = ({ mode, problem, library, algorithm, threads, ms, nIter, inertia, distanceEvals, fields }) => {
    if (!options.json) return;
    const { name: workload, n, d, k, dtype } = problem;
    const line = {
      mode,
      workload,
      n,
      d,
      k,
      dtype,
      library: library.name,
      version: library.version,
      algorithm,
      threads,
      ms,
      nIter,
      inertia,
      distanceEvals,
      ...fields,
      ...machine,
    };
    console.log(JSON.stringify(line));
  };

  const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'kmeans-bench-'));
  const cleanUp = () => rmSync(tmpDir, { recursive: true, force: true });
  process.on('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      cleanUp();
      process.exit(128 + os.constants.signals[signal]);
    });
  }

  // Measured before any workload runs, so that the roofline's 1 GiB array is gone by then.
  const peaks = options.modes.includes('iter') ? await measurePeaks(options, say) : null;

  const makeMode = { iter: iterMode, fit: fitMode };
  try {
    for (const name of options.modes) {
      const mode = makeMode[name]({ peers, options, say, emit, peaks });
      say();
      mode.header();
      for (const workload of options.workloads) {
        const { n, d, k, std, seed } = workload;
        const blobs = makeBlobs({ n, d, k, std, seed });
        for (const dtype of options.dtypes) {
          const problem = makeProblem(workload, blobs, dtype, tmpDir);
          try {
            await mode.run(problem);
          } finally {
            problem.release();
          }
        }
      }
      mode.summary();
    }
  } finally {
    cleanUp();
  }
  if (options.metrics) runMetricsBench(options);
}

// The silhouette row (bench/metrics.mjs, npm run bench:metrics), with the same threads and peers.
function runMetricsBench(options) {
  const args = [path.join(benchDir, 'metrics.mjs'), '--threads', String(options.threads)];
  if (options.json) args.push('--json');
  if (!options.sklearn) args.push('--no-sklearn');
  if (options.keepOpenblasEnv) args.push('--keep-openblas-env');
  const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (run.status !== 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error.message);
  process.exitCode = 1;
});
