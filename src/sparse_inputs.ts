/**
 * CSR input to KMeans: the checks of a fit's or a query's CSR matrix and options, the rows as the
 * native sparse kernels see them under the metric (for 'cosine', unit rows: a scaled copy of the
 * values only, or of the canonical rows where a row repeats or misorders its columns), and the
 * per-cluster totals of an assignment computed from the entries. X is never laid out densely.
 */
import type { FloatArray } from './binding';
import type { ClusterTotals } from './cluster_totals';
import { type CsrMatrix, SummedRows, csrRowSquaredNorms } from './csr';
import { toCsrMatrix } from './csr_checks';
import { KMeansError } from './errors';
import type { DataMatrix, Matrix } from './matrix';
import { dtypeOf, magnitudeLimit, requireFinite, toSampleWeight } from './matrix';
import type { Metric } from './metric';
import { checkFitShape, requireColumns, threadCount } from './model_inputs';
import { type InitMethod, invalidOptionsObject, rejectUnknownKeys } from './options';
import {
  type CanonicalRows,
  canonicalCsr,
  canonicalFloat64,
  canonicalRows,
  isCanonical,
  unitValues,
} from './sparse_rows';
import type { FitOptions } from './types';

/** CSR rows of one call, as the kernels read them, with their weights and the thread count. */
export interface SparseData {
  sparse: true;
  /** The rows under the metric: the caller's matrix for 'euclidean', unit rows for 'cosine'. */
  X: CsrMatrix;
  /** Each row's squared norm (repeats summed). */
  rowNorms: Float64Array;
  sampleWeight: Float64Array | null;
  threads: number;
  /** The canonical form of X, where it was made (cosine); else made on demand by canonical(). */
  canonical?: CanonicalRows;
}

export function isSparseData(value: unknown): value is SparseData {
  return typeof value === 'object' && value !== null && (value as { sparse?: unknown }).sparse === true;
}

/** X checked as a CSR matrix, its options, and its rows under the metric. */
export function sparseInputs(
  X: unknown,
  options: FitOptions,
  method: string,
  threads: number | undefined,
  metric: Metric,
): SparseData {
  invalidOptionsObject(options, `${method} options`);
  rejectUnknownKeys(options, ['sampleWeight'], method);
  const csr = toCsrMatrix(X, 'X');
  const sampleWeight = sparseSampleWeight(options.sampleWeight, csr);
  const data: SparseData = {
    sparse: true,
    X: csr,
    rowNorms: new Float64Array(0),
    sampleWeight,
    threads: threadCount(threads),
  };
  if (metric === 'cosine') {
    const inOrder = isCanonical(csr);
    const rows = canonicalRows(csr);
    const unit = unitValues(rows);
    if ('zeroRow' in unit) {
      throw new KMeansError(
        'ERR_KMEANS_ZERO_VECTOR',
        `X row ${unit.zeroRow} has length zero: metric "cosine" needs every row to have a direction; drop or replace zero rows`,
        { details: { argument: 'X', row: unit.zeroRow } },
      );
    }
    const unitRows: CanonicalRows = { ...rows, values: unit.values };
    // In order, the canonical values lie where the caller's do: only they are copied.
    data.X = inOrder
      ? { ...csr, data: csr.data instanceof Float32Array ? Float32Array.from(unit.values) : unit.values }
      : canonicalCsr(unitRows);
    data.canonical = unitRows;
  }
  data.rowNorms = csrRowSquaredNorms(data.X);
  return data;
}

/**
 * toSampleWeight's checks for CSR rows: its own on the weights (run against a one-column
 * placeholder of zeros, which no limit refuses), then its magnitude check on the rows' values
 * (repeats summed) where the weights add up to more than the row count.
 */
export function sparseSampleWeight(value: unknown, csr: CsrMatrix): Float64Array | null {
  const placeholder: DataMatrix = { data: new Float64Array(csr.rows), rows: csr.rows, cols: 1 };
  const weights = toSampleWeight(value, placeholder);
  if (!weights) return null;
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (total <= csr.rows) return weights;
  const limit = magnitudeLimit(dtypeOf(csr.data), total, csr.cols);
  const reader = new SummedRows(csr);
  for (let row = 0; row < csr.rows; row++) {
    const count = reader.read(row);
    for (let e = 0; e < count; e++) {
      const value = reader.values[e]!;
      if (Math.abs(value) < limit) continue;
      const column = reader.columns[e]!;
      throw new KMeansError(
        'ERR_KMEANS_OVERFLOW',
        `X row ${row}, column ${column} is ${value}: with sampleWeight adding up to ` +
          `${total.toPrecision(3)}, sums of weighted squared distances would overflow float64 ` +
          `(|values| must stay below ${limit.toPrecision(3)}); scale the data or the weights down`,
        { details: { argument: 'X', row, column, value, limit } },
      );
    }
  }
  return weights;
}

