/**
 * SciPy's sparse matrix files (`scipy.sparse.save_npz`): a zip (zip.ts) of indptr.npy,
 * indices.npy, data.npy, shape.npy and format.npy, deflated unless saved with compressed=False.
 * CSR files are read into a CsrMatrix, checked in the file's terms (rows and columns counted
 * from 1 in messages, as for .npy files); other layouts are refused with the conversion to make.
 */
import * as os from 'node:os';
import type { CsrMatrix } from '../index';
import { DataFileError } from './data_error';
import { readInPieces } from './data_file';
import { type ByteSource, type Header, elementReader, readHeader } from './npy';
import { type DType, unusableValue } from './table';
import { readZipDirectory, readZipMember } from './zip';

/** undefined: float64, except that float32 data stays float32. */
export interface NpzReadOptions {
  dtype?: DType;
}

/** Opens `file` and reads the CSR matrix it holds. */
export function readNpzFile(file: string, options: NpzReadOptions = {}): CsrMatrix {
  return readInPieces(file, (source) => readNpz(file, source, options));
}

export function readNpz(file: string, source: ByteSource, options: NpzReadOptions = {}): CsrMatrix {
  const members = readZipDirectory(file, source);
  const member = (name: string): Buffer => {
    const entry = members.get(name);
    if (entry === undefined) {
      throw new DataFileError(
        file,
        undefined,
        `not a SciPy sparse matrix file (scipy.sparse.save_npz): it has no ${name}`,
      );
    }
    return readZipMember(file, source, entry);
  };
  const format = readFormat(file, member('format.npy'));
  if (format !== 'csr') {
    throw new DataFileError(
      file,
      'format.npy',
      `the matrix is stored as ${format.toUpperCase()}, and only CSR is read: save X.tocsr() instead`,
    );
  }
  const shape = readIntegers(file, 'shape.npy', member('shape.npy'));
  if (shape.length !== 2)
    throw new DataFileError(file, 'shape.npy', `expected 2 values (rows, columns), got ${shape.length}`);
  const rows = shape[0]!;
  const cols = shape[1]!;
  if (rows === 0 || cols === 0) throw new DataFileError(file, 'shape.npy', `the matrix is empty (${rows} × ${cols})`);
  if (cols > 2 ** 31 - 1) {
    throw new DataFileError(file, 'shape.npy', `${cols} columns is more than the 2^31 - 1 supported`);
  }
  const indptr = readIntegers(file, 'indptr.npy', member('indptr.npy'));
  const indices = readIntegers(file, 'indices.npy', member('indices.npy'));
  const data = readValues(file, member('data.npy'));
  checkRowPointers(file, indptr, rows, data.length, indices.length);
  return {
    format: 'csr',
    indptr: narrowRowPointers(indptr),
    indices: columnIndices(file, indptr, indices, cols),
    data: outputValues(file, data, indptr, indices, options.dtype),
    rows,
    cols,
  };
}

/** A member's .npy header, with failures named after the member. */
function header(file: string, name: string, bytes: Buffer, dims: number): Header {
  let parsed: Header;
  try {
    parsed = readHeader(name, bufferSource(bytes));
  } catch (error) {
    if (error instanceof DataFileError) throw new DataFileError(file, `${name} ${error.where}`, error.problem);
    throw error;
  }
  if (parsed.shape.length !== dims) {
    throw new DataFileError(file, name, `expected a ${dims}-dimensional array, got shape (${parsed.shape.join(', ')})`);
  }
  const count = parsed.shape.reduce((a, b) => a * b, 1);
  if (bytes.length - parsed.dataOffset !== count * parsed.bytes) {
    throw new DataFileError(
      file,
      name,
      `the header's shape (${parsed.shape.join(', ')}) needs ${count * parsed.bytes} bytes of values, it holds ${bytes.length - parsed.dataOffset}`,
    );
  }
  return parsed;
}

function bufferSource(bytes: Buffer): ByteSource {
  return { size: bytes.length, read: (buffer, position) => bytes.copy(buffer, 0, position) };
}

/**
 * format.npy: a 0-dimensional NumPy string, bytes ('|S3', as save_npz writes it) or unicode
 * ('<U3'), which the .npy reader proper does not take.
 */
function readFormat(file: string, bytes: Buffer): string {
  const fail = (): never => {
    throw new DataFileError(file, 'format.npy', "expected a NumPy string such as b'csr'");
  };
  if (bytes.length < 10 || bytes.toString('latin1', 1, 6) !== 'NUMPY') fail();
  const start = bytes[6] === 1 ? 10 : 12;
  const length = bytes[6] === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const text = bytes.toString('latin1', start, start + length);
  const descr = /'descr'\s*:\s*'([<>|=])([SU])(\d+)'/.exec(text);
  if (!descr || !/'shape'\s*:\s*\(\s*\)/.test(text)) return fail();
  const [, order, kind, size] = descr as unknown as [string, string, string, string];
  const width = kind === 'U' ? 4 : 1;
  const values = bytes.subarray(start + length);
  if (values.length !== Number(size) * width) return fail();
  let format = '';
  for (let at = 0; at < values.length; at += width) {
    const code = width === 1 ? values[at]! : order === '>' ? values.readUInt32BE(at) : values.readUInt32LE(at);
    if (code > 0x10ffff) return fail();
    if (code !== 0) format += String.fromCodePoint(code);
  }
  return format;
}

