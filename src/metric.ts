/**
 * The two metrics. 'euclidean' is plain k-means. 'cosine' is spherical k-means (Dhillon &
 * Modha 2001): rows and centers are scaled to unit length, so that the squared Euclidean
 * distance is 2 − 2·cos and the Euclidean kernels assign each row to the center of largest
 * cosine similarity; new centers are re-scaled to unit length. Its inertia is the weighted
 * sum of cosine distances 1 − cos, half the squared Euclidean inertia of the unit rows.
 */
import { KMeansError, invalidOption } from './errors';
import { rowsField } from './data_matrix';
import { type DataMatrix, type Matrix, allocate, dataDType } from './matrix';
import { type Plan, call } from './plan';

export type Metric = 'euclidean' | 'cosine';

export function checkMetric(value: unknown): Metric {
  if (value === 'euclidean' || value === 'cosine') return value;
  throw invalidOption('metric', '"euclidean" or "cosine"', value);
}

/**
 * X as the kernels see it: itself for 'euclidean'; for 'cosine', a row-major copy with unit rows
 * (from either layout).
 */
export function* metricRows<M extends DataMatrix>(X: M, metric: Metric, threads: number, name = 'X'): Plan<M | Matrix> {
  if (metric === 'euclidean') return X;
  const out = allocate(dataDType(X), X.rows * X.cols);
  const request = { ...rowsField(X), n: X.rows, d: X.cols, sampleWeight: null, threads, out };
  const zeroRow = yield* call('unitRows', request);
  if (zeroRow >= 0) {
    throw new KMeansError(
      'ERR_KMEANS_ZERO_VECTOR',
      `${name} row ${zeroRow} has length zero: metric "cosine" needs every row to have a direction; drop or replace zero rows`,
      { details: { argument: name, row: zeroRow } },
    );
  }
  return { data: out, rows: X.rows, cols: X.cols };
}

/** From the kernels' squared Euclidean value (of unit rows, for 'cosine') to the metric's. */
export function inertiaFor(metric: Metric, squaredEuclidean: number): number {
  return metric === 'cosine' ? squaredEuclidean / 2 : squaredEuclidean;
}
