// Generated CSR matrix arguments for the fuzz tests: valid matrices of every layout the format
// allows (empty rows, unsorted and repeated column indices, explicit zeros, both indptr types,
// both dtypes, views into larger buffers), values from NaN and ±Infinity to magnitudes at the
// overflow limit, and defects applied on top. What must come of each is csr_expected.ts's.
import fc from 'fast-check';
import { type CsrExpected, expectedOf, float32Max, maxInt32 } from './csr_expected';
import { type DType, goodNumber, magnitudeLimit } from './data';

export type { CsrExpected };

/** A defect that makes the matrix invalid, applied on purpose (so the result must be an error). */
export type CsrDefect =
  | 'indptrStart'
  | 'indptrDecrease'
  | 'indptrLast'
  | 'indptrLength'
  | 'indptrBeyond2p53'
  | 'indexRange'
  | 'indicesLonger'
  | 'dataLonger'
  | 'dataType'
  | 'indicesType'
  | 'indptrType'
  | 'missingField'
  | 'rowsValue'
  | 'colsValue'
  | 'rowsOffByOne'
  | 'rowsTooMany'
  | 'colsTooMany'
  | 'resizable'
  | 'format'
  | 'notObject';

export const csrDefects: readonly CsrDefect[] = [
  'indptrStart',
  'indptrDecrease',
  'indptrLast',
  'indptrLength',
  'indptrBeyond2p53',
  'indexRange',
  'indicesLonger',
  'dataLonger',
  'dataType',
  'indicesType',
  'indptrType',
  'missingField',
  'rowsValue',
  'colsValue',
  'rowsOffByOne',
  'rowsTooMany',
  'colsTooMany',
  'resizable',
  'format',
  'notObject',
];

export interface CsrCase {
  input: unknown;
  /** null for the rare input that, not saying it is CSR, happens to be a valid dense matrix. */
  expected: CsrExpected | null;
  /** The defects that were applied (each one alone makes the input invalid). */
  defects: CsrDefect[];
}

export interface CsrShape {
  minRows?: number;
  maxRows?: number;
  minCols?: number;
  maxCols?: number;
  /** 'fit': finite values below the limit (valid unless a defect is applied); 'any': anything. */
  values?: 'fit' | 'any';
  /** The most defects applied to one matrix (0: only valid structures). */
  maxDefects?: number;
}

interface Layout {
  rows: number;
  cols: number;
  dtype: DType;
  pointers: 'int32' | 'bigint64';
  /** Typed arrays as views at an offset into larger buffers. */
  views: boolean;
  /** Each row's entries sorted by column with repeats summed (the canonical layout). */
  canonical: boolean;
  /** With values 'any': which values besides ordinary ones. */
  palette: Palette;
}

/**
 * 'cancelling' adds to the first row three entries of one column, v, v and -v, with v at 0.6 of
 * the largest magnitude allowed: their sum is v, but in float32 the first two overflow already.
 */
type Palette = 'ordinary' | 'huge' | 'nonFinite' | 'cancelling';

interface Entry {
  column: number;
  value: number;
}

interface Tweak {
  defect: CsrDefect;
  pick: number;
  junk: unknown;
}

