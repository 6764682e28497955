// CSR input: toCsrMatrix refuses every malformed matrix with a typed error and the dense path's
// codes, leaves the caller's arrays alone, and the row norms and row subsets read repeated and
// unsorted column indices as the summed matrix they stand for.
import { describe, expect, it } from 'vitest';
import { type CsrMatrix, csrRowSquaredNorms, csrRowsOf, isCsrLike } from '../../src/csr';
import { toCsrMatrix } from '../../src/csr_checks';
import { magnitudeLimit } from '../../src/matrix';
import { expectKMeansError, untyped } from './validation_helpers';

/**
 * 4 × 5 (sampleDense), with row 1 empty, row 2's columns unsorted and column 3 stored twice in
 * row 3: row 2 is stored as (column 4: 3), (column 1: 4), row 3 as (3: 2), (3: 3), (0: -1).
 */
function sample(): CsrMatrix {
  return {
    format: 'csr',
    indptr: Int32Array.of(0, 2, 2, 4, 7),
    indices: Int32Array.of(0, 2, 4, 1, 3, 3, 0),
    data: Float64Array.of(1, 2, 3, 4, 2, 3, -1),
    rows: 4,
    cols: 5,
  };
}

/** The dense rows the sample stands for (repeats summed), for reference computations. */
const sampleDense = [
  [1, 0, 2, 0, 0],
  [0, 0, 0, 0, 0],
  [0, 4, 0, 0, 3],
  [-1, 0, 0, 5, 0],
];

function densify(csr: CsrMatrix): number[][] {
  const out = Array.from({ length: csr.rows }, () => new Array<number>(csr.cols).fill(0));
  for (let i = 0; i < csr.rows; i++) {
    for (let k = Number(csr.indptr[i]); k < Number(csr.indptr[i + 1]); k++) out[i]![csr.indices[k]!]! += csr.data[k]!;
  }
  return out;
}

function bytesOf(csr: CsrMatrix): number[][] {
  return [csr.indptr, csr.indices, csr.data].map((a) =>
    Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)),
  );
}

describe('toCsrMatrix accepts valid CSR matrices', () => {
  it('returns the caller arrays unchanged, float64 and float32', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const csr = sample();
      if (dtype === 'float32') csr.data = Float32Array.from(csr.data);
      const before = bytesOf(csr);
      const checked = toCsrMatrix(csr, 'X');
      expect(checked.data).toBe(csr.data);
      expect(checked.indices).toBe(csr.indices);
      expect(checked.indptr).toBe(csr.indptr);
      expect(checked).toMatchObject({ format: 'csr', rows: 4, cols: 5 });
      expect(bytesOf(csr)).toStrictEqual(before);
    }
  });

  it('takes a BigInt64Array indptr, a matrix with no entries, and explicit zeros', () => {
    const csr = { ...sample(), indptr: BigInt64Array.of(0n, 2n, 2n, 4n, 7n) };
    expect(toCsrMatrix(csr, 'X').indptr).toBe(csr.indptr);
    const empty = { format: 'csr', indptr: new Int32Array(4), indices: new Int32Array(0), data: new Float64Array(0) };
    expect(toCsrMatrix({ ...empty, rows: 3, cols: 2 }, 'X').rows).toBe(3);
    const zeros = { ...sample(), data: new Float64Array(7) };
    expect(() => toCsrMatrix(zeros, 'X')).not.toThrow();
  });

  it('isCsrLike recognises the format field only', () => {
    expect(isCsrLike(sample())).toBe(true);
    expect(isCsrLike({ format: 'csc' })).toBe(false);
    expect(isCsrLike([[1, 2]])).toBe(false);
    expect(isCsrLike({ data: new Float64Array(4), rows: 2, cols: 2 })).toBe(false);
    expect(isCsrLike(null)).toBe(false);
  });
});

