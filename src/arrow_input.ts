/**
 * Apache Arrow input: a Table (or RecordBatch) of numeric columns or of one FixedSizeList column,
 * or a Vector of FixedSizeList (the usual form of embeddings), laid out as the typed matrix the
 * kernels read. Arrow objects are recognised by their shape, never imported: apache-arrow is an
 * optional peer dependency. A single-chunk float32 or float64 column or list is a view of the
 * Arrow buffer; several chunks, integers, float16 and float32 mixed with float64 are copied.
 */
import type { FloatArray } from './binding';
import { KMeansError } from './errors';

/** An apache-arrow Table or RecordBatch, as far as this module reads it. */
export interface ArrowTableLike {
  readonly schema: { readonly fields: readonly { readonly name: string }[] };
  readonly numCols: number;
  getChildAt(index: number): unknown;
}

/** An apache-arrow Vector, as far as this module reads it. */
export interface ArrowVectorLike {
  readonly type: { readonly typeId: number };
  readonly data: readonly unknown[];
  readonly length: number;
}

export type ArrowLike = ArrowTableLike | ArrowVectorLike;

/** The unchecked layout of Arrow data: row-major for lists, column-major for a table's columns. */
export type ArrowLayout = { data: FloatArray; rows: number; cols: number } | { columns: FloatArray[] };

/** apache-arrow's DataType, as far as this module reads it (the ids are its Type enum's). */
interface ArrowType {
  readonly typeId: number;
  readonly precision?: number; // Float: 0 half, 1 single, 2 double
  readonly bitWidth?: number; // Int
  readonly listSize?: number; // FixedSizeList
  readonly valueType?: ArrowType; // FixedSizeList
}

/**
 * apache-arrow's Data, one chunk of a vector. Its values start at its own first element (a slice
 * is a view that starts there); `offset` counts only in the validity bitmap.
 */
interface Chunk {
  readonly length: number;
  readonly offset: number;
  readonly nullCount: number;
  readonly nullBitmap?: unknown;
  readonly values?: unknown;
  readonly children?: readonly Chunk[];
}

const typeIds = { int: [2, -2, -3, -4, -5, -6, -7, -8, -9], float: [3, -10, -11, -12], fixedSizeList: 16 };

/** A chunk's values: a typed array of numbers or of 64-bit integers. */
type TypedValues = ArrayLike<number | bigint> & ArrayBufferView & { subarray(begin: number, end: number): TypedValues };

/** How a numeric column is stored, from which the dtype follows. */
type Kind = 'float64' | 'float32' | 'float16' | 'integer' | 'bigint';

export function isArrowLike(value: unknown): value is ArrowLike {
  return isArrowTable(value) || isArrowVector(value);
}

function isArrowTable(value: unknown): value is ArrowTableLike {
  const table = value as Partial<ArrowTableLike> | null;
  return (
    typeof table === 'object' &&
    table !== null &&
    typeof table.numCols === 'number' &&
    typeof table.getChildAt === 'function' &&
    Array.isArray(table.schema?.fields)
  );
}

function isArrowVector(value: unknown): value is ArrowVectorLike {
  const vector = value as Partial<ArrowVectorLike> | null;
  return (
    typeof vector === 'object' &&
    vector !== null &&
    typeof vector.type?.typeId === 'number' &&
    Array.isArray(vector.data) &&
    typeof vector.length === 'number'
  );
}

/**
 * The layout of Arrow data, with nulls refused (ERR_KMEANS_NULL_VALUE, by row and column) and
 * non-numeric columns refused by name. The caller checks the result as any typed matrix.
 */
