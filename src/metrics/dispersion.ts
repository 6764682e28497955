/**
 * The Calinski–Harabasz and Davies–Bouldin scores, as scikit-learn's calinski_harabasz_score and
 * davies_bouldin_score define them, special cases included. Two passes over the rows (O(n·d),
 * plus O(k²·d) between centroids), every sum in float64 whatever X's dtype.
 */
import { toDataMatrix } from '../data_matrix';
import { type DataMatrix, type MatrixLike, isColumnMatrix } from '../matrix';
import { clusterLabels } from './cluster_labels';
import type { Labels } from './labels';

/**
 * The ratio of the between-cluster dispersion to the within-cluster dispersion, each divided by
 * its degrees of freedom (higher is better). 1.0 when every cluster is a single point repeated
 * (within dispersion zero), as in scikit-learn.
 */
export function calinskiHarabaszScore(X: MatrixLike, labels: Labels): number {
  const stats = clusterStats(X, labels);
  const { n, d, k, counts, centroids } = stats;
  const mean = columnMeans(stats);
  let between = 0;
  for (let c = 0; c < k; c++) {
    let squares = 0;
    for (let f = 0; f < d; f++) squares += (centroids[c * d + f]! - mean[f]!) ** 2;
    between += counts[c]! * squares;
  }
  const within = clusterSums(
    stats,
    (difference) => difference * difference,
    (sum) => sum,
  );
  let total = 0;
  for (const value of within) total += value;
  return total === 0 ? 1.0 : (between * (n - k)) / (total * (k - 1));
}

/**
 * The mean, over clusters, of the largest (s_i + s_j) / d_ij over the other clusters j, where s
 * is a cluster's mean distance to its centroid and d_ij the distance between centroids (lower is
 * better). As in scikit-learn: 0 when every s, or every d_ij, is within 1e-8 of zero, and pairs
 * of clusters with the same centroid are left out of the maximum.
 */
export function daviesBouldinScore(X: MatrixLike, labels: Labels): number {
  const stats = clusterStats(X, labels);
  const { d, k, centroids } = stats;
  const spread = clusterSums(stats, (difference) => difference * difference, Math.sqrt);
  for (let c = 0; c < k; c++) spread[c]! /= stats.counts[c]!;
  const apart = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let squares = 0;
      for (let f = 0; f < d; f++) squares += (centroids[i * d + f]! - centroids[j * d + f]!) ** 2;
      apart[i * k + j] = Math.sqrt(squares);
    }
  }
  const nearZero = (values: Float64Array) => values.every((value) => Math.abs(value) <= 1e-8);
  if (nearZero(spread) || nearZero(apart)) return 0.0;
  let total = 0;
  for (let i = 0; i < k; i++) {
    let worst = 0;
    for (let j = 0; j < k; j++) {
      const distance = apart[i * k + j]!;
      if (distance !== 0) worst = Math.max(worst, (spread[i]! + spread[j]!) / distance);
    }
    total += worst;
  }
  return total / k;
}

interface ClusterStats {
  X: DataMatrix;
  codes: Int32Array;
  n: number;
  d: number;
  k: number;
  /** k: rows per cluster. */
  counts: Float64Array;
  /** k×d, row-major: each cluster's mean. */
  centroids: Float64Array;
}

/** X and labels checked, and each cluster's size and centroid (its rows summed in row order). */
function clusterStats(value: MatrixLike, labels: Labels): ClusterStats {
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
  return { X, codes, n, d, k, counts, centroids };
}

/** The mean of each column over all rows, summed in row order. */
function columnMeans({ X, n, d }: ClusterStats): Float64Array {
  const mean = new Float64Array(d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    readRow(X, i, row);
    for (let f = 0; f < d; f++) mean[f]! += row[f]!;
  }
  for (let f = 0; f < d; f++) mean[f]! /= n;
  return mean;
}

/**
 * Per cluster, the sum over its rows of perRow(sum over features of term(x_f − centroid_f)),
 * in row order.
 */
function clusterSums(
  { X, codes, n, d, k, centroids }: ClusterStats,
  term: (difference: number) => number,
  perRow: (sum: number) => number,
): Float64Array {
  const sums = new Float64Array(k);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    readRow(X, i, row);
    const c = codes[i]!;
    let sum = 0;
    for (let f = 0; f < d; f++) sum += term(row[f]! - centroids[c * d + f]!);
    sums[c]! += perRow(sum);
  }
  return sums;
}

function readRow(X: DataMatrix, i: number, out: Float64Array): void {
  const d = X.cols;
  if (isColumnMatrix(X)) for (let f = 0; f < d; f++) out[f] = X.columns[f]![i]!;
  else for (let f = 0; f < d; f++) out[f] = X.data[i * d + f]!;
}
