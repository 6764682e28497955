/**
 * MiniBatchKMeans options, resolved in the same stages as KMeans's (options.ts), with
 * scikit-learn's MiniBatchKMeans defaults.
 */
import { invalidOption } from './errors';
import type { Matrix, MatrixLike } from './matrix';
import { type Metric, checkMetric } from './metric';
import {
  type InitMethod,
  checkInitSteps,
  checkInteger,
  checkMixedPrecision,
  checkOption,
  checkSeed,
  checkThreads,
  dropUndefined,
  invalidOptionsObject,
  rejectUnknownKeys,
  resolveInit,
  warnExplicitInitRuns,
} from './options';
import { type WarningSink, emitKMeansWarning } from './warnings';

export interface MiniBatchKMeansOptions {
  /** Number of clusters k. Default 8, or the number of rows of an explicit `init`. */
  nClusters?: number;
  /** 'k-means++' (default), 'k-means||', 'random', or an explicit k×d matrix of centers (as KMeans). */
  init?: InitMethod | MatrixLike;
  /** 'k-means||' only: rounds of candidate sampling, as KMeans. Default 2. */
  initSteps?: number;
  /**
   * Initialisations tried; the one with the lowest inertia on a validation sample of
   * `initSize` rows wins. 'auto' (default): 1 for 'k-means++' or explicit centers, 3 for
   * 'random' (scikit-learn's 'auto').
   */
  nInit?: 'auto' | number;
  /** Rows per mini-batch. Default 1024. */
  batchSize?: number;
  /** Maximum passes over the data: fit runs at most maxIter·n / batchSize steps. Default 100. */
  maxIter?: number;
  /**
   * Stop when the smoothed batch inertia has not improved for this many consecutive steps;
   * null turns this off. Default 10.
   */
  maxNoImprovement?: number | null;
  /**
   * Stop when the squared change of the centers in a step is <= tol × (mean variance of the
   * features). Default 0: off, as scikit-learn.
   */
  tol?: number;
  /**
   * Clusters whose total weight falls below this fraction of the largest cluster's are given a
   * random batch row as their new center (now and then: see the README). Default 0.01.
   */
  reassignmentRatio?: number;
  /**
   * Rows sampled to choose the initial centers (at most n). Default 3 × batchSize (at least
   * 3 × k); a value below nClusters becomes 3 × nClusters, with a warning (KMEANS_INIT_SIZE_ADJUSTED).
   */
  initSize?: number | null;
  /** Whether fit and partialFit compute the labels and inertia of all their rows. Default true. */
  computeLabels?: boolean;
  /** Seed of the random generator (as KMeans). */
  seed?: number;
  /** Threads for the native work. Default: the CPUs available (cores, within a container's CPU quota). */
  threads?: number;
  /** As KMeans: float32 distances with exact re-checks for float64 data. */
  mixedPrecision?: boolean | 'auto';
  /** 'euclidean' (default) or 'cosine' (spherical k-means), as KMeans. */
  metric?: Metric;
}

export interface ResolvedMiniBatchKMeansOptions {
  nClusters: number;
  init: InitMethod | Matrix;
  initSteps: number;
  nInit: 'auto' | number;
  batchSize: number;
  maxIter: number;
  maxNoImprovement: number | null;
  tol: number;
  reassignmentRatio: number;
  initSize: number | null;
  computeLabels: boolean;
  seed: number | undefined;
  threads: number | undefined;
  mixedPrecision: boolean | 'auto';
  metric: Metric;
}

export const miniBatchDefaults = {
  nClusters: 8,
  init: 'k-means++',
  initSteps: 2,
  nInit: 'auto',
  batchSize: 1024,
  maxIter: 100,
  maxNoImprovement: 10,
  tol: 0,
  reassignmentRatio: 0.01,
  initSize: null,
  computeLabels: true,
  seed: undefined,
  threads: undefined,
  mixedPrecision: 'auto',
  metric: 'euclidean',
} as const satisfies Record<keyof MiniBatchKMeansOptions, unknown>;

/** `sink` hears of the options' warnings (the model keeps them). */
export function resolveMiniBatchOptions(
  options: MiniBatchKMeansOptions,
  sink?: WarningSink,
): ResolvedMiniBatchKMeansOptions {
  invalidOptionsObject(options, 'MiniBatchKMeans options');
  rejectUnknownKeys(options, Object.keys(miniBatchDefaults), 'MiniBatchKMeans');
  const merged = { ...miniBatchDefaults, ...dropUndefined(options) };
  const { init, nClusters } = resolveInit(merged.init, merged.nClusters, options.nClusters !== undefined);
  const nInit =
    merged.nInit === 'auto'
      ? 'auto'
      : checkOption(() => checkInteger('nInit', merged.nInit, 1), '"auto" or an integer >= 1', 'nInit', merged.nInit);
  const maxNoImprovement =
    merged.maxNoImprovement === null ? null : checkInteger('maxNoImprovement', merged.maxNoImprovement, 1);
  const initSize = merged.initSize === null ? null : checkInteger('initSize', merged.initSize, 1);
  if (typeof merged.computeLabels !== 'boolean')
    throw invalidOption('computeLabels', 'true or false', merged.computeLabels);
  warnExplicitInitRuns(init, nInit, sink);
  if (initSize !== null && initSize < nClusters) {
    // initSizeFor (minibatch_fit.ts) makes the change, as scikit-learn's _check_params_vs_input.
    emitKMeansWarning(
      `initSize=${initSize} should be larger than nClusters=${nClusters}. Setting it to min(3 * nClusters, number of samples)`,
      'KMEANS_INIT_SIZE_ADJUSTED',
      'RuntimeWarning',
      sink,
    );
  }
  return {
    nClusters,
    init,
    initSteps: checkInitSteps(merged.initSteps),
    nInit,
    batchSize: checkInteger('batchSize', merged.batchSize, 1),
    maxIter: checkInteger('maxIter', merged.maxIter, 1),
    maxNoImprovement,
    tol: checkNonNegative('tol', merged.tol),
    reassignmentRatio: checkNonNegative('reassignmentRatio', merged.reassignmentRatio),
    initSize,
    computeLabels: merged.computeLabels,
    seed: checkSeed(merged.seed),
    threads: checkThreads(merged.threads),
    mixedPrecision: checkMixedPrecision(merged.mixedPrecision),
    metric: checkMetric(merged.metric),
  };
}

function checkNonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidOption(name, 'a finite number >= 0', value);
  }
  return value;
}
