/**
 * MiniBatchKMeans on CSR rows: the checks of its input, and fit's and partialFit's plans, those
 * of minibatch_fit.ts step for step with the same draws from the generator: the initial centers
 * as sparse KMeans picks them (the dense seeding's rows, sparse_fit.ts), the steps of
 * sparse_minibatch_step.ts, fitStream's start refined by the sparse Lloyd fit, and the final
 * labels by sparseAssign. X is never laid out densely; the centers are.
 */
import type { FloatArray } from './binding';
import { totalsFor } from './cluster_totals';
import { asDType, dtypeOf } from './matrix';
import type { Matrix } from './matrix';
import { inertiaFor } from './metric';
import {
  type FitOutcome,
  type PartialFitStart,
  fitSteps,
  initRuns,
  initSizeFor,
  outcomeOf,
  streamStartRefinement,
} from './minibatch_fit';
import type { ResolvedMiniBatchKMeansOptions } from './minibatch_options';
import { randomIndices } from './minibatch_sampling';
import { type Progress, newProgress } from './minibatch_step';
import { checkFitShape, requireColumns } from './model_inputs';
import { type Plan, call } from './plan';
import { Random, randomSeed } from './rng';
import { defaultLocalTrials } from './seeding';
import { sparseExplicitInit, sparseTolerance } from './sparse_fit';
import {
  type SparseData,
  canonicalRowsFloat64,
  sparseClusterTotals,
  sparseInputs,
  sparseRequest,
} from './sparse_inputs';
import { sparseGather, sparseStep, sparseSteps } from './sparse_minibatch_step';
import { csrDenseRows } from './sparse_rows';
import { sparsePlusPlus, sparseRandomRows } from './sparse_seeding';
import type { Assignment, FitOptions } from './types';

type Params = Readonly<ResolvedMiniBatchKMeansOptions>;

/**
 * X checked as a CSR matrix with its options. Without `fittedCols` (a first step): at least
 * nClusters rows and an explicit init's width; with it (partialFit going on): that width.
 */
export function sparseMiniBatchInputs(
  X: unknown,
  options: FitOptions,
  method: 'fit' | 'partialFit',
  params: Params,
  fittedCols?: number,
): SparseData {
  const data = sparseInputs(X, options, method, params.threads, params.metric);
  if (fittedCols === undefined) checkFitShape(data.X, params);
  else
    requireColumns({ data: new Float64Array(0), rows: data.X.rows, cols: data.X.cols }, fittedCols, 'MiniBatchKMeans');
  return data;
}

/** fit on CSR rows: fitPlan's draws, initialisations and steps. */
export function* sparseFitPlan(params: Params, data: SparseData): Plan<FitOutcome> {
  const { batchSize, tol, nClusters: k, metric, computeLabels } = params;
  const explicitInit = yield* sparseExplicitInit(params.init, metric, data.threads);
  const n = data.X.rows;
  const batch = Math.min(batchSize, n);
  const rng = new Random(params.seed ?? randomSeed());
  const absoluteTol = tol > 0 ? sparseTolerance(data, tol) : 0;

  // The initialisations compete on one validation sample, as in fitPlan.
  const validation = sparseGather(data, randomIndices(rng, n, initSizeFor(params, n)));
  let best: { centers: FloatArray; inertia: number } | undefined;
  for (let run = 0; run < initRuns(params); run++) {
    const centers = yield* initialCenters(params, data, explicitInit, rng);
    const labels = new Int32Array(validation.X.rows);
    const inertia = yield* call('sparseAssign', { ...sparseRequest(validation), centers, k, labels });
    if (!best || inertia < best.inertia) best = { centers, inertia };
  }
  const progress = newProgress(k, best!.centers, rng);
  const steps = sparseSteps(data);
  yield* fitSteps(params, { n, batch, absoluteTol }, progress, (indices) =>
    sparseStep(params, steps, indices, progress),
  );
  return yield* outcomeOf(
    progress,
    { k, cols: data.X.cols, nIter: Math.ceil((progress.steps * batch) / n) },
    computeLabels ? () => labelsAndInertia(params, data, progress.centers) : undefined,
    inertiaFor(metric, (progress.ewaInertia ?? 0) * n),
  );
}

