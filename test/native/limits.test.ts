// The edges of the input space: k up to 65536, d = 1, n = k, identical points, magnitudes near
// 1e±150 (exact) and beyond (a clear error before any overflow), float32's narrower range.
import { describe, expect, it } from 'vitest';
import { KMeans, KMeansError, MiniBatchKMeans, kmeansPlusPlus, vq } from '../../src/index';
import { blobs, matrix } from '../helpers';

function errorOf(run: () => unknown): KMeansError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(KMeansError);
    return error as KMeansError;
  }
  throw new Error('expected a KMeansError');
}

describe('shapes at the limits', () => {
  it('k = 65536 (every center a distinct point of a 65,600-row grid)', () => {
    const n = 65_600;
    const data = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      data[2 * i] = i % 256;
      data[2 * i + 1] = Math.floor(i / 256);
    }
    const X = { data, rows: n, cols: 2 };
    const init = { data: data.slice(0, 65_536 * 2), rows: 65_536, cols: 2 };
    const km = new KMeans({ nClusters: 65_536, init, maxIter: 2, algorithm: 'hamerly' }).fit(X);
    // Rows beyond the 65,536th join their nearest grid point (the one below, or left on a tie).
    expect(km.clusterCenters.rows).toBe(65_536);
    expect(new Set(km.labels).size).toBe(65_536);
    expect(Number.isFinite(km.inertia)).toBe(true);
    expect(km.predict({ data: data.subarray(0, 20), rows: 10, cols: 2 })).toEqual(
      Int32Array.from({ length: 10 }, (_, i) => i),
    );
  });

  it('d = 1', () => {
    const km = new KMeans({ nClusters: 3, seed: 0 }).fit([[1], [2], [10], [11], [20], [21]]);
    expect(km.inertia).toBe(1.5);
    expect(Array.from(km.clusterCenters.data).sort((a, b) => a - b)).toEqual([1.5, 10.5, 20.5]);
  });

  it('n = k: every point its own cluster, inertia 0', () => {
    const X = blobs(50, 3, 5, 1);
    for (const algorithm of ['lloyd', 'hamerly', 'elkan'] as const) {
      const km = new KMeans({ nClusters: 50, seed: 2, algorithm }).fit(X);
      expect(km.inertia).toBe(0);
      expect(new Set(km.labels).size).toBe(50);
    }
  });

  it('all points identical: one distinct center, inertia 0, a warning, no crash', () => {
    const X = Array.from({ length: 20 }, () => [3.5, -1, 7]);
    for (const init of ['k-means++', 'random'] as const) {
      const km = new KMeans({ nClusters: 4, seed: 0, init }).fit(X);
      expect(km.inertia).toBe(0);
      expect(km.predict([[3.5, -1, 7]])[0]).toBeGreaterThanOrEqual(0);
    }
    const mb = new MiniBatchKMeans({ nClusters: 4, seed: 0, batchSize: 8 }).fit(X);
    expect(mb.inertia).toBe(0);
  });
});