export function fromArrow(value: ArrowLike, name: string): ArrowLayout {
  if (!isArrowTable(value)) return fromList(value, name, name);
  const vectors = Array.from({ length: value.numCols }, (_, j) => value.getChildAt(j));
  const names = value.schema.fields.map((field) => field.name);
  const where = (j: number) => `${name} column ${j} (${JSON.stringify(names[j])})`;
  vectors.forEach((vector, j) => {
    if (!isArrowVector(vector)) throw invalid(`${where(j)} is not an Arrow vector`, name, { column: j });
  });
  const columns = vectors as ArrowVectorLike[];
  const listColumn = columns.findIndex((vector) => vector.type.typeId === typeIds.fixedSizeList);
  if (listColumn >= 0 && columns.length === 1) return fromList(columns[0]!, name, where(0));
  if (listColumn >= 0) {
    throw invalid(
      `${where(listColumn)} is ${String(columns[listColumn]!.type)}: a table of lists must hold that column only (table.select([${JSON.stringify(names[listColumn])}]))`,
      name,
      { column: listColumn },
    );
  }
  if (columns.length === 0) return { data: new Float64Array(0), rows: 0, cols: 0 };
  const kinds = columns.map((vector, j) => {
    const kind = numericKind(vector.type);
    if (!kind) {
      throw invalid(
        `${where(j)} is ${String(vector.type)}, not numbers: pass the numeric columns only (table.select([...names]))`,
        name,
        { column: j },
      );
    }
    return kind;
  });
  const chunks = columns.map((vector, j) => chunksOf(vector, where(j), name));
  checkTableNulls(chunks, names, name);
  const dtype = kinds.every((kind) => kind === 'float32' || kind === 'float16') ? Float32Array : Float64Array;
  return {
    columns: chunks.map((column, j) =>
      readValues(
        column,
        column.map((chunk) => chunk.length),
        kinds[j]!,
        dtype,
        name,
        (row) => ({ row, column: j }),
      ),
    ),
  };
}

/** A FixedSizeList vector as a row-major matrix, one list per row. */
function fromList(vector: ArrowVectorLike, name: string, where: string): ArrowLayout {
  const type = vector.type as ArrowType;
  const valueType = type.valueType;
  const kind = valueType && numericKind(valueType);
  if (type.typeId !== typeIds.fixedSizeList || !kind) {
    throw invalid(
      `${where} is an Arrow vector of ${String(type)}: pass a vector of FixedSizeList of numbers (one list per row) or a Table of numeric columns`,
      name,
    );
  }
  const cols = type.listSize ?? 0;
  const lists = chunksOf(vector, where, name);
  const children = lists.map((list) => {
    const child = list.children?.[0];
    if (!child) throw invalid(`${where} has a chunk without its list values`, name);
    return child;
  });
  let rowBase = 0;
  lists.forEach((list, k) => {
    const nullRow = firstNull(list, list.length);
    const nullValue = firstNull(children[k]!, list.length * cols);
    const valueRow = nullValue < 0 ? -1 : Math.floor(nullValue / cols);
    if (nullRow >= 0 && (valueRow < 0 || nullRow <= valueRow)) throw nullRowError(name, rowBase + nullRow);
    if (valueRow >= 0) throw nullValueError(name, rowBase + valueRow, nullValue % cols);
    rowBase += list.length;
  });
  const dtype = kind === 'float32' || kind === 'float16' ? Float32Array : Float64Array;
  const counts = lists.map((list) => list.length * cols);
  const data = readValues(children, counts, kind, dtype, name, (i) => ({
    row: Math.floor(i / cols),
    column: i % cols,
  }));
  return { data, rows: rowBase, cols };
}

/** The kind of a numeric type, or undefined. The ids below -1 name a width outright (Float32 is -11). */
function numericKind({ typeId, precision, bitWidth }: ArrowType): Kind | undefined {
  if (typeIds.float.includes(typeId)) {
    return (['float16', 'float32', 'float64'] as const)[typeId === 3 ? (precision ?? -1) : -10 - typeId];
  }
  if (typeIds.int.includes(typeId))
    return (bitWidth ?? (typeId === -5 || typeId === -9 ? 64 : 32)) === 64 ? 'bigint' : 'integer';
  return undefined;
}

function chunksOf(vector: ArrowVectorLike, where: string, name: string): Chunk[] {
  return vector.data.map((chunk) => {
    const { length, offset, nullCount } = (chunk ?? {}) as Partial<Chunk>;
    if (![length, offset, nullCount].every((n) => typeof n === 'number')) {
      throw invalid(`${where} has a chunk that is not Arrow data`, name);
    }
    return chunk as Chunk;
  });
}