describe('toCsrMatrix refuses malformed matrices', () => {
  const invalid = (value: unknown, message: string | RegExp) =>
    expectKMeansError(() => toCsrMatrix(untyped(value), 'X'), 'ERR_KMEANS_INVALID_DATA', message);

  it('wrong containers and formats', () => {
    invalid(
      [1, 2],
      "X must be a CSR matrix { format: 'csr', indptr, indices, data, rows, cols } (got an array of length 2)",
    );
    invalid(
      { ...sample(), format: 'csc' },
      `X.format must be 'csr' (got "csc"): only compressed sparse row matrices are read; convert others to CSR`,
    );
    invalid(
      { ...sample(), data: [1, 2, 3, 4, 2, 3, -1] },
      'X.data must be a Float64Array or a Float32Array (got an array of length 7)',
    );
    invalid(
      { ...sample(), indices: Uint32Array.of(0, 2, 4, 1, 3, 3, 0) },
      'X.indices must be an Int32Array (got a Uint32Array)',
    );
    invalid(
      { ...sample(), indptr: Float64Array.of(0, 2, 2, 4, 7) },
      'X.indptr must be an Int32Array, or a BigInt64Array beyond 2^31 - 1 entries (got a Float64Array)',
    );
    invalid({ ...sample(), indptr: BigUint64Array.of(0n, 2n, 2n, 4n, 7n) }, /X.indptr must be an Int32Array/);
  });

  it('rows and cols must be integers >= 0, with at least one of each (ERR_KMEANS_EMPTY_DATA)', () => {
    invalid({ ...sample(), rows: 4.5 }, 'X.rows must be an integer >= 0 (got 4.5)');
    invalid({ ...sample(), cols: -1 }, 'X.cols must be an integer >= 0 (got -1)');
    invalid({ ...sample(), cols: '5' }, 'X.cols must be an integer >= 0 (got "5")');
    invalid({ ...sample(), rows: undefined }, 'X.rows must be an integer >= 0 (got undefined)');
    const none = { format: 'csr', indptr: Int32Array.of(0), indices: new Int32Array(0), data: new Float64Array(0) };
    expectKMeansError(
      () => toCsrMatrix({ ...none, rows: 0, cols: 3 }, 'X'),
      'ERR_KMEANS_EMPTY_DATA',
      'X must have at least one row (got 0 rows)',
    );
    expectKMeansError(
      () =>
        toCsrMatrix(
          { ...sample(), indices: new Int32Array(0), data: new Float64Array(0), indptr: new Int32Array(5), cols: 0 },
          'X',
        ),
      'ERR_KMEANS_EMPTY_DATA',
      'X must have at least one column (got 0 columns)',
    );
  });

  it('more than 2^31 - 1 columns, which Int32Array indices cannot address: ERR_KMEANS_TOO_LARGE', () => {
    for (const cols of [2 ** 31, 2 ** 40]) {
      const error = expectKMeansError(
        () => toCsrMatrix({ ...sample(), cols }, 'X'),
        'ERR_KMEANS_TOO_LARGE',
        `X has ${cols} columns, more than the 2147483647 (2^31 - 1) supported: column indices are 32-bit`,
      );
      expect(error.details).toStrictEqual({ argument: 'X', expected: 2 ** 31 - 1, actual: cols });
    }
    expect(toCsrMatrix({ ...sample(), cols: 2 ** 31 - 1 }, 'X').cols).toBe(2 ** 31 - 1);
  });

  it('lengths: indptr holds rows + 1 values, indices one per value', () => {
    const error = invalid({ ...sample(), rows: 3 }, 'X.indptr must hold rows + 1 = 4 values (got 5)');
    expect(error.details).toStrictEqual({ argument: 'X', expected: 4, actual: 5 });
    invalid(
      { ...sample(), indices: Int32Array.of(0, 2, 4, 1, 3, 3) },
      'X.indices must hold one column index per value of X.data: expected 7, got 6',
    );
  });

  it('row pointers: start at 0, never decrease, end at the number of values', () => {
    invalid({ ...sample(), indptr: Int32Array.of(1, 2, 2, 4, 7) }, 'X.indptr[0] must be 0 (got 1)');
    const error = invalid(
      { ...sample(), indptr: Int32Array.of(0, 3, 2, 4, 7) },
      'X.indptr must not decrease: indptr[2] = 2 is below indptr[1] = 3 (row 1)',
    );
    expect(error.details.row).toBe(1);
    invalid({ ...sample(), indptr: Int32Array.of(0, 2, 2, 4, -1) }, /X.indptr must not decrease: indptr\[4\] = -1/);
    invalid(
      { ...sample(), indptr: Int32Array.of(0, 2, 2, 4, 6) },
      'X.indptr[4] must be the number of stored values, X.data.length = 7 (got 6)',
    );
  });

  it('BigInt64Array row pointers beyond 2^53 are refused, as are negative ones', () => {
    invalid(
      { ...sample(), indptr: BigInt64Array.of(0n, 2n, 2n ** 60n, 4n, 7n) },
      `X.indptr[2] is ${2n ** 60n}n, beyond 2^53: row pointers must be counts that a number holds exactly`,
    );
    invalid(
      { ...sample(), indptr: BigInt64Array.of(0n, 2n, -2n, 4n, 7n) },
      /X.indptr must not decrease: indptr\[2\] = -2/,
    );
    invalid({ ...sample(), indptr: BigInt64Array.of(-1n, 2n, 2n, 4n, 7n) }, 'X.indptr[0] must be 0 (got -1)');
  });

  it('column indices outside 0..cols - 1, negative ones included, name their row', () => {
    const high = invalid(
      { ...sample(), indices: Int32Array.of(0, 2, 4, 1, 5, 3, 0) },
      'X.indices[4] is 5 (row 3): column indices must lie in 0..4 (cols = 5)',
    );
    expect(high.details).toStrictEqual({ argument: 'X', row: 3, value: 5 });
    invalid(
      { ...sample(), indices: Int32Array.of(0, -1, 4, 1, 3, 3, 0) },
      'X.indices[1] is -1 (row 0): column indices must lie in 0..4 (cols = 5)',
    );
    // Entry 2 is the first of row 2 (row 1 is empty).
    invalid({ ...sample(), indices: Int32Array.of(0, 2, 9, 1, 3, 3, 0) }, /X.indices\[2\] is 9 \(row 2\)/);
  });

  it('views of resizable buffers are refused', () => {
    const buffer = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer)(56, {
      maxByteLength: 112,
    });
    const data = new Float64Array(buffer);
    data.set(sample().data);
    invalid(
      { ...sample(), data },
      'X.data is a view of a resizable ArrayBuffer, which could shrink while the native code reads it: pass a copy (X.data.slice())',
    );
  });
});

