// What the property-based (fuzz) tests share: how many inputs each property tries, the seed,
// the oracle that every call must satisfy (a typed error or a result), and snapshots that prove
// an input was not modified.
import fc from 'fast-check';
import { expect } from 'vitest';
import { AbortError, KMeansError, type KMeansErrorCode } from '../../src/index';

/** Every code a caller may meet; ERR_KMEANS_INTERNAL (a bug) and a missing addon are not among them. */
export const expectedCodes: ReadonlySet<KMeansErrorCode> = new Set<KMeansErrorCode>([
  'ERR_KMEANS_INVALID_OPTION',
  'ERR_KMEANS_INVALID_DATA',
  'ERR_KMEANS_EMPTY_DATA',
  'ERR_KMEANS_NON_FINITE',
  'ERR_KMEANS_NULL_VALUE',
  'ERR_KMEANS_OVERFLOW',
  'ERR_KMEANS_SHAPE_MISMATCH',
  'ERR_KMEANS_TOO_FEW_SAMPLES',
  'ERR_KMEANS_INVALID_WEIGHTS',
  'ERR_KMEANS_ZERO_VECTOR',
  'ERR_KMEANS_INVALID_MODEL',
  'ERR_KMEANS_EMPTY_CLUSTER',
  'ERR_KMEANS_NOT_FITTED',
  'ERR_KMEANS_TOO_LARGE',
  'ERR_KMEANS_DETACHED_BUFFER',
]);

const scale = Number(process.env.KMEANS_FUZZ_SCALE ?? 1);
const seed = Number(process.env.KMEANS_FUZZ_SEED ?? 20261201);

/**
 * fast-check's parameters for a property that tries `base` inputs (times KMEANS_FUZZ_SCALE).
 * The seed is fixed (KMEANS_FUZZ_SEED changes it), so a failure found once is found again; a
 * failing run prints the seed, the path and the shrunk input.
 */
export function fuzzParameters<T>(base: number): fc.Parameters<T> {
  if (!(scale > 0))
    throw new Error(`KMEANS_FUZZ_SCALE must be a positive number (got ${process.env.KMEANS_FUZZ_SCALE})`);
  return { numRuns: Math.max(1, Math.round(base * scale)), seed, endOnFailure: true };
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: KMeansError | AbortError };

/**
 * Runs `call` and checks what it threw, if anything: a KMeansError with an expected code and a
 * one-line message that names something (never an internal error, a TypeError from deep inside,
 * or a crash), or an AbortError when `abortable`.
 */
export function outcome<T>(call: () => T, abortable = false): Outcome<T> {
  try {
    return { ok: true, value: call() };
  } catch (error) {
    return { ok: false, error: checkedError(error, abortable) };
  }
}

/** As outcome, for a call that returns a promise; a synchronous throw counts the same as a rejection. */
export async function outcomeAsync<T>(call: () => Promise<T>, abortable = false): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, error: checkedError(error, abortable) };
  }
}

function checkedError(error: unknown, abortable: boolean): KMeansError | AbortError {
  if (abortable && error instanceof AbortError) return error;
  if (!(error instanceof KMeansError)) {
    throw new Error(`expected a KMeansError, got ${String(error)}`, { cause: error });
  }
  expect(expectedCodes.has(error.code), `unexpected code ${error.code}: ${error.message}`).toBe(true);
  expect(error.message.length).toBeGreaterThan(10);
  expect(error.message).not.toMatch(/\n/);
  return error;
}

/**
 * A deep copy of an input that can be compared after a call: typed arrays keep their type and
 * bits (NaN and -0 included), arrays and plain objects are copied member by member.
 */
export function snapshot(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) {
    const view = value as unknown as { buffer: ArrayBufferLike; byteOffset: number; byteLength: number };
    return {
      view: value.constructor.name,
      bytes: Array.from(new Uint8Array(view.buffer, view.byteOffset, view.byteLength)),
    };
  }
  // A loop, not map(): map() would honour an own "constructor" key of the array.
  if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => snapshot(value[i]));
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : Number.isNaN(value) ? 'NaN' : value;
  if (typeof value === 'bigint') return `${value}n`;
  if (value !== null && typeof value === 'object') {
    if (value instanceof AbortSignal) return 'AbortSignal';
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, snapshot(member)]));
  }
  return value;
}

/** Fails unless every input is as its snapshot. */
export function expectUnchanged(inputs: readonly unknown[], before: readonly unknown[]): void {
  inputs.forEach((input, i) => expect(snapshot(input), `input ${i} was modified`).toEqual(before[i]));
}

/**
 * The numbers that break code: zeros of both signs, subnormals, values near the overflow
 * limits of float32 and float64, NaN and the infinities, and ordinary ones.
 */
export const awkwardNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.double({ min: -100, max: 100, noNaN: true }) },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: 5 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      0,
      -0,
      1,
      -1,
      0.5,
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      1e-310,
      1e-160,
      1e-40,
      3.4e38,
      3.5e38,
      -3.5e38,
      1e150,
      1e154,
      -1e200,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      NaN,
      Infinity,
      -Infinity,
      2 ** 53,
      2 ** 31,
    ),
  },
  { weight: 1, arbitrary: fc.double() },
);
