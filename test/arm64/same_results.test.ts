// linux-arm64 against x86-64 (npm run check:arm64, whose test workers are arm64 Node.js under
// qemu-user): the same fits, seeding and queries give the same labels, centers, inertia and
// iteration counts, bit for bit, with the neon and the portable arm64 kernels as with the x86-64
// build (AVX-512, AVX2 or portable, whichever this CPU has). Dense rows short (the transposed
// tile) and long (the wide kernel), float64 and float32, the three algorithms, sparse rows,
// minibatch; data on an integer grid, so that exact and near ties, which the kernels leave to the
// exact distance, are many.
//
// KMEANS_NATIVE_BINARY is the arm64 addon (loaded by this worker), KMEANS_X64_NODE the x86-64
// node and KMEANS_X64_BINARY the x86-64 addon.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { info } from '../../src/index';

const dist = path.join(__dirname, '..', '..', 'dist', 'index.js');

const script = `
  const { KMeans, MiniBatchKMeans, info, kmeansPlusPlus } = require(${JSON.stringify(dist)});
  let s = 17; const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const bits = (array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
  console.log(process.arch, info().simd);
  // n rows of d features around k centers, on a grid of step 1/4 (ties are frequent).
  const grid = (n, d, k) => {
    const centers = Array.from({ length: k * d }, () => Math.floor(rand() * 12));
    return Float64Array.from({ length: n * d }, (_, i) =>
      centers[(Math.floor(i / d) % k) * d + (i % d)] + Math.round((rand() - 0.5) * 16) / 4);
  };
  for (const [n, d, k] of [[1500, 5, 7], [400, 150, 6]]) {
    const values = grid(n, d, k);
    for (const Type of [Float64Array, Float32Array]) {
      const X = { data: Type.from(values), rows: n, cols: d };
      for (const algorithm of ['lloyd', 'elkan', 'hamerly']) {
        const model = new KMeans({ nClusters: k, seed: 4, nInit: 2, algorithm, maxIter: 40, threads: 2 }).fit(X);
        console.log(d, Type.name, algorithm, bits(model.labels), bits(model.clusterCenters.data), model.inertia, model.nIter);
        if (algorithm === 'lloyd') console.log(bits(model.predict(X)), bits(model.transform(X).data), model.score(X));
      }
      const mini = new MiniBatchKMeans({ nClusters: k, seed: 2, batchSize: 256, maxIter: 5 }).fit(X);
      console.log(bits(mini.labels), bits(mini.clusterCenters.data), mini.inertia);
      console.log(bits(kmeansPlusPlus(X, k, { seed: 9 }).indices));
    }
  }
  const n = 1200, d = 300, k = 9;
  const indptr = new Int32Array(n + 1), indices = [], values = [];
  for (let i = 0; i < n; i++) {
    for (let e = 0, entries = 1 + Math.floor(rand() * 10); e < entries; e++) {
      indices.push(((i % k) * 30 + Math.floor(rand() * 50)) % d);
      values.push(Math.round(rand() * 16) / 4);
    }
    indptr[i + 1] = indices.length;
  }
  for (const Type of [Float64Array, Float32Array]) {
    const X = { format: 'csr', indptr, indices: Int32Array.from(indices), data: Type.from(values), rows: n, cols: d };
    const model = new KMeans({ nClusters: k, seed: 3, maxIter: 30, threads: 2 }).fit(X);
    console.log('csr', Type.name, bits(model.labels), bits(model.clusterCenters.data), model.inertia, model.nIter);
  }`;

function run(node: string, binary: string, simd?: string): string[] {
  const env: NodeJS.ProcessEnv = { ...process.env, KMEANS_NATIVE_BINARY: binary };
  if (simd) env.KMEANS_NATIVE_SIMD = simd;
  else delete env.KMEANS_NATIVE_SIMD;
  return execFileSync(node, ['-e', script], { env, encoding: 'utf8' }).trim().split('\n');
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (npm run check:arm64 sets it)`);
  return value;
}

describe('linux-arm64 against x86-64', () => {
  it('runs in an arm64 worker, with the arm64 addon and the kernel asked for', () => {
    expect(process.arch).toBe('arm64');
    expect(info().simd).toBe(process.env.KMEANS_NATIVE_SIMD ?? 'neon');
    const binary = fs.realpathSync(required('KMEANS_NATIVE_BINARY'));
    // qemu-user shows the arm64 process's own mappings.
    expect(fs.readFileSync('/proc/self/maps', 'utf8')).toContain(binary);
  });

  it('gives the same labels, centers, inertia and iterations as x86-64, with neon and portable', () => {
    const x64 = run(required('KMEANS_X64_NODE'), required('KMEANS_X64_BINARY'));
    const neon = run(process.execPath, required('KMEANS_NATIVE_BINARY'));
    const portable = run(process.execPath, required('KMEANS_NATIVE_BINARY'), 'portable');
    expect(x64[0]).toMatch(/^x64 (avx512|avx2|portable)$/);
    expect(neon[0]).toBe('arm64 neon');
    expect(portable[0]).toBe('arm64 portable');
    expect(x64).toHaveLength(1 + 2 * 2 * 6 + 2);
    expect(neon.slice(1)).toEqual(x64.slice(1));
    expect(portable.slice(1)).toEqual(x64.slice(1));
  });
});
