// CSR input at its edges: matrices whose repeated entries cancel or overflow only part way, and
// the places where a CSR result must still be the dense one.
import { describe, expect, it } from 'vitest';
import {
  BisectingKMeans,
  type CsrMatrix,
  KMeans,
  MiniBatchKMeans,
  chooseK,
  kmeansPlusPlus,
  meanVariance,
} from '../../src/index';
import { toCsrMatrix } from '../../src/csr_checks';
import { csrDenseRows } from '../../src/sparse_rows';
import { vq } from '../../src/vq';
import { expectKMeansError } from './validation_helpers';

describe('repeated entries', () => {
  it('refuses float32 repeats whose stored-order float32 sum overflows, though their float64 sum does not', () => {
    // Row 0, column 0: 3e38 + 3e38 - 3e38 is 3e38 in float64, but Infinity in float32 (as the kernels add them).
    const X: CsrMatrix = {
      format: 'csr',
      indptr: Int32Array.of(0, 3, 4, 5, 6),
      indices: Int32Array.of(0, 0, 0, 0, 1, 0),
      data: Float32Array.of(3e38, 3e38, -3e38, 1, 2, 3),
      rows: 4,
      cols: 2,
    };
    const pattern =
      /^X row 0, column 0: the entries stored for this column add up to Infinity, beyond the float32 range/;
    expectKMeansError(() => toCsrMatrix(X, 'X'), 'ERR_KMEANS_OVERFLOW', pattern);
    expectKMeansError(() => new KMeans({ nClusters: 2, seed: 0 }).fit(X), 'ERR_KMEANS_OVERFLOW', pattern);
    expectKMeansError(() => kmeansPlusPlus(X, 2, { seed: 0 }), 'ERR_KMEANS_OVERFLOW', pattern);
    // In float64 the same entries are a plain 3e38.
    expect(() => toCsrMatrix({ ...X, data: Float64Array.from(X.data) }, 'X')).not.toThrow();
  });

  it('BisectingKMeans: the root center sums a row repeats first, so repeats that cancel add nothing', () => {
    // Row 1 stores column 0 as 1e300 and -1e300: a row of zeros.
    const X: CsrMatrix = {
      format: 'csr',
      indptr: Int32Array.of(0, 1, 3, 4, 5),
      indices: Int32Array.of(0, 0, 0, 1, 1),
      data: Float64Array.of(1, 1e300, -1e300, 2, 3),
      rows: 4,
      cols: 2,
    };
    const dense = [
      [1, 0],
      [0, 0],
      [0, 2],
      [0, 3],
    ];
    const sparse = new BisectingKMeans({ nClusters: 1 }).fit(X);
    const expected = new BisectingKMeans({ nClusters: 1 }).fit(dense);
    expect(Array.from(sparse.clusterCenters.data)).toStrictEqual(Array.from(expected.clusterCenters.data));
    expect(sparse.inertia).toBeCloseTo(expected.inertia, 12);
  });
});

describe('very wide matrices', () => {
  const wide = (cols: number): CsrMatrix => ({
    format: 'csr',
    indptr: Int32Array.of(0, 1, 2, 3),
    indices: Int32Array.of(0, 5, 9),
    data: Float64Array.of(1, 2, 3),
    rows: 3,
    cols,
  });

  it('refuses more than 2^31 - 1 columns up front, as the native kernels would (ERR_KMEANS_TOO_LARGE)', () => {
    const pattern = /^X has 2147483648 columns, more than the 2147483647 \(2\^31 - 1\) supported/;
    expectKMeansError(() => toCsrMatrix(wide(2 ** 31), 'X'), 'ERR_KMEANS_TOO_LARGE', pattern);
    expectKMeansError(() => new KMeans({ nClusters: 2, seed: 0 }).fit(wide(2 ** 31)), 'ERR_KMEANS_TOO_LARGE', pattern);
    const book = { data: new Float64Array(2), rows: 1, cols: 2 };
    expectKMeansError(() => vq(wide(2 ** 31), book), 'ERR_KMEANS_TOO_LARGE', /^obs has 2147483648 columns/);
    expect(() => toCsrMatrix(wide(2 ** 31 - 1), 'X')).not.toThrow();
  });

  it('centers made dense beyond what a typed array holds are ERR_KMEANS_TOO_LARGE, not a RangeError', () => {
    expectKMeansError(
      () => csrDenseRows(wide(2 ** 31 - 1), [0, 1, 2]),
      'ERR_KMEANS_TOO_LARGE',
      /more than a typed array can/,
    );
  });
});

describe('CSR where only dense matrices are read', () => {
  // Every entry stored, each row's columns reversed: its data has rows * cols values, but the rows are [1, 10], [2, 20], [3, 30].
  const full = (): CsrMatrix => ({
    format: 'csr',
    indptr: Int32Array.of(0, 2, 4, 6),
    indices: Int32Array.of(1, 0, 1, 0, 1, 0),
    data: Float64Array.of(10, 1, 20, 2, 30, 3),
    rows: 3,
    cols: 2,
  });
  const dense = [
    [1, 10],
    [2, 20],
    [3, 30],
  ];

  it('is refused, not read as dense rows because its data length matches', () => {
    const refused = (name: string) => new RegExp(`^${name} is a CSR matrix, which is not read here`);
    expectKMeansError(() => meanVariance(full()), 'ERR_KMEANS_INVALID_DATA', refused('X'));
    expectKMeansError(() => chooseK(full(), { kMin: 2, kMax: 2 }), 'ERR_KMEANS_INVALID_DATA', refused('X'));
    for (const Model of [KMeans, MiniBatchKMeans]) {
      expectKMeansError(
        () => new Model({ nClusters: 3, init: full(), nInit: 1 }).fit(dense),
        'ERR_KMEANS_INVALID_DATA',
        refused('init'),
      );
    }
  });

  it('other sparse layouts are named as such (here CSC, whose data also has rows * cols values)', () => {
    const csc = { ...full(), format: 'csc', indices: Int32Array.of(0, 1, 2, 0, 1, 2) };
    const notCsr = (got: string) =>
      new RegExp(`^X.format must be 'csr' \\(got "${got}"\\): only compressed sparse row`);
    for (const Model of [KMeans, MiniBatchKMeans, BisectingKMeans]) {
      expectKMeansError(() => new Model({ nClusters: 2 }).fit(csc as never), 'ERR_KMEANS_INVALID_DATA', notCsr('csc'));
      expectKMeansError(
        () => new Model({ nClusters: 2 }).fit({ ...full(), format: 'CSR' } as never),
        'ERR_KMEANS_INVALID_DATA',
        notCsr('CSR'),
      );
    }
  });
});
