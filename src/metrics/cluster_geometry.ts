/**
 * What the Calinski–Harabasz and Davies–Bouldin scores read of a clustering: its clusters' sizes
 * and centroids, the column means, and each cluster's summed distances to its centroid; and
 * these for a dense X, in two passes over the rows (O(n·d)), every sum in float64 whatever X's
 * dtype. sparse_dispersion.ts gives the same for a CSR matrix.
 */
import { toDataMatrix } from '../data_matrix';
import { type DataMatrix, type MatrixLike, isColumnMatrix } from '../matrix';
import { clusterLabels } from './cluster_labels';
import type { Labels } from './labels';

export interface ClusterGeometry {
  n: number;
  d: number;
  k: number;
  /** k: rows per cluster. */
  counts: Float64Array;
  /** k×d, row-major: each cluster's mean (its rows summed in row order). */
  centroids: Float64Array;
  /** The mean of each column over all rows, summed in row order. */
  columnMeans(): Float64Array;
  /**
   * Per cluster, the sum over its rows (in row order) of the squared Euclidean distance from the
   * row to its centroid, or with `root` of the distance itself.
   */
  centroidDistanceSums(root: boolean): Float64Array;
}

/** X and labels checked, and each cluster's size and centroid. */
export function denseClusterGeometry(value: MatrixLike, labels: Labels): ClusterGeometry {
  const X = toDataMatrix(value, 'X');
  const { codes, classes } = clusterLabels(labels, X.rows);
  const n = X.rows;
  const d = X.cols;
  const k = classes.length;
  const counts = new Float64Array(k);
  const centroids = new Float64Array(k * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    readRow(X, i, row);
    const c = codes[i]!;
    counts[c]! += 1;
    for (let f = 0; f < d; f++) centroids[c * d + f]! += row[f]!;
  }
  for (let c = 0; c < k; c++) for (let f = 0; f < d; f++) centroids[c * d + f]! /= counts[c]!;
  return {
    n,
    d,
    k,
    counts,
    centroids,
    columnMeans: () => columnMeans(X),
    centroidDistanceSums: (root) => centroidDistanceSums(X, codes, k, centroids, root),
  };
}

function columnMeans(X: DataMatrix): Float64Array {
  const { rows: n, cols: d } = X;
  const mean = new Float64Array(d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    readRow(X, i, row);
    for (let f = 0; f < d; f++) mean[f]! += row[f]!;
  }
  for (let f = 0; f < d; f++) mean[f]! /= n;
  return mean;
}

function centroidDistanceSums(
  X: DataMatrix,
  codes: Int32Array,
  k: number,
  centroids: Float64Array,
  root: boolean,
): Float64Array {
  const { rows: n, cols: d } = X;
  const sums = new Float64Array(k);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    readRow(X, i, row);
    const c = codes[i]!;
    let sum = 0;
    for (let f = 0; f < d; f++) {
      const difference = row[f]! - centroids[c * d + f]!;
      sum += difference * difference;
    }
    sums[c]! += root ? Math.sqrt(sum) : sum;
  }
  return sums;
}

function readRow(X: DataMatrix, i: number, out: Float64Array): void {
  const d = X.cols;
  if (isColumnMatrix(X)) for (let f = 0; f < d; f++) out[f] = X.columns[f]![i]!;
  else for (let f = 0; f < d; f++) out[f] = X.data[i * d + f]!;
}
