/**
 * Validation of the data matrix X: number[][] and typed matrices { data, rows, cols }, their
 * shape, types and values (NaN, ±Infinity), also when large typed data is scanned natively.
 */
import { describe, it } from 'vitest';
import { KMeans } from '../../src/index';
import { matrix } from '../helpers';
import { X, untyped, expectKMeansError } from './validation_helpers';

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
