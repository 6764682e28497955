/**
 * The silhouette coefficient (Rousseeuw 1987) of each sample and its mean, as scikit-learn's
 * silhouette_samples and silhouette_score define them. The native core computes the distances a
 * tile at a time on every core and never holds the n×n matrix; each row's sums are added in one
 * fixed order, so the result does not depend on the thread count or on the call style. A CSR
 * matrix is scored from its entries (sparse_silhouette.ts).
 */
import { native } from '../binding';
import { type CsrMatrix, isCsrLike } from '../csr';
import { toCsrMatrix } from '../csr_checks';
import { rowIndices, rowsField, toDataMatrix } from '../data_matrix';
import { KMeansError, invalidOption } from '../errors';
import type { MatrixLike } from '../matrix';
import { checkInteger, checkSeed, checkThreads, invalidOptionsObject, rejectUnknownKeys } from '../options';
import { type Plan, call, runAsync, runSync } from '../plan';
import { Random, randomSeed } from '../rng';
import { clusterLabels, requireClusterCount } from './cluster_labels';
import { type Labels, encodeLabels } from './labels';
import { sparseSilhouette } from './sparse_silhouette';

/** The distance between two samples, by scikit-learn's name. */
export type SilhouetteMetric = 'euclidean' | 'sqeuclidean' | 'cosine' | 'manhattan';

export interface SilhouetteSamplesOptions {
  /**
   * 'euclidean' (default), 'sqeuclidean' (its square), 'cosine' (1 − cos; every row must have a
   * non-zero length, else ERR_KMEANS_ZERO_VECTOR) or 'manhattan' (the sum of absolute differences).
   */
  metric?: SilhouetteMetric;
  /**
   * Threads for the native work. Default: the CPUs available (cores, within a container's CPU quota). Results do not depend on it. A CSR matrix
   * is scored in JavaScript on the calling thread, so it does not apply there.
   */
  threads?: number;
}

export interface SilhouetteScoreOptions extends SilhouetteSamplesOptions {
  /**
   * Scores a random subset of this many rows, drawn without replacement (at least the row count:
   * every row). The labels must form 2 to sampleSize − 1 clusters among the rows drawn.
   * Default: every row.
   */
  sampleSize?: number;
  /**
   * Seed of the draw of sampleSize rows (an integer 0 <= seed < 2^53), as the estimators' seed.
   * The library's own generator draws them, so the subset is not the one scikit-learn draws with
   * NumPy for the same random_state. Default: a fresh random seed.
   */
  seed?: number;
}

/** What the async twins take besides their options. */
export interface MetricAsyncOptions {
  /** Aborting it rejects the call with an AbortError (the native work stops at its next check). */
  signal?: AbortSignal;
}

const metrics: readonly SilhouetteMetric[] = ['euclidean', 'sqeuclidean', 'cosine', 'manhattan'];
const samplesOptions = ['metric', 'threads'];
const scoreOptions = [...samplesOptions, 'sampleSize', 'seed'];

/**
 * The silhouette of every row: a Float64Array with one value in [−1, 1] per row of X.
 *
 * X may be a CSR matrix (as scikit-learn's silhouette_samples accepts): it is then scored from
 * its entries, never laid out densely, with memory O(n + d) besides X (and a copy of its entries
 * where a row's columns are out of order or repeated). Its euclidean, sqeuclidean and cosine
 * distances come from dot products (‖x‖² − 2x·y + ‖y‖², clamped at 0, as scikit-learn's sparse
 * euclidean distances), so they agree with the dense ones to rounding, not bit for bit.
 */
export function silhouetteSamples(
  X: MatrixLike | CsrMatrix,
  labels: Labels,
  options: SilhouetteSamplesOptions = {},
): Float64Array {
  return runSync(samplesPlan(X, labels, options, 'silhouetteSamples', samplesOptions, false));
}

/**
 * As silhouetteSamples, on the libuv thread pool; the result is identical. A CSR matrix is
 * scored on the main thread in slices of rows, between which the event loop runs and the
 * signal is checked.
 */
export async function silhouetteSamplesAsync(
  X: MatrixLike | CsrMatrix,
  labels: Labels,
  options: SilhouetteSamplesOptions & MetricAsyncOptions = {},
): Promise<Float64Array> {
  const callSite = new Error();
  const { signal, rest } = splitSignal(options, 'silhouetteSamplesAsync');
  const plan = samplesPlan(X, labels, rest, 'silhouetteSamplesAsync', samplesOptions, true);
  return runAsync(plan, callSite, { signal });
}

