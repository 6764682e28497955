/**
 * Lloyd's loop over a PushdownSource (source.ts): each iteration is one aggregate query that
 * the database runs where the rows live (the map over its shards and the reduce of k·d sums),
 * and the center update here is the native one (updateCenters), on those sums. Empty clusters
 * take the rows a further query finds farthest from their centers, as the native update does.
 * The database adds its floats in an order of its own: centers and inertia agree with an
 * in-memory fit within rounding, not bit for bit.
 */
import type { FloatArray } from './binding';
import type { FittedState } from './estimator';
import { KMeansError } from './errors';
import { type Matrix, allocate, asDType } from './matrix';
import type { ResolvedKMeansOptions } from './options';
import { pushdownParallelInit } from './pushdown_init';
import { Random, randomSeed } from './rng';
import { type Plan, call } from './plan';
import { pushdownQuery } from './pushdown_query';
import type { Pushdown, PushdownStats } from './source';
import { type SourceFitOptions, type SourceFitRun, requireFitShape } from './source_fit';
import type { IterationHistory } from './types';

export interface PushdownFitSettings {
  k: number;
  maxIter: number;
  /** Absolute: already scaled by the data's mean variance. */
  tol: number;
  signal?: AbortSignal | undefined;
  onIteration?: ((iteration: number, inertia: number, centerShift: number) => void) | undefined;
}

/** The source's statistics, checked: at least one row of positive finite total weight. */
export function* pushdownStats(pushdown: Pushdown, signal: AbortSignal | undefined): Plan<PushdownStats> {
  const stats = yield* pushdownQuery((s) => pushdown.stats(s), signal);
  if (stats.rows === 0) throw new KMeansError('ERR_KMEANS_EMPTY_DATA', 'the source has no rows');
  if (stats.cols === 0) throw new KMeansError('ERR_KMEANS_EMPTY_DATA', 'the source has no features');
  if (!(stats.totalWeight > 0) || !Number.isFinite(stats.totalWeight)) {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_WEIGHTS',
      `sampleWeight must have a positive finite sum (the source's total is ${stats.totalWeight})`,
      { details: { argument: 'sampleWeight' } },
    );
  }
  return stats;
}

/** A run's result, with the clusters' weights in the final assignment. */
type PushdownRun = Omit<SourceFitRun, 'totals'> & { clusterSizes: Float64Array };

/** One run of Lloyd's loop from `initial` (k×d, in the source's dtype; left unchanged). */
export function* pushdownLloydRun(
  pushdown: Pushdown,
  rows: number,
  initial: Matrix,
  settings: PushdownFitSettings,
): Plan<PushdownRun> {
  const { k, maxIter, tol, signal } = settings;
  const d = initial.cols;
  const dtype = initial.data instanceof Float32Array ? 'float32' : 'float64';
  let current: FloatArray = initial.data.slice();
  let next: FloatArray = allocate(dtype, k * d);
  const history: SourceFitRun['history'] = {
    inertia: [],
    centerShift: [],
    labelChanges: [],
    relocated: [],
    distanceEvals: [],
  };
  let previousPrint: string[] | undefined;
  let stable = false;
  let nIter = 0;
  let lastShift = Infinity;
  for (let iteration = 0; iteration < maxIter; iteration++) {
    const centers = current;
    const pass = yield* pushdownQuery((s) => pushdown.assignPass(Float64Array.from(centers), k, s), signal);
    const sums = pass.sums.slice();
    const moves = yield* emptyClusterMoves(pushdown, centers, sums, k, dtype, signal);
    lastShift = yield* call('updateCenters', {
      sums,
      centers,
      k,
      d,
      ...moves,
      spherical: false,
      out: next,
      threads: 1,
    });
    [current, next] = [next, current];
    nIter = iteration + 1;
    history.inertia.push(pass.inertia);
    history.centerShift.push(lastShift);
    history.labelChanges.push(NaN);
    history.relocated.push(moves.moveWeights.length);
    history.distanceEvals.push(rows * k);
    settings.onIteration?.(nIter, pass.inertia, lastShift);
    // Every cluster's fingerprint the same twice running means stable labels.
    stable = previousPrint !== undefined && previousPrint.every((print, j) => print === pass.fingerprint[j]);
    previousPrint = pass.fingerprint;
    if (stable) break;
    if (lastShift <= tol) break;
  }
  const converged = stable || lastShift <= tol;
  const final = current;
  const last = yield* pushdownQuery((s) => pushdown.assignPass(Float64Array.from(final), k, s), signal);
  // The pass gives each cluster's weight (after the k·d sums), not its inertia.
  const clusterSizes = last.sums.slice(k * d, k * d + k);
  return { centers: current, inertia: last.inertia, clusterSizes, nIter, converged, history };
}

