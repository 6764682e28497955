// Roofline microbenchmark: this machine's peak fused multiply-add throughput (float32 and float64,
// at the widest vector width the CPU has) and its sustained memory read bandwidth, for 1 thread
// and for all cores: the ceilings that a k-means iteration's GFLOP/s and GB/s are measured against.
//
//   node bench/roofline.mjs [--threads 1,N] [--runs R] [--seconds S] [--mib M] [--json]
//
// Builds roofline.cpp with the system C++ compiler ($CXX, else c++, g++ or clang++) once per
// instruction-set variant, in a temporary folder removed afterwards, and runs the widest variant
// this CPU supports (each build checks the CPU first, and declines rather than crash where the
// CPU lacks its instructions). The table goes to stderr; with --json, one JSON object goes to
// stdout. lloyd.mjs uses measureRoofline() for its percentages of the peaks. See bench/README.md.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const run = promisify(execFile);
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const source = path.join(benchDir, 'roofline.cpp');

// Widest first. The accumulators (independent FMA chains) fill most of the vector registers:
// 32 with AVX-512, 16 with AVX2 and SSE2, leaving room for the two operands.
const variants = [
  { isa: 'avx512', x64: true, flags: ['-mavx512f', '-mfma'], vectorBytes: 64, accumulators: 24 },
  { isa: 'avx2', x64: true, flags: ['-mavx2', '-mfma'], vectorBytes: 32, accumulators: 12 },
  // The compiler's default target, with 128-bit vectors: NEON on arm64, SSE2 (no FMA: a
  // multiply and an add, counted as the same 2 flops) on an x86-64 CPU without AVX2.
  { isa: 'baseline', flags: [], vectorBytes: 16, accumulators: 12 },
];

const defaults = { runs: 5, seconds: 0.2, mib: 1024 };

const usage = `Usage: node bench/roofline.mjs [options]

Options:
  --threads a,b   thread counts to measure (default: 1 and ${os.availableParallelism()}, the number of cores)
  --runs R        runs per measurement; the best is reported (default: ${defaults.runs})
  --seconds S     length of one run (default: ${defaults.seconds})
  --mib M         size of the array read, in MiB (default: ${defaults.mib})
  --json          print one JSON object on stdout (the table goes to stderr)
  -h, --help      show this help`;

// The compiler command: $CXX (which may carry arguments), else the first of c++, g++ and clang++
// that runs. Resolves to { command: [...], version }.
async function findCompiler() {
  const candidates = process.env.CXX ? [process.env.CXX.trim().split(/\s+/)] : [['c++'], ['g++'], ['clang++']];
  for (const command of candidates) {
    try {
      const { stdout } = await run(command[0], [...command.slice(1), '--version']);
      return { command, version: stdout.split('\n')[0].trim() };
    } catch {
      // not installed: try the next
    }
  }
  throw new Error(`no C++ compiler found (${process.env.CXX ? `CXX=${process.env.CXX}` : 'c++, g++, clang++'})`);
}

// Builds one variant into dir; resolves to its path and how it runs threads, or null where the
// compiler cannot build it. OpenMP first; without it (no libgomp or libomp), std::thread.
async function build(compiler, variant, dir) {
  const output = path.join(dir, `roofline-${variant.isa}`);
  const args = [
    ...compiler.command.slice(1),
    '-std=c++17',
    '-O2',
    // FMA instructions from a * b + c on vectors (off by default in the ISO dialects).
    '-ffp-contract=fast',
    '-pthread',
    ...variant.flags,
    `-DVEC_BYTES=${variant.vectorBytes}`,
    `-DACCUMULATORS=${variant.accumulators}`,
    source,
    '-o',
    output,
  ];
  for (const openmp of [['-fopenmp'], []]) {
    try {
      await run(compiler.command[0], [...openmp, ...args]);
      return { ...variant, binary: output };
    } catch {
      // try the next way, or give up on this variant
    }
  }
  return null;
}

