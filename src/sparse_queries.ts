/**
 * The queries of a fitted model on CSR rows: labels and (weighted) inertia by the native
 * sparseAssign (the dense assignment's labels), and the distances to the centers computed from
 * the entries (sparse_inputs.ts), equal to the dense transform's within rounding.
 */
import type { FloatArray } from './binding';
import { type Matrix, allocate, asDType, dtypeOf } from './matrix';
import { type Metric, inertiaFor } from './metric';
import { type Plan, call } from './plan';
import { type SparseData, sparseRequest, sparseSquaredDistances } from './sparse_inputs';
import type { Assignment } from './types';

/** Labels and (weighted) inertia of the CSR rows against the centers, under the metric. */
export function* sparseAssignPlan(data: SparseData, centers: Matrix, metric: Metric): Plan<Assignment> {
  const typed = asDType(centers, dtypeOf(data.X.data), 'clusterCenters');
  const labels = new Int32Array(data.X.rows);
  const inertia = yield* call('sparseAssign', { ...sparseRequest(data), centers: typed.data, k: typed.rows, labels });
  return { labels, inertia: inertiaFor(metric, inertia) };
}

/** Distance of each CSR row to each center, n×k in the rows' dtype: Euclidean, or 1 − cos. */
export function sparseTransform(data: SparseData, centers: Matrix, metric: Metric): Matrix {
  const dtype = dtypeOf(data.X.data);
  const typed = asDType(centers, dtype, 'clusterCenters');
  const squared = sparseSquaredDistances(data.X, typed.data, typed.rows);
  const out: FloatArray = allocate(dtype, squared.length);
  for (let e = 0; e < squared.length; e++) out[e] = metric === 'cosine' ? squared[e]! / 2 : Math.sqrt(squared[e]!);
  return { data: out, rows: data.X.rows, cols: typed.rows };
}
