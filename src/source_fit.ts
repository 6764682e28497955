/**
 * Exact k-means over rows read in passes (KMeans#fitSource): the loop of the native fit
 * (native/driver.cpp), driven from here one pass over the source per iteration, with the same
 * kernel functions piece by piece (source_pass.ts cuts the pieces on fixed-block boundaries). The
 * result is bitwise that of fit on all the rows with the same initial centers. No labels are
 * kept: the strict-convergence test compares the passes' label fingerprints instead, and empty
 * clusters take the rows a further pass finds farthest from their centers. Memory: the chunk in
 * hand, the copied rows of one piece, and O(k·d).
 */
import type { FloatArray } from './binding';
import { type ClusterTotals, addClusterTotals, emptyTotals } from './cluster_totals';
import { KMeansError, invalidOption } from './errors';
import { rowsField } from './data_matrix';
import { type DType, type Matrix, allocate, asDType, dataDType } from './matrix';
import { type Metric, inertiaFor, metricRows } from './metric';
import type { PreparedData } from './model_inputs';
import type { FitProgress } from './types';
import { invalidOptionsObject, rejectUnknownKeys } from './options';
import { type Plan, call } from './plan';
import { type RowInput, type RowPiece, forEachPiece } from './source_pass';

/** fitSource's options: an AbortSignal, a progress callback (as fitAsync's), and a memory budget. */
export interface SourceFitOptions {
  signal?: AbortSignal;
  onProgress?: (progress: FitProgress) => void;
  /**
   * Bytes the per-row bounds of Hamerly's algorithm may take (20 per row): within it, the
   * passes skip most distance computations (same result); beyond it, Lloyd's. Default 256 MiB
   * (about 13 million rows); 0 keeps no per-row state.
   */
  boundsMemory?: number;
}

/** Bytes of per-row state Hamerly's algorithm keeps: two float64 bounds and an int32 label. */
export const boundsBytesPerRow = 20;
const defaultBoundsMemory = 256 * 2 ** 20;

export function sourceControls(
  options: SourceFitOptions,
): Required<Pick<SourceFitOptions, 'boundsMemory'>> & SourceFitOptions {
  invalidOptionsObject(options, 'fitSource options');
  rejectUnknownKeys(options, ['signal', 'onProgress', 'boundsMemory'], 'fitSource');
  const { signal, onProgress, boundsMemory = defaultBoundsMemory } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidOption('signal', 'an AbortSignal', signal);
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw invalidOption('onProgress', 'a function', onProgress);
  if (typeof boundsMemory !== 'number' || !(boundsMemory >= 0)) {
    throw invalidOption('boundsMemory', 'a number of bytes >= 0', boundsMemory);
  }
  return { ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}), boundsMemory };
}

/** What one run of the loop needs besides the rows. */
export interface SourceFitSettings {
  k: number;
  maxIter: number;
  /** Absolute: already scaled by the data's mean variance. */
  tol: number;
  metric: Metric;
  mixedPrecision: boolean;
  /** Keep Hamerly's bounds for the rows (rows × boundsBytesPerRow bytes). */
  bounds: boolean;
  /** Called after every iteration (from 1) with its inertia and squared center shift. */
  onIteration?: ((iteration: number, inertia: number, centerShift: number) => void) | undefined;
}

export interface SourceFitRun {
  centers: FloatArray;
  inertia: number;
  /** Per-cluster weights and squared Euclidean inertia of the final assignment. */
  totals: ClusterTotals;
  nIter: number;
  converged: boolean;
  history: {
    inertia: number[];
    centerShift: number[];
    /** Known with bounds (which keep the labels); NaN without. */
    labelChanges: number[];
    relocated: number[];
    distanceEvals: number[];
  };
}

/** Hamerly's per-row bounds and labels for all the rows, and its per-pass state (hamerly.hpp). */
interface Bounds {
  upper: Float64Array;
  lower: Float64Array;
  labels: Int32Array;
  state: Float64Array;
}

function allocateBounds(rows: number, k: number): Bounds {
  return {
    upper: new Float64Array(rows),
    lower: new Float64Array(rows),
    labels: new Int32Array(rows).fill(-1),
    state: new Float64Array(2 * k + 4),
  };
}

/** The piece's part of the bounds, as passChunk takes them. */
function pieceBounds(bounds: Bounds | undefined, piece: RowPiece) {
  if (!bounds) return {};
  const begin = piece.firstRow;
  const end = begin + piece.data.X.rows;
  return {
    upper: bounds.upper.subarray(begin, end),
    lower: bounds.lower.subarray(begin, end),
    labels: bounds.labels.subarray(begin, end),
    hamerly: bounds.state,
  };
}

/** What the first pass learns: the row count, the column means and the mean column variance. */
export interface SourceStats {
  rows: number;
  dtype: DType;
  cols: number;
  means: Float64Array;
  meanVariance: number;
  totalWeight: number;
}