/** A CSR argument and what must come of it. */
export function csrCase(shape: CsrShape = {}): fc.Arbitrary<CsrCase> {
  const { minRows = 0, maxRows = 8, minCols = 0, maxCols = 5, values = 'any', maxDefects = 2 } = shape;
  // Now and then no rows or no columns (ERR_KMEANS_EMPTY_DATA), else at least one.
  const size = (min: number, max: number) =>
    fc.oneof(
      { weight: 1, arbitrary: fc.constant(min) },
      { weight: 19, arbitrary: fc.integer({ min: Math.min(max, Math.max(min, 1)), max }) },
    );
  const layout = fc.record({
    rows: size(minRows, maxRows),
    cols: size(minCols, maxCols),
    dtype: fc.constantFrom<DType>('float64', 'float32'),
    pointers: fc.constantFrom<Layout['pointers']>('int32', 'bigint64'),
    views: fc.boolean(),
    canonical: fc.nat(3).map((n) => n === 0),
    palette: fc.constantFrom<Palette>('ordinary', 'ordinary', 'ordinary', 'huge', 'huge', 'nonFinite', 'cancelling'),
  });
  const tweak = fc.record({ defect: fc.constantFrom(...csrDefects), pick: fc.nat(), junk: junkValue });
  // One tweak per defect: two of a kind could undo each other (one more indptr value, one fewer).
  const tweaks = fc.uniqueArray(tweak, { minLength: 1, maxLength: Math.max(1, maxDefects), selector: (t) => t.defect });
  return layout.chain((l) =>
    fc
      .record({
        rowEntries: fc.array(
          fc.array(fc.record({ column: fc.nat(), value: entryValue(l, values) }), {
            maxLength: l.cols === 0 ? 0 : 2 * l.cols + 1,
          }),
          { minLength: l.rows, maxLength: l.rows },
        ),
        tweaks: fc.oneof(
          { weight: 1, arbitrary: fc.constant([] as Tweak[]) },
          { weight: maxDefects > 0 ? 1 : 0, arbitrary: tweaks },
        ),
      })
      .map(({ rowEntries, tweaks }) => build(l, rowEntries, tweaks)),
  );
}

const junkValue = fc.constantFrom<unknown>(1.5, -1, NaN, Infinity, '3', null, undefined, 2 ** 53, 3n, -0.5, true, {});

/** Values for one entry: ordinary ones, and for 'any' also non-finite ones and the overflow limits. */
function entryValue(l: Layout, values: 'fit' | 'any'): fc.Arbitrary<number> {
  const limit = magnitudeLimit(l.dtype, Math.max(l.rows, 1), Math.max(l.cols, 1));
  const top = Math.min(limit, l.dtype === 'float32' ? float32Max : Infinity);
  const ordinary = goodNumber.map((value) =>
    l.dtype === 'float32' && Math.abs(value) > float32Max ? value * 1e-120 : value,
  );
  if (values === 'fit') {
    return fc.oneof(
      { weight: 12, arbitrary: ordinary },
      { weight: 1, arbitrary: fc.constantFrom(0.25, 0.5, -0.5).map((f) => f * top) },
    );
  }
  const huge = fc
    .constantFrom(0.5, 0.6, -0.6, 0.999, 1, 1.001, 2, -2)
    .map((f) => (Number.isFinite(top) ? f * top : f * Number.MAX_VALUE));
  const beyond = fc.constantFrom(float32Max, -float32Max, 3e38, Number.MAX_VALUE, 1e300);
  if (l.palette === 'ordinary' || l.palette === 'cancelling') return ordinary;
  if (l.palette === 'huge') return fc.oneof({ weight: 8, arbitrary: ordinary }, huge, beyond);
  return fc.oneof({ weight: 20, arbitrary: ordinary }, fc.constantFrom(NaN, Infinity, -Infinity), huge);
}

function build(l: Layout, rowEntries: Entry[][], tweaks: Tweak[]): CsrCase {
  const indptr: number[] = [0];
  const indices: number[] = [];
  const data: number[] = [];
  for (const entries of rowEntries) {
    let row = entries.map(({ column, value }) => ({ column: column % l.cols, value }));
    if (l.canonical) row = canonicalRow(row, l.dtype);
    if (l.palette === 'cancelling' && indptr.length === 1) row.push(...cancelling(l, row.length));
    for (const { column, value } of row) {
      indices.push(column);
      data.push(value);
    }
    indptr.push(indices.length);
  }
  const parts: Parts = { layout: l, indptr, indices, data };
  const applied: CsrDefect[] = [];
  // Defects of the arrays' contents first, then of the containers and fields.
  const ordered = [...tweaks].sort((a, b) => csrDefects.indexOf(a.defect) - csrDefects.indexOf(b.defect));
  for (const t of ordered) if (applyToArrays(parts, t)) applied.push(t.defect);
  let input: unknown = typedParts(parts);
  for (const t of ordered) {
    const next = applyToFields(input as Record<string, unknown>, t, l);
    if (next !== undefined) {
      input = next.input;
      applied.push(t.defect);
    }
  }
  return { input, expected: expectedOf(input), defects: applied };
}