// Measures the peaks. Resolves to { cpu, cores, isa, vectorBits, accumulators, parallel, compiler,
// threads, runs, seconds, arrayBytes, fmaGflops: { float32: { [threads]: GFLOP/s }, float64: {...} },
// readGBs: { [threads]: GB/s } }. log(line) reports progress.
export async function measureRoofline({
  threads = [...new Set([1, os.availableParallelism()])],
  runs = defaults.runs,
  seconds = defaults.seconds,
  mib = defaults.mib,
  log = () => {},
} = {}) {
  const compiler = await findCompiler();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kmeans-roofline-'));
  const cleanUp = () => rmSync(dir, { recursive: true, force: true });
  process.on('exit', cleanUp);
  try {
    const candidates = variants.filter((variant) => !variant.x64 || os.arch() === 'x64');
    const built = (await Promise.all(candidates.map((variant) => build(compiler, variant, dir)))).filter(Boolean);
    if (!built.length) throw new Error(`${compiler.command.join(' ')} could not build ${path.basename(source)}`);
    const args = ['--threads', threads.join(','), '--runs', runs, '--seconds', seconds, '--mib', mib].map(String);
    for (const variant of built) {
      let stdout;
      try {
        log(`roofline: ${variant.isa}, threads ${threads.join(', ')}, best of ${runs} runs of ${seconds} s`);
        ({ stdout } = await run(variant.binary, args, { maxBuffer: 1 << 20 }));
      } catch (error) {
        // Exit code 3: the CPU lacks this variant's instructions; the next one is narrower.
        if (error.code === 3) {
          log(`${error.stderr.trim()}: skipping ${variant.isa}`);
          continue;
        }
        throw new Error(`roofline (${variant.isa}) failed: ${(error.stderr || error.message).trim()}`);
      }
      const measured = JSON.parse(stdout);
      return {
        cpu: os.cpus()[0]?.model ?? 'unknown',
        cores: os.availableParallelism(),
        isa: variant.isa,
        vectorBits: measured.vectorBits,
        accumulators: measured.accumulators,
        parallel: measured.parallel,
        compiler: compiler.version,
        threads,
        runs,
        seconds,
        arrayBytes: measured.arrayBytes,
        fmaGflops: measured.fmaGflops,
        readGBs: measured.readGBs,
      };
    }
    throw new Error(`none of the variants built (${built.map((v) => v.isa).join(', ')}) runs on this CPU`);
  } finally {
    process.off('exit', cleanUp);
    cleanUp();
  }
}

function formatBytes(bytes) {
  return bytes >= 2 ** 30 ? `${bytes / 2 ** 30} GiB` : `${bytes / 2 ** 20} MiB`;
}

export function printRoofline(result, say) {
  const { threads } = result;
  const label = (t) => `${t} thread${t === 1 ? '' : 's'}`;
  const width = Math.max(9, ...threads.map((t) => label(t).length));
  const row = (title, values) =>
    title.padEnd(20) + threads.map((t) => values[t].toFixed(1).padStart(width + 2)).join('');
  say(
    `Roofline: ${result.cpu}, ${result.cores} cores | ${result.isa} (${result.vectorBits}-bit vectors,` +
      ` ${result.accumulators} FMA chains) | ${result.compiler}, ${result.parallel}`,
  );
  say(`best of ${result.runs} runs of ~${result.seconds} s; read: sums over a ${formatBytes(result.arrayBytes)} array`);
  say();
  say(''.padEnd(20) + threads.map((t) => label(t).padStart(width + 2)).join(''));
  say(row('FMA float32 GFLOP/s', result.fmaGflops.float32));
  say(row('FMA float64 GFLOP/s', result.fmaGflops.float64));
  say(row('read GB/s', result.readGBs));
}

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      threads: { type: 'string' },
      runs: { type: 'string', default: String(defaults.runs) },
      seconds: { type: 'string', default: String(defaults.seconds) },
      mib: { type: 'string', default: String(defaults.mib) },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const integer = (name, value) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1) throw new Error(`--${name} must be an integer >= 1, got '${value}'`);
    return number;
  };
  const seconds = Number(values.seconds);
  if (!(seconds > 0)) throw new Error(`--seconds must be a number > 0, got '${values.seconds}'`);
  return {
    threads: values.threads
      ? [...new Set(values.threads.split(',').map((t) => integer('threads', t.trim())))]
      : undefined,
    runs: integer('runs', values.runs),
    seconds,
    mib: integer('mib', values.mib),
    json: values.json,
  };
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const say = (line = '') => process.stderr.write(`${line}\n`);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    // process.exit runs the 'exit' listeners, which remove the build folder.
    process.on(signal, () => process.exit(128 + os.constants.signals[signal]));
  }
  const result = await measureRoofline({ ...options, log: say });
  printRoofline(result, say);
  if (options.json) console.log(JSON.stringify(result));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}
