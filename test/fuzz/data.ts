// Generated matrix arguments for the fuzz tests, each with what the library must make of it:
// the values it holds, or the error code it must be refused with. At most one flaw per case,
// so the expected code is never in doubt. Plus the checks a result must pass.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { KMeansErrorCode } from '../../src/index';
import { magnitudeLimit } from '../../src/matrix';

export type DType = 'float64' | 'float32';

/** A well-formed matrix as the library should see it: values as stored (float32-rounded if so). */
export interface Reference {
  values: Float64Array;
  rows: number;
  cols: number;
  dtype: DType;
}

export type Expected = { ok: true; matrix: Reference } | { ok: false; code: KMeansErrorCode };

export interface MatrixCase {
  input: unknown;
  expected: Expected;
}

/** The overflow rule ((2x)² summed over n·d stays finite), from its one place in the library. */
export { magnitudeLimit };

/**
 * What the library's scan makes of the values. Typed data is scanned in one pass, so the first
 * value that is not finite or too large decides between the two codes; number[][] is checked for
 * finiteness as it is packed, and for magnitude after.
 */
function scanValues(matrix: Reference, finiteFirst: boolean): Expected {
  const limit = magnitudeLimit(matrix.dtype, matrix.rows, matrix.cols);
  for (const value of matrix.values) {
    if (!Number.isFinite(value)) return { ok: false, code: 'ERR_KMEANS_NON_FINITE' };
    if (!finiteFirst && !(Math.abs(value) < limit)) return { ok: false, code: 'ERR_KMEANS_OVERFLOW' };
  }
  for (const value of matrix.values) {
    if (!(Math.abs(value) < limit)) return { ok: false, code: 'ERR_KMEANS_OVERFLOW' };
  }
  return { ok: true, matrix };
}

/** Ordinary values, clustered often enough for duplicates and ties, with some extremes. */
export const goodNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -100, max: 100, noNaN: true }) },
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(-0, 1e-310, -1e-300, 1e-160, 1e-40, 0.1, 1e6, -1e12, 3e38, 1e150, -1e150),
  },
);

const notANumber = fc.constantFrom<unknown>('1', '', null, undefined, true, 1n, [1], {}, () => 1, Symbol.iterator);
const nonFinite = fc.constantFrom(NaN, Infinity, -Infinity);
const notAMatrix = fc.constantFrom<unknown>(
  null,
  undefined,
  0,
  3,
  'X',
  true,
  {},
  new Map(),
  new Int32Array(4),
  new Uint8Array(4),
  { data: [1, 2], rows: 1, cols: 2 },
  { data: new Int32Array(2), rows: 1, cols: 2 },
  { data: new Float64Array(2), rows: 1 },
  { rows: 1, cols: 2 },
);
const badSize = fc.constantFrom<unknown>(-1, 1.5, NaN, Infinity, '2', undefined, null, 2 ** 53, -0.5);

type Layout = 'rows' | 'typedRows' | 'float64' | 'float32' | 'float64View' | 'columns64' | 'columns32';
type Flaw =
  'none' | 'cell' | 'nonFinite' | 'ragged' | 'rowNotArray' | 'empty' | 'container' | 'size' | 'length' | 'resizable';

export interface MatrixShape {
  minRows?: number;
  maxRows?: number;
  maxCols?: number;
  /** Generate only well-formed matrices. */
  valid?: boolean;
  /** Keep every value small (for properties that fit). */
  values?: fc.Arbitrary<number>;
}

/** A matrix argument and what must come of it. */
export function matrixCase(shape: MatrixShape = {}): fc.Arbitrary<MatrixCase> {
  const { minRows = 1, maxRows = 12, maxCols = 5, valid = false, values = goodNumber } = shape;
  const flaws: Flaw[] = [
    'cell',
    'nonFinite',
    'ragged',
    'rowNotArray',
    'empty',
    'container',
    'size',
    'length',
    'resizable',
  ];
  return fc
    .record({
      rows: fc.integer({ min: minRows, max: maxRows }),
      cols: fc.integer({ min: 1, max: maxCols }),
      layout: fc.constantFrom<Layout>(
        'rows',
        'rows',
        'typedRows',
        'float64',
        'float64',
        'float32',
        'float64View',
        'columns64',
        'columns32',
      ),
      flaw: valid
        ? fc.constant<Flaw>('none')
        : fc.oneof(
            { weight: 3, arbitrary: fc.constant<Flaw>('none') },
            { weight: 2, arbitrary: fc.constantFrom(...flaws) },
          ),
      where: fc.nat(),
      junk: notANumber,
      bad: nonFinite,
      container: notAMatrix,
      size: badSize,
    })
    .chain((spec) =>
      fc
        .array(values, { minLength: spec.rows * spec.cols, maxLength: spec.rows * spec.cols })
        .map((flat) => build(spec, flat)),
    );
}