describe('magnitudes', () => {
  for (const scale of [2 ** 500, 2 ** -500, 1e-160]) {
    it(`values near ${scale.toPrecision(2)} cluster as the same data at scale 1`, () => {
      const base = blobs(400, 3, 4, 5);
      const scaled = base.map((row) => row.map((v) => v * scale));
      const reference = new KMeans({ nClusters: 4, seed: 3 }).fit(base);
      const km = new KMeans({ nClusters: 4, seed: 3 }).fit(scaled);
      expect(km.labels).toEqual(reference.labels);
      // Powers of two scale exactly (no rounding): the same inertia, scaled; 1e-160 squared is subnormal.
      if (scale > 1e-155) expect(km.inertia).toBe(reference.inertia * scale * scale);
      else expect(km.inertia / (scale * scale)).toBeCloseTo(reference.inertia, 0);
      expect(Number.isFinite(km.inertia)).toBe(true);
    });
  }

  it('values whose squared distances would overflow are refused with the row and column', () => {
    const X = blobs(100, 4, 3, 1);
    X[37]![2] = 4e153; // (2x)² · 4 columns overflows
    const error = errorOf(() => new KMeans({ nClusters: 3 }).fit(X));
    expect(error.code).toBe('ERR_KMEANS_OVERFLOW');
    expect(error.message).toBe(
      'X row 37, column 2 is 4e+153: sums of squared distances would overflow float64 (with 100 rows and 4 columns, |values| must stay below 3.35e+152); scale the data down',
    );
    // The same through the native scan (large typed data), in float32, and in predict and vq.
    const big = new Float64Array(200_000 * 2).fill(1);
    big[123_457] = -1e160;
    expect(errorOf(() => new KMeans({ nClusters: 2 }).fit({ data: big, rows: 200_000, cols: 2 })).message).toMatch(
      /^X row 61728, column 1 is -1e\+160:/,
    );
    // float32 data has no limit: its distances are re-checked in double where float32 overflows.
    const f32 = matrix(
      blobs(50, 2, 2, 2).map((row, i) => row.map((v) => (i < 25 ? 1e37 : -1e37) * (1 + v / 1000))),
      'float32',
    );
    const labels = new KMeans({ nClusters: 2, seed: 0 }).fit(f32).labels;
    expect(new Set(labels.subarray(0, 25)).size).toBe(1);
    expect(labels[0]).not.toBe(labels[49]);
    const fitted = new KMeans({ nClusters: 2, seed: 1 }).fit(blobs(50, 2, 2, 3));
    expect(errorOf(() => fitted.predict([[1e300, 0]])).code).toBe('ERR_KMEANS_OVERFLOW');
    expect(errorOf(() => vq.vq([[1e300, 0]], [[0, 0]])).code).toBe('ERR_KMEANS_OVERFLOW');
  });
});

// Each of these was found by the property-based tests (test/fuzz/api.test.ts).
describe('weights and magnitudes together', () => {
  it('weights adding up to more than n tighten the limit: sqrt(max / 4dW)', () => {
    const X = [
      [1e10, 0],
      [0, 1],
      [2, 2],
    ];
    const sampleWeight = [1e300, 1, 1];
    const error = errorOf(() => new KMeans({ nClusters: 2, seed: 0 }).fit(X, { sampleWeight }));
    expect(error.code).toBe('ERR_KMEANS_OVERFLOW');
    expect(error.message).toBe(
      'X row 0, column 0 is 10000000000: with sampleWeight adding up to 1.00e+300, sums of weighted squared distances would overflow float64 (|values| must stay below 4.74e+3); scale the data or the weights down',
    );
    expect(errorOf(() => new MiniBatchKMeans({ nClusters: 2 }).fit(X, { sampleWeight })).code).toBe(
      'ERR_KMEANS_OVERFLOW',
    );
    expect(errorOf(() => kmeansPlusPlus(X, 2, { sampleWeight })).code).toBe('ERR_KMEANS_OVERFLOW');
    const fitted = new KMeans({ nClusters: 2, seed: 0 }).fit(X);
    expect(errorOf(() => fitted.score(X, { sampleWeight })).code).toBe('ERR_KMEANS_OVERFLOW');
    // Below the limit the weighted fit is exact: one huge weight on a point far from the others.
    const km = new KMeans({ nClusters: 2, seed: 0 }).fit(
      [
        [1e-160, 0],
        [0, 1],
        [2, 2],
      ],
      { sampleWeight },
    );
    expect(Number.isFinite(km.inertia)).toBe(true);
    expect(km.clusterCenters.data.every(Number.isFinite)).toBe(true);
  });

  it('a cluster whose weight is subnormal gets a finite center (its reciprocal overflows)', () => {
    const X = [
      [0, 0],
      [0, 1],
      [9, 9],
    ];
    const sampleWeight = [1, 1, 5e-324];
    const init = [
      [0, 0.5],
      [9, 9],
    ];
    for (const algorithm of ['lloyd', 'hamerly', 'elkan'] as const) {
      const km = new KMeans({ init, algorithm }).fit(X, { sampleWeight });
      expect(Array.from(km.clusterCenters.data)).toEqual([0, 0.5, 9, 9]);
    }
    const mb = new MiniBatchKMeans({ init, batchSize: 3, maxIter: 2, reassignmentRatio: 0, seed: 0 }).fit(X, {
      sampleWeight,
    });
    expect(mb.clusterCenters.data.every(Number.isFinite)).toBe(true);
    expect(Array.from(mb.predict(X))).toEqual([0, 0, 1]);
  });

  it('k-means++ never draws a row of weight zero, not even when every distance is zero', () => {
    // Subnormal values: every squared distance underflows to zero, so the potential is zero.
    const X = [[5e-324], [1e-323], [1.5e-323], [2e-323], [2.5e-323]];
    const sampleWeight = [0, 2, 0, 1, 0];
    for (let seed = 0; seed < 200; seed++) {
      const { indices } = kmeansPlusPlus(X, 2, { seed, sampleWeight });
      for (const row of indices) expect(sampleWeight[row]).toBeGreaterThan(0);
    }
  });

  it('cosine: rows of tiny length keep their direction (no false zero-length row)', () => {
    const base = blobs(60, 3, 3, 9);
    const tiny = base.map((row) => row.map((v) => v * 1e-170));
    const reference = new KMeans({ nClusters: 3, seed: 4, metric: 'cosine' }).fit(base);
    const km = new KMeans({ nClusters: 3, seed: 4, metric: 'cosine' }).fit(tiny);
    expect(km.labels).toEqual(reference.labels);
    expect(
      errorOf(() =>
        new KMeans({ nClusters: 1, metric: 'cosine' }).fit([
          [0, 0],
          [1, 1],
        ]),
      ).code,
    ).toBe('ERR_KMEANS_ZERO_VECTOR');
  });

  it('whiten: tiny and huge columns divide by their exact deviation', () => {
    const column = [[1], [3], [-2], [6]];
    const reference = vq.whiten(column) as { data: Float64Array };
    for (const scale of [2 ** -1060, 2 ** -600, 2 ** 600, 2 ** 1000]) {
      const scaled = vq.whiten(
        column.map((row) => [row[0]! * scale]),
        { checkFinite: false },
      ) as { data: Float64Array };
      expect(scaled.data).toEqual(reference.data);
    }
    // A column of subnormals: -7.4e-323 and 0 are two deviations apart.
    expect(Array.from((vq.whiten([[0], [-7.4e-323]]) as { data: Float64Array }).data)).toEqual([0, -2]);
  });
});

