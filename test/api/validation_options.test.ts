/**
 * Validation of KMeans's options: unknown names, types and ranges, and init given as a method
 * or a matrix.
 */
import { describe, expect, it } from 'vitest';
import { KMeans } from '../../src/index';
import { matrix } from '../helpers';
import { X, untyped, expectKMeansError, allOptions } from './validation_helpers';

describe('KMeans options', () => {
  const make = (options: unknown) => () => new KMeans(untyped(options));

  it('rejects an unknown option with a "did you mean" suggestion', () => {
    expectKMeansError(
      make({ nCluster: 3 }),
      'ERR_KMEANS_INVALID_OPTION',
      'Unknown KMeans option "nCluster"; did you mean "nClusters"?',
    );
    expectKMeansError(
      make({ max_iter: 10 }),
      'ERR_KMEANS_INVALID_OPTION',
      'Unknown KMeans option "max_iter"; did you mean "maxIter"?',
    );
    expectKMeansError(
      make({ n_clusters: 3 }),
      'ERR_KMEANS_INVALID_OPTION',
      'Unknown KMeans option "n_clusters"; did you mean "nClusters"?',
    );
    // A key with a line break or a quote is quoted as JSON: the message stays on one line.
    expectKMeansError(
      make({ 'a\nb"': 1 }),
      'ERR_KMEANS_INVALID_OPTION',
      'Unknown KMeans option "a\\nb\\""; valid options: nClusters, init, initSteps, nInit, maxIter, tol, seed, algorithm, threads, mixedPrecision, metric',
    );
    expectKMeansError(
      make({ ninit: 3 }),
      'ERR_KMEANS_INVALID_OPTION',
      'Unknown KMeans option "ninit"; did you mean "nInit"?',
    );
  });

  it('lists the valid options when no name is close', () => {
    expectKMeansError(
      make({ verbose: 1 }),
      'ERR_KMEANS_INVALID_OPTION',
      `Unknown KMeans option "verbose"; valid options: ${allOptions}`,
    );
    expectKMeansError(
      make({ foo: 1 }),
      'ERR_KMEANS_INVALID_OPTION',
      `Unknown KMeans option "foo"; valid options: ${allOptions}`,
    );
  });

  it('points scikit-learn names at their camelCase equivalents', () => {
    expectKMeansError(
      make({ random_state: 0 }),
      'ERR_KMEANS_INVALID_OPTION',
      'Unknown KMeans option "random_state"; did you mean "seed"?',
    );
    expectKMeansError(
      make({ n_clusters: 3 }),
      'ERR_KMEANS_INVALID_OPTION',
      'Unknown KMeans option "n_clusters"; did you mean "nClusters"?',
    );
    expectKMeansError(
      make({ n_jobs: 2 }),
      'ERR_KMEANS_INVALID_OPTION',
      'Unknown KMeans option "n_jobs"; did you mean "threads"?',
    );
  });

  it('rejects init values beyond the float32 range when the data is float32', () => {
    const model = new KMeans({
      init: [
        [1e39, 0],
        [0, 0],
      ],
    });
    expectKMeansError(
      () => model.fit(matrix(X, 'float32')),
      'ERR_KMEANS_NON_FINITE',
      'init has values beyond the float32 range, so it cannot be used with float32 data: pass the data as float64',
    );
  });

  it('rejects an init that is neither a method name nor a matrix', () => {
    expectKMeansError(
      make({ init: 5 }),
      'ERR_KMEANS_INVALID_OPTION',
      'init must be "k-means++", "k-means||", "random" or a k×d matrix of centers (got 5)',
    );
  });

  it('rejects options that are not an object', () => {
    expectKMeansError(make(null), 'ERR_KMEANS_INVALID_OPTION', 'KMeans options must be an object (got null)');
    expectKMeansError(make(3), 'ERR_KMEANS_INVALID_OPTION', 'KMeans options must be an object (got 3)');
    expectKMeansError(make('k=3'), 'ERR_KMEANS_INVALID_OPTION', 'KMeans options must be an object (got "k=3")');
    expectKMeansError(
      make([3]),
      'ERR_KMEANS_INVALID_OPTION',
      'KMeans options must be an object (got an array of length 1)',
    );
  });

  it('rejects nClusters that is not an integer >= 1', () => {
    expectKMeansError(make({ nClusters: 0 }), 'ERR_KMEANS_INVALID_OPTION', 'nClusters must be an integer >= 1 (got 0)');
    expectKMeansError(
      make({ nClusters: 1.5 }),
      'ERR_KMEANS_INVALID_OPTION',
      'nClusters must be an integer >= 1 (got 1.5)',
    );
    expectKMeansError(
      make({ nClusters: '3' }),
      'ERR_KMEANS_INVALID_OPTION',
      'nClusters must be an integer >= 1 (got "3")',
    );
    expectKMeansError(
      make({ nClusters: -2 }),
      'ERR_KMEANS_INVALID_OPTION',
      'nClusters must be an integer >= 1 (got -2)',
    );
    expectKMeansError(
      make({ nClusters: NaN }),
      'ERR_KMEANS_INVALID_OPTION',
      'nClusters must be an integer >= 1 (got NaN)',
    );
  });

  it('rejects nClusters larger than the number of samples at fit', () => {
    const model = new KMeans({ nClusters: 7 });
    expectKMeansError(
      () => model.fit(X),
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      'nClusters must be <= the number of samples: n_samples = 6, nClusters = 7',
    );
    expectKMeansError(
      () => new KMeans().fit(matrix(X, 'float32')),
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      'nClusters must be <= the number of samples: n_samples = 6, nClusters = 8',
    );
  });

  it('rejects maxIter 0 and non-integers', () => {
    expectKMeansError(make({ maxIter: 0 }), 'ERR_KMEANS_INVALID_OPTION', 'maxIter must be an integer >= 1 (got 0)');
    expectKMeansError(make({ maxIter: 2.5 }), 'ERR_KMEANS_INVALID_OPTION', 'maxIter must be an integer >= 1 (got 2.5)');
    expectKMeansError(
      make({ maxIter: '10' }),
      'ERR_KMEANS_INVALID_OPTION',
      'maxIter must be an integer >= 1 (got "10")',
    );
  });

  it('rejects tol that is negative, NaN, infinite or not a number', () => {
    expectKMeansError(make({ tol: -1 }), 'ERR_KMEANS_INVALID_OPTION', 'tol must be a finite number >= 0 (got -1)');
    expectKMeansError(make({ tol: NaN }), 'ERR_KMEANS_INVALID_OPTION', 'tol must be a finite number >= 0 (got NaN)');
    expectKMeansError(
      make({ tol: Infinity }),
      'ERR_KMEANS_INVALID_OPTION',
      'tol must be a finite number >= 0 (got Infinity)',
    );
    expectKMeansError(
      make({ tol: '1e-4' }),
      'ERR_KMEANS_INVALID_OPTION',
      'tol must be a finite number >= 0 (got "1e-4")',
    );
  });

  it('rejects nInit that is neither "auto" nor an integer >= 1', () => {
    expectKMeansError(
      make({ nInit: 0 }),
      'ERR_KMEANS_INVALID_OPTION',
      'nInit must be "auto" or an integer >= 1 (got 0)',
    );
    expectKMeansError(
      make({ nInit: 'always' }),
      'ERR_KMEANS_INVALID_OPTION',
      'nInit must be "auto" or an integer >= 1 (got "always")',
    );
    expectKMeansError(
      make({ nInit: 2.5 }),
      'ERR_KMEANS_INVALID_OPTION',
      'nInit must be "auto" or an integer >= 1 (got 2.5)',
    );
  });

  it('rejects an init string that is not a method name', () => {
    const expected = (got: string) =>
      `init must be "k-means++", "k-means||", "random" or a k×d matrix of centers (got ${got})`;
    expectKMeansError(make({ init: 'kmeans++' }), 'ERR_KMEANS_INVALID_OPTION', expected('"kmeans++"'));
    expectKMeansError(make({ init: 'Random' }), 'ERR_KMEANS_INVALID_OPTION', expected('"Random"'));
  });

  it('rejects an init matrix whose row count differs from nClusters', () => {
    expectKMeansError(
      make({
        nClusters: 3,
        init: [
          [0, 0],
          [1, 1],
        ],
      }),
      'ERR_KMEANS_SHAPE_MISMATCH',
      'init must have nClusters = 3 rows (got 2 rows)',
    );
    expectKMeansError(
      make({
        nClusters: 1,
        init: matrix(
          [
            [0, 0],
            [1, 1],
          ],
          'float32',
        ),
      }),
      'ERR_KMEANS_SHAPE_MISMATCH',
      'init must have nClusters = 1 rows (got 2 rows)',
    );
  });

  it('rejects, at fit, an init matrix whose column count differs from X', () => {
    const model = new KMeans({
      init: [
        [0, 0, 0],
        [1, 1, 1],
      ],
    });
    expectKMeansError(
      () => model.fit(X),
      'ERR_KMEANS_SHAPE_MISMATCH',
      'init must have one column per feature of X: X has 2 features, init has 3',
    );
    expectKMeansError(
      () => new KMeans({ init: matrix([[0], [1]]) }).fit(matrix(X, 'float32')),
      'ERR_KMEANS_SHAPE_MISMATCH',
      'init must have one column per feature of X: X has 2 features, init has 1',
    );
  });

  it('rejects an init matrix holding NaN or ±Infinity, naming row and column', () => {
    expectKMeansError(
      make({
        init: [
          [0, 0],
          [NaN, 1],
        ],
      }),
      'ERR_KMEANS_NON_FINITE',
      'init must contain only finite numbers: row 1, column 0 is NaN',
    );
    const typed = matrix(
      [
        [0, 0],
        [1, 1],
      ],
      'float32',
    );
    typed.data[1] = -Infinity;
    expectKMeansError(
      make({ init: typed }),
      'ERR_KMEANS_NON_FINITE',
      'init must contain only finite numbers: row 0, column 1 is -Infinity',
    );
  });

  it('rejects an init matrix that is not a matrix', () => {
    expectKMeansError(
      make({ init: [[0, 0], [1]] }),
      'ERR_KMEANS_INVALID_DATA',
      'init has ragged rows: row 1 has 1 values, row 0 has 2',
    );
    expectKMeansError(make({ init: [] }), 'ERR_KMEANS_EMPTY_DATA', 'init must have at least one row (got 0 rows)');
    expectKMeansError(
      make({ init: { data: new Float64Array(3), rows: 2, cols: 2 } }),
      'ERR_KMEANS_INVALID_DATA',
      'init.data must hold rows * cols = 4 values (got 3)',
    );
  });

  it('fits from the init centers as they were at construction, even if the caller changes them later', () => {
    const original = Float64Array.of(0, 0, 10, 10);
    const expected = new KMeans({ init: { data: original.slice(), rows: 2, cols: 2 } }).fit(X).clusterCenters.data;
    const init = original.slice();
    const model = new KMeans({ init: { data: init, rows: 2, cols: 2 } });
    init[0] = NaN;
    model.fit(X);
    expect(Array.from(model.clusterCenters.data)).toEqual(Array.from(expected));
  });

  it('rejects an unknown algorithm', () => {
    const expected = 'algorithm must be "lloyd", "elkan", "hamerly" or "auto"';
    expectKMeansError(make({ algorithm: 'full' }), 'ERR_KMEANS_INVALID_OPTION', `${expected} (got "full")`);
    expectKMeansError(make({ algorithm: 'LLOYD' }), 'ERR_KMEANS_INVALID_OPTION', `${expected} (got "LLOYD")`);
  });

  it('rejects seed that is negative, fractional or not a number', () => {
    expectKMeansError(make({ seed: -1 }), 'ERR_KMEANS_INVALID_OPTION', 'seed must be an integer >= 0 (got -1)');
    expectKMeansError(make({ seed: 1.5 }), 'ERR_KMEANS_INVALID_OPTION', 'seed must be an integer >= 0 (got 1.5)');
    expectKMeansError(make({ seed: '42' }), 'ERR_KMEANS_INVALID_OPTION', 'seed must be an integer >= 0 (got "42")');
  });

  it('rejects seed 2**53 with the code for a bad option', () => {
    expectKMeansError(
      make({ seed: 2 ** 53 }),
      'ERR_KMEANS_INVALID_OPTION',
      /^seed must be an integer .* \(got 9007199254740992\)$/,
    );
    expect(() => new KMeans({ seed: 2 ** 53 - 1 })).not.toThrow();
  });

  it('says that seed must be below 2**53 when it is 2**53', () => {
    expectKMeansError(
      make({ seed: 2 ** 53 }),
      'ERR_KMEANS_INVALID_OPTION',
      /^seed must be an integer .*(9007199254740991|2\^53|2 \*\* 53).* \(got 9007199254740992\)$/,
    );
  });

  it('rejects threads outside 1..4096', () => {
    expectKMeansError(
      make({ threads: 0 }),
      'ERR_KMEANS_INVALID_OPTION',
      'threads must be an integer between 1 and 4096 (got 0)',
    );
    expectKMeansError(
      make({ threads: 4097 }),
      'ERR_KMEANS_INVALID_OPTION',
      'threads must be an integer between 1 and 4096 (got 4097)',
    );
    expectKMeansError(
      make({ threads: 1.5 }),
      'ERR_KMEANS_INVALID_OPTION',
      'threads must be an integer between 1 and 4096 (got 1.5)',
    );
  });

  it('treats undefined options as absent', () => {
    const model = new KMeans({ nClusters: undefined, seed: undefined, init: undefined });
    expect(model.params.nClusters).toBe(8);
    expect(model.params.init).toBe('k-means++');
  });
});