/** v, v and -v in one column (see Palette). */
function cancelling(l: Layout, at: number): Entry[] {
  const limit = magnitudeLimit(l.dtype, l.rows, l.cols);
  const v = 0.6 * Math.min(limit, l.dtype === 'float32' ? float32Max : Infinity);
  const column = at % l.cols;
  return [
    { column, value: v },
    { column, value: v },
    { column, value: -v },
  ];
}

/** A row sorted by column, repeats summed in stored order in the dtype (as the format means it). */
function canonicalRow(row: Entry[], dtype: DType): Entry[] {
  const round = dtype === 'float32' ? Math.fround : (x: number) => x;
  const sums = new Map<number, number>();
  for (const { column, value } of row) {
    const stored = round(value);
    sums.set(column, sums.has(column) ? round(sums.get(column)! + stored) : stored);
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([column, value]) => ({ column, value }));
}

interface Parts {
  layout: Layout;
  indptr: (number | bigint)[];
  indices: number[];
  data: number[];
}

function applyToArrays(p: Parts, { defect, pick }: Tweak): boolean {
  const rows = p.layout.rows;
  const nnz = p.data.length;
  switch (defect) {
    case 'indptrStart':
      p.indptr[0] = [1, -1, nnz + 1][pick % 3]!;
      return true;
    case 'indptrDecrease': {
      if (rows === 0) return false;
      const i = 1 + (pick % rows);
      p.indptr[i] = Number(p.indptr[i - 1]) - 1 - (pick % 3);
      return true;
    }
    case 'indptrLast':
      p.indptr[rows] = nnz + [1, -1, 3, -nnz - 1][pick % 4]!;
      return true;
    case 'indptrLength':
      if (pick % 2 === 0) p.indptr.push(nnz);
      else p.indptr.pop();
      return true;
    case 'indptrBeyond2p53':
      if (p.layout.pointers !== 'bigint64') return false;
      p.indptr[pick % (rows + 1)] = [2n ** 60n, 2n ** 53n + 2n][pick % 2]!;
      return true;
    case 'indexRange': {
      if (nnz === 0) return false;
      const cols = p.layout.cols;
      p.indices[pick % nnz] = [cols, cols + 7, -1, -(2 ** 31), maxInt32][pick % 5]!;
      return true;
    }
    case 'indicesLonger':
      p.indices.push(0);
      return true;
    case 'dataLonger':
      p.data.push(1);
      return true;
    default:
      return false;
  }
}

function typedParts(p: Parts): Record<string, unknown> {
  const { rows, cols, dtype, pointers, views } = p.layout;
  // As views, each array sits between guard values that a reader beyond its ends would meet.
  const at = views ? 3 : 0;
  const n = p.data.length;
  const data = dtype === 'float32' ? new Float32Array(n + 2 * at) : new Float64Array(n + 2 * at);
  data.fill(NaN).set(p.data, at);
  const indices = new Int32Array(p.indices.length + 2 * at).fill(-1);
  indices.set(p.indices, at);
  const starts = p.indptr.length + 2 * at;
  const indptr =
    pointers === 'bigint64'
      ? new BigInt64Array(starts)
          .fill(-1n)
          .map((v, i) => (i >= at && i - at < p.indptr.length ? BigInt(p.indptr[i - at]!) : v))
      : new Int32Array(starts)
          .fill(-1)
          .map((v, i) => (i >= at && i - at < p.indptr.length ? Number(p.indptr[i - at]) : v));
  return {
    format: 'csr',
    indptr: indptr.subarray(at, at + p.indptr.length),
    indices: indices.subarray(at, at + p.indices.length),
    data: data.subarray(at, at + n),
    rows,
    cols,
  };
}

