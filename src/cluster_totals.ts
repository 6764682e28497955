/**
 * Per-cluster totals of a fit's final assignment, the fitted models' clusterSizes and
 * clusterInertia: each cluster's (weighted) number of rows and (weighted) sum of squared
 * distances to its center. One pass over the rows, in double, whatever the dtype; rows can be
 * added in pieces.
 */
import type { FloatArray } from './binding';
import { type DataMatrix, isColumnMatrix } from './matrix';
import { type Metric, inertiaFor } from './metric';

export interface ClusterTotals {
  /** k: the total weight of each cluster's rows. */
  sizes: Float64Array;
  /** k: the weighted sum of squared Euclidean distances of each cluster's rows to its center. */
  inertia: Float64Array;
}

export function emptyTotals(k: number): ClusterTotals {
  return { sizes: new Float64Array(k), inertia: new Float64Array(k) };
}

/**
 * Adds rows of X (as the kernels read them: unit rows for 'cosine') with their labels and
 * weights to `totals`, against `centers` (k×d, row-major).
 */
export function addClusterTotals(
  totals: ClusterTotals,
  X: DataMatrix,
  sampleWeight: Float64Array | null,
  labels: Int32Array,
  centers: FloatArray,
): void {
  const { rows: n, cols: d } = X;
  const { sizes, inertia } = totals;
  const squared = squaredDistances(X, labels, centers);
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    const weight = sampleWeight ? sampleWeight[i]! : 1;
    sizes[label] = sizes[label]! + weight;
    inertia[label] = inertia[label]! + weight * (squared ? squared[i]! : rowDistance(X, i, d, labels, centers));
  }
}

/** The totals in the metric's units: cosine distances 1 − cos for 'cosine'. */
export function totalsFor(metric: Metric, totals: ClusterTotals): ClusterTotals {
  if (metric === 'euclidean') return totals;
  return { sizes: totals.sizes, inertia: totals.inertia.map((value) => inertiaFor(metric, value)) };
}

/** Row-major rows are read row by row (no buffer); column-major ones column by column into one. */
function squaredDistances(X: DataMatrix, labels: Int32Array, centers: FloatArray): Float64Array | undefined {
  if (!isColumnMatrix(X)) return undefined;
  const { rows: n, cols: d } = X;
  const out = new Float64Array(n);
  for (let f = 0; f < d; f++) {
    const column = X.columns[f]!;
    for (let i = 0; i < n; i++) {
      const diff = column[i]! - centers[labels[i]! * d + f]!;
      out[i] = out[i]! + diff * diff;
    }
  }
  return out;
}

function rowDistance(X: DataMatrix, i: number, d: number, labels: Int32Array, centers: FloatArray): number {
  const data = (X as { data: FloatArray }).data;
  const row = i * d;
  const center = labels[i]! * d;
  let sum = 0;
  for (let f = 0; f < d; f++) {
    const diff = data[row + f]! - centers[center + f]!;
    sum += diff * diff;
  }
  return sum;
}
