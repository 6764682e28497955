/**
 * The members of a zip archive, as NumPy's .npz files use it: the central directory at the end
 * (with its zip64 extensions, which NumPy writes for every member), then any member's bytes,
 * stored or deflated, checked against its size and CRC-32. Multi-disk archives and encryption
 * are refused. Only what is asked for is read from the file.
 */
import { constants } from 'node:buffer';
import * as zlib from 'node:zlib';
import { DataFileError } from './data_error';
import type { ByteSource } from './npy';

export interface ZipMember {
  name: string;
  /** 0: stored, 8: deflated. */
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const endOfDirectory = 0x06054b50;
const zip64Locator = 0x07064b50;
const zip64EndOfDirectory = 0x06064b50;
const directoryEntry = 0x02014b50;
const localHeader = 0x04034b50;
const saturated32 = 0xffffffff;

/** Reads `length` bytes at `position`, or fails with "the file is truncated". */
export function readBytes(file: string, source: ByteSource, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const got = source.read(buffer.subarray(done), position + done);
    if (got <= 0) throw new DataFileError(file, undefined, 'the file is truncated (it ends inside the zip archive)');
    done += got;
  }
  return buffer;
}

/** The archive's members by name, from its central directory. */
export function readZipDirectory(file: string, source: ByteSource): Map<string, ZipMember> {
  const notZip = () => new DataFileError(file, undefined, 'not a zip archive (an .npz file is a zip of .npy files)');
  // The end record is 22 bytes plus a comment of up to 65535 bytes, at the very end.
  const tailLength = Math.min(source.size, 22 + 0xffff);
  const tail = readBytes(file, source, source.size - tailLength, tailLength);
  let end = -1;
  for (let at = tail.length - 22; at >= 0 && end < 0; at--) if (tail.readUInt32LE(at) === endOfDirectory) end = at;
  if (end < 0) throw notZip();
  if (tail.readUInt16LE(end + 4) !== 0 || tail.readUInt16LE(end + 6) !== 0) {
    throw new DataFileError(file, undefined, 'multi-part zip archives are not read');
  }
  let count = tail.readUInt16LE(end + 10);
  let directorySize = tail.readUInt32LE(end + 12);
  let directoryOffset = tail.readUInt32LE(end + 16);
  const locator = end - 20;
  if (locator >= 0 && tail.readUInt32LE(locator) === zip64Locator) {
    const record = readBytes(file, source, Number(tail.readBigUInt64LE(locator + 8)), 56);
    if (record.readUInt32LE(0) !== zip64EndOfDirectory) throw notZip();
    count = Number(record.readBigUInt64LE(32));
    directorySize = Number(record.readBigUInt64LE(40));
    directoryOffset = Number(record.readBigUInt64LE(48));
  }
  if (directoryOffset + directorySize > source.size) throw notZip();
  const directory = readBytes(file, source, directoryOffset, directorySize);
  const members = new Map<string, ZipMember>();
  for (let at = 0, i = 0; i < count; i++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== directoryEntry) {
      throw new DataFileError(file, undefined, 'the zip directory is damaged');
    }
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const member: ZipMember = {
      name: directory.toString('utf8', at + 46, at + 46 + nameLength),
      method: directory.readUInt16LE(at + 10),
      flags: directory.readUInt16LE(at + 8),
      crc: directory.readUInt32LE(at + 16),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      localHeaderOffset: directory.readUInt32LE(at + 42),
    };
    applyZip64(member, directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength));
    members.set(member.name, member);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return members;
}

/** The zip64 extra field holds, in this order, each of the three values saturated in the entry. */
function applyZip64(member: ZipMember, extra: Buffer): void {
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let field = at + 4;
      const next = () => {
        const value = field + 8 <= at + 4 + length ? Number(extra.readBigUInt64LE(field)) : saturated32;
        field += 8;
        return value;
      };
      if (member.size === saturated32) member.size = next();
      if (member.compressedSize === saturated32) member.compressedSize = next();
      if (member.localHeaderOffset === saturated32) member.localHeaderOffset = next();
      return;
    }
    at += 4 + length;
  }
}

/** A member's uncompressed bytes. `where` names it in messages ("data.npy"). */
export function readZipMember(file: string, source: ByteSource, member: ZipMember): Buffer {
  const where = member.name;
  if (member.flags & 1) throw new DataFileError(file, where, 'it is encrypted');
  if (member.method !== 0 && member.method !== 8) {
    throw new DataFileError(file, where, `compression method ${member.method} is not read (stored and deflate are)`);
  }
  if (member.size > maxBufferLength() || member.compressedSize > maxBufferLength()) {
    throw new DataFileError(file, where, `it holds ${member.size} bytes, more than one buffer can hold`);
  }
  const header = readBytes(file, source, member.localHeaderOffset, 30);
  if (header.readUInt32LE(0) !== localHeader) throw new DataFileError(file, where, 'the zip entry is damaged');
  const start = member.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (start + member.compressedSize > source.size) {
    throw new DataFileError(file, undefined, 'the file is truncated (it ends inside the zip archive)');
  }
  const stored = readBytes(file, source, start, member.compressedSize);
  let bytes = stored;
  if (member.method === 8) {
    try {
      bytes = zlib.inflateRawSync(stored, { maxOutputLength: Math.max(member.size, 1) });
    } catch (error) {
      throw new DataFileError(file, where, `the compressed data is damaged (${(error as Error).message})`);
    }
  }
  if (bytes.length !== member.size || zlib.crc32(bytes) !== member.crc) {
    throw new DataFileError(file, where, 'the data is damaged (its size or CRC-32 does not match the zip directory)');
  }
  return bytes;
}

function maxBufferLength(): number {
  return constants.MAX_LENGTH;
}
