/**
 * What KMeans and MiniBatchKMeans share around their fits: the checks of fit and query inputs,
 * and the queries of a fitted model (predict, score, transform) under its metric.
 */
import { KMeansError, invalidOption } from './errors';
import { rowsField, toDataMatrix } from './data_matrix';
import {
  type DataMatrix,
  type Matrix,
  type MatrixLike,
  allocate,
  asDType,
  dataDType,
  requireFinite,
  toSampleWeight,
} from './matrix';
import { type Metric, inertiaFor, metricRows } from './metric';
import { type InitMethod, invalidOptionsObject, rejectUnknownKeys } from './options';
import { type AsyncControl, type Plan, call } from './plan';
import type { AsyncFitOptions, FitOptions } from './types';
import { defaultThreads } from './cpu_quota';

export type { AsyncFitOptions, FitProgress } from './types';

/** Splits fitAsync's options into the fit's own and the async controls, checking the latter. */
export function asyncControls(
  options: AsyncFitOptions,
  metric: Metric,
): { fitOptions: FitOptions; control: AsyncControl } {
  invalidOptionsObject(options, 'fit options');
  const { signal, onProgress, ...fitOptions } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidOption('signal', 'an AbortSignal', signal);
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw invalidOption('onProgress', 'a function', onProgress);
  let run = 0;
  const onIteration = onProgress
    ? (iteration: number, inertia: number, centerShift: number) => {
        if (iteration === 1) run++;
        onProgress({ run, iteration, inertia: inertiaFor(metric, inertia), centerShift });
      }
    : undefined;
  return { fitOptions, control: { signal, onIteration } };
}

/** The rows of one call, with their weights and the thread count. */
export interface PreparedData<M extends DataMatrix = DataMatrix> {
  X: M;
  sampleWeight: Float64Array | null;
  threads: number;
}

export function threadCount(threads: number | undefined): number {
  return threads ?? defaultThreads();
}

/** The fields of every native request. */
export function dataRequest({ X, sampleWeight, threads }: PreparedData) {
  return { ...rowsField(X), n: X.rows, d: X.cols, sampleWeight, threads };
}

/** X and its options for a fit: at least nClusters rows, and as many columns as an explicit init. */
export function fitInputs(
  X: MatrixLike,
  options: FitOptions,
  method: string,
  params: { nClusters: number; init: InitMethod | Matrix; threads: number | undefined },
): PreparedData {
  const rows = sampleInputs(X, options, method, params.threads);
  checkFitShape(rows.X, params);
  return rows;
}

/** A fit's rows against its options: at least nClusters rows, and as many columns as an explicit init. */
export function checkFitShape(
  matrix: { rows: number; cols: number },
  params: { nClusters: number; init: InitMethod | Matrix },
): void {
  const { nClusters, init } = params;
  if (nClusters > matrix.rows) {
    throw new KMeansError(
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      `nClusters must be <= the number of samples: n_samples = ${matrix.rows}, nClusters = ${nClusters}`,
    );
  }
  if (typeof init === 'object' && init.cols !== matrix.cols) {
    throw new KMeansError(
      'ERR_KMEANS_SHAPE_MISMATCH',
      `init must have one column per feature of X: X has ${matrix.cols} features, init has ${init.cols}`,
    );
  }
}

/** X and its sample weights, with the options of `method` checked. */
export function sampleInputs(
  X: MatrixLike,
  options: FitOptions,
  method: string,
  threads: number | undefined,
): PreparedData {
  invalidOptionsObject(options, `${method} options`);
  rejectUnknownKeys(options, ['sampleWeight'], method);
  const matrix = toDataMatrix(X, 'X');
  return { X: matrix, sampleWeight: toSampleWeight(options.sampleWeight, matrix), threads: threadCount(threads) };
}

/** X for a query of a model fitted with `centers`: the same column count. */
export function queryInputs(
  X: MatrixLike,
  options: FitOptions,
  centers: Matrix,
  threads: number | undefined,
  model: string,
): PreparedData {
  // clusterCenters is the model's own array: catch a caller who wrote NaN or Infinity into it.
  requireFinite(centers, 'clusterCenters');
  invalidOptionsObject(options, 'score options');
  rejectUnknownKeys(options, ['sampleWeight'], 'score');
  const matrix = toDataMatrix(X, 'X');
  requireColumns(matrix, centers.cols, model);
  return { X: matrix, sampleWeight: toSampleWeight(options.sampleWeight, matrix), threads: threadCount(threads) };
}

export function requireColumns(matrix: DataMatrix, fittedCols: number, model: string): void {
  if (matrix.cols !== fittedCols) {
    throw new KMeansError(
      'ERR_KMEANS_SHAPE_MISMATCH',
      `X has ${matrix.cols} features, but this ${model} was fitted with ${fittedCols} features`,
    );
  }
}

/** Labels and (weighted) inertia of the rows against the centers, under the metric. */
export function* assignPlan(
  data: PreparedData,
  centers: Matrix,
  metric: Metric,
  mixedPrecision: (dtype: 'float64' | 'float32') => boolean,
): Plan<{ labels: Int32Array; inertia: number }> {
  const rows = { ...data, X: yield* metricRows(data.X, metric, data.threads) };
  const dtype = dataDType(rows.X);
  const typed = asDType(centers, dtype, 'clusterCenters');
  const labels = new Int32Array(rows.X.rows);
  const inertia = yield* call('assign', {
    ...dataRequest(rows),
    centers: typed.data,
    k: typed.rows,
    labels,
    mixedPrecision: mixedPrecision(dtype),
  });
  return { labels, inertia: inertiaFor(metric, inertia) };
}

/** Distance of each row to each center, n×k in the rows' dtype: Euclidean, or 1 − cos. */
export function* transformPlan(data: PreparedData, centers: Matrix, metric: Metric): Plan<Matrix> {
  const rows = { ...data, X: yield* metricRows(data.X, metric, data.threads) };
  const dtype = dataDType(rows.X);
  const typed = asDType(centers, dtype, 'clusterCenters');
  const k = typed.rows;
  const out = allocate(dtype, rows.X.rows * k);
  yield* call('transform', { ...dataRequest(rows), centers: typed.data, k, out, cosine: metric === 'cosine' });
  return { data: out, rows: rows.X.rows, cols: k };
}
