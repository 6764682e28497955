/**
 * Validation of kmeansPlusPlus, and of inputs every entry point refuses: views of resizable
 * ArrayBuffers, centers overwritten with NaN.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KMeans, kmeansPlusPlus } from '../../src/index';
import { matrix } from '../helpers';
import { X, untyped, expectKMeansError } from './validation_helpers';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('kmeansPlusPlus', () => {
  it('rejects nClusters larger than the number of samples', () => {
    expectKMeansError(
      () => kmeansPlusPlus(matrix(X, 'float32'), 7, { seed: 1 }),
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      'nClusters must be <= the number of samples: n_samples = 6, nClusters = 7',
    );
  });

  it('rejects nClusters that is not an integer >= 1', () => {
    expectKMeansError(
      () => kmeansPlusPlus(X, 0),
      'ERR_KMEANS_INVALID_OPTION',
      'nClusters must be an integer >= 1 (got 0)',
    );
    expectKMeansError(
      () => kmeansPlusPlus(X, untyped('2')),
      'ERR_KMEANS_INVALID_OPTION',
      'nClusters must be an integer >= 1 (got "2")',
    );
    expectKMeansError(
      () => kmeansPlusPlus(X, untyped(undefined)),
      'ERR_KMEANS_INVALID_OPTION',
      'nClusters must be an integer >= 1 (got undefined)',
    );
  });

  it('rejects nLocalTrials outside 1..n', () => {
    const range = `nLocalTrials must be an integer between 1 and ${X.length}`;
    expectKMeansError(() => kmeansPlusPlus(X, 2, { nLocalTrials: 0 }), 'ERR_KMEANS_INVALID_OPTION', `${range} (got 0)`);
    expectKMeansError(
      () => kmeansPlusPlus(X, 2, { nLocalTrials: 1.5 }),
      'ERR_KMEANS_INVALID_OPTION',
      `${range} (got 1.5)`,
    );
    expectKMeansError(
      () => kmeansPlusPlus(X, 2, { nLocalTrials: 2 ** 31 }),
      'ERR_KMEANS_INVALID_OPTION',
      `${range} (got 2147483648)`,
    );
  });

  it('refuses views of resizable ArrayBuffers, which could shrink under an async call', () => {
    const buffer = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer)(6 * 2 * 8, {
      maxByteLength: 1024,
    });
    const data = new Float64Array(buffer);
    data.set(X.flat());
    expectKMeansError(
      () => new KMeans({ nClusters: 2 }).fit({ data, rows: 6, cols: 2 }),
      'ERR_KMEANS_INVALID_DATA',
      'X.data is a view of a resizable ArrayBuffer, which could shrink while the native code reads it: pass a copy (X.data.slice())',
    );
    expectKMeansError(
      () => new KMeans({ nClusters: 2 }).fit(X, { sampleWeight: new Float64Array(buffer, 0, 6) }),
      'ERR_KMEANS_INVALID_DATA',
      /^sampleWeight is a view of a resizable ArrayBuffer/,
    );
  });

  it('refuses to predict with centers that were overwritten with NaN', () => {
    const model = new KMeans({ nClusters: 2, seed: 1 }).fit(X);
    model.clusterCenters.data[1] = NaN;
    expectKMeansError(
      () => model.predict(X),
      'ERR_KMEANS_NON_FINITE',
      'clusterCenters must contain only finite numbers: row 0, column 1 is NaN',
    );
  });

  it('warns, as scikit-learn, when fewer distinct clusters than nClusters are found', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    new KMeans({ nClusters: 3, seed: 1 }).fit([
      [1, 1],
      [1, 1],
      [1, 1],
      [2, 2],
    ]);
    expect(warn).toHaveBeenCalledWith(
      'Number of distinct clusters (2) found smaller than nClusters (3). Possibly due to duplicate points in X.',
      { type: 'ConvergenceWarning', code: 'KMEANS_FEWER_DISTINCT_CLUSTERS' },
    );
  });

  it('rejects unknown options, with a suggestion when one is close', () => {
    expectKMeansError(
      () => kmeansPlusPlus(X, 2, untyped({ sample_weight: [1, 1, 1, 1, 1, 1] })),
      'ERR_KMEANS_INVALID_OPTION',
      'Unknown kmeansPlusPlus option "sample_weight"; did you mean "sampleWeight"?',
    );
    expectKMeansError(
      () => kmeansPlusPlus(X, 2, untyped({ verbose: true })),
      'ERR_KMEANS_INVALID_OPTION',
      'Unknown kmeansPlusPlus option "verbose"; valid options: seed, sampleWeight, nLocalTrials, threads',
    );
  });

  it('rejects options that are not an object', () => {
    expectKMeansError(
      () => kmeansPlusPlus(X, 2, untyped(null)),
      'ERR_KMEANS_INVALID_OPTION',
      'kmeansPlusPlus options must be an object (got null)',
    );
    expectKMeansError(
      () => kmeansPlusPlus(X, 2, untyped(7)),
      'ERR_KMEANS_INVALID_OPTION',
      'kmeansPlusPlus options must be an object (got 7)',
    );
  });

  it('rejects bad seed and threads', () => {
    expectKMeansError(
      () => kmeansPlusPlus(X, 2, { seed: -1 }),
      'ERR_KMEANS_INVALID_OPTION',
      'seed must be an integer >= 0 (got -1)',
    );
    expectKMeansError(
      () => kmeansPlusPlus(X, 2, { threads: 0 }),
      'ERR_KMEANS_INVALID_OPTION',
      'threads must be an integer between 1 and 4096 (got 0)',
    );
  });

  it('rejects a bad sampleWeight', () => {
    expectKMeansError(
      () => kmeansPlusPlus(X, 2, { sampleWeight: [1, 1] }),
      'ERR_KMEANS_INVALID_WEIGHTS',
      'sampleWeight must have one value per sample: expected 6, got 2',
    );
    expectKMeansError(
      () => kmeansPlusPlus(X, 2, { sampleWeight: Float32Array.of(1, 1, 1, NaN, 1, 1) }),
      'ERR_KMEANS_INVALID_WEIGHTS',
      'sampleWeight must hold finite numbers >= 0: sampleWeight[3] is NaN',
    );
    expectKMeansError(
      () => kmeansPlusPlus(X, 2, { sampleWeight: untyped('heavy') }),
      'ERR_KMEANS_INVALID_WEIGHTS',
      'sampleWeight must be an array of numbers, a Float64Array or a Float32Array (got "heavy")',
    );
  });

  it('validates X like fit does', () => {
    expectKMeansError(
      () =>
        kmeansPlusPlus(
          [
            [0, 0],
            [NaN, 0],
          ],
          1,
        ),
      'ERR_KMEANS_NON_FINITE',
      'X must contain only finite numbers: row 1, column 0 is NaN',
    );
    expectKMeansError(
      () => kmeansPlusPlus({ data: new Float64Array(3), rows: 2, cols: 2 }, 1),
      'ERR_KMEANS_INVALID_DATA',
      'X.data must hold rows * cols = 4 values (got 3)',
    );
  });

  it('fewer positive-weight samples than nClusters: ERR_KMEANS_TOO_FEW_SAMPLES, not a repeated row', () => {
    expectKMeansError(
      () => kmeansPlusPlus(X, 3, { sampleWeight: [1, 1, 0, 0, 0, 0], seed: 1 }),
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      /positive weight/,
    );
  });
});
