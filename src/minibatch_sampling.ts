/**
 * The random draws of MiniBatchKMeans: row indices with and without replacement, and the rows
 * (with their weights) that a list of indices picks.
 */
import { gatherRows } from './data_matrix';
import type { PreparedData } from './model_inputs';
import type { Random } from './rng';

/** m distinct integers from [0, n), in the order drawn (a partial Fisher–Yates shuffle). */
export function sampleWithoutReplacement(rng: Random, n: number, m: number): Int32Array {
  const pool = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + rng.nextInt(n - i);
    const swap = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = swap;
  }
  return pool.slice(0, m);
}

/** m integers drawn uniformly from [0, n), with replacement (numpy's randint). */
export function randomIndices(rng: Random, n: number, m: number): Int32Array {
  const indices = new Int32Array(m);
  for (let i = 0; i < m; i++) indices[i] = rng.nextInt(n);
  return indices;
}

/** The rows at `indices` (repeats included), with their weights, as new arrays. */
export function gather(data: PreparedData, indices: Int32Array): PreparedData {
  const { X, sampleWeight } = data;
  return {
    X: gatherRows(X, indices),
    sampleWeight: sampleWeight ? Float64Array.from(indices, (row) => sampleWeight[row]!) : null,
    threads: data.threads,
  };
}
