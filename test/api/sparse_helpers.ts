// Sparse test data shared by the CSR tests: seeded sparse blobs dense and as CSR (entries
// shuffled, some split into exact halves, a few explicit zeros), the TF-IDF and reference
// fixtures, a small and a very wide matrix, and comparisons.
import { join } from 'node:path';
import { expect } from 'vitest';
import type { FloatArray } from '../../src/binding';
import { readNpzFile } from '../../src/cli/npz';
import type { CsrMatrix } from '../../src/index';
import type { Matrix } from '../../src/matrix';

export type DType = 'float64' | 'float32';

export interface Problem {
  dense: Matrix;
  csr: CsrMatrix;
}

/** mulberry32: a small seeded generator of uniforms in [0, 1). */
export function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Sparse blobs (each on its own columns, a few stray values, no row without a value), dense and
 * as CSR with each row's entries shuffled, some values split into halves (exact) and a few
 * explicit zeros.
 */
export function sparseBlobs(n: number, d: number, blobs: number, seed: number, dtype: DType): Problem {
  const uniform = generator(seed);
  const active = Array.from({ length: blobs }, () => Array.from({ length: d }, () => uniform() < 0.3));
  const means = Array.from({ length: blobs }, () => Array.from({ length: d }, () => (uniform() * 2 - 1) * 5));
  const values = dtype === 'float32' ? new Float32Array(n * d) : new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const blob = i % blobs;
    for (let f = 0; f < d; f++) {
      if (active[blob]![f] && uniform() < 0.8) values[i * d + f] = means[blob]![f]! + (uniform() - 0.5);
      else if (uniform() < 0.02) values[i * d + f] = uniform() - 0.5;
    }
    if (values.subarray(i * d, (i + 1) * d).every((value) => value === 0)) values[i * d + (i % d)] = 1;
  }
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let i = 0; i < n; i++) {
    const entries: [number, number][] = [];
    for (let f = 0; f < d; f++) {
      const value = values[i * d + f]!;
      if (value !== 0) {
        if (uniform() < 0.05) entries.push([f, value / 2], [f, value / 2]);
        else entries.push([f, value]);
      } else if (uniform() < 0.01) {
        entries.push([f, 0]);
      }
    }
    for (let e = entries.length - 1; e > 0; e--) {
      const other = Math.floor(uniform() * (e + 1));
      [entries[e], entries[other]] = [entries[other]!, entries[e]!];
    }
    for (const [f, value] of entries) {
      indices.push(f);
      data.push(value);
    }
    indptr[i + 1] = indices.length;
  }
  const typed = dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data);
  return {
    dense: { data: values, rows: n, cols: d },
    csr: { format: 'csr', indptr, indices: Int32Array.from(indices), data: typed, rows: n, cols: d },
  };
}

/** The matrix laid out dense (for comparisons only), entries added in stored order in its dtype. */
export function densify(csr: CsrMatrix): Matrix {
  const d = csr.cols;
  const out: FloatArray =
    csr.data instanceof Float32Array ? new Float32Array(csr.rows * d) : new Float64Array(csr.rows * d);
  for (let row = 0; row < csr.rows; row++) {
    for (let e = Number(csr.indptr[row]); e < Number(csr.indptr[row + 1]); e++)
      out[row * d + csr.indices[e]!] = out[row * d + csr.indices[e]!]! + csr.data[e]!;
  }
  return { data: out, rows: csr.rows, cols: d };
}

const fixtures = join(__dirname, '..', 'fixtures');

/** The TF-IDF fixture (813 documents × 1034 terms, some without terms), in the dtype. */
export function tfidf(dtype: DType): Problem {
  const csr: CsrMatrix = readNpzFile(join(fixtures, 'sparse', 'tfidf_debian.npz'));
  const typed = { ...csr, data: dtype === 'float32' ? Float32Array.from(csr.data) : Float64Array.from(csr.data) };
  return { dense: densify(typed), csr: typed };
}

/** A reference data set: an .npz file under test/fixtures, or its CSR arrays listed inline. */
export interface FixtureDataset {
  npz?: string;
  rows: number;
  cols: number;
  indptr?: number[];
  indices?: number[];
  data?: number[];
}

/** The reference data set as CSR, in the dtype. */
export function fixtureCsr(dataset: FixtureDataset, dtype: DType = 'float64'): CsrMatrix {
  const csr: CsrMatrix = dataset.npz
    ? readNpzFile(join(fixtures, dataset.npz))
    : {
        format: 'csr',
        indptr: Int32Array.from(dataset.indptr!),
        indices: Int32Array.from(dataset.indices!),
        data: Float64Array.from(dataset.data!),
        rows: dataset.rows,
        cols: dataset.cols,
      };
  return { ...csr, data: dtype === 'float32' ? Float32Array.from(csr.data) : Float64Array.from(csr.data) };
}

/** A 3 × 3 matrix, every row with an entry: the base that the bad-input cases change. */
export function smallCsr(): CsrMatrix {
  return {
    format: 'csr',
    indptr: Int32Array.of(0, 2, 3, 5),
    indices: Int32Array.of(0, 2, 1, 0, 2),
    data: Float64Array.of(1, 2, 3, 4, 5),
    rows: 3,
    cols: 3,
  };
}

/** 2000 × 200,000 with 10 sorted entries a row in two value groups: 3.2 GB if laid out densely. */
export function wideCsr(): CsrMatrix {
  const rows = 2000;
  const cols = 200_000;
  const uniform = generator(77);
  const indptr = Int32Array.from({ length: rows + 1 }, (_, i) => i * 10);
  const indices = Int32Array.from(
    { length: rows * 10 },
    (_, e) => ((e % 10) * 20_000 + Math.floor(uniform() * 20_000)) % cols,
  );
  for (let i = 0; i < rows; i++) indices.subarray(i * 10, (i + 1) * 10).sort();
  const data = Float64Array.from({ length: rows * 10 }, () => uniform() + (uniform() < 0.5 ? 0 : 4));
  return { format: 'csr', indptr, indices, data, rows, cols };
}

/** What the call throws as `code: message`, or 'accepted'. */
export function refusal(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    return `${(error as { code: string }).code}: ${(error as Error).message}`;
  }
  return 'accepted';
}

/** Copies of the matrix's arrays, to check later that nothing changed them. */
export function snapshot(csr: CsrMatrix): () => boolean {
  const copies = [csr.indptr.slice(), csr.indices.slice(), csr.data.slice()];
  return () =>
    [csr.indptr, csr.indices, csr.data].every((array, a) =>
      sameBits(array as ArrayLike<number>, copies[a] as ArrayLike<number>),
    );
}

export function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

export function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);
}

/** Relative agreement 1e-9 (with a 1e-12 floor for values near zero). */
export function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected) + 1e-12);
}

export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expectClose(actual[i]!, expected[i]!);
}

/** The values' bit patterns as 32-bit words, for exact comparisons. */
export const bits = (values: Float64Array) => Array.from(new Uint32Array(values.buffer));
