// Data with more than 2^31 elements: every index into the data is 64-bit. The arrays are
// allocated zeroed and only a few rows are written, so most of their pages are never touched
// and the test needs little real memory: 8 GiB (float32) and 16 GiB (float64) of address space.
import { describe, expect, it } from 'vitest';
import { KMeans, MiniBatchKMeans, kmeansPlusPlus, vq } from '../../src/index';
import { outcome } from '../fuzz/helpers';

const d = 65_536;
const n = 32_770; // n·d = 2^31 + 2·65,536: the last two rows lie beyond element 2^31
const big = 10 * 60_000;

/** Mostly zero rows; rows n-1 and n-2 (past element 2^31) near 4, row 5 at -2. */
function sparseData(dtype: 'float32' | 'float64') {
  const data = dtype === 'float32' ? new Float32Array(n * d) : new Float64Array(n * d);
  data.fill(4, (n - 2) * d, n * d);
  data[(n - 2) * d + d - 1] = 6;
  data.fill(-2, 5 * d, 6 * d);
  const init = dtype === 'float32' ? new Float32Array(3 * d) : new Float64Array(3 * d);
  init.fill(-1, 0, d).fill(3, 2 * d, 3 * d);
  return { X: { data, rows: n, cols: d }, init: { data: init, rows: 3, cols: d } };
}

/** The clustering any correct fit from that init reaches: row 5 alone, the zero rows, the two far rows. */
function expectClusters(labels: Int32Array, centers: Float64Array | Float32Array): void {
  expect(labels[5]).toBe(0);
  expect(labels[0]).toBe(1);
  expect(labels[n - 3]).toBe(1);
  expect(labels[n - 2]).toBe(2);
  expect(labels[n - 1]).toBe(2);
  expect(labels.filter((label) => label === 1).length).toBe(n - 3);
  expect(centers[0]).toBe(-2);
  expect(centers[d]).toBe(0);
  expect(centers[2 * d]).toBe(4);
  expect(centers[3 * d - 1]).toBe(5);
}

describe('more than 2^31 elements', () => {
  it(
    'float32: KMeans fit, predict and transform; MiniBatchKMeans partialFit',
    () => {
      const { X, init } = sparseData('float32');
      const km = new KMeans({ init, maxIter: 5, algorithm: 'lloyd' }).fit(X);
      expectClusters(km.labels, km.clusterCenters.data);
      // (6 - 5)² + (4 - 5)² from the two far rows; every other row sits on its center.
      expect(km.inertia).toBe(2);
      expect(km.converged).toBe(true);
      expect(km.predict(X)).toEqual(km.labels);
      const distances = km.transform(X);
      expect(distances.data[(n - 1) * 3 + 2]).toBe(1);
      expect(distances.data[5 * 3 + 0]).toBe(0);

      const mb = new MiniBatchKMeans({ init, reassignmentRatio: 0, computeLabels: false }).partialFit(X);
      expect(mb.clusterCenters.data[2 * d + d - 1]).toBe(5);
      expect(mb.clusterCenters.data[0]).toBe(-2);
    },
    big,
  );

  it(
    'float64 (mixed precision): KMeans with Hamerly bounds; vq',
    () => {
      const { X, init } = sparseData('float64');
      const km = new KMeans({ init, maxIter: 5, algorithm: 'hamerly' }).fit(X);
      expectClusters(km.labels, km.clusterCenters.data);
      expect(km.inertia).toBe(2);
      const { code, dist } = vq.vq(X, init);
      expect([code[5], code[0], code[n - 2], code[n - 1]]).toEqual([0, 1, 2, 2]);
      expect(dist[n - 1]).toBe(Math.sqrt(d));
    },
    big,
  );

  it('more than 2^31 - 1 rows are refused before any work', () => {
    const rows = 2 ** 31;
    const X = { data: new Float32Array(rows), rows, cols: 1 };
    for (const call of [
      () => new KMeans({ nClusters: 2 }).fit(X),
      () => kmeansPlusPlus(X, 2),
      () => vq.vq(X, { data: new Float32Array(2), rows: 2, cols: 1 }),
    ] as (() => unknown)[]) {
      const result = outcome(call);
      if (result.ok) throw new Error('accepted more than 2^31 - 1 rows');
      expect(result.error.code).toBe('ERR_KMEANS_TOO_LARGE');
      expect(result.error.message).toMatch(
        /^(X|obs) has 2147483648 rows, more than the 2147483647 \(2\^31 - 1\) supported: labels and row indices are 32-bit; split the data into parts$/,
      );
    }
  });
});