/** partialFit (and fitStream's batches) on CSR rows: partialFitPlan's step on all of them. */
export function* sparsePartialFitPlan(
  params: Params,
  data: SparseData,
  start: PartialFitStart,
  overrides: { computeLabels?: boolean; initRuns?: number } = {},
): Plan<FitOutcome> {
  const { nClusters: k } = params;
  const computeLabels = overrides.computeLabels ?? params.computeLabels;
  let progress: Progress | undefined = start.progress;
  if (!progress) {
    const explicitInit = yield* sparseExplicitInit(params.init, params.metric, data.threads);
    const rng = new Random(params.seed ?? randomSeed());
    let best: { centers: FloatArray; inertia: number } | undefined;
    for (let run = 0; run < (overrides.initRuns ?? 1); run++) {
      const centers = yield* initialCenters(params, data, explicitInit, rng);
      const inertia = overrides.initRuns ? yield* refine(params, data, centers) : 0;
      if (!best || inertia < best.inertia) best = { centers, inertia };
    }
    progress = newProgress(k, best!.centers, rng);
  }
  const centers = asDType(
    { data: progress.centers, rows: k, cols: data.X.cols },
    dtypeOf(data.X.data),
    'clusterCenters',
  );
  progress.centers = centers.data;
  yield* sparseStep(params, sparseSteps(data), undefined, progress);
  return yield* outcomeOf(
    progress,
    { k, cols: data.X.cols, nIter: start.nIter },
    computeLabels ? () => labelsAndInertia(params, data, progress.centers) : undefined,
    NaN,
  );
}

/**
 * Initial centers from `initSize` random rows (as fitPlan's initialCenters): explicit, or the
 * rows the dense 'random' or 'k-means++' seeding picks, made dense.
 */
function* initialCenters(
  params: Params,
  data: SparseData,
  explicitInit: Matrix | undefined,
  rng: Random,
): Plan<FloatArray> {
  const { nClusters: k } = params;
  if (explicitInit) return asDType(explicitInit, dtypeOf(data.X.data), 'init').data.slice();
  const n = data.X.rows;
  const size = initSizeFor(params, n);
  const subset = size < n ? sparseGather(data, randomIndices(rng, n, size)) : data;
  const { sampleWeight, threads } = subset;
  const rows =
    params.init === 'random'
      ? yield* sparseRandomRows(subset.X.rows, sampleWeight, k, rng, threads)
      : yield* sparsePlusPlus(canonicalRowsFloat64(subset), sampleWeight, k, defaultLocalTrials(k), rng, threads);
  return csrDenseRows(subset.X, rows);
}

/** fitStream's start: the centers refined in place by the sparse Lloyd fit (streamStartRefinement). Returns the inertia. */
function* refine(params: Params, data: SparseData, centers: FloatArray): Plan<number> {
  const result = yield* call('sparseFit', {
    ...sparseRequest(data),
    centers,
    k: params.nClusters,
    labels: new Int32Array(data.X.rows),
    maxIter: streamStartRefinement.maxIter,
    tol: sparseTolerance(data, streamStartRefinement.tol),
    spherical: params.metric === 'cosine',
  });
  return result.inertia;
}

/** The labels of the rows, their inertia, and the clusters' sizes and inertia. */
function* labelsAndInertia(
  params: Params,
  data: SparseData,
  centers: FloatArray,
): Plan<Assignment & { clusterSizes: Float64Array; clusterInertia: Float64Array }> {
  const k = params.nClusters;
  const labels = new Int32Array(data.X.rows);
  const inertia = yield* call('sparseAssign', { ...sparseRequest(data), centers, k, labels });
  const { sizes, inertia: clusterInertia } = totalsFor(params.metric, sparseClusterTotals(data, labels, centers, k));
  return { labels, inertia: inertiaFor(params.metric, inertia), clusterSizes: sizes, clusterInertia };
}
