/**
 * MiniBatchKMeans's fits as plans: the initial centers (scikit-learn's _init_centroids on
 * `initSize` sampled rows, the best of nInit by inertia), fit's loop of random batches until
 * maxIter passes or early stopping, and partialFit's single step. Each returns the fitted
 * state and the progress the next partialFit goes on from; the model stores both.
 */
import type { FloatArray } from './binding';
import { addClusterTotals, emptyTotals, totalsFor } from './cluster_totals';
import type { FittedState } from './estimator';
import { asDType, dataDType } from './matrix';
import { inertiaFor, metricRows } from './metric';
import type { ResolvedMiniBatchKMeansOptions } from './minibatch_options';
import { gather, randomIndices } from './minibatch_sampling';
import { type Progress, converged, mixedFor, newProgress, step } from './minibatch_step';
import { type PreparedData, dataRequest } from './model_inputs';
import { kmeansDefaults } from './options';
import { type Plan, call } from './plan';
import { Random, randomSeed } from './rng';
import { kmeansParallelPlan } from './parallel_init';
import { type SeedingContext, defaultLocalTrials, plusPlusPlan, randomRows } from './seeding';
import { memoryInput } from './source_pass';
import type { Assignment } from './types';

type Params = Readonly<ResolvedMiniBatchKMeansOptions>;

export interface MiniBatchState extends FittedState {
  nSteps: number;
}

/** A fit's outcome: the model's new state, and where the next partialFit goes on from. */
export interface FitOutcome {
  state: MiniBatchState;
  progress: Progress;
}

/**
 * The full-batch Lloyd run that refines each candidate start of fitStream, with KMeans's
 * default maxIter and tol. scikit-learn's init_size documents its initialisation as "a batch
 * KMeans on a random subset of the data" but runs none; a stream is read once, so here the
 * batches could not undo a poor start, and one KMeans fit with its defaults is made on the
 * first rows (tol relative to their mean variance, as KMeans's).
 */
export const streamStartRefinement = { maxIter: kmeansDefaults.maxIter, tol: kmeansDefaults.tol } as const;

/** nInit resolved as scikit-learn's 'auto': 3 for random init, else 1. */
export function initRuns({ nInit, init }: Params): number {
  if (typeof init === 'object') return 1;
  if (nInit === 'auto') return init === 'random' ? 3 : 1;
  return nInit;
}

/** scikit-learn's _init_size: 3 × batch (at least 3 × k), at most n. */
export function initSizeFor({ initSize, batchSize, nClusters: k }: Params, n: number): number {
  let size = initSize ?? 3 * Math.min(batchSize, n);
  if (size < k) size = 3 * k;
  return Math.min(size, n);
}

/** fit: random batches of X until maxIter passes over it, or early stopping. */
export function* fitPlan(params: Params, prepared: PreparedData): Plan<FitOutcome> {
  const { batchSize, tol, nClusters: k, metric, computeLabels } = params;
  const data = { ...prepared, X: yield* metricRows(prepared.X, metric, prepared.threads) };
  const n = data.X.rows;
  const batch = Math.min(batchSize, n);
  const rng = new Random(params.seed ?? randomSeed());
  // tol is relative to the data's variance (a whole pass over X: only when it is used).
  const absoluteTol =
    tol > 0 ? tol * (yield* call('columnStats', { ...dataRequest(data), means: new Float64Array(data.X.cols) })) : 0;

  // The initialisations compete on one validation sample (scikit-learn's X_valid).
  const validation = gather(data, randomIndices(rng, n, initSizeFor(params, n)));
  let best: { centers: FloatArray; inertia: number } | undefined;
  for (let run = 0; run < initRuns(params); run++) {
    const centers = yield* initialCenters(params, data, rng);
    const inertia = yield* call('assign', {
      ...dataRequest(validation),
      centers,
      k,
      labels: new Int32Array(validation.X.rows),
      mixedPrecision: mixedFor(params, data.X),
    });
    if (!best || inertia < best.inertia) best = { centers, inertia };
  }
  const progress = newProgress(k, best!.centers, rng);
  yield* fitSteps(params, { n, batch, absoluteTol }, progress, (indices) => step(params, data, indices, progress));
  return yield* outcomeOf(
    progress,
    { k, cols: data.X.cols, nIter: Math.ceil((progress.steps * batch) / n) },
    computeLabels ? () => labelsAndInertia(params, data, progress.centers) : undefined,
    inertiaFor(metric, (progress.ewaInertia ?? 0) * n),
  );
}

/**
 * fit's steps from the initial centers: `stepOn` takes a batch of `batch` rows drawn from the
 * n with replacement, until maxIter passes over them or early stopping (tol: absolute).
 */
export function* fitSteps(
  params: Params,
  { n, batch, absoluteTol }: { n: number; batch: number; absoluteTol: number },
  progress: Progress,
  stepOn: (indices: Int32Array) => Plan<number>,
): Plan<void> {
  const nSteps = Math.floor((params.maxIter * n) / batch);
  const indices = new Int32Array(batch);
  for (let i = 0; i < nSteps; i++) {
    for (let r = 0; r < batch; r++) indices[r] = progress.rng.nextInt(n);
    const previous = absoluteTol > 0 ? progress.centers.slice() : undefined;
    const batchInertia = yield* stepOn(indices);
    const shift = previous ? squaredDistance(previous, progress.centers) : 0;
    const context = { step: i, n, batch, shift, tol: absoluteTol };
    if (converged(params.maxNoImprovement, progress, context, batchInertia)) break;
  }
}

