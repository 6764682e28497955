/**
 * What the validation tests share: a small data set, a fitted model, and assertions that a call
 * throws (or rejects with) a KMeansError of a given code and message.
 */
import { expect } from 'vitest';
import { KMeans, KMeansError } from '../../src/index';
import type { KMeansErrorCode } from '../../src/index';

/** Six 2-D samples in two well separated groups (k = 2 is the natural clustering). */
export const X: number[][] = [
  [0, 0],
  [0, 1],
  [1, 0],
  [10, 10],
  [10, 11],
  [11, 10],
];
export const n = X.length;

/** Passes a deliberately ill-typed value through the type checker. */
export function untyped(value: unknown): never {
  return value as never;
}

/** Asserts that `fn` throws a KMeansError with this code and exactly this message (or matching it). */
export function expectKMeansError(fn: () => unknown, code: KMeansErrorCode, message: string | RegExp): KMeansError {
  let caught: unknown;
  let threw = false;
  try {
    fn();
  } catch (error) {
    threw = true;
    caught = error;
  }
  expect(threw, 'expected a KMeansError to be thrown, but the call returned').toBe(true);
  expect(caught).toBeInstanceOf(KMeansError);
  const error = caught as KMeansError;
  expect(error).toBeInstanceOf(Error);
  expect(error.name).toBe('KMeansError');
  expect(error.code).toBe(code);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
  return error;
}

/**
 * Asserts that `fn` returns a promise (it must not throw synchronously) that rejects with a
 * KMeansError with this code and message.
 */
export async function expectKMeansRejection(
  fn: () => Promise<unknown>,
  code: KMeansErrorCode,
  message: string | RegExp,
): Promise<void> {
  const promise = fn();
  expect(promise).toBeInstanceOf(Promise);
  await expect(promise).rejects.toBeInstanceOf(KMeansError);
  await expect(promise).rejects.toMatchObject({
    name: 'KMeansError',
    code,
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  });
}

export const notFitted = 'This KMeans instance is not fitted yet: call fit(X) or await fitAsync(X) first';
export const allOptions =
  'nClusters, init, initSteps, nInit, maxIter, tol, seed, algorithm, threads, mixedPrecision, metric';

export function fitted(): KMeans {
  return new KMeans({ nClusters: 2, seed: 7 }).fit(X);
}

/** The exact bytes of a typed array, to compare bit for bit after a call. */
export function bytes(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength).slice();
}

/** A deep copy of number[][] rows together with the bits of every cell. */
export function snapshotRows(rows: number[][]): { copy: number[][]; bits: Uint8Array[] } {
  return { copy: rows.map((row) => row.slice()), bits: rows.map((row) => bytes(Float64Array.from(row))) };
}

export function expectRowsUnchanged(rows: number[][], before: { copy: number[][]; bits: Uint8Array[] }): void {
  expect(rows).toStrictEqual(before.copy);
  expect(rows.map((row) => bytes(Float64Array.from(row)))).toStrictEqual(before.bits);
}
