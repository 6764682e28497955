// Lloyd iteration benchmark: kmeans-native against scikit-learn on the same data and initial centers.
//
//   node bench/lloyd.mjs [--workloads a,b | --all] [--dtypes float64,float32] [--threads N]
//                        [--repeats R] [--iters M] [--json] [--no-sklearn]
//
// Every library is timed the same way, so that fixed costs (validation, copies, the final label
// assignment) cancel: ms per iteration = (T(maxIter=M) - T(maxIter=1)) / (M - 1), taken per repeat
// after one untimed warm-up fit, median over the repeats. See bench/README.md.

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { initialCenters, makeBlobs, toDtype } from './data.js';
import { dtypes as allDtypes, selectWorkloads, workloads as allWorkloads } from './workloads.js';
import { findPython } from '../scripts/python.js';

const require = createRequire(import.meta.url);
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.dirname(benchDir);

const usage = `Usage: node bench/lloyd.mjs [options]

Options:
  --workloads a,b   workloads to run (default: the default set; see bench/workloads.js)
  --all             run every workload
  --dtypes a,b      float64, float32 or both (default: both)
  --threads N       threads for every library (default: ${os.availableParallelism()}, the number of cores)
  --repeats R       timed repeats per measurement; the median is reported (default: 5)
  --iters M         iterations of the long fit, at least 2 (default: 6)
  --json            print one JSON line per library and measurement on stdout (the table goes to stderr)
  --no-sklearn      time this library only
  -h, --help        show this help

Workloads: ${allWorkloads.map((w) => w.name + (w.default === false ? ' (not default)' : '')).join(', ')}`;

// ---------------------------------------------------------------------------------------------
// Options

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      workloads: { type: 'string' },
      all: { type: 'boolean', default: false },
      dtypes: { type: 'string' },
      threads: { type: 'string' },
      repeats: { type: 'string', default: '5' },
      iters: { type: 'string', default: '6' },
      json: { type: 'boolean', default: false },
      'no-sklearn': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const list = (value) => (value ? value.split(',').map((s) => s.trim()).filter(Boolean) : []);
  const integer = (name, value, min) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min) {
      throw new Error(`--${name} must be an integer >= ${min}, got '${value}'`);
    }
    return number;
  };
  const dtypes = values.dtypes ? list(values.dtypes) : allDtypes;
  for (const dtype of dtypes) {
    if (!allDtypes.includes(dtype)) {
      throw new Error(`unknown dtype '${dtype}' (known: ${allDtypes.join(', ')})`);
    }
  }
  return {
    workloads: selectWorkloads({ names: list(values.workloads), all: values.all }),
    dtypes,
    threads: values.threads ? integer('threads', values.threads, 1) : os.availableParallelism(),
    repeats: integer('repeats', values.repeats, 1),
    iters: integer('iters', values.iters, 2),
    json: values.json,
    sklearn: !values['no-sklearn'],
  };
}

// ---------------------------------------------------------------------------------------------
// Peers: the libraries being timed. The first one is this library, the reference for the ratios and
// the correctness checks. Each peer has
//   name, short          display names (short is the table column)
//   setup(options)       loads the library; returns { version, detail? } or { skip: 'reason' }
//   run(problem, opts)   returns { t1Ms: [...], tMMs: [...], nIter1, nIter, inertia } where t1Ms[i]
//                        and tMMs[i] are repeat i's fits with maxIter 1 and maxIter M
// A JavaScript peer only has to say how to fit once; jsPeer() does the timing (see ours below).

// Times fit(1) and fit(M) in this process, interleaved, after one untimed warm-up fit.
async function timeInProcess(fit, { iters, repeats }) {
  const timed = async (maxIter) => {
    const start = performance.now();
    const result = await fit(maxIter);
    return { ms: performance.now() - start, result };
  };
  await timed(1);
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
  return { t1Ms, tMMs, nIter1: first.nIter, nIter: last.nIter, inertia: last.inertia };
}

// load() returns { lib, version, detail? } or throws; fit(lib, problem, maxIter, threads) returns
// (or resolves to) { nIter, inertia }.
function jsPeer({ name, short, load, fit }) {
  let lib = null;
  return {
    name,
    short,
    setup() {
      try {
        const loaded = load();
        lib = loaded.lib;
        return { version: loaded.version, detail: loaded.detail };
      } catch (error) {
        return { skip: error.message.split('\n')[0] };
      }
    },
    run(problem, { iters, repeats, threads }) {
      return timeInProcess((maxIter) => fit(lib, problem, maxIter, threads), { iters, repeats });
    },
  };
}

