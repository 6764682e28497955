/**
 * The native steps of SciPy's vq loops, as plans: the nearest code of each observation with
 * its distance, and the mean of each code's observations.
 */
import type { FloatArray } from './binding';
import { type Matrix, allocate, dtypeOf } from './matrix';
import { type PreparedData, dataRequest } from './model_inputs';
import { type Plan, call } from './plan';

export interface VqResult {
  /** Index of the nearest code of each observation (lowest index on an exact tie). */
  code: Int32Array;
  /** Euclidean (not squared) distance of each observation to its code. */
  dist: FloatArray;
}

/** The nearest code of each row, with the Euclidean distance, in the rows' dtype. */
export function* codesPlan(data: PreparedData<Matrix>, book: Matrix): Plan<VqResult> {
  const { X } = data;
  const code = new Int32Array(X.rows);
  const sqDistances = new Float64Array(X.rows);
  yield* call('assign', {
    ...dataRequest(data),
    centers: book.data,
    k: book.rows,
    labels: code,
    sqDistances,
    mixedPrecision: dtypeOf(X.data) === 'float64',
  });
  const dist = allocate(dtypeOf(X.data), X.rows);
  for (let i = 0; i < X.rows; i++) dist[i] = Math.sqrt(sqDistances[i]!);
  return { code, dist };
}

/** Means of the observations of each code, with their counts; codes without members keep their row. */
export function* codeMeansPlan(
  data: PreparedData<Matrix>,
  book: Matrix,
  code: Int32Array,
): Plan<{ book: Matrix; counts: Float64Array }> {
  const centers = book.data.slice();
  const counts = new Float64Array(book.rows);
  yield* call('clusterMeans', { ...dataRequest(data), labels: code, k: book.rows, centers, weights: counts });
  return { book: { data: centers, rows: book.rows, cols: book.cols }, counts };
}

export function meanOf(values: FloatArray): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}
