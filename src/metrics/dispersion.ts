/**
 * The Calinski–Harabasz and Davies–Bouldin scores, as scikit-learn's calinski_harabasz_score and
 * davies_bouldin_score define them, special cases included, from the clusters' geometry
 * (cluster_geometry.ts: two passes over the rows, O(n·d); sparse_dispersion.ts for CSR X, O(nnz +
 * k·d)), plus O(k²·d) between centroids; every sum in float64 whatever X's dtype.
 */
import { type CsrMatrix, isCsrLike } from '../csr';
import type { MatrixLike } from '../matrix';
import { type ClusterGeometry, denseClusterGeometry } from './cluster_geometry';
import type { Labels } from './labels';
import { sparseClusterGeometry } from './sparse_dispersion';

/**
 * The ratio of the between-cluster dispersion to the within-cluster dispersion, each divided by
 * its degrees of freedom (higher is better). 1.0 when every cluster is a single point repeated
 * (within dispersion zero), as in scikit-learn.
 *
 * X may also be a CSR matrix, an extension (scikit-learn 1.2 refuses sparse input here): the
 * score then comes from its entries in O(nnz + k·d), never from a dense layout, and equals its
 * dense copy's to rounding.
 */
export function calinskiHarabaszScore(X: MatrixLike | CsrMatrix, labels: Labels): number {
  const geometry = clusterGeometry(X, labels);
  const { n, d, k, counts, centroids } = geometry;
  const mean = geometry.columnMeans();
  let between = 0;
  for (let c = 0; c < k; c++) {
    let squares = 0;
    for (let f = 0; f < d; f++) squares += (centroids[c * d + f]! - mean[f]!) ** 2;
    between += counts[c]! * squares;
  }
  const within = geometry.centroidDistanceSums(false);
  let total = 0;
  for (const value of within) total += value;
  return total === 0 ? 1.0 : (between * (n - k)) / (total * (k - 1));
}

/**
 * The mean, over clusters, of the largest (s_i + s_j) / d_ij over the other clusters j, where s
 * is a cluster's mean distance to its centroid and d_ij the distance between centroids (lower is
 * better). As in scikit-learn: 0 when every s, or every d_ij, is within 1e-8 of zero, and pairs
 * of clusters with the same centroid are left out of the maximum.
 *
 * X may also be a CSR matrix, an extension (scikit-learn 1.2 refuses sparse input here), as for
 * calinskiHarabaszScore.
 */
export function daviesBouldinScore(X: MatrixLike | CsrMatrix, labels: Labels): number {
  const geometry = clusterGeometry(X, labels);
  const { d, k, centroids } = geometry;
  const spread = geometry.centroidDistanceSums(true);
  for (let c = 0; c < k; c++) spread[c]! /= geometry.counts[c]!;
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

function clusterGeometry(X: MatrixLike | CsrMatrix, labels: Labels): ClusterGeometry {
  return isCsrLike(X) ? sparseClusterGeometry(X as CsrMatrix, labels) : denseClusterGeometry(X, labels);
}
