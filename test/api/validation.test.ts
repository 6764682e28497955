/**
 * Input validation: every bad input gets a KMeansError with a stable `code` and a message that
 * says what to fix; nothing crashes, hangs or modifies the caller's arrays.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KMeans, KMeansError, kmeansPlusPlus, kmeansPlusPlusAsync, vq } from '../../src/index';
import type { KMeansErrorCode, Matrix } from '../../src/index';
import { matrix } from '../helpers';

// ---------------------------------------------------------------------------------------------
// Helpers

/** Six 2-D samples in two well separated groups (k = 2 is the natural clustering). */
const X: number[][] = [
  [0, 0],
  [0, 1],
  [1, 0],
  [10, 10],
  [10, 11],
  [11, 10],
];
const n = X.length;

/** Passes a deliberately ill-typed value through the type checker. */
function untyped(value: unknown): never {
  return value as never;
}

/** Asserts that `fn` throws a KMeansError with this code and exactly this message (or matching it). */
function expectKMeansError(fn: () => unknown, code: KMeansErrorCode, message: string | RegExp): KMeansError {
  let caught: unknown;
  let threw = false;
  try {
    fn();
  } catch (error) {
    threw = true;
    caught = error;
  }
  expect(threw, 'expected a KMeansError to be thrown, but the call returned').toBe(true);
  expect(caught).toBeInstanceOf(KMeansError);
  const error = caught as KMeansError;
  expect(error).toBeInstanceOf(Error);
  expect(error.name).toBe('KMeansError');
  expect(error.code).toBe(code);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
  return error;
}

/**
 * Asserts that `fn` returns a promise (it must not throw synchronously) that rejects with a
 * KMeansError with this code and message.
 */
async function expectKMeansRejection(
  fn: () => Promise<unknown>,
  code: KMeansErrorCode,
  message: string | RegExp,
): Promise<void> {
  const promise = fn();
  expect(promise).toBeInstanceOf(Promise);
  await expect(promise).rejects.toBeInstanceOf(KMeansError);
  await expect(promise).rejects.toMatchObject({
    name: 'KMeansError',
    code,
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  });
}

const notFitted = 'This KMeans instance is not fitted yet: call fit(X) or await fitAsync(X) first';
const allOptions = 'nClusters, init, nInit, maxIter, tol, seed, algorithm, threads, mixedPrecision, metric';

function fitted(): KMeans {
  return new KMeans({ nClusters: 2, seed: 7 }).fit(X);
}

/** The exact bytes of a typed array, to compare bit for bit after a call. */
function bytes(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength).slice();
}

/** A deep copy of number[][] rows together with the bits of every cell. */
function snapshotRows(rows: number[][]): { copy: number[][]; bits: Uint8Array[] } {
  return { copy: rows.map((row) => row.slice()), bits: rows.map((row) => bytes(Float64Array.from(row))) };
}

function expectRowsUnchanged(rows: number[][], before: { copy: number[][]; bits: Uint8Array[] }): void {
  expect(rows).toStrictEqual(before.copy);
  expect(rows.map((row) => bytes(Float64Array.from(row)))).toStrictEqual(before.bits);
}

afterEach(() => {
  vi.restoreAllMocks();
});

// ---------------------------------------------------------------------------------------------
// X: the data matrix

