/**
 * NumPy's .npy format (versions 1-3): a magic string, a header holding a Python dict literal
 * ({'descr': '<f8', 'fortran_order': False, 'shape': (150, 4), }) and the raw values.
 * One- and two-dimensional arrays of floats (half, single, double), integers and booleans are
 * read; float32 stays float32 unless float64 is asked for, half floats become float64. The values are read in pieces of a few megabytes.
 */
import { type ColumnChoice, resolveColumns } from './columns';
import { DataFileError } from './data_error';
import { type DType, type Table, unusableValue } from './table';

const magic = Buffer.from([0x93, ...Buffer.from('NUMPY')]);
const pieceBytes = 1 << 22;

export function isNpy(head: Buffer): boolean {
  return head.subarray(0, magic.length).equals(magic);
}

/** Random access to the file's bytes. */
export interface ByteSource {
  size: number;
  /** Fills `buffer` from `position` on; returns the bytes read. */
  read(buffer: Buffer, position: number): number;
}

export interface Header {
  kind: string;
  bytes: number;
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  dataOffset: number;
}

/** An opened .npy file: its header, the chosen columns and the output type. */
export interface NpyLayout {
  header: Header;
  rows: number;
  cols: number;
  picked: number[];
  outType: DType;
}

export function readNpy(file: string, source: ByteSource, columns: ColumnChoice, dtype: DType | undefined): Table {
  const layout = openNpy(file, source, columns, dtype);
  return readNpyRows(file, source, layout, 0, layout.rows);
}

/** The header checked against the file's size, and the chosen columns resolved. */
export function openNpy(file: string, source: ByteSource, columns: ColumnChoice, dtype: DType | undefined): NpyLayout {
  const header = readHeader(file, source);
  const [rows, cols = 1] = header.shape as [number, number?];
  const expected = rows * cols * header.bytes;
  const present = source.size - header.dataOffset;
  if (present !== expected) {
    throw new DataFileError(
      file,
      'data',
      `the header's shape (${header.shape.join(', ')}) needs ${expected} bytes of values, the file holds ${present}`,
    );
  }
  if (rows === 0 || cols === 0) throw new DataFileError(file, 'header', 'the array is empty');
  let picked: number[];
  try {
    picked = resolveColumns(columns, cols, undefined);
  } catch (error) {
    throw new DataFileError(file, 'header', (error as Error).message);
  }
  const outType: DType = dtype ?? (header.kind === 'f' && header.bytes === 4 ? 'float32' : 'float64');
  return { header, rows, cols, picked, outType };
}

/**
 * Rows `first` to `first + count - 1` of the chosen columns, read in pieces: one run of the
 * file in C order, one run per chosen column in Fortran order.
 */
export function readNpyRows(file: string, source: ByteSource, layout: NpyLayout, first: number, count: number): Table {
  const { header, rows, cols, picked, outType } = layout;
  const width = picked.length;
  const out = outType === 'float32' ? new Float32Array(count * width) : new Float64Array(count * width);
  const read = elementReader(header);
  const piece = Buffer.alloc(Math.max(header.bytes, pieceBytes - (pieceBytes % header.bytes)));
  const view = new DataView(piece.buffer, piece.byteOffset, piece.length);
  // Where each stored column goes in a row of the output (-1: not chosen).
  const target = new Int32Array(cols).fill(-1);
  picked.forEach((column, j) => (target[column] = j));
  /** Reads `n` elements from element `start`; element e is (row first + rowOf(e), column columnOf(e)). */
  const readRun = (start: number, n: number, rowOf: (e: number) => number, columnOf: (e: number) => number) => {
    for (let done = 0; done < n;) {
      const m = Math.min(n - done, piece.length / header.bytes);
      const got = source.read(piece.subarray(0, m * header.bytes), header.dataOffset + (start + done) * header.bytes);
      if (got !== m * header.bytes) throw new DataFileError(file, 'data', 'the file ended while being read');
      for (let e = 0; e < m; e++) {
        const row = rowOf(done + e);
        const j = target[columnOf(done + e)]!;
        if (j < 0) continue;
        const value = read(view, e * header.bytes);
        const problem = unusableValue(value, outType);
        if (problem !== undefined) {
          throw new DataFileError(
            file,
            `row ${first + row + 1}, column ${columnOf(done + e) + 1}`,
            `${value} ${problem}`,
          );
        }
        out[row * width + j] = value;
      }
      done += m;
    }
  };
  if (header.fortranOrder) {
    for (const column of picked)
      readRun(
        column * rows + first,
        count,
        (e) => e,
        () => column,
      );
  } else {
    readRun(
      first * cols,
      count * cols,
      (e) => Math.floor(e / cols),
      (e) => e % cols,
    );
  }
  return { data: out, rows: count, cols: width, columnNames: undefined, place: (row) => `row ${first + row + 1}` };
}