const ours = jsPeer({
  name: 'kmeans-native',
  short: 'ours',
  load() {
    let lib;
    try {
      lib = require('..');
    } catch (error) {
      if (error.code === 'MODULE_NOT_FOUND') {
        throw new Error(`kmeans-native is not built (${error.message.split('\n')[0]}); run npm run build`);
      }
      throw error;
    }
    const info = typeof lib.info === 'function' ? lib.info() : null;
    const detail = info ? `simd ${info.simd ?? '?'}, max threads ${info.maxThreads ?? '?'}` : undefined;
    return { lib, version: require('../package.json').version, detail };
  },
  async fit({ KMeans }, { data, init, n, d, k }, maxIter, threads) {
    const km = new KMeans({
      nClusters: k,
      init: { data: init, rows: k, cols: d },
      nInit: 1,
      maxIter,
      tol: 0,
      threads,
    });
    const fitted = (await km.fit({ data, rows: n, cols: d })) ?? km;
    return { nIter: fitted.nIter, inertia: fitted.inertia };
  },
});

const sklearnNote =
  'scikit-learn not found: set PYTHON or apt-get install -y python3-sklearn; timing this library only';

function sklearnPeer() {
  let python = null;
  return {
    name: 'scikit-learn',
    short: 'sklearn',
    setup() {
      python = findPython(['sklearn', 'threadpoolctl']);
      if (!python) return { skip: sklearnNote };
      const probe = 'import json, numpy, sklearn; print(json.dumps([sklearn.__version__, numpy.__version__]))';
      const [version, numpy] = JSON.parse(execFileSync(python, ['-c', probe], { encoding: 'utf8' }));
      return { version, detail: `numpy ${numpy}, ${python}` };
    },
    async run(problem, { iters, repeats, threads }) {
      const files = problem.files();
      const args = [
        path.join(benchDir, 'sklearn_lloyd.py'),
        '--data', files.data,
        '--init', files.init,
        '--rows', String(problem.n),
        '--cols', String(problem.d),
        '--clusters', String(problem.k),
        '--dtype', problem.dtype,
        '--iters', String(iters),
        '--repeats', String(repeats),
        '--threads', String(threads),
      ];
      const env = { ...process.env, OMP_NUM_THREADS: String(threads) };
      const stdout = await runChild(python, args, env);
      return JSON.parse(stdout.trim().split('\n').pop());
    },
  };
}

// The libraries timed, in table order; the first is the reference for the ratios and checks.
// ml-kmeans or skmeans, say, would be further jsPeer() entries.
const peerList = [ours, sklearnPeer()];

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
// Measurements