describe('toCsrMatrix checks values as the dense path does', () => {
  it('NaN and ±Infinity: ERR_KMEANS_NON_FINITE with row, column and value', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const csr = sample();
      csr.data[4] = bad; // row 3, column 3
      const error = expectKMeansError(
        () => toCsrMatrix(csr, 'X'),
        'ERR_KMEANS_NON_FINITE',
        `X must contain only finite numbers: row 3, column 3 is ${bad}`,
      );
      expect(error.details).toStrictEqual({ argument: 'X', row: 3, column: 3, value: bad });
      expect(() => toCsrMatrix(csr, 'X', false)).not.toThrow();
    }
    const float32 = { ...sample(), data: Float32Array.of(1, 2, 3, NaN, 2, 3, -1) };
    expectKMeansError(() => toCsrMatrix(float32, 'X'), 'ERR_KMEANS_NON_FINITE', /row 2, column 1 is NaN/);
  });

  it('values too large to square: ERR_KMEANS_OVERFLOW with the dense limit for the same shape', () => {
    const limit = magnitudeLimit('float64', 4, 5);
    const csr = sample();
    csr.data[2] = -limit * 1.01; // row 2, column 4
    const error = expectKMeansError(() => toCsrMatrix(csr, 'X'), 'ERR_KMEANS_OVERFLOW', /^X row 2, column 4 is -/);
    expect(error.details).toMatchObject({ argument: 'X', row: 2, column: 4, limit });
    csr.data[2] = limit * 0.99;
    expect(() => toCsrMatrix(csr, 'X')).not.toThrow();
  });

  it('repeated columns are checked by their sum', () => {
    const limit = magnitudeLimit('float64', 4, 5);
    const csr = sample();
    csr.data[4] = 0.6 * limit; // row 3, column 3, stored twice
    csr.data[5] = 0.6 * limit;
    const error = expectKMeansError(() => toCsrMatrix(csr, 'X'), 'ERR_KMEANS_OVERFLOW', /^X row 3, column 3 is /);
    expect(error.details.value).toBe(0.6 * limit + 0.6 * limit);
    csr.data[5] = -0.6 * limit; // the sum is 0
    expect(() => toCsrMatrix(csr, 'X')).not.toThrow();
    const float32 = { ...sample(), data: Float32Array.of(1, 2, 3, 4, 3e38, 3e38, -1) };
    expectKMeansError(
      () => toCsrMatrix(float32, 'X'),
      'ERR_KMEANS_OVERFLOW',
      /^X row 3, column 3: the entries stored for this column add up to [\d.]+e\+38, beyond the float32 range/,
    );
  });

  it('float32 repeats that overflow as float32 adds them up, though their float64 sum is in range', () => {
    // Row 3, column 3: 3e38 + 3e38 is Infinity in float32 before -3e38 comes.
    const csr = {
      ...sample(),
      indices: Int32Array.of(0, 2, 4, 1, 3, 3, 3, 0),
      data: Float32Array.of(1, 2, 3, 4, 3e38, 3e38, -3e38, -1),
      indptr: Int32Array.of(0, 2, 2, 4, 8),
    };
    const error = expectKMeansError(
      () => toCsrMatrix(csr, 'X'),
      'ERR_KMEANS_OVERFLOW',
      'X row 3, column 3: the entries stored for this column add up to Infinity, beyond the float32 range; pass the data as float64',
    );
    expect(error.details).toMatchObject({ argument: 'X', row: 3, column: 3 });
    // In another order the sums stay finite: accepted.
    expect(() => toCsrMatrix({ ...csr, data: Float32Array.of(1, 2, 3, 4, 3e38, -3e38, 3e38, -1) }, 'X')).not.toThrow();
  });

  it('a failing check leaves the arrays unchanged', () => {
    const csr = sample();
    csr.data[6] = NaN;
    const before = bytesOf(csr);
    expect(() => toCsrMatrix(csr, 'X')).toThrow();
    expect(bytesOf(csr)).toStrictEqual(before);
  });
});