/**
 * The mean silhouette over every row, or over sampleSize rows drawn at random (for a CSR
 * matrix, the same rows as for its dense copy; see silhouetteSamples).
 *
 * @example
 * ```ts
 * import { silhouetteScore } from 'kmeans-native/metrics';
 *
 * const X = [[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]];
 * console.log(silhouetteScore(X, [0, 0, 0, 1, 1, 1])); // 0.7133..
 * ```
 */
export function silhouetteScore(
  X: MatrixLike | CsrMatrix,
  labels: Labels,
  options: SilhouetteScoreOptions = {},
): number {
  return mean(runSync(samplesPlan(X, labels, options, 'silhouetteScore', scoreOptions, false)));
}

/** As silhouetteScore, on the libuv thread pool (a CSR matrix: as silhouetteSamplesAsync); the result is identical. */
export async function silhouetteScoreAsync(
  X: MatrixLike | CsrMatrix,
  labels: Labels,
  options: SilhouetteScoreOptions & MetricAsyncOptions = {},
): Promise<number> {
  const callSite = new Error();
  const { signal, rest } = splitSignal(options, 'silhouetteScoreAsync');
  const plan = samplesPlan(X, labels, rest, 'silhouetteScoreAsync', scoreOptions, true);
  return mean(await runAsync(plan, callSite, { signal }));
}

function* samplesPlan(
  X: MatrixLike | CsrMatrix,
  labels: Labels,
  options: SilhouetteScoreOptions,
  method: string,
  names: readonly string[],
  async: boolean,
): Plan<Float64Array> {
  invalidOptionsObject(options, `${method} options`);
  rejectUnknownKeys(options, names, method);
  const metric = checkMetric(options.metric);
  const threads = checkThreads(options.threads) ?? native().info().maxThreads;
  const sampleSize = options.sampleSize === undefined ? undefined : checkInteger('sampleSize', options.sampleSize, 1);
  const seed = checkSeed(options.seed);
  const sparse = isCsrLike(X) ? toCsrMatrix(X, 'X') : undefined;
  const dense = sparse ? undefined : toDataMatrix(X, 'X');
  const rows = (sparse ?? dense!).rows;
  const indices = sampleSize !== undefined && sampleSize < rows ? drawRows(rows, sampleSize, seed) : undefined;
  // With a subset, the cluster count that matters is the subset's.
  const { codes, classes } = indices ? encodeLabels(labels, 'labels', rows) : clusterLabels(labels, rows);
  if (indices)
    requireClusterCount(distinctAmong(codes, indices), indices.length, ` (the ${indices.length} rows drawn)`);
  const k = classes.length;
  const out = new Float64Array(indices?.length ?? rows);
  let zeroRow: number;
  if (sparse) {
    zeroRow = yield* sparseSilhouette(sparse, { labels: codes, k, metric, indices, out }, async);
  } else {
    const request = { ...rowsField(dense!), n: rows, d: dense!.cols, sampleWeight: null, threads };
    zeroRow = yield* call('silhouette', { ...request, labels: codes, k, metric, out, ...(indices && { indices }) });
  }
  if (zeroRow >= 0) {
    throw new KMeansError(
      'ERR_KMEANS_ZERO_VECTOR',
      `X row ${zeroRow} has length zero: metric "cosine" needs every row to have a direction; drop or replace zero rows`,
      { details: { argument: 'X', row: zeroRow } },
    );
  }
  return out;
}

function checkMetric(value: unknown): SilhouetteMetric {
  if (value === undefined) return 'euclidean';
  if (metrics.includes(value as SilhouetteMetric)) return value as SilhouetteMetric;
  throw invalidOption('metric', metrics.map((name) => `"${name}"`).join(', '), value);
}

function splitSignal<O extends MetricAsyncOptions>(
  options: O,
  method: string,
): { signal: AbortSignal | undefined; rest: Omit<O, 'signal'> } {
  invalidOptionsObject(options, `${method} options`);
  const { signal, ...rest } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidOption('signal', 'an AbortSignal', signal);
  return { signal, rest };
}

/** sampleSize distinct rows of 0..rows−1 (a partial Fisher–Yates shuffle), ascending. */
function drawRows(rows: number, sampleSize: number, seed: number | undefined): Int32Array {
  const random = new Random(seed ?? randomSeed());
  const order = rowIndices(rows);
  for (let t = 0; t < sampleSize; t++) {
    const j = t + random.nextInt(rows - t);
    const chosen = order[j]!;
    order[j] = order[t]!;
    order[t] = chosen;
  }
  return order.slice(0, sampleSize).sort();
}

function distinctAmong(codes: Int32Array, indices: Int32Array): number {
  const seen = new Set<number>();
  for (const row of indices) seen.add(codes[row]!);
  return seen.size;
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
