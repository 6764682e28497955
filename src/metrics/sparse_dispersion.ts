/**
 * The cluster geometry of the Calinski–Harabasz and Davies–Bouldin scores (cluster_geometry.ts)
 * for a CSR matrix, from its entries: O(nnz + k·d) time, k×d centroids and d-length sums, never
 * an n×d layout.
 *
 * A row's squared distance to its centroid μ is split into its entries' terms, Σ (x_f − μ_f)²
 * over its columns, and the centroid's square over the columns it lacks, computed as the
 * centroid's whole square less its square on the row's columns. That difference is carried in a
 * compensated sum (each μ_f² rounded once, and the same rounded value added and taken away), so
 * a row close to its centroid keeps its accuracy.
 */
import type { CsrMatrix } from '../csr';
import { toCsrMatrix } from '../csr_checks';
import type { ClusterGeometry } from './cluster_geometry';
import { clusterLabels } from './cluster_labels';
import type { Labels } from './labels';
import { type MetricRows, metricRows } from './sparse_metric_rows';

/** X checked as a CSR matrix, labels checked, and each cluster's size and centroid. */
export function sparseClusterGeometry(value: CsrMatrix, labels: Labels): ClusterGeometry {
  const csr = toCsrMatrix(value, 'X');
  const { codes, classes } = clusterLabels(labels, csr.rows);
  const rows = metricRows(csr);
  const { rows: n, cols: d, starts, columns, values } = rows;
  const k = classes.length;
  const counts = new Float64Array(k);
  const centroids = new Float64Array(k * d);
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    counts[c]! += 1;
    for (let e = starts[i]!; e < starts[i + 1]!; e++) centroids[c * d + columns[e]!]! += values[e]!;
  }
  for (let c = 0; c < k; c++) for (let f = 0; f < d; f++) centroids[c * d + f]! /= counts[c]!;
  return {
    n,
    d,
    k,
    counts,
    centroids,
    columnMeans: () => columnMeans(rows),
    centroidDistanceSums: (root) => centroidDistanceSums(rows, codes, k, centroids, root),
  };
}

function columnMeans({ rows: n, cols: d, starts, columns, values }: MetricRows): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let e = starts[i]!; e < starts[i + 1]!; e++) mean[columns[e]!]! += values[e]!;
  for (let f = 0; f < d; f++) mean[f]! /= n;
  return mean;
}

function centroidDistanceSums(
  { rows: n, cols: d, starts, columns, values }: MetricRows,
  codes: Int32Array,
  k: number,
  centroids: Float64Array,
  root: boolean,
): Float64Array {
  // Each centroid's square, Σ fl(μ_f²), as a compensated pair (sum, its rounding error).
  const square = new Float64Array(k);
  const squareError = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const total = new Neumaier(0, 0);
    for (let f = 0; f < d; f++) total.add(centroids[c * d + f]! * centroids[c * d + f]!);
    square[c] = total.sum;
    squareError[c] = total.error;
  }
  const sums = new Float64Array(k);
  const rest = new Neumaier(0, 0);
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    rest.reset(square[c]!, squareError[c]!);
    let entries = 0;
    for (let e = starts[i]!; e < starts[i + 1]!; e++) {
      const center = centroids[c * d + columns[e]!]!;
      const difference = values[e]! - center;
      entries += difference * difference;
      rest.add(-(center * center));
    }
    const squares = entries + Math.max(0, rest.value);
    sums[c]! += root ? Math.sqrt(squares) : squares;
  }
  return sums;
}

/** A running sum with its rounding error carried beside it (Neumaier's variant of Kahan's). */
class Neumaier {
  constructor(
    public sum: number,
    public error: number,
  ) {}

  reset(sum: number, error: number): void {
    this.sum = sum;
    this.error = error;
  }

  add(term: number): void {
    const next = this.sum + term;
    this.error += Math.abs(this.sum) >= Math.abs(term) ? this.sum - next + term : term - next + this.sum;
    this.sum = next;
  }

  get value(): number {
    return this.sum + this.error;
  }
}
