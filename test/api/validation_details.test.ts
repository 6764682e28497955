/**
 * The details of a KMeansError: where an input check found the problem (argument, row, column)
 * and the numbers it compared (value, limit, expected and actual counts), for the main codes;
 * and meanVariance, the scale of tol, which a program following a fit's progress needs.
 */
import { describe, expect, it } from 'vitest';
import { KMeans, KMeansError, meanVariance, vq } from '../../src/index';
import type { KMeansErrorCode, KMeansErrorDetails } from '../../src/index';
import { magnitudeLimit } from '../../src/matrix';
import { X, expectKMeansError, fitted, untyped } from './validation_helpers';

/** The details of the KMeansError that `fn` throws with this code. */
function detailsOf(fn: () => unknown, code: KMeansErrorCode): KMeansErrorDetails {
  return expectKMeansError(fn, code, /\S/).details;
}

const fit =
  (data: unknown, options: object = {}) =>
  () =>
    new KMeans({ nClusters: 1 }).fit(untyped(data), untyped(options));

describe('KMeansError details', () => {
  it('ERR_KMEANS_NON_FINITE: argument, row, column and the value, in number[][], typed and natively scanned data', () => {
    expect(
      detailsOf(
        fit([
          [1, 2],
          [3, NaN],
        ]),
        'ERR_KMEANS_NON_FINITE',
      ),
    ).toEqual({ argument: 'X', row: 1, column: 1, value: NaN });
    const small = Float32Array.of(1, 2, 3, -Infinity, 5, 6);
    expect(detailsOf(fit({ data: small, rows: 2, cols: 3 }), 'ERR_KMEANS_NON_FINITE')).toEqual({
      argument: 'X',
      row: 1,
      column: 0,
      value: -Infinity,
    });
    const large = new Float64Array(100_000 * 3).fill(1);
    large[54_321 * 3 + 2] = Infinity;
    expect(detailsOf(fit({ data: large, rows: 100_000, cols: 3 }), 'ERR_KMEANS_NON_FINITE')).toEqual({
      argument: 'X',
      row: 54_321,
      column: 2,
      value: Infinity,
    });
  });

  it('ERR_KMEANS_OVERFLOW: the place, the value and the limit the message states', () => {
    const error = expectKMeansError(
      fit([
        [1, 2],
        [3, 1e200],
        [5, 6],
      ]),
      'ERR_KMEANS_OVERFLOW',
      /must stay below 2\.74e\+153/,
    );
    expect(error.details).toEqual({
      argument: 'X',
      row: 1,
      column: 1,
      value: 1e200,
      limit: magnitudeLimit('float64', 3, 2),
    });
    // sqrt(max / (4 · 2 columns · 3 rows))
    expect(error.details.limit).toBeGreaterThan(2.7368e153);
    expect(error.details.limit).toBeLessThan(2.7369e153);
    expect(error.message).toContain(`below ${error.details.limit!.toPrecision(3)}`);
  });

  it('ERR_KMEANS_OVERFLOW with weights adding up to W: the limit of W rows', () => {
    const data = [
      [0, 0],
      [1e10, 1],
      [2, 2],
    ];
    const error = expectKMeansError(
      fit(data, { sampleWeight: [1, 1e300, 1] }),
      'ERR_KMEANS_OVERFLOW',
      /with sampleWeight adding up to 1\.00e\+300/,
    );
    const { limit, ...place } = error.details;
    expect(place).toEqual({ argument: 'X', row: 1, column: 0, value: 1e10 });
    expect(limit).toBe(magnitudeLimit('float64', 1e300, 2));
    expect(error.message).toContain(`below ${limit!.toPrecision(3)}`);
  });

  it('ERR_KMEANS_INVALID_DATA: ragged rows and cells that are not numbers, by row and column; counts that differ', () => {
    expect(detailsOf(fit([[1, 2], [3]]), 'ERR_KMEANS_INVALID_DATA')).toEqual({
      argument: 'X',
      row: 1,
      expected: 2,
      actual: 1,
    });
    expect(
      detailsOf(
        fit([
          [1, 2],
          [3, '4'],
        ]),
        'ERR_KMEANS_INVALID_DATA',
      ),
    ).toEqual({ argument: 'X', row: 1, column: 1 });
    expect(detailsOf(fit([[1], 2]), 'ERR_KMEANS_INVALID_DATA')).toEqual({ argument: 'X', row: 1 });
    expect(detailsOf(fit({ data: new Float64Array(5), rows: 2, cols: 3 }), 'ERR_KMEANS_INVALID_DATA')).toEqual({
      argument: 'X',
      expected: 6,
      actual: 5,
    });
    expect(detailsOf(fit('X'), 'ERR_KMEANS_INVALID_DATA')).toEqual({ argument: 'X' });
  });

  it('ERR_KMEANS_EMPTY_DATA names the argument', () => {
    expect(detailsOf(fit([]), 'ERR_KMEANS_EMPTY_DATA')).toEqual({ argument: 'X' });
  });

  it('ERR_KMEANS_INVALID_WEIGHTS: the bad weight by index and value, or the counts', () => {
    const withWeights = (sampleWeight: unknown) => fit(X, { sampleWeight });
    expect(detailsOf(withWeights([1, 1, -2, 1, 1, 1]), 'ERR_KMEANS_INVALID_WEIGHTS')).toEqual({
      argument: 'sampleWeight',
      row: 2,
      value: -2,
    });
    expect(detailsOf(withWeights([1, 1, 1, 1, 1, '1']), 'ERR_KMEANS_INVALID_WEIGHTS')).toEqual({
      argument: 'sampleWeight',
      row: 5,
    });
    expect(detailsOf(withWeights([1, 1]), 'ERR_KMEANS_INVALID_WEIGHTS')).toEqual({
      argument: 'sampleWeight',
      expected: 6,
      actual: 2,
    });
    expect(detailsOf(withWeights([0, 0, 0, 0, 0, 0]), 'ERR_KMEANS_INVALID_WEIGHTS')).toEqual({
      argument: 'sampleWeight',
    });
  });

  it('ERR_KMEANS_ZERO_VECTOR: the row of length zero, in X or in init', () => {
    const cosine = (init?: number[][]) => new KMeans({ nClusters: 2, metric: 'cosine', ...(init ? { init } : {}) });
    expect(detailsOf(() => cosine().fit([...X.slice(1), [0, 0]]), 'ERR_KMEANS_ZERO_VECTOR')).toEqual({
      argument: 'X',
      row: 5,
    });
    expect(
      detailsOf(
        () =>
          cosine([
            [1, 1],
            [0, 0],
          ]).fit(X.slice(1)),
        'ERR_KMEANS_ZERO_VECTOR',
      ),
    ).toEqual({ argument: 'init', row: 1 });
  });

  it('other arguments are named as in their messages: init, clusterCenters, a float32 conversion', () => {
    expect(
      detailsOf(
        () =>
          new KMeans({
            nClusters: 2,
            init: [
              [0, 0],
              [Infinity, 1],
            ],
          }),
        'ERR_KMEANS_NON_FINITE',
      ),
    ).toEqual({ argument: 'init', row: 1, column: 0, value: Infinity });
    const model = fitted();
    model.clusterCenters.data[3] = NaN;
    expect(detailsOf(() => model.predict(X), 'ERR_KMEANS_NON_FINITE')).toEqual({
      argument: 'clusterCenters',
      row: 1,
      column: 1,
      value: NaN,
    });
    const init = [
      [0, 0],
      [1, 1e39],
    ];
    const float32 = { data: Float32Array.from(X.flat()), rows: 6, cols: 2 };
    expect(detailsOf(() => new KMeans({ nClusters: 2, init }).fit(float32), 'ERR_KMEANS_NON_FINITE')).toEqual({
      argument: 'init',
      row: 1,
      column: 1,
      value: 1e39,
    });
  });

  it('ERR_KMEANS_INVALID_MODEL: model centers too large to square, with their place and limit', () => {
    const file = fitted().toJSON();
    const error = expectKMeansError(
      () => KMeans.fromJSON({ ...file, clusterCenters: file.clusterCenters.map((v, i) => (i === 3 ? 1e300 : v)) }),
      'ERR_KMEANS_INVALID_MODEL',
      /row 1, column 1 is 1e\+300/,
    );
    expect(error.details).toEqual({
      argument: 'clusterCenters',
      row: 1,
      column: 1,
      value: 1e300,
      limit: magnitudeLimit('float64', 2, 2),
    });
  });

  it('fitAsync rejects with the same details as fit', async () => {
    const bad = [
      [1, 2],
      [3, NaN],
    ];
    const error = await new KMeans({ nClusters: 1 }).fitAsync(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KMeansError);
    expect((error as KMeansError).details).toEqual(detailsOf(fit(bad), 'ERR_KMEANS_NON_FINITE'));
  });

  it('errors with nothing to add have empty details, and details are read-only', () => {
    const options = expectKMeansError(() => new KMeans({ nClusters: 0 }), 'ERR_KMEANS_INVALID_OPTION', /\S/);
    expect(options.details).toEqual({});
    expect(Object.isFrozen(options.details)).toBe(true);
    expect(detailsOf(() => new KMeans().predict(X), 'ERR_KMEANS_NOT_FITTED')).toEqual({});
    expect(
      detailsOf(
        () =>
          vq.kmeans2(
            X,
            [
              [0, 0],
              [100, 100],
            ],
            { minit: 'matrix', missing: 'raise' },
          ),
        'ERR_KMEANS_EMPTY_CLUSTER',
      ),
    ).toEqual({});
  });
});

