/**
 * Inputs are never modified: X, init and sampleWeight keep their bits through successful and
 * failing calls, and a view into a larger buffer is read only within its own bytes.
 */
import { describe, expect, it } from 'vitest';
import { KMeans, kmeansPlusPlus, kmeansPlusPlusAsync } from '../../src/index';
import type { Matrix } from '../../src/index';
import { matrix } from '../helpers';
import {
  X,
  n,
  expectKMeansError,
  expectKMeansRejection,
  bytes,
  snapshotRows,
  expectRowsUnchanged,
} from './validation_helpers';

describe('inputs are never modified', () => {
  /** Rows with awkward values (-0, a float32 subnormal, large magnitudes) whose bits must survive. */
  const rows = [
    [-0, 1.5],
    [1e-45, -2.25],
    [1e18, 3],
    [-1e-40, 0.1],
    [7, -0],
    [0.3, 1e-10],
  ];
  const initRows = [
    [-0, 1.5],
    [7, -0],
  ];
  const weights = () => Float64Array.of(1, 0.5, 2, 0, 3, 1e-3);

  for (const dtype of ['float64', 'float32'] as const) {
    it(`fit / fitPredict / fitTransform / predict / transform / score leave a ${dtype} X, init and sampleWeight unchanged`, () => {
      const data = matrix(rows, dtype);
      const init = matrix(initRows, dtype);
      const sampleWeight = weights();
      const before = [bytes(data.data), bytes(init.data), bytes(sampleWeight)];
      const model = new KMeans({ init, maxIter: 5 });
      model.fit(data, { sampleWeight });
      model.fitPredict(data, { sampleWeight });
      model.fitTransform(data, { sampleWeight });
      model.predict(data);
      model.transform(data);
      model.score(data, { sampleWeight });
      expect([bytes(data.data), bytes(init.data), bytes(sampleWeight)]).toStrictEqual(before);
      expect(data.rows).toBe(6);
      expect(data.cols).toBe(2);
      // The model's centers are its own copy, not the caller's init.
      expect(model.clusterCenters.data).not.toBe(init.data);
    });

    it(`fitAsync / predictAsync leave a ${dtype} X and sampleWeight unchanged`, async () => {
      const data = matrix(rows, dtype);
      const sampleWeight = weights();
      const before = [bytes(data.data), bytes(sampleWeight)];
      const model = await new KMeans({ nClusters: 2, seed: 3, init: 'random' }).fitAsync(data, { sampleWeight });
      await model.predictAsync(data);
      expect([bytes(data.data), bytes(sampleWeight)]).toStrictEqual(before);
    });

    it(`kmeansPlusPlus leaves a ${dtype} X and sampleWeight unchanged`, async () => {
      const data = matrix(rows, dtype);
      const sampleWeight = weights();
      const before = [bytes(data.data), bytes(sampleWeight)];
      kmeansPlusPlus(data, 3, { sampleWeight, seed: 4 });
      await kmeansPlusPlusAsync(data, 3, { sampleWeight, seed: 4 });
      expect([bytes(data.data), bytes(sampleWeight)]).toStrictEqual(before);
    });

    it(`failing calls leave a ${dtype} X, init and sampleWeight unchanged`, async () => {
      const data = matrix(rows, dtype);
      const bad = matrix(rows, dtype);
      bad.data[bad.data.length - 1] = NaN;
      const init = matrix(initRows, dtype);
      const sampleWeight = weights();
      const badWeight = Float64Array.of(1, 1, 1, 1, 1, -1);
      const snapshot = () =>
        [data, bad, init].map((m) => bytes(m.data)).concat([bytes(sampleWeight), bytes(badWeight)]);
      const before = snapshot();

      expectKMeansError(() => new KMeans({ init }).fit(bad), 'ERR_KMEANS_NON_FINITE', /row 5, column 1 is NaN$/);
      expectKMeansError(
        () => new KMeans({ init }).fit(data, { sampleWeight: badWeight }),
        'ERR_KMEANS_INVALID_WEIGHTS',
        /sampleWeight\[5\] is -1$/,
      );
      expectKMeansError(
        () => new KMeans({ init, nClusters: 3 }),
        'ERR_KMEANS_SHAPE_MISMATCH',
        /^init must have nClusters = 3 rows/,
      );
      expectKMeansError(
        () => new KMeans({ nClusters: 6, init: 'random', seed: 1 }).fit(data, { sampleWeight }),
        'ERR_KMEANS_TOO_FEW_SAMPLES',
        'init "random" needs nClusters = 6 samples with positive weight (got 5)',
      );
      const model = new KMeans({ init }).fit(data, { sampleWeight });
      expectKMeansError(() => model.predict(bad), 'ERR_KMEANS_NON_FINITE', /row 5, column 1 is NaN$/);
      expectKMeansError(
        () => model.score(data, { sampleWeight: badWeight }),
        'ERR_KMEANS_INVALID_WEIGHTS',
        /sampleWeight\[5\] is -1$/,
      );
      expectKMeansError(
        () => kmeansPlusPlus(data, 7, { sampleWeight }),
        'ERR_KMEANS_TOO_FEW_SAMPLES',
        /nClusters = 7$/,
      );
      await expectKMeansRejection(
        () => new KMeans({ init }).fitAsync(bad),
        'ERR_KMEANS_NON_FINITE',
        /row 5, column 1 is NaN$/,
      );
      await expectKMeansRejection(
        () => kmeansPlusPlusAsync(bad, 2),
        'ERR_KMEANS_NON_FINITE',
        /row 5, column 1 is NaN$/,
      );

      expect(snapshot()).toStrictEqual(before);
    });
  }

  it('number[][] rows, an init given as rows and a weight array are unchanged by successful and failing calls', async () => {
    const data = rows.map((row) => row.slice());
    const init = initRows.map((row) => row.slice());
    const sampleWeight = [1, 0.5, 2, 0, 3, 1e-3];
    const bad = [...rows.map((row) => row.slice()), [Infinity, 0]];
    const snapshots = () => [snapshotRows(data), snapshotRows(init), snapshotRows([sampleWeight]), snapshotRows(bad)];
    const before = snapshots();

    const model = new KMeans({ init, maxIter: 5 });
    model.fit(data, { sampleWeight });
    model.predict(data);
    model.transform(data);
    model.score(data, { sampleWeight });
    await model.fitAsync(data, { sampleWeight });
    await model.predictAsync(data);
    kmeansPlusPlus(data, 2, { sampleWeight, seed: 1 });
    expectKMeansError(
      () => model.fit(bad),
      'ERR_KMEANS_NON_FINITE',
      'X must contain only finite numbers: row 6, column 0 is Infinity',
    );
    expectKMeansError(
      () => model.predict(bad),
      'ERR_KMEANS_NON_FINITE',
      'X must contain only finite numbers: row 6, column 0 is Infinity',
    );
    expectKMeansError(
      () => model.fit(data, { sampleWeight: sampleWeight.slice(1) }),
      'ERR_KMEANS_INVALID_WEIGHTS',
      'sampleWeight must have one value per sample: expected 6, got 5',
    );

    const after = snapshots();
    [data, init, [sampleWeight], bad].forEach((value, i) => expectRowsUnchanged(value, before[i]!));
    expect(after).toStrictEqual(before);
  });

  it('a typed matrix that is a view into a larger buffer: only its own bytes are read, none are written', () => {
    const buffer = new Float64Array(2 + n * 2 + 2).fill(-7.5);
    buffer.set(X.flat(), 2);
    const view: Matrix = { data: buffer.subarray(2, 2 + n * 2), rows: n, cols: 2 };
    const before = bytes(buffer);
    const fromView = new KMeans({ nClusters: 2, seed: 5 }).fit(view);
    const fromCopy = new KMeans({ nClusters: 2, seed: 5 }).fit(matrix(X));
    expect(Array.from(fromView.labels)).toEqual(Array.from(fromCopy.labels));
    expect(fromView.inertia).toBe(fromCopy.inertia);
    expect(Array.from(fromView.transform(view).data)).toEqual(Array.from(fromCopy.transform(matrix(X)).data));
    expect(bytes(buffer)).toStrictEqual(before);
  });
});
