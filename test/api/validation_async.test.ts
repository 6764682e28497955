/**
 * The async twins reject (never throw) with the same errors as their synchronous calls.
 */
import { describe, it } from 'vitest';
import { KMeans, kmeansPlusPlusAsync } from '../../src/index';
import { matrix } from '../helpers';
import { X, untyped, expectKMeansError, expectKMeansRejection, notFitted, fitted } from './validation_helpers';

describe('fitAsync / predictAsync / kmeansPlusPlusAsync', () => {
  it('fitAsync rejects (never throws synchronously) with the same errors as fit', async () => {
    await expectKMeansRejection(
      () =>
        new KMeans({ nClusters: 2 }).fitAsync([
          [0, 0],
          [Infinity, 1],
        ]),
      'ERR_KMEANS_NON_FINITE',
      'X must contain only finite numbers: row 1, column 0 is Infinity',
    );
    await expectKMeansRejection(
      () =>
        new KMeans({ nClusters: 2 }).fitAsync(
          matrix(
            [
              [0, 0],
              [1, 1],
            ],
            'float32',
          ),
          untyped({ weights: [] }),
        ),
      'ERR_KMEANS_INVALID_OPTION',
      'Unknown fit option "weights"; valid options: sampleWeight',
    );
    await expectKMeansRejection(
      () => new KMeans({ nClusters: 7 }).fitAsync(X),
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      'nClusters must be <= the number of samples: n_samples = 6, nClusters = 7',
    );
    await expectKMeansRejection(
      () => new KMeans({ nClusters: 2 }).fitAsync(X, { sampleWeight: [1, -1, 1, 1, 1, 1] }),
      'ERR_KMEANS_INVALID_WEIGHTS',
      'sampleWeight must hold finite numbers >= 0: sampleWeight[1] is -1',
    );
    await expectKMeansRejection(
      () => new KMeans({ init: [[0], [1]] }).fitAsync(X),
      'ERR_KMEANS_SHAPE_MISMATCH',
      'init must have one column per feature of X: X has 2 features, init has 1',
    );
    await expectKMeansRejection(
      () => new KMeans({ nClusters: 1 }).fitAsync({ data: new Float64Array(0), rows: 0, cols: 3 }),
      'ERR_KMEANS_EMPTY_DATA',
      'X must have at least one row (got 0 rows)',
    );
    await expectKMeansRejection(
      () => new KMeans({ nClusters: 1 }).fitAsync(untyped([1, 2, 3])),
      'ERR_KMEANS_INVALID_DATA',
      /^X must be 2-D: /,
    );
  });

  it('fitAsync rejects from inside the plan (init "random" with too few positive weights)', async () => {
    const model = new KMeans({ nClusters: 3, init: 'random', seed: 2 });
    await expectKMeansRejection(
      () => model.fitAsync(matrix(X, 'float32'), { sampleWeight: Float64Array.of(0, 0, 0, 0, 1, 1) }),
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      'init "random" needs nClusters = 3 samples with positive weight (got 2)',
    );
    expectKMeansError(() => model.inertia, 'ERR_KMEANS_NOT_FITTED', notFitted);
  });

  it('predictAsync rejects before fit and on a column mismatch', async () => {
    await expectKMeansRejection(() => new KMeans().predictAsync(X), 'ERR_KMEANS_NOT_FITTED', notFitted);
    await expectKMeansRejection(
      () => new KMeans().predictAsync(matrix(X, 'float32')),
      'ERR_KMEANS_NOT_FITTED',
      notFitted,
    );
    const model = fitted();
    const message = 'X has 1 features, but this KMeans was fitted with 2 features';
    await expectKMeansRejection(() => model.predictAsync([[1], [2]]), 'ERR_KMEANS_SHAPE_MISMATCH', message);
    await expectKMeansRejection(
      () => model.predictAsync(matrix([[1], [2]], 'float32')),
      'ERR_KMEANS_SHAPE_MISMATCH',
      message,
    );
    await expectKMeansRejection(
      () => model.predictAsync(matrix([[1, NaN]])),
      'ERR_KMEANS_NON_FINITE',
      'X must contain only finite numbers: row 0, column 1 is NaN',
    );
  });

  it('kmeansPlusPlusAsync rejects with the same errors as kmeansPlusPlus', async () => {
    await expectKMeansRejection(
      () => kmeansPlusPlusAsync(X, 7),
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      'nClusters must be <= the number of samples: n_samples = 6, nClusters = 7',
    );
    await expectKMeansRejection(
      () => kmeansPlusPlusAsync(X, 2, untyped({ nLocalTrial: 3 })),
      'ERR_KMEANS_INVALID_OPTION',
      'Unknown kmeansPlusPlus option "nLocalTrial"; did you mean "nLocalTrials"?',
    );
    await expectKMeansRejection(
      () => kmeansPlusPlusAsync(X, 2, { sampleWeight: [0, 0, 0, 0, 0, 0] }),
      'ERR_KMEANS_INVALID_WEIGHTS',
      'sampleWeight must not be all zero',
    );
  });
});