/** What a source must have for a fit of k clusters from `init`: k rows, and init's columns. */
export function requireFitShape(init: unknown, k: number, stats: { rows: number; cols: number }): void {
  if (k > stats.rows) {
    throw new KMeansError(
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      `nClusters must be <= the number of samples: the source has ${stats.rows} rows, nClusters = ${k}`,
    );
  }
  if (typeof init === 'object' && init !== null && (init as Matrix).cols !== stats.cols) {
    throw new KMeansError(
      'ERR_KMEANS_SHAPE_MISMATCH',
      `init must have one column per feature of the source: it has ${stats.cols} features, init has ${(init as Matrix).cols}`,
    );
  }
}

/** A piece as the kernels read it: unit rows for 'cosine'. */
function* kernelRows(piece: RowPiece, metric: Metric): Plan<PreparedData> {
  return { ...piece.data, X: yield* metricRows(piece.data.X, metric, piece.data.threads) };
}

function dataFields({ X, sampleWeight, threads }: PreparedData) {
  return { ...rowsField(X), n: X.rows, d: X.cols, sampleWeight, threads };
}

/**
 * The first pass: rows, column means and mean variance as the native columnStats gives them for
 * all the rows at once (the same sums, finished with the same arithmetic), and the weights' total.
 */
export function* sourceStats(input: RowInput, metric: Metric): Plan<SourceStats> {
  let origin: Float64Array | undefined;
  let sums: Float64Array | undefined;
  let dtype: DType = 'float64';
  let cols = 0;
  let totalWeight = 0;
  const rows = yield* forEachPiece(input, function* (piece) {
    const data = yield* kernelRows(piece, metric);
    if (!origin) {
      cols = data.X.cols;
      dtype = dataDType(data.X);
      origin = new Float64Array(cols);
      for (let c = 0; c < cols; c++) origin[c] = 'columns' in data.X ? data.X.columns[c]![0]! : data.X.data[c]!;
      sums = new Float64Array(2 * cols);
    }
    yield* call('columnStats', { ...dataFields(data), origin, sums: sums! });
    const weights = data.sampleWeight;
    if (weights) for (let i = 0; i < weights.length; i++) totalWeight += weights[i]!;
    else totalWeight += data.X.rows;
  });
  if (!(totalWeight > 0) || !Number.isFinite(totalWeight)) {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_WEIGHTS',
      totalWeight > 0
        ? `sampleWeight must have a finite sum (the source's total overflows to ${totalWeight}): scale the weights down`
        : "sampleWeight must not be all zero (over all the source's chunks)",
      { details: { argument: 'sampleWeight' } },
    );
  }
  // native/kernels/common/reductions.cpp's column_stats_from_sums, operation for operation.
  const means = new Float64Array(cols);
  let total = 0;
  for (let f = 0; f < cols; f++) {
    const meanDeviation = sums![f]! / rows;
    means[f] = origin![f]! + meanDeviation;
    const variance = sums![cols + f]! / rows - meanDeviation * meanDeviation;
    total += variance > 0 ? variance : 0;
  }
  return { rows, dtype, cols, means, meanVariance: total / cols, totalWeight };
}

/** The mean of the centers: native center_mean's arithmetic (the pass's fixed shift). */
function centerMean(centers: FloatArray, k: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let j = 0; j < k; j++) for (let f = 0; f < d; f++) mean[f] = mean[f]! + centers[j * d + f]!;
  for (let f = 0; f < d; f++) mean[f] = mean[f]! / k;
  return mean;
}

/** One run of Lloyd's loop from `initial` (k×d, in the source's dtype; left unchanged). */
export function* sourceLloydRun(
  input: RowInput,
  rows: number,
  initial: Matrix,
  settings: SourceFitSettings,
): Plan<SourceFitRun> {
  const { k, maxIter, tol, metric, mixedPrecision } = settings;
  const bounds = settings.bounds ? allocateBounds(rows, k) : undefined;
  const d = initial.cols;
  let current: FloatArray = initial.data.slice();
  let next: FloatArray = allocate(current instanceof Float32Array ? 'float32' : 'float64', k * d);
  const shift = centerMean(current, k, d);
  const history: SourceFitRun['history'] = {
    inertia: [],
    centerShift: [],
    labelChanges: [],
    relocated: [],
    distanceEvals: [],
  };
  let previousPrint: [number, number] | undefined;
  let stable = false;
  let nIter = 0;
  let lastShift = Infinity;
  for (let iteration = 0; iteration < maxIter; iteration++) {
    const sums = new Float64Array(k * d + k);
    const stats = new Float64Array(3);
    const fingerprint = new Uint32Array(2);
    const centers = current;
    yield* forEachPiece(input, function* (piece) {
      const data = yield* kernelRows(piece, metric);
      yield* call('passChunk', {
        ...dataFields(data),
        centers,
        k,
        shift,
        sums,
        stats,
        fingerprint,
        firstRow: piece.firstRow,
        mixedPrecision,
        ...pieceBounds(bounds, piece),
      });
    });
    const moves = yield* emptyClusterMoves(input, centers, sums, settings);
    lastShift = yield* call('updateCenters', {
      sums,
      centers,
      k,
      d,
      ...moves,
      spherical: metric === 'cosine',
      out: next,
      threads: inputThreads(input),
      ...(bounds ? { hamerly: bounds.state } : {}),
    });
    [current, next] = [next, current];
    nIter = iteration + 1;
    history.inertia.push(stats[1]!);
    history.centerShift.push(lastShift);
    history.labelChanges.push(bounds ? stats[0]! : NaN);
    history.relocated.push(moves.moveWeights.length);
    history.distanceEvals.push(stats[2]!);
    settings.onIteration?.(nIter, stats[1]!, lastShift);
    // The fingerprint stands for the labels: the same twice running means stable labels.
    stable = previousPrint !== undefined && previousPrint[0] === fingerprint[0] && previousPrint[1] === fingerprint[1];
    previousPrint = [fingerprint[0]!, fingerprint[1]!];
    if (stable) break;
    if (lastShift <= tol) break;
  }
  const converged = stable || lastShift <= tol;
  // The labels and inertia of the returned centers, as the fit's last assign-only pass and its
  // inertia give them.
  let inertia = 0;
  const centers = current;
  const totals = emptyTotals(k);
  yield* forEachPiece(input, function* (piece) {
    const data = yield* kernelRows(piece, metric);
    const labels = new Int32Array(data.X.rows);
    yield* call('assign', { ...dataFields(data), centers, k, labels, mixedPrecision });
    inertia = yield* call('inertia', { ...dataFields(data), labels, centers, k, base: inertia });
    addClusterTotals(totals, data.X, data.sampleWeight, labels, centers);
  });
  return { centers: current, inertia, totals, nIter, converged, history };
}

