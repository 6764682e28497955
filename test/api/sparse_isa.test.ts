// The sparse kernels' results do not depend on the instruction set: the same CSR fits (k-means++,
// Lloyd's iterations, float64 and float32, euclidean and cosine, weighted) and queries give the
// same bits with the portable, AVX2 and AVX-512 variants (whichever this CPU has; a variant it
// lacks falls back to a narrower one).
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { info } from '../../src/index';

describe('sparse kernels across instruction sets', () => {
  it('give the same labels, centers, inertia and seeding bits', () => {
    const script = `
      const { KMeans, info, kmeansPlusPlus } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'index.js'))});
      let s = 11; const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
      const n = 3000, d = 400, k = 12;
      const indptr = new Int32Array(n + 1), indices = [], values = [];
      for (let i = 0; i < n; i++) {
        const entries = 1 + Math.floor(rand() * 12);
        for (let e = 0; e < entries; e++) {
          indices.push((i % k) * 30 + Math.floor(rand() * 60) % d);
          values.push(rand() * 4 - 1);
        }
        indptr[i + 1] = indices.length;
      }
      const sampleWeight = Float64Array.from({ length: n }, () => 0.5 + rand());
      console.log(info().simd);
      const bits = (array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
      for (const Type of [Float64Array, Float32Array]) {
        const X = { format: 'csr', indptr, indices: Int32Array.from(indices), data: Type.from(values), rows: n, cols: d };
        for (const metric of ['euclidean', 'cosine']) {
          const model = new KMeans({ nClusters: k, seed: 3, metric, maxIter: 30, threads: 2 }).fit(X, { sampleWeight });
          console.log(bits(model.labels), bits(model.clusterCenters.data), model.inertia, model.nIter);
          console.log(bits(model.predict(X)), model.score(X));
        }
        console.log(bits(kmeansPlusPlus(X, k, { seed: 5, sampleWeight }).indices));
      }`;
    const outputs = ['portable', 'avx2', 'avx512'].map((simd) =>
      execFileSync(process.execPath, ['-e', script], {
        env: { ...process.env, KMEANS_NATIVE_SIMD: simd },
        encoding: 'utf8',
      }),
    );
    const [variants, results] = [
      outputs.map((out) => out.split('\n')[0]),
      outputs.map((out) => out.split('\n').slice(1)),
    ];
    // Each run used the variant it asked for, as far as this CPU has it.
    expect(variants[0]).toBe('portable');
    expect(new Set(variants).size).toBe(info().simd === 'avx512' ? 3 : info().simd === 'avx2' ? 2 : 1);
    expect(results[0]!.filter(Boolean)).toHaveLength(10);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});