const wrongData = [
  (x: ArrayLike<number>) => Int32Array.from(x),
  (x: ArrayLike<number>) => Array.from(x),
  (x: ArrayLike<number>) => Uint8Array.from(x),
  (x: ArrayLike<number>) => BigInt64Array.from(Array.from(x, (v) => (Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n))),
  () => new DataView(new ArrayBuffer(8)),
];
const wrongIndex = [
  (x: ArrayLike<number>) => Uint32Array.from(x),
  (x: ArrayLike<number>) => Float64Array.from(x),
  (x: ArrayLike<number>) => Array.from(x),
  (x: ArrayLike<number>) => Int16Array.from(x),
  (x: ArrayLike<number>) => BigInt64Array.from(Array.from(x, BigInt)),
];
const wrongPointer = [
  (x: ArrayLike<number>) => Uint32Array.from(x),
  (x: ArrayLike<number>) => BigUint64Array.from(Array.from(x, (v) => BigInt(Math.max(0, v)))),
  (x: ArrayLike<number>) => Float64Array.from(x),
  (x: ArrayLike<number>) => Array.from(x),
  (x: ArrayLike<number>) => Int16Array.from(x),
];

function numbersOf(array: unknown): number[] {
  return Array.from(array as ArrayLike<number | bigint>, (v) => Number(v));
}

/** A view of a resizable buffer holding the same values. */
function resizableCopy<A extends Float64Array | Float32Array | Int32Array | BigInt64Array>(array: A): A {
  const Type = array.constructor as unknown as new (buffer: ArrayBuffer) => A;
  // Node's types predate resizable buffers.
  const buffer = new (
    ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer
  )(array.byteLength, { maxByteLength: array.byteLength * 2 + 8 });
  const copy = new Type(buffer);
  (copy as unknown as { set(values: A): void }).set(array);
  return copy;
}

/** A field or container defect: the new input, or undefined where the defect does not apply. */
function applyToFields(
  x: Record<string, unknown>,
  { defect, pick, junk }: Tweak,
  l: Layout,
): { input: unknown } | undefined {
  if (typeof x !== 'object' || x === null || x.format !== 'csr') return undefined;
  const out: Record<string, unknown> = { ...x };
  switch (defect) {
    case 'dataType':
      out.data = wrongData[pick % wrongData.length]!(numbersOf(x.data));
      return { input: out };
    case 'indicesType':
      out.indices = wrongIndex[pick % wrongIndex.length]!(numbersOf(x.indices));
      return { input: out };
    case 'indptrType':
      out.indptr = wrongPointer[pick % wrongPointer.length]!(numbersOf(x.indptr));
      return { input: out };
    case 'missingField':
      delete out[['indptr', 'indices', 'data', 'rows', 'cols'][pick % 5]!];
      return { input: out };
    case 'rowsValue':
    case 'colsValue':
      out[defect === 'rowsValue' ? 'rows' : 'cols'] = junk;
      return { input: out };
    case 'rowsOffByOne': {
      // Never the count that an indptr made longer or shorter already has.
      const length = (x.indptr as { length?: unknown } | undefined)?.length;
      const counts = [l.rows + 1, l.rows - 1, l.rows + 2].filter((r) => r >= 0 && r + 1 !== length);
      out.rows = counts[pick % counts.length];
      return { input: out };
    }
    case 'rowsTooMany':
      out.rows = [2 ** 31, 2 ** 40][pick % 2];
      return { input: out };
    case 'colsTooMany':
      out.cols = [2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER][pick % 3];
      return { input: out };
    case 'resizable': {
      const field = ['data', 'indices', 'indptr'][pick % 3]!;
      const array = x[field];
      const typed = [Float64Array, Float32Array, Int32Array, BigInt64Array].some((Type) => array instanceof Type);
      if (!typed) return undefined;
      out[field] = resizableCopy(array as Float64Array);
      return { input: out };
    }
    case 'format':
      if (pick % 4 === 0) delete out.format;
      else out.format = ['csc', 'CSR', 'coo'][pick % 3];
      return { input: out };
    case 'notObject':
      return { input: [null, undefined, 0, 'csr', true, 7n][pick % 6] };
    default:
      return undefined;
  }
}