/** The index of the first null among a chunk's first `count` entries, or -1. */
function firstNull(chunk: Chunk, count: number): number {
  if (!(chunk.nullCount > 0)) return -1;
  const bitmap = chunk.nullBitmap;
  if (!(bitmap instanceof Uint8Array) || bitmap.length === 0) return count > 0 ? 0 : -1;
  for (let i = 0; i < count; i++) {
    const bit = chunk.offset + i;
    if ((bitmap[bit >> 3]! & (1 << (bit & 7))) === 0) return i;
  }
  return -1;
}

/** The first null of a table in row order (the lowest column on a tie). */
function checkTableNulls(columns: readonly (readonly Chunk[])[], names: readonly string[], name: string): void {
  let first: { row: number; column: number } | undefined;
  columns.forEach((chunks, column) => {
    let rowBase = 0;
    for (const chunk of chunks) {
      if (first && rowBase > first.row) return;
      const index = firstNull(chunk, chunk.length);
      if (index >= 0 && (!first || rowBase + index < first.row)) {
        first = { row: rowBase + index, column };
        return;
      }
      rowBase += chunk.length;
    }
  });
  if (first) throw nullValueError(name, first.row, first.column, names[first.column]);
}

/**
 * The first `counts[k]` values of every chunk k, end to end, as one array of `dtype`: a view of
 * the chunk's own values when there is one chunk of that type, else a copy. `locate` turns an
 * index into the row and column of an error.
 */
function readValues(
  chunks: readonly Chunk[],
  counts: readonly number[],
  kind: Kind,
  dtype: Float64ArrayConstructor | Float32ArrayConstructor,
  name: string,
  locate: (index: number) => { row: number; column: number },
): FloatArray {
  const arrays = chunks.map((chunk, k) => {
    const values = chunk.values as TypedValues | undefined;
    if (!ArrayBuffer.isView(values) || !(values.length >= counts[k]!)) {
      throw invalid(`${name} has an Arrow chunk with fewer values than its length`, name);
    }
    if (kind === 'bigint' && !(values instanceof BigInt64Array || values instanceof BigUint64Array)) {
      throw invalid(`${name} has 64-bit integers not held as a BigInt64Array: use apache-arrow 18 or later`, name);
    }
    return values.subarray(0, counts[k]!);
  });
  const only = arrays[0];
  if (arrays.length === 1 && only instanceof dtype) return only;
  const out = new dtype(arrays.reduce((total, array) => total + array.length, 0));
  let at = 0;
  for (const array of arrays) {
    if (kind === 'bigint') {
      for (let i = 0; i < array.length; i++) out[at + i] = exactNumber(array[i] as bigint, name, () => locate(at + i));
    } else if (kind === 'float16') {
      for (let i = 0; i < array.length; i++) out[at + i] = halfToNumber(array[i] as number);
    } else {
      out.set(array as ArrayLike<number>, at);
    }
    at += array.length;
  }
  return out;
}

const maxExact = 2n ** 53n;

/** A 64-bit integer as a number, refused where the number would not be exact. */
function exactNumber(value: bigint, name: string, locate: () => { row: number; column: number }): number {
  if (value <= maxExact && value >= -maxExact) return Number(value);
  const { row, column } = locate();
  throw new KMeansError(
    'ERR_KMEANS_INVALID_DATA',
    `${name} row ${row}, column ${column} holds ${value}n, beyond 2^53: it has no exact float64 value`,
    { details: { argument: name, row, column, value: Number(value) } },
  );
}

/** An IEEE 754 half-precision value from its bits. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

function invalid(message: string, name: string, details: { column?: number } = {}): KMeansError {
  return new KMeansError('ERR_KMEANS_INVALID_DATA', message, { details: { argument: name, ...details } });
}

function nullValueError(name: string, row: number, column: number, columnName?: string): KMeansError {
  const label = columnName === undefined ? '' : ` (${JSON.stringify(columnName)})`;
  return new KMeansError(
    'ERR_KMEANS_NULL_VALUE',
    `${name} has a null at row ${row}, column ${column}${label}: fill or drop the nulls first`,
    { details: { argument: name, row, column } },
  );
}

function nullRowError(name: string, row: number): KMeansError {
  return new KMeansError('ERR_KMEANS_NULL_VALUE', `${name} row ${row} is null: fill or drop the nulls first`, {
    details: { argument: name, row },
  });
}