describe('X as number[][]', () => {
  const fit = (data: unknown) => () => new KMeans({ nClusters: 1 }).fit(untyped(data));

  it('rejects NaN, naming row and column', () => {
    expectKMeansError(
      fit([
        [0, 0],
        [0, 1],
        [2, NaN],
      ]),
      'ERR_KMEANS_NON_FINITE',
      'X must contain only finite numbers: row 2, column 1 is NaN',
    );
  });

  it('rejects Infinity and -Infinity, naming row and column', () => {
    expectKMeansError(
      fit([
        [0, Infinity],
        [0, 1],
      ]),
      'ERR_KMEANS_NON_FINITE',
      'X must contain only finite numbers: row 0, column 1 is Infinity',
    );
    expectKMeansError(
      fit([
        [0, 1],
        [-Infinity, 1],
      ]),
      'ERR_KMEANS_NON_FINITE',
      'X must contain only finite numbers: row 1, column 0 is -Infinity',
    );
  });

  it('reports the first non-finite value in row-major order', () => {
    expectKMeansError(
      fit([
        [0, 1, 2],
        [3, 4, Infinity],
        [NaN, 7, 8],
      ]),
      'ERR_KMEANS_NON_FINITE',
      'X must contain only finite numbers: row 1, column 2 is Infinity',
    );
  });

  it('rejects NaN in rows that are typed arrays', () => {
    expectKMeansError(
      fit([Float32Array.of(1, 2), Float32Array.of(NaN, 1)]),
      'ERR_KMEANS_NON_FINITE',
      'X must contain only finite numbers: row 1, column 0 is NaN',
    );
  });

  it('rejects ragged rows, naming the row and both lengths', () => {
    expectKMeansError(
      fit([[1, 2], [3, 4], [5]]),
      'ERR_KMEANS_INVALID_DATA',
      'X has ragged rows: row 2 has 1 values, row 0 has 2',
    );
    expectKMeansError(
      fit([
        [1, 2],
        [3, 4, 5],
      ]),
      'ERR_KMEANS_INVALID_DATA',
      'X has ragged rows: row 1 has 3 values, row 0 has 2',
    );
  });

  it('rejects a cell that is not a number, naming its position', () => {
    expectKMeansError(
      fit([
        [1, 2],
        [3, '4'],
      ]),
      'ERR_KMEANS_INVALID_DATA',
      'X[1][1] must be a number (got "4")',
    );
    expectKMeansError(fit([[1, null]]), 'ERR_KMEANS_INVALID_DATA', 'X[0][1] must be a number (got null)');
    // eslint-disable-next-line no-sparse-arrays
    expectKMeansError(fit([[1, , 2]]), 'ERR_KMEANS_INVALID_DATA', 'X[0][1] must be a number (got undefined)');
  });

  it('names a BigInt cell as a BigInt, not as the number it looks like', () => {
    expectKMeansError(
      fit([
        [1n, 2],
        [3, 4],
      ]),
      'ERR_KMEANS_INVALID_DATA',
      /^X\[0\]\[0\] must be a number \(got (1n|a bigint)/,
    );
  });

  it('rejects a row that is not an array', () => {
    expectKMeansError(fit([[1, 2], null]), 'ERR_KMEANS_INVALID_DATA', 'X[1] must be an array of numbers (got null)');
    expectKMeansError(fit([[1, 2], 'ab']), 'ERR_KMEANS_INVALID_DATA', 'X[1] must be an array of numbers (got "ab")');
  });

  it('rejects 1-D input and says how to make it 2-D', () => {
    expectKMeansError(
      fit([1, 2, 3]),
      'ERR_KMEANS_INVALID_DATA',
      'X must be 2-D: an array of rows, each an array of numbers (row 0 is 1); ' +
        'wrap a single sample as [row] or each value of a single feature as [value]',
    );
  });

  it('rejects empty data (no rows) and rows without columns', () => {
    expectKMeansError(fit([]), 'ERR_KMEANS_EMPTY_DATA', 'X must have at least one row (got 0 rows)');
    expectKMeansError(fit([[]]), 'ERR_KMEANS_EMPTY_DATA', 'X must have at least one column (got 0 columns)');
    expectKMeansError(fit([[], []]), 'ERR_KMEANS_EMPTY_DATA', 'X must have at least one column (got 0 columns)');
  });

  it('rejects X that is not an array at all', () => {
    const expected = (got: string) =>
      `X must be an array of rows (number[][]) or a matrix { data, rows, cols } (got ${got})`;
    expectKMeansError(fit('1,2;3,4'), 'ERR_KMEANS_INVALID_DATA', expected('"1,2;3,4"'));
    expectKMeansError(fit(null), 'ERR_KMEANS_INVALID_DATA', expected('null'));
    expectKMeansError(fit(undefined), 'ERR_KMEANS_INVALID_DATA', expected('undefined'));
    expectKMeansError(fit(42), 'ERR_KMEANS_INVALID_DATA', expected('42'));
    expectKMeansError(fit({ rows: 2, cols: 2 }), 'ERR_KMEANS_INVALID_DATA', expected('an object'));
    expectKMeansError(
      fit(() => X),
      'ERR_KMEANS_INVALID_DATA',
      expected('a function'),
    );
    // A bare typed array has no shape: it must come as { data, rows, cols }.
    expectKMeansError(fit(new Float64Array(4)), 'ERR_KMEANS_INVALID_DATA', expected('a Float64Array'));
  });
});

describe('X as a typed matrix { data, rows, cols }', () => {
  const fit = (data: unknown) => () => new KMeans({ nClusters: 1 }).fit(untyped(data));

  it.each(['float64', 'float32'] as const)(
    'rejects NaN and ±Infinity in a %s matrix, naming row and column',
    (dtype) => {
      const rows = [
        [0, 0],
        [0, 1],
        [2, 3],
      ];
      for (const [value, text] of [
        [NaN, 'NaN'],
        [Infinity, 'Infinity'],
        [-Infinity, '-Infinity'],
      ] as const) {
        const m = matrix(rows, dtype);
        m.data[5] = value;
        expectKMeansError(
          fit(m),
          'ERR_KMEANS_NON_FINITE',
          `X must contain only finite numbers: row 2, column 1 is ${text}`,
        );
        const first = matrix(rows, dtype);
        first.data[2] = value;
        expectKMeansError(
          fit(first),
          'ERR_KMEANS_NON_FINITE',
          `X must contain only finite numbers: row 1, column 0 is ${text}`,
        );
      }
    },
  );

  it('rejects data whose length is not rows * cols', () => {
    expectKMeansError(
      fit({ data: new Float64Array(5), rows: 3, cols: 2 }),
      'ERR_KMEANS_INVALID_DATA',
      'X.data must hold rows * cols = 6 values (got 5)',
    );
    expectKMeansError(
      fit({ data: new Float32Array(8), rows: 3, cols: 2 }),
      'ERR_KMEANS_INVALID_DATA',
      'X.data must hold rows * cols = 6 values (got 8)',
    );
  });

  it('rejects data that is not a Float64Array or Float32Array', () => {
    expectKMeansError(
      fit({ data: [0, 0, 1, 1, 2, 2], rows: 3, cols: 2 }),
      'ERR_KMEANS_INVALID_DATA',
      'X.data must be a Float64Array or a Float32Array (got an array of length 6)',
    );
    expectKMeansError(
      fit({ data: new Uint8Array(6), rows: 3, cols: 2 }),
      'ERR_KMEANS_INVALID_DATA',
      'X.data must be a Float64Array or a Float32Array (got a Uint8Array)',
    );
    expectKMeansError(
      fit({ data: null, rows: 3, cols: 2 }),
      'ERR_KMEANS_INVALID_DATA',
      'X.data must be a Float64Array or a Float32Array (got null)',
    );
  });

  it('rejects an Int32Array with the right article ("an Int32Array")', () => {
    // The code and the sense are right today; see the next test for the wording.
    expectKMeansError(
      fit({ data: new Int32Array(6), rows: 3, cols: 2 }),
      'ERR_KMEANS_INVALID_DATA',
      /^X\.data must be a Float64Array or a Float32Array \(got an? Int32Array\)$/,
    );
  });

  it('says "an Int32Array", not "a Int32Array"', () => {
    expectKMeansError(
      fit({ data: new Int32Array(6), rows: 3, cols: 2 }),
      'ERR_KMEANS_INVALID_DATA',
      'X.data must be a Float64Array or a Float32Array (got an Int32Array)',
    );
  });

  it('rejects rows and cols that are not integers >= 0', () => {
    const data = new Float64Array(6);
    expectKMeansError(
      fit({ data, rows: 1.5, cols: 4 }),
      'ERR_KMEANS_INVALID_DATA',
      'X.rows must be an integer >= 0 (got 1.5)',
    );
    expectKMeansError(
      fit({ data, rows: -3, cols: -2 }),
      'ERR_KMEANS_INVALID_DATA',
      'X.rows must be an integer >= 0 (got -3)',
    );
    expectKMeansError(
      fit({ data, rows: 3, cols: -2 }),
      'ERR_KMEANS_INVALID_DATA',
      'X.cols must be an integer >= 0 (got -2)',
    );
    expectKMeansError(
      fit({ data, rows: 3, cols: 2.5 }),
      'ERR_KMEANS_INVALID_DATA',
      'X.cols must be an integer >= 0 (got 2.5)',
    );
    expectKMeansError(
      fit({ data, rows: '3', cols: 2 }),
      'ERR_KMEANS_INVALID_DATA',
      'X.rows must be an integer >= 0 (got "3")',
    );
    expectKMeansError(
      fit({ data, rows: NaN, cols: 2 }),
      'ERR_KMEANS_INVALID_DATA',
      'X.rows must be an integer >= 0 (got NaN)',
    );
    expectKMeansError(
      fit({ data, cols: 2 }),
      'ERR_KMEANS_INVALID_DATA',
      'X.rows must be an integer >= 0 (got undefined)',
    );
  });

  it('rejects zero rows and zero columns', () => {
    expectKMeansError(
      fit({ data: new Float64Array(0), rows: 0, cols: 2 }),
      'ERR_KMEANS_EMPTY_DATA',
      'X must have at least one row (got 0 rows)',
    );
    expectKMeansError(
      fit({ data: new Float32Array(0), rows: 3, cols: 0 }),
      'ERR_KMEANS_EMPTY_DATA',
      'X must have at least one column (got 0 columns)',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// KMeans options

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
      'Unknown KMeans option "a\\nb\\""; valid options: nClusters, init, nInit, maxIter, tol, seed, algorithm, threads, mixedPrecision, metric',
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
      'init must be "k-means++", "random" or a k×d matrix of centers (got 5)',
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
    const expected = (got: string) => `init must be "k-means++", "random" or a k×d matrix of centers (got ${got})`;
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

// ---------------------------------------------------------------------------------------------
// fit options and sample weights

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

// ---------------------------------------------------------------------------------------------
// predict, transform and score

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

// ---------------------------------------------------------------------------------------------
// Async twins

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

// ---------------------------------------------------------------------------------------------
// kmeansPlusPlus

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

// ---------------------------------------------------------------------------------------------
// Inputs are never modified

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

// ---------------------------------------------------------------------------------------------
// Every error code reachable from the public API

describe('non-finite values in large typed data (scanned natively)', () => {
  it.each([Float64Array, Float32Array])('names the first bad row and column in a %o', (Type) => {
    const data = new Type(100_000 * 3).fill(1);
    data[54_321 * 3 + 1] = NaN;
    data[70_000 * 3 + 2] = Infinity;
    expectKMeansError(
      () => new KMeans({ nClusters: 2 }).fit({ data, rows: 100_000, cols: 3 }),
      'ERR_KMEANS_NON_FINITE',
      'X must contain only finite numbers: row 54321, column 1 is NaN',
    );
    data[54_321 * 3 + 1] = 1;
    expectKMeansError(
      () => new KMeans({ nClusters: 2 }).fit({ data, rows: 100_000, cols: 3 }),
      'ERR_KMEANS_NON_FINITE',
      'X must contain only finite numbers: row 70000, column 2 is Infinity',
    );
  });
});

describe('error codes', () => {
  /**
   * Not reachable from ordinary input, so exempt here:
   * - ERR_KMEANS_ALLOC: the native core failing to allocate (needs memory exhaustion);
   * - ERR_KMEANS_TOO_LARGE: a result larger than a typed array can hold (needs a huge input);
   * - ERR_KMEANS_DETACHED_BUFFER: needs an async call (tested in test/api/async.test.ts);
   * - ERR_KMEANS_ADDON_NOT_FOUND: the addon missing (it is loaded once per process, and is present);
   * - ERR_KMEANS_INTERNAL: a bug in the library.
   */
  type Exempt =
    | 'ERR_KMEANS_ALLOC'
    | 'ERR_KMEANS_TOO_LARGE'
    | 'ERR_KMEANS_DETACHED_BUFFER'
    | 'ERR_KMEANS_ADDON_NOT_FOUND'
    | 'ERR_KMEANS_INTERNAL';

  // A Record over the union: `tsc` fails if a code is added to KMeansErrorCode without a trigger here.
  const triggers: Record<Exclude<KMeansErrorCode, Exempt>, () => unknown> = {
    ERR_KMEANS_INVALID_OPTION: () => new KMeans({ nClusters: 0 }),
    ERR_KMEANS_INVALID_DATA: () => new KMeans().fit([[1, 2], [3]]),
    ERR_KMEANS_EMPTY_DATA: () => new KMeans().fit([]),
    ERR_KMEANS_NON_FINITE: () => new KMeans().fit([[NaN]]),
    ERR_KMEANS_OVERFLOW: () => new KMeans({ nClusters: 1 }).fit([[1e200]]),
    ERR_KMEANS_SHAPE_MISMATCH: () => fitted().predict([[1, 2, 3]]),
    ERR_KMEANS_TOO_FEW_SAMPLES: () => new KMeans({ nClusters: 7 }).fit(X),
    ERR_KMEANS_INVALID_WEIGHTS: () => new KMeans({ nClusters: 2 }).fit(X, { sampleWeight: [] }),
    ERR_KMEANS_NOT_FITTED: () => new KMeans().predict(X),
    ERR_KMEANS_INVALID_MODEL: () => KMeans.fromJSON('{"format":"kmeans-native-model","version":99}'),
    ERR_KMEANS_ZERO_VECTOR: () => new KMeans({ nClusters: 2, metric: 'cosine' }).fit([[0, 0], ...X]),
    ERR_KMEANS_EMPTY_CLUSTER: () =>
      vq.kmeans2(
        X,
        [
          [0, 0],
          [100, 100],
        ],
        { minit: 'matrix', missing: 'raise' },
      ),
  };

  it.each(Object.entries(triggers))('%s is thrown as a KMeansError', (code, trigger) => {
    const error = expectKMeansError(trigger, code as KMeansErrorCode, /\S/);
    expect(error.stack).toMatch(/^KMeansError: /);
  });
});