interface Spec {
  rows: number;
  cols: number;
  layout: Layout;
  flaw: Flaw;
  where: number;
  junk: unknown;
  bad: number;
  container: unknown;
  size: unknown;
}

function build(spec: Spec, flat: number[]): MatrixCase {
  const { rows, cols, where } = spec;
  const typed = spec.layout === 'float64' || spec.layout === 'float32' || spec.layout === 'float64View';
  const dtype: DType = spec.layout === 'float32' ? 'float32' : 'float64';
  const invalid = (code: KMeansErrorCode, input: unknown): MatrixCase => ({ input, expected: { ok: false, code } });

  if (spec.flaw === 'container') return invalid('ERR_KMEANS_INVALID_DATA', spec.container);
  if (spec.flaw === 'empty') {
    if (typed)
      return invalid('ERR_KMEANS_EMPTY_DATA', {
        data: new Float64Array(0),
        rows: where % 2 ? 0 : rows,
        cols: where % 2 ? cols : 0,
      });
    return invalid('ERR_KMEANS_EMPTY_DATA', where % 2 ? [] : Array.from({ length: rows }, () => []));
  }
  if (spec.flaw === 'nonFinite') flat[where % flat.length] = spec.bad;

  if (spec.layout === 'columns64' || spec.layout === 'columns32') return buildColumns(spec, flat);

  if (typed) {
    const data = typedData(spec.layout, flat, spec.flaw === 'resizable');
    const stored = Float64Array.from(data);
    const input: Record<string, unknown> = { data, rows, cols };
    if (spec.flaw === 'size') {
      input[where % 2 ? 'rows' : 'cols'] = spec.size;
      return invalid('ERR_KMEANS_INVALID_DATA', input);
    }
    if (spec.flaw === 'length') {
      input.rows = rows + 1;
      return invalid('ERR_KMEANS_INVALID_DATA', input);
    }
    if (spec.flaw === 'resizable') return invalid('ERR_KMEANS_INVALID_DATA', input);
    return { input, expected: scanValues({ values: stored, rows, cols, dtype }, false) };
  }

  // number[][] (or rows that are typed arrays): checked row by row, each cell's type and
  // finiteness as it is read, the ragged shape when the row is reached, the magnitudes last.
  const rowArrays: unknown[] = [];
  for (let i = 0; i < rows; i++) {
    const row = flat.slice(i * cols, (i + 1) * cols);
    rowArrays.push(spec.layout === 'typedRows' && i % 2 === 1 ? Float64Array.from(row) : row);
  }
  const target = where % rows;
  if (spec.flaw === 'cell') {
    const row = Array.from(rowArrays[target] as ArrayLike<unknown>);
    row[where % cols] = spec.junk;
    rowArrays[target] = row;
  }
  if (spec.flaw === 'ragged' && rows > 1) {
    const row = flat.slice((target || 1) * cols, ((target || 1) + 1) * cols);
    rowArrays[target || 1] = where % 2 ? [...row, 0] : row.slice(1);
  }
  if (spec.flaw === 'rowNotArray') rowArrays[target] = spec.junk instanceof Array ? 7 : spec.junk;
  return { input: rowArrays, expected: readRows(rowArrays) };
}

/**
 * Column-major input { columns }: one typed array per feature. Its flaws: a column of another
 * length or type, or a view of a resizable buffer (ERR_KMEANS_INVALID_DATA); a bad value is found
 * in row order, as in typed rows.
 */
function buildColumns(spec: Spec, flat: number[]): MatrixCase {
  const { rows, cols, where } = spec;
  const dtype: DType = spec.layout === 'columns32' ? 'float32' : 'float64';
  const Type = dtype === 'float32' ? Float32Array : Float64Array;
  const columns: (Float64Array | Float32Array | number[])[] = Array.from({ length: cols }, (_, f) =>
    Type.from(Array.from({ length: rows }, (_, i) => flat[i * cols + f]!)),
  );
  const invalid = { ok: false, code: 'ERR_KMEANS_INVALID_DATA' } as const;
  const target = where % cols;
  switch (spec.flaw) {
    case 'length':
    case 'ragged':
      // One column shorter than the others (with one column, that would be a shorter matrix).
      if (cols > 1) {
        columns[target] = (columns[target] as Float64Array).subarray(0, rows - 1);
        return { input: { columns }, expected: invalid };
      }
      columns[target] = Array.from(columns[target] as Float64Array);
      return { input: { columns }, expected: invalid };
    case 'cell':
    case 'rowNotArray':
    case 'size':
      columns[target] = Array.from(columns[target] as Float64Array);
      return { input: { columns }, expected: invalid };
    case 'resizable':
      columns[target] = typedData('float64', Array.from(columns[target]!), true);
      return { input: { columns }, expected: invalid };
    default: {
      const stored = Float64Array.from({ length: rows * cols }, (_, j) => columns[j % cols]![Math.floor(j / cols)]!);
      return { input: { columns }, expected: scanValues({ values: stored, rows, cols, dtype }, false) };
    }
  }
}

