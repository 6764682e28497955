// The checks of a result on CSR input against the dense rows it stands for (csr_data.ts): the
// rounding allowed between the entry-wise sums of the sparse code and the dense sums, labels
// equal to the dense ones but where the dense distances tie in their last bits, and the
// distances of transform.
import { expect } from 'vitest';
import type { Matrix } from '../../src/matrix';
import type { CsrExpected } from './csr_data';
import type { Reference } from './data';

export type Valid = Extract<CsrExpected, { ok: true }>;

const u = Number.EPSILON / 2;

/** The dense rows a valid CSR stands for, in its dtype. */
export function denseOf(m: Reference): Matrix {
  const data = m.dtype === 'float32' ? Float32Array.from(m.values) : Float64Array.from(m.values);
  return { data, rows: m.rows, cols: m.cols };
}

export function hasZeroRow(m: Reference): boolean {
  for (let i = 0; i < m.rows; i++)
    if (m.values.subarray(i * m.cols, (i + 1) * m.cols).every((v) => v === 0)) return true;
  return false;
}

export function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));
}

export function squaredDistance(m: Reference, i: number, centers: ArrayLike<number>, j: number): number {
  let sum = 0;
  for (let f = 0; f < m.cols; f++) sum += (m.values[i * m.cols + f]! - centers[j * m.cols + f]!) ** 2;
  return sum;
}

function squaredNorm(centers: ArrayLike<number>, j: number, d: number): number {
  let sum = 0;
  for (let f = 0; f < d; f++) sum += centers[j * d + f]! ** 2;
  return sum;
}

/**
 * How far a squared distance summed over a row's e entries, sum((x_f - c_f)^2 - c_f^2) + ||c||^2,
 * may be from the dense sum over d columns: a few units of rounding per term, relative to the
 * distance plus twice the center's squared norm (generous by a factor of about four).
 */
function distanceSlack(entries: number, d: number, squared: number, centerNorm: number): number {
  return 4 * (entries + d + 8) * u * (squared + 2 * centerNorm) + 1e-300;
}

/**
 * For float32 data, how far row i's values as the queries sum repeated entries (in float64) may be
 * from the row the kernels hold (summed in float32), as a bound on the norm of the difference:
 * one float32 rounding per stored entry.
 */
function valueSlack(v: Valid, i: number): number {
  const { matrix: m, entries } = v;
  if (m.dtype !== 'float32') return 0;
  let norm = 0;
  for (let f = 0; f < m.cols; f++) norm += m.values[i * m.cols + f]! ** 2;
  return 2 * (entries[i]! + 1) * 2 ** -24 * Math.sqrt(norm);
}

/** distanceSlack, and the effect of valueSlack on a squared distance. */
function rowSlack(v: Valid, i: number, squared: number, centerNorm: number): number {
  const shift = valueSlack(v, i);
  return distanceSlack(v.entries[i]!, v.matrix.cols, squared, centerNorm) + 2 * Math.sqrt(squared) * shift + shift ** 2;
}

/** The slack of a weighted inertia of rows with these labels (see rowSlack). */
export function inertiaSlack(
  v: Valid,
  centers: ArrayLike<number>,
  labels: Int32Array,
  weights: ArrayLike<number> | null,
): number {
  const m = v.matrix;
  let slack = 0;
  for (let i = 0; i < m.rows; i++) {
    const j = labels[i]!;
    const w = weights ? weights[i]! : 1;
    slack += w * rowSlack(v, i, squaredDistance(m, i, centers, j), squaredNorm(centers, j, m.cols));
  }
  return slack;
}

/** The weighted inertia of the rows with these labels, in double. */
export function inertiaOf(
  m: Reference,
  centers: ArrayLike<number>,
  labels: Int32Array,
  weights: ArrayLike<number> | null,
): number {
  let sum = 0;
  for (let i = 0; i < m.rows; i++) sum += (weights ? weights[i]! : 1) * squaredDistance(m, i, centers, labels[i]!);
  return sum;
}

export function expectWithin(actual: number, expected: number, slack: number, what: string): void {
  expect(Math.abs(actual - expected) <= slack, `${what}: ${actual} vs ${expected} (slack ${slack})`).toBe(true);
}

/**
 * Whether centers a and b are equally near row i as the dense code computes the distances: equal
 * within the rounding of a sum of d squares. Where a row's values dwarf the centers' differences
 * (a value of 1e150 against centers that differ by 100), every dense distance is the same double,
 * and the dense code takes the lower index, where the sparse code, whose values
 * ||c||^2 - 2 x.c keep the difference, takes the center that is nearer in exact arithmetic.
 */
export function tiedInDense(m: Reference, i: number, centers: ArrayLike<number>, a: number, b: number): boolean {
  const da = squaredDistance(m, i, centers, a);
  const db = squaredDistance(m, i, centers, b);
  return Math.abs(da - db) <= 4 * (m.cols + 2) * u * Math.max(da, db) + 1e-300;
}

/** Labels equal to the dense ones against the same centers, but at rows where the two tie in dense. */
export function expectDenseLabels(
  m: Reference,
  centers: ArrayLike<number>,
  labels: ArrayLike<number>,
  dense: ArrayLike<number>,
): void {
  expect(labels.length).toBe(dense.length);
  for (let i = 0; i < m.rows; i++) {
    if (labels[i] === dense[i]) continue;
    const tied = tiedInDense(m, i, centers, labels[i]!, dense[i]!);
    expect(tied, `row ${i}: label ${labels[i]}, the dense label is ${dense[i]}, and they do not tie`).toBe(true);
  }
}

/** Euclidean transform of CSR rows: each distance, squared, within the slack of the dense one. */
export function expectTransform(v: Valid, out: Matrix, centers: ArrayLike<number>, k: number): void {
  const m = v.matrix;
  expect([out.rows, out.cols, out.data.length]).toEqual([m.rows, k, m.rows * k]);
  expect(out.data).toBeInstanceOf(m.dtype === 'float32' ? Float32Array : Float64Array);
  const typed = m.dtype === 'float32' ? Float32Array.from(centers) : centers;
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < k; j++) {
      const exact = squaredDistance(m, i, typed, j);
      const value = out.data[i * k + j]!;
      if (m.dtype === 'float32' && Math.fround(Math.sqrt(exact)) === Infinity) {
        expect(value >= 3.4e38, `transform (${i}, ${j}): ${value} for ${Math.sqrt(exact)}`).toBe(true);
        continue;
      }
      // The output's rounding: relative, and for float32 also absolute (its subnormal range).
      const root = Math.sqrt(exact);
      const rounding = m.dtype === 'float32' ? 2 ** -21 * exact + 2 * root * 2 ** -149 + 2 ** -298 : 8 * u * exact;
      const slack = rowSlack(v, i, exact, squaredNorm(typed, j, m.cols)) + rounding;
      expectWithin(value * value, exact, slack, `transform (${i}, ${j}) squared`);
    }
}