describe('meanVariance', () => {
  /** The mean over columns of Σ (x - mean)² / n, in two passes. */
  function reference(rows: number[][]): number {
    const cols = rows[0]!.length;
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const mean = rows.reduce((acc, row) => acc + row[j]!, 0) / rows.length;
      sum += rows.reduce((acc, row) => acc + (row[j]! - mean) ** 2, 0) / rows.length;
    }
    return sum / cols;
  }

  it('is the mean over columns of their population variance, in float64 and float32', () => {
    expect(meanVariance(X) / reference(X)).toBeCloseTo(1, 12);
    expect(meanVariance([[1, 2, 3]])).toBe(0);
    const typed = { data: Float32Array.from(X.flat()), rows: 6, cols: 2 };
    expect(meanVariance(typed) / reference(X)).toBeCloseTo(1, 6);
  });

  it('checks its inputs as fit does', () => {
    expect(
      detailsOf(
        () =>
          meanVariance([
            [1, 2],
            [NaN, 3],
          ]),
        'ERR_KMEANS_NON_FINITE',
      ),
    ).toEqual({ argument: 'X', row: 1, column: 0, value: NaN });
    expect(detailsOf(() => meanVariance([[1e200]]), 'ERR_KMEANS_OVERFLOW')).toMatchObject({ argument: 'X', row: 0 });
  });
});
