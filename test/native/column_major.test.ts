// Column-major data (one typed array per feature) through the addon: every operation reads the
// columns in place and gives the bits it gives on the same rows laid out row-major.
import { describe, expect, it } from 'vitest';
import { type FloatArray, native } from '../../src/binding';
import { blobs } from '../helpers';

// Small problems run on several threads too: results must not depend on it.
process.env.KMEANS_NATIVE_WORK_PER_THREAD = '1';

function layouts(rows: number[][], dtype: 'float64' | 'float32') {
  const n = rows.length;
  const d = rows[0]!.length;
  const Type = dtype === 'float64' ? Float64Array : Float32Array;
  const x: FloatArray = Type.from(rows.flat());
  const columns: FloatArray[] = Array.from({ length: d }, (_, f) => Type.from(rows.map((row) => row[f]!)));
  return { x, columns, n, d, Type };
}

describe.each(['float64', 'float32'] as const)('column-major %s data', (dtype) => {
  const shapes = [
    { n: 700, d: 5, k: 6 },
    { n: 1100, d: 40, k: 12 },
    { n: 600, d: 300, k: 9 }, // the wide kernel
  ];
  it.each(shapes)('fits, assigns, transforms and sums as row-major data does (n $n, d $d)', ({ n, d, k }) => {
    const { x, columns, Type } = layouts(blobs(n, d, k, n + d), dtype);
    const weights = Float64Array.from({ length: n }, (_, i) => 0.5 + (i % 7) / 3);
    const same = (build: (data: { x: FloatArray } | { columns: FloatArray[] }) => unknown) =>
      expect(build({ columns })).toEqual(build({ x }));
    for (const algorithm of native().info().algorithms) {
      for (const threads of [1, 2]) {
        same((data) => {
          const centers = x.slice(0, k * d);
          const labels = new Int32Array(n);
          const base = { ...data, n, d, sampleWeight: weights, threads };
          const result = native().fit({ ...base, centers, k, labels, maxIter: 50, tol: 0, algorithm, mixedPrecision: false });
          return { result, centers, labels };
        });
      }
    }
    const centers = x.slice(0, k * d);
    const base = { n, d, sampleWeight: weights, threads: 2 };
    same((data) => {
      const labels = new Int32Array(n);
      const sqDistances = new Float64Array(n);
      return [native().assign({ ...data, ...base, centers, k, labels, sqDistances }), labels, sqDistances];
    });
    same((data) => {
      const out = new Type(n * k);
      native().transform({ ...data, ...base, centers, k, out });
      return out;
    });
    same((data) => {
      const labels = Int32Array.from({ length: n }, (_, i) => i % k);
      const means = centers.slice();
      const clusterWeights = new Float64Array(k);
      native().clusterMeans({ ...data, ...base, labels, k, centers: means, weights: clusterWeights });
      return [means, clusterWeights];
    });
    same((data) => {
      const means = new Float64Array(d);
      return [native().columnStats({ ...data, ...base, means }), means];
    });
    same((data) => {
      const indices = new Int32Array(k);
      const uniforms = Float64Array.from({ length: 1 + (k - 1) * 3 }, (_, i) => ((i * 0.618034) % 1) * 0.999);
      native().plusPlus({ ...data, ...base, shift: new Float64Array(d), k, trials: 3, uniforms, indices });
      return indices;
    });
    same((data) => {
      const step = { centers: centers.slice(), counts: new Float64Array(k), batchWeights: new Float64Array(k) };
      const labels = new Int32Array(n);
      const inertia = native().miniBatchStep({ ...data, ...base, k, labels, ...step });
      const indices = Int32Array.from({ length: 100 }, (_, i) => (i * 37) % n);
      const batchLabels = new Int32Array(100);
      const second = native().miniBatchStep({ ...data, ...base, indices, k, labels: batchLabels, ...step });
      return [inertia, second, labels, batchLabels, step];
    });
    same((data) => {
      const out = new Type(n * d);
      return [native().unitRows({ ...data, ...base, out }), out];
    });
    same((data) => {
      const out = new Type(n * d);
      return [native().whiten({ ...data, ...base, out }), out];
    });
    same((data) => native().firstOutOfRange({ ...data, ...base, limit: 1e300 }));
  });

  it('finds the first out-of-range value at its row-major position', () => {
    const { x, columns, n, d } = layouts(blobs(500, 4, 3, 1), dtype);
    x[301 * d + 2] = NaN;
    columns[2]![301] = NaN;
    const request = { n, d, sampleWeight: null, threads: 2, limit: 1e30 };
    expect(native().firstOutOfRange({ ...request, columns })).toBe(301 * d + 2);
    expect(native().firstOutOfRange({ ...request, x })).toBe(301 * d + 2);
  });

  it('refuses columns of different lengths or a wrong count', () => {
    const { columns, n, d } = layouts(blobs(50, 3, 2, 1), dtype);
    const means = new Float64Array(d);
    const request = { n, d, sampleWeight: null, threads: 1, means };
    expect(() => native().columnStats({ ...request, columns: columns.slice(1) })).toThrow(/columns must hold/);
    const short = [...columns.slice(0, 2), columns[2]!.subarray(1)];
    expect(() => native().columnStats({ ...request, columns: short })).toThrow(/different lengths/);
  });
});
