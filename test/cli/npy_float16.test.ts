// Half-precision .npy files ('<f2', '>f2'): every half float read exactly (subnormals, the largest
// value, signed zeros), infinities and NaN refused as the other readers refuse them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DataReadOptions, readDataFile } from '../../src/cli/data_file';
import { halfFloat } from '../../src/cli/npy';
import { cliWorkspace } from './cli_helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmeans-native-f2-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A version 1.0 .npy file of 16-bit patterns, written by hand. */
function npyOfHalves(name: string, bits: number[], shape: [number, number], order = '<', fortran = false): string {
  let dict = `{'descr': '${order}f2', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}), }`;
  dict += ' '.repeat(63 - ((10 + dict.length) % 64)) + '\n';
  const prefix = Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, dict.length & 0xff, dict.length >> 8]);
  const values = Buffer.alloc(bits.length * 2);
  bits.forEach((value, i) => (order === '<' ? values.writeUInt16LE(value, i * 2) : values.writeUInt16BE(value, i * 2)));
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.concat([prefix, Buffer.from(dict, 'latin1'), values]));
  return file;
}

/** The half float as float32 bits, widened field by field (the usual bit-level conversion), read back. */
function widenedThroughFloat32(bits: number): number {
  const sign = (bits & 0x8000) << 16;
  let exponent = (bits >> 10) & 0x1f;
  let fraction = bits & 0x3ff;
  let single: number;
  if (exponent === 0x1f) single = sign | 0x7f800000 | (fraction << 13);
  else if (exponent === 0 && fraction === 0) single = sign;
  else {
    if (exponent === 0) {
      // Normalise the subnormal: shift until the leading bit reaches the implicit position.
      exponent = 1;
      while ((fraction & 0x400) === 0) {
        fraction <<= 1;
        exponent--;
      }
      fraction &= 0x3ff;
    }
    single = sign | ((exponent + 112) << 23) | (fraction << 13);
  }
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, single >>> 0);
  return view.getFloat32(0);
}

// Row-major 2 × 3: 1, −2, 65504 (the largest half); 2^−24 (the smallest subnormal), the
// largest subnormal, 1/3 rounded to half.
const bits = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x3555];
const expected = [
  [1, -2, 65504],
  [2 ** -24, 1023 * 2 ** -24, 0.333251953125],
];

async function rows(file: string, options: DataReadOptions = {}) {
  const table = await readDataFile(file, options);
  return {
    data: table.data,
    rows: Array.from({ length: table.rows }, (_, i) =>
      Array.from(table.data.subarray(i * table.cols, (i + 1) * table.cols)),
    ),
  };
}

describe('half floats', () => {
  it('halfFloat reads every one of the 65,536 bit patterns as the float32 conversion does', () => {
    for (let pattern = 0; pattern < 0x10000; pattern++) {
      const value = halfFloat(pattern);
      const reference = widenedThroughFloat32(pattern);
      if (Number.isNaN(reference)) expect(value).toBeNaN();
      else expect(Object.is(value, reference)).toBe(true);
    }
    expect(halfFloat(0x7bff)).toBe(65504);
    expect(halfFloat(0x0400)).toBe(2 ** -14);
    expect(Object.is(halfFloat(0x8000), -0)).toBe(true);
    expect(halfFloat(0xfc00)).toBe(-Infinity);
  });

  it('reads <f2 and >f2 files, C and Fortran order, as float64 (float32 with --float32)', async () => {
    const little = await rows(npyOfHalves('little.npy', bits, [2, 3]));
    expect(little.rows).toEqual(expected);
    expect(little.data).toBeInstanceOf(Float64Array);
    expect((await rows(npyOfHalves('big.npy', bits, [2, 3], '>'))).rows).toEqual(expected);
    const columnMajor = [0, 3, 1, 4, 2, 5].map((i) => bits[i]!);
    expect((await rows(npyOfHalves('fortran.npy', columnMajor, [2, 3], '<', true))).rows).toEqual(expected);
    const single = await rows(npyOfHalves('single.npy', bits, [2, 3]), { dtype: 'float32' });
    expect(single.data).toBeInstanceOf(Float32Array);
    expect(single.rows).toEqual(expected);
  });

  it.each([
    [0x7c00, 'Infinity'],
    [0xfc00, '-Infinity'],
    [0x7e00, 'NaN'],
  ])('refuses %s (%s), naming the row and column', async (pattern, text) => {
    const file = npyOfHalves(`bad-${pattern}.npy`, [0x3c00, 0x3c00, 0x3c00, pattern], [2, 2]);
    await expect(readDataFile(file, {})).rejects.toThrow(
      `bad-${pattern}.npy, row 2, column 2: ${text} is not a finite number`,
    );
  });
});

describe('kmeans-native with half-float data', () => {
  const { cli, out, readLabels } = cliWorkspace();

  it('fits a <f2 file as the same values in float64, and stops with exit code 2 on NaN', () => {
    const halves = [0x3c00, 0x3c00, 0x3c01, 0x3c00, 0x4900, 0x4900, 0x4901, 0x4900]; // 1, 1.000977, 10, 10.0078
    const file = npyOfHalves('four.npy', halves, [4, 2]);
    const run = cli(['fit', file, '-k', '2', '--seed', '0', '--labels', out('four.csv')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const labels = readLabels(out('four.csv'));
    expect(labels[0]).toBe(labels[1]);
    expect(labels[2]).toBe(labels[3]);
    expect(labels[0]).not.toBe(labels[2]);

    const nan = npyOfHalves('nan.npy', [0x3c00, 0x7e00], [2, 1]);
    const bad = cli(['fit', nan, '-k', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^kmeans-native: .*nan\.npy, row 2, column 1: NaN is not a finite number\n$/);
  });
});
