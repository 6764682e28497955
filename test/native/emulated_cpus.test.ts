// The kernel variant chosen at run time on x86-64 CPUs of other generations, emulated with
// qemu-user (qemu-x86_64, package qemu-user): the plain x86-64 baseline (SSE2 only) and Nehalem
// get the portable kernels, Haswell the AVX2 ones, and each gives the same labels, centers,
// inertia, distances and silhouette bits as this machine's own CPU. A CPU without AVX runs the
// whole addon without an illegal instruction, so nothing outside the dispatched kernels assumes
// more than the baseline. On this machine itself, the choice agrees with /proc/cpuinfo.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { info } from '../../src/index';

const dist = path.join(__dirname, '..', '..', 'dist', 'index.js');
const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64';
const qemu = onLinuxX64 && spawnSync('qemu-x86_64', ['--version']).status === 0;
if (onLinuxX64 && !qemu) console.warn('qemu-x86_64 is not installed (apt-get install qemu-user): skipping');

const script = `
  const { KMeans, info, metrics } = require(${JSON.stringify(dist)});
  let s = 5; const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const bits = (array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
  console.log(info().simd);
  for (const [n, d, k] of [[600, 5, 6], [200, 150, 4]]) {
    // rows on a grid of step 1/4 around k centers: many exact and near ties
    const centers = Array.from({ length: k * d }, () => Math.floor(rand() * 10));
    const values = Float64Array.from({ length: n * d }, (_, i) =>
      centers[(Math.floor(i / d) % k) * d + (i % d)] + Math.round((rand() - 0.5) * 12) / 4);
    for (const Type of [Float64Array, Float32Array]) {
      const X = { data: Type.from(values), rows: n, cols: d };
      for (const algorithm of ['lloyd', 'elkan']) {
        const model = new KMeans({ nClusters: k, seed: 1, algorithm, maxIter: 30 }).fit(X);
        console.log(d, Type.name, algorithm, bits(model.labels), bits(model.clusterCenters.data), model.inertia, model.nIter);
      }
      const model = new KMeans({ nClusters: k, seed: 2, maxIter: 30 }).fit(X);
      console.log(bits(model.transform(X).data), model.score(X), metrics.silhouetteScore(X, model.labels));
    }
  }`;

function run(prefix: string[]): string[] {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.KMEANS_NATIVE_SIMD;
  const [command, ...args] = [...prefix, process.execPath, '-e', script];
  return execFileSync(command, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .trim()
    .split('\n');
}

describe.runIf(onLinuxX64)('the kernel variant for this CPU', () => {
  it('is the widest that /proc/cpuinfo lists', () => {
    const line = /^flags\s*:(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    const flags = new Set((line?.[1] ?? '').trim().split(/\s+/));
    const avx2 = flags.has('avx2') && flags.has('fma');
    const expected = avx2 && flags.has('avx512f') ? 'avx512' : avx2 ? 'avx2' : 'portable';
    expect(info().simd).toBe(expected);
  });
});

describe.runIf(qemu)('emulated x86-64 CPUs (qemu-x86_64)', () => {
  const host = run([]);

  it.each([
    { cpu: 'qemu64', simd: 'portable' },
    { cpu: 'Nehalem', simd: 'portable' },
    { cpu: 'Haswell', simd: 'avx2' },
  ])('$cpu gets the $simd kernels and the same results as this CPU', ({ cpu, simd }) => {
    const emulated = run(['qemu-x86_64', '-cpu', cpu]);
    expect(emulated[0]).toBe(simd);
    expect(emulated.slice(1)).toEqual(host.slice(1));
    expect(emulated.length).toBe(1 + 2 * 2 * 3);
  });
});