describe('row norms and row subsets', () => {
  it('squared norms are those of the summed rows, whatever the order of the indices', () => {
    const csr = sample();
    const expected = sampleDense.map((row) => row.reduce((sum, v) => sum + v * v, 0));
    expect(Array.from(csrRowSquaredNorms(csr))).toStrictEqual(expected); // [5, 0, 25, 26]
    // Stored squares would give 2² + 3² + 1 = 14 for row 3, not (2 + 3)² + 1 = 26.
    expect(expected[3]).toBe(26);
    const before = bytesOf(csr);
    csrRowSquaredNorms(csr);
    expect(bytesOf(csr)).toStrictEqual(before);
    const big = { ...csr, indptr: BigInt64Array.of(0n, 2n, 2n, 4n, 7n) };
    expect(Array.from(csrRowSquaredNorms(big))).toStrictEqual(expected);
    const float32 = { ...csr, data: Float32Array.from(csr.data) };
    expect(csrRowSquaredNorms(float32)).toBeInstanceOf(Float64Array);
    expect(Array.from(csrRowSquaredNorms(float32))).toStrictEqual(expected);
  });

  it('norms of long shuffled rows with many repeats match the dense rows', () => {
    let state = 12345;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const rows = 30;
    const cols = 7;
    const indptr = new Int32Array(rows + 1);
    const indices: number[] = [];
    const data: number[] = [];
    for (let i = 0; i < rows; i++) {
      const length = Math.floor(random() * 40);
      for (let k = 0; k < length; k++) {
        indices.push(Math.floor(random() * cols));
        data.push(Math.round(random() * 64 - 32) / 8);
      }
      indptr[i + 1] = indices.length;
    }
    const csr: CsrMatrix = {
      format: 'csr',
      indptr,
      indices: Int32Array.from(indices),
      data: Float64Array.from(data),
      rows,
      cols,
    };
    const expected = densify(csr).map((row) => row.reduce((sum, v) => sum + v * v, 0));
    expect(Array.from(csrRowSquaredNorms(csr))).toStrictEqual(expected);
  });

  it('csrRowsOf gathers rows in order, repeats included, as stored', () => {
    const csr = sample();
    const subset = csrRowsOf(csr, [3, 1, 0, 3]);
    expect(subset.rows).toBe(4);
    expect(subset.cols).toBe(5);
    expect(Array.from(subset.indptr as Int32Array)).toStrictEqual([0, 3, 3, 5, 8]);
    expect(Array.from(subset.indices)).toStrictEqual([3, 3, 0, 0, 2, 3, 3, 0]);
    expect(Array.from(subset.data)).toStrictEqual([2, 3, -1, 1, 2, 2, 3, -1]);
    expect(densify(subset)).toStrictEqual([3, 1, 0, 3].map((i) => sampleDense[i]));
    expect(() => toCsrMatrix(subset, 'X')).not.toThrow();
    expect(csrRowsOf({ ...csr, data: Float32Array.from(csr.data) }, [2]).data).toBeInstanceOf(Float32Array);
    expect(csrRowsOf({ ...csr, indptr: BigInt64Array.of(0n, 2n, 2n, 4n, 7n) }, [2]).indptr).toBeInstanceOf(Int32Array);
    expect(csrRowsOf(csr, []).rows).toBe(0);
    expectKMeansError(() => csrRowsOf(csr, [4]), 'ERR_KMEANS_INTERNAL', /rows\[0\] = 4 is not a row/);
  });
});