function median(values) {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function msPerIteration({ t1Ms, tMMs }, iters) {
  return median(t1Ms.map((t1, i) => (tMMs[i] - t1) / (iters - 1)));
}

// Relative tolerance on the inertia after M iterations, between any library and the reference.
const inertiaTolerance = { float64: 1e-6, float32: 1e-3 };

function relativeDifference(a, b) {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
}

// The checks of one workload x dtype: every library ran M iterations, and the inertias agree.
function check(results, { iters, dtype }) {
  const problems = [];
  for (const { peer, result } of results) {
    if (result.nIter !== iters) {
      problems.push(
        `${peer.short} stopped after ${result.nIter} of ${iters} iterations` +
          ' (converged early; its ms/iter is not comparable)',
      );
    }
    if (result.nIter1 !== 1) problems.push(`${peer.short} ran ${result.nIter1} iterations with maxIter 1`);
  }
  const [reference, ...others] = results;
  for (const { peer, result } of others) {
    if (!reference) break;
    const diff = relativeDifference(result.inertia, reference.result.inertia);
    if (!(diff <= inertiaTolerance[dtype])) {
      problems.push(
        `inertia ${reference.peer.short} ${reference.result.inertia} vs ${peer.short} ${result.inertia}` +
          ` (relative difference ${diff.toExponential(1)} > ${inertiaTolerance[dtype]})`,
      );
    }
  }
  return problems;
}

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

// ---------------------------------------------------------------------------------------------
// Output

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repoDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

function formatMs(ms) {
  if (ms === undefined) return '-';
  return ms < 10 ? ms.toFixed(3) : ms < 1000 ? ms.toFixed(2) : ms.toFixed(0);
}

function tableColumns(peers, workloads) {
  const [reference, ...others] = peers;
  const columns = [
    { title: 'workload', width: Math.max(8, ...workloads.map((w) => w.name.length)), left: true },
    { title: 'dtype', width: 7, left: true },
    { title: 'threads', width: 7 },
    ...peers.map((peer) => ({ title: `${peer.short} ms/iter`, width: Math.max(10, peer.short.length + 8) })),
  ];
  if (reference?.short === 'ours') {
    for (const peer of others) {
      columns.push({ title: `ours/${peer.short}`, width: Math.max(9, peer.short.length + 5) });
    }
  }
  columns.push({ title: 'check', width: 5, left: true });
  return columns;
}

function formatRow(columns, cells) {
  const pad = (column, cell) => (column.left ? String(cell).padEnd(column.width) : String(cell).padStart(column.width));
  return columns
    .map((column, i) => pad(column, cells[i]))
    .join('  ')
    .trimEnd();
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const { iters, repeats, threads } = options;
  // With --json, stdout carries only the JSON lines; everything for people goes to stderr.
  const say = options.json ? (line = '') => process.stderr.write(`${line}\n`) : (line = '') => console.log(line);

  const candidates = peerList.filter((peer) => options.sklearn || peer.short !== 'sklearn');
  const peers = [];
  const notes = [];
  for (const peer of candidates) {
    const setup = peer.setup(options);
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
  say(`Lloyd iterations: ms/iter = (T(maxIter=${iters}) - T(maxIter=1)) / ${iters - 1}, median of ${repeats}`);
  say(`CPU ${machine.cpu}, ${machine.cores} cores | node ${machine.node} | threads ${threads} | commit ${machine.commit}`);
  for (const peer of peers) say(`${peer.short}: ${peer.name} ${peer.version}${peer.detail ? ` (${peer.detail})` : ''}`);
  say();

  const columns = tableColumns(peers, options.workloads);
  say(formatRow(columns, columns.map((c) => c.title)));
  say(formatRow(columns, columns.map((c) => '-'.repeat(c.width))));

  const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'kmeans-bench-'));
  const cleanUp = () => rmSync(tmpDir, { recursive: true, force: true });
  process.on('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      cleanUp();
      process.exit(128 + os.constants.signals[signal]);
    });
  }

  const details = [];
  try {
    for (const workload of options.workloads) {
      const { n, d, k } = workload;
      const blobs = makeBlobs({ n, d, k, seed: workload.seed });
      for (const dtype of options.dtypes) {
        const data = toDtype(blobs.data, dtype);
        const problem = { name: workload.name, n, d, k, dtype, data, init: initialCenters(data, n, d, k) };
        const scratch = scratchFiles(tmpDir, problem);
        problem.files = scratch.get;

        const results = [];
        for (const peer of peers) {
          try {
            results.push({ peer, result: await peer.run(problem, options) });
          } catch (error) {
            details.push(`${workload.name} ${dtype}: ${peer.short} failed: ${error.message}`);
          }
        }
        const problems = check(results, { iters, dtype });
        const failed = peers.filter((peer) => !results.some((r) => r.peer === peer));
        for (const issue of problems) details.push(`${workload.name} ${dtype}: ${issue}`);

        const perIter = new Map(results.map(({ peer, result }) => [peer, msPerIteration(result, iters)]));
        const cells = [workload.name, dtype, threads, ...peers.map((peer) => formatMs(perIter.get(peer)))];
        if (peers[0].short === 'ours') {
          for (const peer of peers.slice(1)) {
            const ratio = perIter.get(peers[0]) / perIter.get(peer);
            cells.push(Number.isFinite(ratio) ? ratio.toFixed(2) : '-');
          }
        }
        cells.push(failed.length ? 'FAIL' : problems.length ? 'FLAG' : 'ok');
        say(formatRow(columns, cells));

        if (options.json) {
          for (const { peer, result } of results) {
            const line = {
              workload: workload.name,
              n,
              d,
              k,
              dtype,
              threads,
              library: peer.name,
              version: peer.version,
              iters,
              repeats,
              msPerIter: perIter.get(peer),
              oursOverThis: peers[0].short === 'ours' ? perIter.get(peers[0]) / perIter.get(peer) : null,
              nIter: result.nIter,
              inertia: result.inertia,
              t1Ms: result.t1Ms,
              tMMs: result.tMMs,
              checks: problems,
              ...machine,
            };
            console.log(JSON.stringify(line));
          }
        }
        scratch.remove();
      }
    }
  } finally {
    cleanUp();
  }

  say();
  if (details.length) {
    say('Checks (ratios and times may be unreliable for these rows):');
    for (const detail of details) say(`  ${detail}`);
  } else {
    const agree = peers.length > 1
      ? `; inertias agree within ${inertiaTolerance.float64} (float64) / ${inertiaTolerance.float32} (float32) relative`
      : '';
    say(`Checks: every library ran ${iters} iterations${agree}.`);
  }
  if (peers.length > 1 && peers[0].short === 'ours') say('ours/<peer> below 1 means this library is faster.');
}

main().catch((error) => {
  console.error(error.message);
  process.exitCode = 1;
});