function inputThreads(input: RowInput): number {
  return input.kind === 'memory' ? input.data.threads : input.threads;
}

/**
 * The rows that the pass's empty clusters take: the farthest from their nearest center over all
 * the rows (each piece's farthest, merged: farthest first, the lower row first on a tie).
 */
function* emptyClusterMoves(
  input: RowInput,
  centers: FloatArray,
  sums: Float64Array,
  { k, metric, mixedPrecision }: SourceFitSettings,
): Plan<{ moveValues: FloatArray; moveWeights: Float64Array; moveLabels: Int32Array }> {
  const d = centers.length / k;
  let count = 0;
  for (let j = 0; j < k; j++) if (sums[k * d + j] === 0) count++;
  const dtype = centers instanceof Float32Array ? 'float32' : 'float64';
  if (count === 0)
    return { moveValues: allocate(dtype, 0), moveWeights: new Float64Array(0), moveLabels: new Int32Array(0) };
  interface Candidate {
    distance: number;
    row: number;
    label: number;
    weight: number;
    values: FloatArray;
  }
  let best: Candidate[] = [];
  yield* forEachPiece(input, function* (piece) {
    const data = yield* kernelRows(piece, metric);
    const take = Math.min(count, data.X.rows);
    const out = {
      distances: new Float64Array(take),
      rows: new Float64Array(take),
      labels: new Int32Array(take),
      weights: new Float64Array(take),
      values: allocate(dtype, take * d),
    };
    const written = yield* call('farthestRows', {
      ...dataFields(data),
      centers,
      k,
      count: take,
      firstRow: piece.firstRow,
      mixedPrecision,
      ...out,
    });
    for (let e = 0; e < written; e++) {
      best.push({
        distance: out.distances[e]!,
        row: out.rows[e]!,
        label: out.labels[e]!,
        weight: out.weights[e]!,
        values: out.values.slice(e * d, (e + 1) * d),
      });
    }
    best.sort((a, b) => (a.distance !== b.distance ? b.distance - a.distance : a.row - b.row));
    best = best.slice(0, count);
  });
  if (best.length < count) throw new KMeansError('ERR_KMEANS_INTERNAL', 'fewer rows than empty clusters');
  const moveValues = allocate(dtype, count * d);
  best.forEach((candidate, e) => moveValues.set(candidate.values, e * d));
  return {
    moveValues,
    moveWeights: Float64Array.from(best, (candidate) => candidate.weight),
    moveLabels: Int32Array.from(best, (candidate) => candidate.label),
  };
}

/** The (weighted) inertia of a source's rows against `centers`, as the assign of all of them gives it. */
export function* sourceInertiaPlan(
  input: RowInput,
  centers: Matrix,
  metric: Metric,
  mixedPrecision: (dtype: DType) => boolean,
): Plan<number> {
  let inertia = 0;
  yield* forEachPiece(input, function* (piece) {
    if (piece.data.X.cols !== centers.cols) {
      throw new KMeansError(
        'ERR_KMEANS_SHAPE_MISMATCH',
        `the source has ${piece.data.X.cols} features, but the model was fitted with ${centers.cols}`,
      );
    }
    const data = yield* kernelRows(piece, metric);
    const dtype = dataDType(data.X);
    const typed = asDType(centers, dtype, 'clusterCenters');
    const labels = new Int32Array(data.X.rows);
    inertia = yield* call('assign', {
      ...dataFields(data),
      centers: typed.data,
      k: typed.rows,
      labels,
      mixedPrecision: mixedPrecision(dtype),
      inertiaBase: inertia,
    });
  });
  return inertiaFor(metric, inertia);
}