describe('strict convergence after a relocated empty cluster', () => {
  it('labels and inertia belong to the returned centers', () => {
    // Duplicated points leave cluster 2 empty twice; the second relocation moves it onto row 4
    // after the labels stopped changing.
    const X = [
      [2, 1],
      [0, 1e-245],
      [2, 1],
      [2e-35, -1],
      [3e-262, -2],
      [0, -1e-74],
      [1, -1e-288],
      [1e-106, -1e-35],
      [1, 5e-305],
    ];
    const init = [
      [-7.5e-23, 2],
      [-1e-247, 2e-247],
      [2, -2],
    ];
    for (const algorithm of ['lloyd', 'hamerly', 'elkan'] as const) {
      const km = new KMeans({ init, maxIter: 8, algorithm }).fit(X);
      expect(km.converged).toBe(true);
      expect(Array.from(km.history.relocated).at(-1)).toBe(1);
      expect(km.predict(X)).toEqual(km.labels);
      expect(km.inertia).toBe(-km.score(X));
      expect(km.labels[4]).toBe(2);
    }
  });
});

describe('kernel values beyond float32', () => {
  it('rows whose float32 norms or dot products overflow are decided exactly (float32, and float64 in mixed precision)', () => {
    // ||c - s||² of the last code exceeds float32's range (found by the native fuzz target).
    const codes = [[-1.5e19], [-5e18], [2e19]];
    for (const dtype of ['float64', 'float32'] as const) {
      expect(Array.from(vq.vq(matrix([[8e18]], dtype), matrix(codes, dtype)).code)).toEqual([2]);
      const km = new KMeans({ init: matrix(codes, dtype) }).fit(matrix(codes, dtype));
      expect(Array.from(km.labels)).toEqual([0, 1, 2]);
      expect(km.inertia).toBe(0);
    }
    const fitted = new KMeans({ init: codes, mixedPrecision: true }).fit([[8e18], ...codes]);
    expect(fitted.labels[0]).toBe(2);
    expect(fitted.predict([[8e18]])[0]).toBe(fitted.labels[3]);
  });
});
