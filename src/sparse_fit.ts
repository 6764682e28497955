/**
 * One KMeans run on CSR rows: the initial centers (explicit, 'random' or 'k-means++' as the dense
 * run draws them from the same generator; 'k-means||' is not available for CSR yet), then the
 * native sparse Lloyd fit (sparseFit), whose labels, centers and iteration count are the dense
 * Lloyd fit's. Elkan's and Hamerly's algorithms give Lloyd's result by construction, so every
 * algorithm runs Lloyd's kernel on CSR rows and reports 'lloyd'.
 */
import type { FitResponse, FloatArray } from './binding';
import { KMeansError } from './errors';
import { type Matrix, asDType, dtypeOf } from './matrix';
import { type Metric, metricRows } from './metric';
import type { InitMethod } from './options';
import { type Plan, call } from './plan';
import type { Random } from './rng';
import { defaultLocalTrials } from './seeding';
import { type SparseData, canonicalRowsFloat64, sparseRequest } from './sparse_inputs';
import { csrDenseRows, csrMeanVariance } from './sparse_rows';
import { sparsePlusPlus, sparseRandomRows } from './sparse_seeding';

export interface SparseRunParams {
  nClusters: number;
  init: InitMethod | Matrix;
  maxIter: number;
  tol: number;
  metric: Metric;
}

export interface FitRun {
  run: FitResponse;
  centers: FloatArray;
  labels: Int32Array;
}

/** The absolute tolerance: tol times the mean column variance of the rows as the kernels see them. */
export function sparseTolerance(data: SparseData, tol: number): number {
  return tol * csrMeanVariance(data.X);
}

/**
 * The explicit init under the metric, once per fit (unit rows for 'cosine'); refuses
 * 'k-means||' before any work is done.
 */
export function* sparseExplicitInit(
  init: InitMethod | Matrix,
  metric: Metric,
  threads: number,
): Plan<Matrix | undefined> {
  if (init === 'k-means||') {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_OPTION',
      'init "k-means||" is not available for CSR input yet: use "k-means++", "random" or explicit centers',
    );
  }
  return typeof init === 'object' ? yield* metricRows(init, metric, threads, 'init') : undefined;
}

/** One run: seeding, then Lloyd's algorithm on the CSR rows. */
export function* sparseRun(
  data: SparseData,
  params: SparseRunParams,
  explicitInit: Matrix | undefined,
  absoluteTol: number,
  rng: Random,
): Plan<FitRun> {
  const { nClusters: k, init, maxIter, metric } = params;
  const dtype = dtypeOf(data.X.data);
  let centers: FloatArray;
  if (explicitInit) {
    centers = asDType(explicitInit, dtype, 'init').data.slice();
  } else if (init === 'random') {
    centers = csrDenseRows(data.X, yield* sparseRandomRows(data.X.rows, data.sampleWeight, k, rng, data.threads));
  } else {
    const rows = yield* sparsePlusPlus(
      canonicalRowsFloat64(data),
      data.sampleWeight,
      k,
      defaultLocalTrials(k),
      rng,
      data.threads,
    );
    centers = csrDenseRows(data.X, rows);
  }
  const labels = new Int32Array(data.X.rows);
  const result = yield* call('sparseFit', {
    ...sparseRequest(data),
    centers,
    k,
    labels,
    maxIter,
    tol: absoluteTol,
    spherical: metric === 'cosine',
  });
  return { run: { ...result, algorithm: 'lloyd' }, centers, labels };
}
