/**
 * Validation of what fit and the queries take besides the options: the warning for an explicit
 * init with nInit, fit options, sampleWeight, and the data of predict, transform and score.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KMeans } from '../../src/index';
import { matrix } from '../helpers';
import { X, untyped, expectKMeansError, expectKMeansRejection, notFitted, fitted } from './validation_helpers';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('explicit init with nInit', () => {
  it('emits a KMEANS_EXPLICIT_INIT_NINIT warning and runs once', () => {
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const model = new KMeans({
      init: [
        [0, 0],
        [10, 10],
      ],
      nInit: 3,
    });
    expect(emitWarning).toHaveBeenCalledTimes(1);
    expect(emitWarning).toHaveBeenCalledWith('Explicit initial centers: performing only one init instead of nInit=3', {
      type: 'RuntimeWarning',
      code: 'KMEANS_EXPLICIT_INIT_NINIT',
    });
    expect(model.fit(X).nIter).toBeGreaterThanOrEqual(1);
  });

  it('delivers the warning to process "warning" listeners', async () => {
    const warning = new Promise<Error & { code?: string }>((resolve) => process.once('warning', resolve));
    new KMeans({
      init: matrix(
        [
          [0, 0],
          [10, 10],
        ],
        'float32',
      ),
      nInit: 3,
    });
    const received = await warning;
    expect(received.name).toBe('RuntimeWarning');
    expect(received.code).toBe('KMEANS_EXPLICIT_INIT_NINIT');
  });

  it('does not warn for nInit "auto" or 1, nor for nInit with a method init', () => {
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    new KMeans({
      init: [
        [0, 0],
        [10, 10],
      ],
    });
    new KMeans({
      init: [
        [0, 0],
        [10, 10],
      ],
      nInit: 'auto',
    });
    new KMeans({
      init: [
        [0, 0],
        [10, 10],
      ],
      nInit: 1,
    });
    new KMeans({ init: 'random', nInit: 3 });
    expect(emitWarning).not.toHaveBeenCalled();
  });
});

describe('fit options', () => {
  const model = () => new KMeans({ nClusters: 2, seed: 1 });

  it('rejects an unknown key with a suggestion', () => {
    expectKMeansError(
      () => model().fit(X, untyped({ sampleWeights: [1, 1, 1, 1, 1, 1] })),
      'ERR_KMEANS_INVALID_OPTION',
      'Unknown fit option "sampleWeights"; did you mean "sampleWeight"?',
    );
    expectKMeansError(
      () => model().fit(X, untyped({ sample_weight: [1, 1, 1, 1, 1, 1] })),
      'ERR_KMEANS_INVALID_OPTION',
      'Unknown fit option "sample_weight"; did you mean "sampleWeight"?',
    );
    expectKMeansError(
      () => model().fit(X, untyped({ y: [0, 1, 0, 1, 0, 1] })),
      'ERR_KMEANS_INVALID_OPTION',
      'Unknown fit option "y"; valid options: sampleWeight',
    );
  });

  it('rejects fit options that are null with a KMeansError (not a TypeError)', () => {
    expectKMeansError(
      () => model().fit(X, untyped(null)),
      'ERR_KMEANS_INVALID_OPTION',
      'fit options must be an object (got null)',
    );
  });

  it('rejects fit options that are an array (e.g. labels or weights passed positionally)', () => {
    expectKMeansError(
      () => model().fit(X, untyped([1, 1, 1, 1, 1, 1])),
      'ERR_KMEANS_INVALID_OPTION',
      'fit options must be an object (got an array of length 6)',
    );
  });

  it('rejects fit options that are a number or a string instead of ignoring them', () => {
    expectKMeansError(
      () => model().fit(X, untyped(5)),
      'ERR_KMEANS_INVALID_OPTION',
      'fit options must be an object (got 5)',
    );
    expectKMeansError(
      () => model().fit(X, untyped('w')),
      'ERR_KMEANS_INVALID_OPTION',
      'fit options must be an object (got "w")',
    );
  });

  it('rejects score options that are null with a KMeansError (not a TypeError)', () => {
    const m = fitted();
    expectKMeansError(
      () => m.score(X, untyped(null)),
      'ERR_KMEANS_INVALID_OPTION',
      'score options must be an object (got null)',
    );
  });

  it('rejects fitAsync options that are null with a KMeansError rejection (not a TypeError)', async () => {
    await expectKMeansRejection(
      () => model().fitAsync(X, untyped(null)),
      'ERR_KMEANS_INVALID_OPTION',
      'fit options must be an object (got null)',
    );
  });
});

describe('sampleWeight', () => {
  const fit =
    (sampleWeight: unknown, options: object = {}) =>
    () =>
      new KMeans({ nClusters: 2, seed: 1, ...options }).fit(X, { sampleWeight: untyped(sampleWeight) });

  it('rejects the wrong length', () => {
    expectKMeansError(
      fit([1, 1, 1]),
      'ERR_KMEANS_INVALID_WEIGHTS',
      'sampleWeight must have one value per sample: expected 6, got 3',
    );
    expectKMeansError(
      fit(new Float64Array(7).fill(1)),
      'ERR_KMEANS_INVALID_WEIGHTS',
      'sampleWeight must have one value per sample: expected 6, got 7',
    );
  });

  it('rejects negative, NaN, infinite and non-number weights, naming the index', () => {
    expectKMeansError(
      fit([1, 1, -1, 1, 1, 1]),
      'ERR_KMEANS_INVALID_WEIGHTS',
      'sampleWeight must hold finite numbers >= 0: sampleWeight[2] is -1',
    );
    expectKMeansError(
      fit(Float64Array.of(1, 1, 1, 1, 1, NaN)),
      'ERR_KMEANS_INVALID_WEIGHTS',
      'sampleWeight must hold finite numbers >= 0: sampleWeight[5] is NaN',
    );
    expectKMeansError(
      fit(Float32Array.of(Infinity, 1, 1, 1, 1, 1)),
      'ERR_KMEANS_INVALID_WEIGHTS',
      'sampleWeight must hold finite numbers >= 0: sampleWeight[0] is Infinity',
    );
    expectKMeansError(
      fit([1, '1', 1, 1, 1, 1]),
      'ERR_KMEANS_INVALID_WEIGHTS',
      'sampleWeight must hold finite numbers >= 0: sampleWeight[1] is "1"',
    );
  });

  it('rejects all-zero weights', () => {
    expectKMeansError(fit([0, 0, 0, 0, 0, 0]), 'ERR_KMEANS_INVALID_WEIGHTS', 'sampleWeight must not be all zero');
    expectKMeansError(fit(new Float64Array(6)), 'ERR_KMEANS_INVALID_WEIGHTS', 'sampleWeight must not be all zero');
  });

  it('rejects a sampleWeight of the wrong type', () => {
    const expected = (got: string) =>
      `sampleWeight must be an array of numbers, a Float64Array or a Float32Array (got ${got})`;
    expectKMeansError(fit('111111'), 'ERR_KMEANS_INVALID_WEIGHTS', expected('"111111"'));
    expectKMeansError(fit(1), 'ERR_KMEANS_INVALID_WEIGHTS', expected('1'));
    expectKMeansError(fit({ 0: 1, length: 6 }), 'ERR_KMEANS_INVALID_WEIGHTS', expected('an object'));
    expectKMeansError(fit(new Uint8Array(6).fill(1)), 'ERR_KMEANS_INVALID_WEIGHTS', expected('a Uint8Array'));
  });

  it('rejects weights whose sum overflows to Infinity', () => {
    expectKMeansError(fit([1e308, 1e308, 1e308, 1, 1, 1]), 'ERR_KMEANS_INVALID_WEIGHTS', /^sampleWeight .*(sum|total)/);
  });

  it('init "random" with fewer positive-weight samples than nClusters: ERR_KMEANS_TOO_FEW_SAMPLES', () => {
    const model = new KMeans({ nClusters: 3, init: 'random', seed: 1 });
    expectKMeansError(
      () => model.fit(X, { sampleWeight: [1, 0, 0, 2, 0, 0] }),
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      'init "random" needs nClusters = 3 samples with positive weight (got 2)',
    );
    // The failed fit leaves the model unfitted.
    expectKMeansError(() => model.labels, 'ERR_KMEANS_NOT_FITTED', notFitted);
    // Exactly nClusters positive weights is enough.
    expect(model.fit(X, { sampleWeight: [1, 0, 1, 2, 0, 0] }).clusterCenters.rows).toBe(3);
  });

  it('init "k-means++" with fewer positive-weight samples than nClusters: ERR_KMEANS_TOO_FEW_SAMPLES', () => {
    expectKMeansError(
      () => new KMeans({ nClusters: 3, seed: 1 }).fit(X, { sampleWeight: [1, 0, 0, 2, 0, 0] }),
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      /positive weight/,
    );
  });
});

describe('predict / transform / score', () => {
  it('before fit: ERR_KMEANS_NOT_FITTED from every method and fitted attribute', () => {
    const model = new KMeans({ nClusters: 2 });
    for (const data of [X, matrix(X), matrix(X, 'float32')]) {
      expectKMeansError(() => model.predict(data), 'ERR_KMEANS_NOT_FITTED', notFitted);
      expectKMeansError(() => model.transform(data), 'ERR_KMEANS_NOT_FITTED', notFitted);
      expectKMeansError(() => model.score(data), 'ERR_KMEANS_NOT_FITTED', notFitted);
    }
    for (const get of [
      () => model.clusterCenters,
      () => model.labels,
      () => model.inertia,
      () => model.nIter,
      () => model.converged,
      () => model.nFeaturesIn,
      () => model.history,
    ]) {
      expectKMeansError(get, 'ERR_KMEANS_NOT_FITTED', notFitted);
    }
  });

  it('before fit, NOT_FITTED wins over bad data', () => {
    expectKMeansError(() => new KMeans().predict(untyped('not data')), 'ERR_KMEANS_NOT_FITTED', notFitted);
  });

  it('with the wrong number of columns: ERR_KMEANS_SHAPE_MISMATCH, for number[][] and typed inputs', () => {
    const model = fitted();
    const wide = X.map((row) => [...row, 0]);
    const message = 'X has 3 features, but this KMeans was fitted with 2 features';
    for (const data of [wide, matrix(wide), matrix(wide, 'float32')]) {
      expectKMeansError(() => model.predict(data), 'ERR_KMEANS_SHAPE_MISMATCH', message);
      expectKMeansError(() => model.transform(data), 'ERR_KMEANS_SHAPE_MISMATCH', message);
      expectKMeansError(() => model.score(data), 'ERR_KMEANS_SHAPE_MISMATCH', message);
    }
    const narrow = { data: new Float32Array(4), rows: 4, cols: 1 };
    expectKMeansError(
      () => model.predict(narrow),
      'ERR_KMEANS_SHAPE_MISMATCH',
      'X has 1 features, but this KMeans was fitted with 2 features',
    );
  });

  it('validates the data of a fitted model like fit does', () => {
    const model = fitted();
    expectKMeansError(
      () => model.predict([[0, NaN]]),
      'ERR_KMEANS_NON_FINITE',
      'X must contain only finite numbers: row 0, column 1 is NaN',
    );
    expectKMeansError(() => model.transform([]), 'ERR_KMEANS_EMPTY_DATA', 'X must have at least one row (got 0 rows)');
    expectKMeansError(
      () => model.score([[0, 1], [2]]),
      'ERR_KMEANS_INVALID_DATA',
      'X has ragged rows: row 1 has 1 values, row 0 has 2',
    );
  });

  it('score validates its options and sample weights', () => {
    const model = fitted();
    expectKMeansError(
      () => model.score(X, untyped({ sampleWeights: [] })),
      'ERR_KMEANS_INVALID_OPTION',
      'Unknown score option "sampleWeights"; did you mean "sampleWeight"?',
    );
    expectKMeansError(
      () => model.score(X, { sampleWeight: [1, 1] }),
      'ERR_KMEANS_INVALID_WEIGHTS',
      'sampleWeight must have one value per sample: expected 6, got 2',
    );
  });
});