/** The rows that the pass's empty clusters take (weight zero): the source's farthest rows. */
function* emptyClusterMoves(
  pushdown: Pushdown,
  centers: FloatArray,
  sums: Float64Array,
  k: number,
  dtype: 'float32' | 'float64',
  signal: AbortSignal | undefined,
): Plan<{ moveValues: FloatArray; moveWeights: Float64Array; moveLabels: Int32Array }> {
  const d = centers.length / k;
  let count = 0;
  for (let j = 0; j < k; j++) if (sums[k * d + j] === 0) count++;
  if (count === 0) {
    return { moveValues: allocate(dtype, 0), moveWeights: new Float64Array(0), moveLabels: new Int32Array(0) };
  }
  const rows = yield* pushdownQuery((s) => pushdown.farthestRows(Float64Array.from(centers), k, count, s), signal);
  if (rows.weights.length < count) throw new KMeansError('ERR_KMEANS_INTERNAL', 'fewer rows than empty clusters');
  const moveValues = allocate(dtype, count * d);
  moveValues.set(rows.values.subarray(0, count * d));
  return { moveValues, moveWeights: rows.weights.slice(0, count), moveLabels: rows.labels.slice(0, count) };
}

/** fitSource over a PushdownSource: explicit initial centers or 'k-means||', Euclidean distances. */
export function* pushdownFitPlan(
  pushdown: Pushdown,
  params: ResolvedKMeansOptions,
  { signal, onProgress }: Pick<SourceFitOptions, 'signal' | 'onProgress'>,
): Plan<FittedState & { algorithm: 'lloyd'; converged: boolean; history: IterationHistory }> {
  const { nClusters: k, init, maxIter, tol, metric } = params;
  if (metric !== 'euclidean') {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_OPTION',
      `a pushdown source fits with metric 'euclidean', not '${metric}'`,
    );
  }
  if (typeof init !== 'object' && init !== 'k-means||') {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_OPTION',
      `a pushdown source seeds with init "k-means||" or explicit centers, not "${init}": make the model with init: 'k-means||'`,
    );
  }
  const stats = yield* pushdownStats(pushdown, signal);
  requireFitShape(init, k, stats);
  const rng = new Random(params.seed ?? randomSeed());
  const runs = typeof init === 'object' || params.nInit === 'auto' ? 1 : params.nInit;
  let best: PushdownRun | undefined;
  for (let run = 1; run <= runs; run++) {
    const initial =
      typeof init === 'object'
        ? asDType(init, stats.dtype, 'init')
        : yield* pushdownParallelInit(
            pushdown,
            stats,
            { k, initSteps: params.initSteps, rng, threads: 1, mixedPrecision: params.mixedPrecision },
            signal,
          );
    const result = yield* pushdownLloydRun(pushdown, stats.rows, initial, {
      k,
      maxIter,
      tol: tol * stats.meanVariance,
      signal,
      onIteration: onProgress
        ? (iteration, inertia, centerShift) => onProgress({ run, iteration, inertia, centerShift })
        : undefined,
    });
    if (!best || result.inertia < best.inertia) best = result;
  }
  if (!best) throw new KMeansError('ERR_KMEANS_INTERNAL', 'no k-means run was made');
  const run = best;
  return {
    algorithm: 'lloyd',
    clusterCenters: { data: run.centers, rows: k, cols: stats.cols },
    labels: new Int32Array(0),
    inertia: run.inertia,
    clusterSizes: run.clusterSizes,
    nIter: run.nIter,
    converged: run.converged,
    history: {
      inertia: Float64Array.from(run.history.inertia),
      centerShift: Float64Array.from(run.history.centerShift),
      labelChanges: Float64Array.from(run.history.labelChanges),
      relocated: Float64Array.from(run.history.relocated),
      distanceEvals: Float64Array.from(run.history.distanceEvals),
    },
  };
}
