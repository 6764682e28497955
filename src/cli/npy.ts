/**
 * NumPy's .npy format (versions 1-3): a magic string, a header holding a Python dict literal
 * ({'descr': '<f8', 'fortran_order': False, 'shape': (150, 4), }) and the raw values.
 * One- and two-dimensional arrays of floats, integers and booleans are read; float32 stays
 * float32 unless float64 is asked for.
 */
import { resolveColumns, type ColumnSpec } from './columns';
import { DataFileError } from './data_error';
import type { DType, Table } from './table';

const magic = Buffer.from([0x93, ...Buffer.from('NUMPY')]);

export function isNpy(head: Buffer): boolean {
  return head.subarray(0, magic.length).equals(magic);
}

interface Header {
  kind: string;
  bytes: number;
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  dataOffset: number;
}

export function readNpy(file: string, buffer: Buffer, columns: ColumnSpec | undefined, dtype: DType | undefined): Table {
  const header = parseHeader(file, buffer);
  const [rows, cols = 1] = header.shape as [number, number?];
  const expected = rows * cols * header.bytes;
  const present = buffer.length - header.dataOffset;
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
  const keepFloat32 = header.kind === 'f' && header.bytes === 4 && dtype !== 'float64';
  const out = keepFloat32 || dtype === 'float32' ? new Float32Array(rows * picked.length) : new Float64Array(rows * picked.length);
  const view = new DataView(buffer.buffer, buffer.byteOffset + header.dataOffset, expected);
  const read = elementReader(header);
  for (let row = 0; row < rows; row++) {
    picked.forEach((column, j) => {
      const index = header.fortranOrder ? column * rows + row : row * cols + column;
      const value = read(view, index * header.bytes);
      if (!Number.isFinite(value)) {
        throw new DataFileError(file, `row ${row + 1}, column ${column + 1}`, `${value} is not a finite number`);
      }
      out[row * picked.length + j] = value;
    });
  }
  return { data: out, rows, cols: picked.length, columnNames: undefined };
}

function parseHeader(file: string, buffer: Buffer): Header {
  const fail = (problem: string): never => {
    throw new DataFileError(file, 'header', problem);
  };
  if (!isNpy(buffer) || buffer.length < 10) fail('not a NumPy .npy file (the magic string is missing)');
  const major = buffer[6];
  if (major !== 1 && major !== 2 && major !== 3) fail(`format version ${major} is not supported (1, 2 and 3 are)`);
  const lengthBytes = major === 1 ? 2 : 4;
  const start = 8 + lengthBytes;
  if (buffer.length < start) fail('the file ends inside the header');
  const length = major === 1 ? buffer.readUInt16LE(8) : buffer.readUInt32LE(8);
  if (buffer.length < start + length) fail('the file ends inside the header');
  const text = buffer.toString(major === 3 ? 'utf8' : 'latin1', start, start + length);

  const descr = /'descr'\s*:\s*'([<>|=])([a-zA-Z])(\d+)'/.exec(text);
  const order = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !order || !shape) return fail(`the header dict is not understood: ${text.trim()}`);
  const [, endian, kind, size] = descr as unknown as [string, string, string, string];
  const bytes = Number(size);
  const supported = (kind === 'f' && (bytes === 4 || bytes === 8)) || ('iu'.includes(kind) && [1, 2, 4, 8].includes(bytes)) || (kind === 'b' && bytes === 1);
  if (!supported) fail(`dtype '${endian}${kind}${size}' is not supported (floats, integers and booleans are)`);
  const dims = (shape[1] as string).split(',').map((part) => part.trim()).filter((part) => part !== '');
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

function elementReader({ kind, bytes, littleEndian: le }: Header): (view: DataView, offset: number) => number {
  if (kind === 'f') return bytes === 4 ? (v, o) => v.getFloat32(o, le) : (v, o) => v.getFloat64(o, le);
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