/** A fit's CSR input: sparseInputs, with at least nClusters rows and an explicit init's width. */
export function sparseFitInputs(
  X: unknown,
  options: FitOptions,
  params: { nClusters: number; init: InitMethod | Matrix; threads: number | undefined; metric: Metric },
): SparseData {
  const data = sparseInputs(X, options, 'fit', params.threads, params.metric);
  checkFitShape(data.X, params);
  return data;
}

/** A query's CSR input: the centers' column count. */
export function sparseQueryInputs(
  X: unknown,
  options: FitOptions,
  centers: Matrix,
  params: { threads: number | undefined; metric: Metric },
  model: string,
): SparseData {
  // clusterCenters is the model's own array: catch a caller who wrote NaN or Infinity into it.
  requireFinite(centers, 'clusterCenters');
  const data = sparseInputs(X, options, 'score', params.threads, params.metric);
  requireColumns({ data: new Float64Array(0), rows: data.X.rows, cols: data.X.cols }, centers.cols, model);
  return data;
}

/** The rows in canonical form with float64 values (sparse_rows.ts), the canonical form kept. */
export function canonicalRowsFloat64(data: SparseData): CsrMatrix {
  return canonicalFloat64(data.X, () => canonical(data));
}

/** The canonical rows of the data (made once, kept). */
export function canonical(data: SparseData): CanonicalRows {
  data.canonical ??= canonicalRows(data.X);
  return data.canonical;
}

/** The fields of every native sparse request. */
export function sparseRequest({ X, rowNorms, sampleWeight, threads }: SparseData) {
  return { indptr: X.indptr, indices: X.indices, data: X.data, rowNorms, n: X.rows, d: X.cols, sampleWeight, threads };
}

/**
 * Each row's squared Euclidean distance to each of the k centers (row-major k×d), or with
 * `labels` to its own center only (then `out` holds n values): over the row's entries (repeats
 * summed), as sum((x_f - c_f)^2 - c_f^2) + ||c||^2, which agrees with the dense sum within
 * rounding relative to ||c||^2. O(nnz·k + n·k).
 */
export function sparseSquaredDistances(
  X: CsrMatrix,
  centers: FloatArray,
  k: number,
  labels?: Int32Array,
): Float64Array {
  const d = X.cols;
  const norms = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let sum = 0;
    for (let f = 0; f < d; f++) sum += centers[j * d + f]! * centers[j * d + f]!;
    norms[j] = sum;
  }
  const perRow = labels ? 1 : k;
  const out = new Float64Array(X.rows * perRow);
  const reader = new SummedRows(X);
  for (let i = 0; i < X.rows; i++) {
    const count = reader.read(i);
    const first = labels ? labels[i]! : 0;
    for (let j = first; j < first + perRow; j++) {
      const base = j * d;
      let total = 0;
      for (let e = 0; e < count; e++) {
        const c = centers[base + reader.columns[e]!]!;
        const diff = reader.values[e]! - c;
        total += diff * diff - c * c;
      }
      const distance = total + norms[j]!;
      out[i * perRow + j - first] = distance > 0 ? distance : 0;
    }
  }
  return out;
}

/** Per-cluster weights and weighted squared distances of the rows with their labels (cluster_totals.ts). */
export function sparseClusterTotals(
  data: SparseData,
  labels: Int32Array,
  centers: FloatArray,
  k: number,
): ClusterTotals {
  const sizes = new Float64Array(k);
  const inertia = new Float64Array(k);
  const distances = sparseSquaredDistances(data.X, centers, k, labels);
  for (let i = 0; i < data.X.rows; i++) {
    const weight = data.sampleWeight ? data.sampleWeight[i]! : 1;
    sizes[labels[i]!] = sizes[labels[i]!]! + weight;
    inertia[labels[i]!] = inertia[labels[i]!]! + weight * distances[i]!;
  }
  return { sizes, inertia };
}