/** Where a partialFit starts: the progress so far (none on the first step) and the model's nIter. */
export interface PartialFitStart {
  progress: Progress | undefined;
  nIter: number;
}

/**
 * One step on all the rows as the batch. initRuns: initialisations to choose from (by inertia
 * on the rows, after refining) when this is the first step; computeLabels overrides the option.
 */
export function* partialFitPlan(
  params: Params,
  prepared: PreparedData,
  start: PartialFitStart,
  overrides: { computeLabels?: boolean; initRuns?: number } = {},
): Plan<FitOutcome> {
  const { nClusters: k, metric } = params;
  const computeLabels = overrides.computeLabels ?? params.computeLabels;
  const data = { ...prepared, X: yield* metricRows(prepared.X, metric, prepared.threads) };
  let progress = start.progress;
  if (!progress) {
    const rng = new Random(params.seed ?? randomSeed());
    let best: { centers: FloatArray; inertia: number } | undefined;
    for (let run = 0; run < (overrides.initRuns ?? 1); run++) {
      const centers = yield* initialCenters(params, data, rng);
      const inertia = overrides.initRuns ? yield* refine(params, data, centers) : 0;
      if (!best || inertia < best.inertia) best = { centers, inertia };
    }
    progress = newProgress(k, best!.centers, rng);
  }
  const centers = asDType({ data: progress.centers, rows: k, cols: data.X.cols }, dataDType(data.X), 'clusterCenters');
  progress.centers = centers.data;
  yield* step(params, data, undefined, progress);
  return yield* outcomeOf(
    progress,
    { k, cols: data.X.cols, nIter: start.nIter },
    computeLabels ? () => labelsAndInertia(params, data, progress.centers) : undefined,
    NaN,
  );
}

/**
 * A fit's outcome from its progress: the final centers, with the labels and inertia `label`
 * computes where labels are wanted, else no labels and `inertia` (a running estimate, or NaN).
 */
export function* outcomeOf(
  progress: Progress,
  shape: { k: number; cols: number; nIter: number },
  label: (() => Plan<Assignment & { clusterSizes: Float64Array; clusterInertia: Float64Array }>) | undefined,
  inertia: number,
): Plan<FitOutcome> {
  const assignment = label ? yield* label() : { labels: new Int32Array(0), inertia };
  const state = {
    clusterCenters: { data: progress.centers, rows: shape.k, cols: shape.cols },
    ...assignment,
    nIter: shape.nIter,
    nSteps: progress.steps,
  };
  return { state, progress };
}

/** Initial centers from `initSize` random rows of X (scikit-learn's _init_centroids). */
function* initialCenters(params: Params, data: PreparedData, rng: Random): Plan<FloatArray> {
  const { init, nClusters: k } = params;
  const { X } = data;
  if (typeof init === 'object') {
    const centers = yield* metricRows(init, params.metric, data.threads, 'init');
    return asDType(centers, dataDType(X), 'init').data.slice();
  }
  const size = initSizeFor(params, X.rows);
  const subset = size < X.rows ? gather(data, randomIndices(rng, X.rows, size)) : data;
  if (init === 'k-means||') {
    const { initSteps, mixedPrecision } = params;
    return (yield* kmeansParallelPlan(memoryInput(subset), {
      k,
      initSteps,
      rng,
      threads: data.threads,
      mixedPrecision,
    })).data;
  }
  const means = new Float64Array(X.cols);
  yield* call('columnStats', { ...dataRequest(subset), means });
  const context: SeedingContext = {
    X: subset.X,
    k,
    sampleWeight: subset.sampleWeight,
    rng,
    threads: data.threads,
    means,
  };
  if (init === 'random') return (yield* randomRows(context)).centers.data;
  return (yield* plusPlusPlan(context, defaultLocalTrials(k))).centers.data;
}

/** fitStream's start: the centers refined in place as streamStartRefinement says. Returns the inertia. */
function* refine(params: Params, data: PreparedData, centers: FloatArray): Plan<number> {
  const meanVariance = yield* call('columnStats', { ...dataRequest(data), means: new Float64Array(data.X.cols) });
  const result = yield* call('fit', {
    ...dataRequest(data),
    centers,
    k: params.nClusters,
    labels: new Int32Array(data.X.rows),
    maxIter: streamStartRefinement.maxIter,
    tol: streamStartRefinement.tol * meanVariance,
    algorithm: 'lloyd',
    mixedPrecision: mixedFor(params, data.X),
    spherical: params.metric === 'cosine',
  });
  return result.inertia;
}

/** The labels of the rows, their inertia, and the clusters' sizes and inertia (clusterSizes, clusterInertia). */
function* labelsAndInertia(
  params: Params,
  data: PreparedData,
  centers: FloatArray,
): Plan<Assignment & { clusterSizes: Float64Array; clusterInertia: Float64Array }> {
  const labels = new Int32Array(data.X.rows);
  const inertia = yield* call('assign', {
    ...dataRequest(data),
    centers,
    k: params.nClusters,
    labels,
    mixedPrecision: mixedFor(params, data.X),
  });
  const totals = emptyTotals(params.nClusters);
  addClusterTotals(totals, data.X, data.sampleWeight, labels, centers);
  const { sizes, inertia: clusterInertia } = totalsFor(params.metric, totals);
  return { labels, inertia: inertiaFor(params.metric, inertia), clusterSizes: sizes, clusterInertia };
}

function squaredDistance(a: FloatArray, b: FloatArray): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return sum;
}