function typedData(layout: Layout, flat: number[], resizable: boolean): Float64Array | Float32Array {
  if (resizable) {
    // Node's types predate resizable buffers.
    const buffer = new (
      ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer
    )(flat.length * 8, { maxByteLength: flat.length * 16 });
    const data = new Float64Array(buffer);
    data.set(flat);
    return data;
  }
  if (layout === 'float32') return Float32Array.from(flat);
  if (layout === 'float64View') {
    const backing = new Float64Array(flat.length + 3).fill(Number.NaN);
    backing.set(flat, 2);
    return backing.subarray(2, 2 + flat.length);
  }
  return Float64Array.from(flat);
}

/** What the library must make of rows, read in its order. */
function readRows(rowArrays: unknown[]): Expected {
  const first = rowArrays[0];
  if (!Array.isArray(first) && !ArrayBuffer.isView(first)) return { ok: false, code: 'ERR_KMEANS_INVALID_DATA' };
  const cols = (first as ArrayLike<unknown>).length;
  if (cols === 0) return { ok: false, code: 'ERR_KMEANS_EMPTY_DATA' };
  const values = new Float64Array(rowArrays.length * cols);
  for (let i = 0; i < rowArrays.length; i++) {
    const row = rowArrays[i];
    if (!Array.isArray(row) && !ArrayBuffer.isView(row)) return { ok: false, code: 'ERR_KMEANS_INVALID_DATA' };
    const cells = row as ArrayLike<unknown>;
    if (cells.length !== cols) return { ok: false, code: 'ERR_KMEANS_INVALID_DATA' };
    for (let j = 0; j < cols; j++) {
      const cell = cells[j];
      if (typeof cell !== 'number') return { ok: false, code: 'ERR_KMEANS_INVALID_DATA' };
      if (!Number.isFinite(cell)) return { ok: false, code: 'ERR_KMEANS_NON_FINITE' };
      values[i * cols + j] = cell;
    }
  }
  return scanValues({ values, rows: rowArrays.length, cols, dtype: 'float64' }, true);
}

// --- checks of results ------------------------------------------------------------------------

export function squaredDistance(
  x: ArrayLike<number>,
  xOffset: number,
  c: ArrayLike<number>,
  cOffset: number,
  d: number,
): number {
  let sum = 0;
  for (let f = 0; f < d; f++) sum += (x[xOffset + f]! - c[cOffset + f]!) ** 2;
  return sum;
}

/** Relative closeness for sums of non-negative terms: no cancellation, so 1e-9 is generous. */
export function expectClose(actual: number, expected: number, relative = 1e-9, what = 'value'): void {
  const tolerance = relative * Math.abs(expected) + 1e-300;
  expect(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`).toBe(true);
}

/**
 * Labels of X against centers: each in [0, k), and no center strictly nearer than the one
 * chosen (up to the rounding of one distance computation). Returns the weighted inertia.
 */
export function expectNearest(
  X: Reference,
  centers: ArrayLike<number>,
  k: number,
  labels: Int32Array,
  weights?: ArrayLike<number> | null,
): number {
  const { values, rows: n, cols: d } = X;
  expect(labels).toBeInstanceOf(Int32Array);
  expect(labels.length).toBe(n);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    expect(label >= 0 && label < k, `label ${label} of row ${i} with k = ${k}`).toBe(true);
    const chosen = squaredDistance(values, i * d, centers, label * d, d);
    for (let j = 0; j < k; j++) {
      const other = squaredDistance(values, i * d, centers, j * d, d);
      expect(
        chosen <= other * (1 + 1e-12) + 1e-300,
        `row ${i}: center ${j} (${other}) is nearer than ${label} (${chosen})`,
      ).toBe(true);
    }
    inertia += (weights ? weights[i]! : 1) * chosen;
  }
  return inertia;
}

/** A matrix the library returned: the shape, the dtype and finite values. */
export function expectMatrix(
  matrix: { data: Float64Array | Float32Array; rows: number; cols: number },
  rows: number,
  cols: number,
  dtype: DType,
): void {
  expect(matrix.rows).toBe(rows);
  expect(matrix.cols).toBe(cols);
  expect(matrix.data).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
  expect(matrix.data.length).toBe(rows * cols);
  for (const value of matrix.data) expect(Number.isFinite(value)).toBe(true);
}