export function readHeader(file: string, source: ByteSource): Header {
  const fail = (problem: string): never => {
    throw new DataFileError(file, 'header', problem);
  };
  const prefix = Buffer.alloc(12);
  const got = source.read(prefix, 0);
  if (!isNpy(prefix.subarray(0, got))) fail('not a NumPy .npy file (the magic string is missing)');
  if (got < 10) fail('the file ends inside the header');
  const major = prefix[6];
  if (major !== 1 && major !== 2 && major !== 3) fail(`format version ${major} is not supported (1, 2 and 3 are)`);
  const start = major === 1 ? 10 : 12;
  if (got < start) fail('the file ends inside the header');
  const length = major === 1 ? prefix.readUInt16LE(8) : prefix.readUInt32LE(8);
  if (source.size < start + length) fail('the file ends inside the header');
  const headerBytes = Buffer.alloc(length);
  source.read(headerBytes, start);
  const text = headerBytes.toString(major === 3 ? 'utf8' : 'latin1');

  const descr = /'descr'\s*:\s*'([<>|=])([a-zA-Z])(\d+)'/.exec(text);
  const order = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !order || !shape) return fail(`the header dict is not understood: ${text.trim()}`);
  const [, endian, kind, size] = descr as unknown as [string, string, string, string];
  const bytes = Number(size);
  const supported =
    (kind === 'f' && (bytes === 2 || bytes === 4 || bytes === 8)) ||
    ('iu'.includes(kind) && [1, 2, 4, 8].includes(bytes)) ||
    (kind === 'b' && bytes === 1);
  if (!supported) fail(`dtype '${endian}${kind}${size}' is not supported (floats, integers and booleans are)`);
  const dims = (shape[1] as string)
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (dims.length < 1 || dims.length > 2 || dims.some((dim) => !/^\d+$/.test(dim))) {
    fail(`the shape (${shape[1]}) is not one- or two-dimensional`);
  }
  return {
    kind,
    bytes,
    littleEndian: endian !== '>',
    fortranOrder: order[1] === 'True',
    shape: dims.map(Number),
    dataOffset: start + length,
  };
}

export function elementReader({ kind, bytes, littleEndian: le }: Header): (view: DataView, offset: number) => number {
  if (kind === 'f') {
    if (bytes === 2) return (v, o) => halfFloat(v.getUint16(o, le));
    return bytes === 4 ? (v, o) => v.getFloat32(o, le) : (v, o) => v.getFloat64(o, le);
  }
  if (kind === 'b') return (v, o) => (v.getUint8(o) === 0 ? 0 : 1);
  const signed = kind === 'i';
  switch (bytes) {
    case 1:
      return signed ? (v, o) => v.getInt8(o) : (v, o) => v.getUint8(o);
    case 2:
      return signed ? (v, o) => v.getInt16(o, le) : (v, o) => v.getUint16(o, le);
    case 4:
      return signed ? (v, o) => v.getInt32(o, le) : (v, o) => v.getUint32(o, le);
    default:
      return signed ? (v, o) => Number(v.getBigInt64(o, le)) : (v, o) => Number(v.getBigUint64(o, le));
  }
}

/** An IEEE 754 half-precision value from its 16 bits, exactly (every half is a float32 and a double). */
export function halfFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  // Subnormals: fraction · 2^-24; normals: (1024 + fraction) · 2^(exponent - 25).
  if (exponent === 0) return sign * fraction * 2 ** -24;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}