/** A 1-D integer member as float64 numbers (exact up to 2^53, which sizes never reach). */
function readIntegers(file: string, name: string, bytes: Buffer): Float64Array {
  const parsed = header(file, name, bytes, 1);
  if (parsed.kind !== 'i' && parsed.kind !== 'u') {
    throw new DataFileError(file, name, `expected integers, got dtype kind '${parsed.kind}'`);
  }
  const read = elementReader(parsed);
  const view = new DataView(bytes.buffer, bytes.byteOffset + parsed.dataOffset);
  const out = new Float64Array(parsed.shape[0]!);
  for (let i = 0; i < out.length; i++) {
    const value = read(view, i * parsed.bytes);
    if (value < 0) throw new DataFileError(file, `${name}[${i}]`, `${value} is negative`);
    out[i] = value;
  }
  return out;
}

/** data.npy as stored: float32 as a Float32Array, other numbers (floats, integers, booleans) as a Float64Array. */
function readValues(file: string, bytes: Buffer): Float64Array | Float32Array {
  const parsed = header(file, 'data.npy', bytes, 1);
  if (parsed.kind !== 'f' && parsed.kind !== 'i' && parsed.kind !== 'u' && parsed.kind !== 'b') {
    throw new DataFileError(file, 'data.npy', `dtype kind '${parsed.kind}' is not read (numbers are)`);
  }
  const count = parsed.shape[0]!;
  const out = parsed.kind === 'f' && parsed.bytes === 4 ? new Float32Array(count) : new Float64Array(count);
  // Stored floats of the output's width are copied as they are; half floats are converted.
  if (os.endianness() === 'LE' && parsed.littleEndian && parsed.kind === 'f' && parsed.bytes !== 2) {
    new Uint8Array(out.buffer).set(bytes.subarray(parsed.dataOffset));
    return out;
  }
  const read = elementReader(parsed);
  const view = new DataView(bytes.buffer, bytes.byteOffset + parsed.dataOffset);
  for (let i = 0; i < count; i++) out[i] = read(view, i * parsed.bytes);
  return out;
}

function checkRowPointers(file: string, indptr: Float64Array, rows: number, nnz: number, indexCount: number): void {
  if (indptr.length !== rows + 1) {
    throw new DataFileError(
      file,
      'indptr.npy',
      `expected rows + 1 = ${rows + 1} row pointers (shape.npy says ${rows} rows), got ${indptr.length}`,
    );
  }
  if (indptr[0] !== 0) throw new DataFileError(file, 'indptr.npy', `the first row pointer must be 0, got ${indptr[0]}`);
  for (let i = 1; i <= rows; i++) {
    if (indptr[i]! < indptr[i - 1]!) {
      throw new DataFileError(
        file,
        'indptr.npy',
        `row pointers must not decrease: indptr[${i}] = ${indptr[i]} is below indptr[${i - 1}] = ${indptr[i - 1]}`,
      );
    }
  }
  if (indptr[rows] !== nnz || indexCount !== nnz) {
    throw new DataFileError(
      file,
      undefined,
      `the last row pointer (${indptr[rows]}), the number of column indices (${indexCount}) and of values (${nnz}) must be equal`,
    );
  }
}

/** Int32 row pointers unless there are more than 2^31 - 1 entries. */
function narrowRowPointers(indptr: Float64Array): Int32Array | BigInt64Array {
  if (indptr[indptr.length - 1]! <= 2 ** 31 - 1) return Int32Array.from(indptr);
  return BigInt64Array.from(indptr, (value) => BigInt(value));
}

function columnIndices(file: string, indptr: Float64Array, indices: Float64Array, cols: number): Int32Array {
  const out = new Int32Array(indices.length);
  for (let row = 0; row + 1 < indptr.length; row++) {
    for (let k = indptr[row]!; k < indptr[row + 1]!; k++) {
      const column = indices[k]!;
      if (column >= cols) {
        throw new DataFileError(
          file,
          `indices.npy[${k}] (row ${row + 1})`,
          `column index ${column} is beyond the ${cols} columns of shape.npy (indices count from 0)`,
        );
      }
      out[k] = column;
    }
  }
  return out;
}

/**
 * The values in the output dtype (undefined: float32 stays float32, the rest is float64), each
 * checked to be finite there; a value that is out of place is named by its row and column.
 */
function outputValues(
  file: string,
  data: Float64Array | Float32Array,
  indptr: Float64Array,
  indices: Float64Array,
  dtype: DType | undefined,
): Float64Array | Float32Array {
  const outType = dtype ?? (data instanceof Float32Array ? 'float32' : 'float64');
  const out = data instanceof Float32Array === (outType === 'float32') ? data : allocate(outType, data.length);
  for (let row = 0; row + 1 < indptr.length; row++) {
    for (let k = indptr[row]!; k < indptr[row + 1]!; k++) {
      const value = data[k]!;
      const problem = unusableValue(value, outType);
      if (problem !== undefined) {
        throw new DataFileError(
          file,
          `data.npy[${k}] (row ${row + 1}, column ${indices[k]! + 1})`,
          `${value} ${problem}`,
        );
      }
      out[k] = value;
    }
  }
  return out;
}

function allocate(dtype: DType, length: number): Float64Array | Float32Array {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}
