/**
 * BisectingKMeans options: defaults (scikit-learn's), type checks and the resolved object, in
 * the stages of options.ts. The check that needs the data (nClusters <= samples of positive
 * weight) runs at fit time (bisecting_fit.ts).
 */
import { type Algorithm, isAlgorithm, listAlgorithms } from './algorithms';
import { invalidOption } from './errors';
import { type Metric, checkMetric } from './metric';
import {
  checkInteger,
  checkMixedPrecision,
  checkSeed,
  checkThreads,
  dropUndefined,
  invalidOptionsObject,
  rejectUnknownKeys,
} from './options';

export type BisectingInit = 'random' | 'k-means++';
export type BisectingStrategy = 'biggest_inertia' | 'largest_cluster';

export interface BisectingKMeansOptions {
  /** Number of leaf clusters k, reached by k − 1 bisections. Default 8. */
  nClusters?: number;
  /** How each bisection's two initial centers are chosen: 'random' (default) or 'k-means++'. */
  init?: BisectingInit;
  /** 2-means runs per bisection; the one with the lowest inertia wins. Default 1. */
  nInit?: number;
  /** Maximum iterations of each 2-means run. Default 300. */
  maxIter?: number;
  /**
   * A 2-means run stops when the sum of the squared shifts of its two centers is <= tol, or
   * when no label changes. As in scikit-learn's BisectingKMeans, tol is absolute (KMeans scales
   * it by the data's variance). Default 1e-4.
   */
  tol?: number;
  /** Seed of the random generator (an integer 0 <= seed < 2^53). Default: a fresh random seed. */
  seed?: number;
  /** The algorithm of the 2-means runs, as KMeans's `algorithm`; all give the same result. Default 'lloyd'. */
  algorithm?: Algorithm;
  /**
   * Which leaf is split next: 'biggest_inertia' (default), the leaf with the largest weighted
   * sum of squared distances to its center; 'largest_cluster', the leaf with the most samples
   * (counted, not weighed, as scikit-learn). Ties go to the leftmost leaf.
   */
  bisectingStrategy?: BisectingStrategy;
  /** Threads for the native work. Default: the CPUs available (cores, within a container's CPU quota). Results do not depend on it. */
  threads?: number;
  /** As KMeans's: float32 distances with exact re-checks for float64 data, same results. Default 'auto'. */
  mixedPrecision?: boolean | 'auto';
  /** 'euclidean' (default), or 'cosine': every bisection is a spherical 2-means on unit rows. */
  metric?: Metric;
}

export interface ResolvedBisectingKMeansOptions {
  nClusters: number;
  init: BisectingInit;
  nInit: number;
  maxIter: number;
  tol: number;
  seed: number | undefined;
  algorithm: Algorithm;
  bisectingStrategy: BisectingStrategy;
  threads: number | undefined;
  mixedPrecision: boolean | 'auto';
  metric: Metric;
}

export const bisectingDefaults = {
  nClusters: 8,
  init: 'random',
  nInit: 1,
  maxIter: 300,
  tol: 1e-4,
  seed: undefined,
  algorithm: 'lloyd',
  bisectingStrategy: 'biggest_inertia',
  threads: undefined,
  mixedPrecision: 'auto',
  metric: 'euclidean',
} as const satisfies Record<keyof BisectingKMeansOptions, unknown>;

export function resolveBisectingOptions(options: BisectingKMeansOptions): ResolvedBisectingKMeansOptions {
  invalidOptionsObject(options, 'BisectingKMeans options');
  rejectUnknownKeys(options, Object.keys(bisectingDefaults), 'BisectingKMeans');
  const merged = { ...bisectingDefaults, ...dropUndefined(options) };
  const { init, bisectingStrategy, algorithm, tol } = merged;
  if (init !== 'random' && init !== 'k-means++') throw invalidOption('init', '"random" or "k-means++"', init);
  if (bisectingStrategy !== 'biggest_inertia' && bisectingStrategy !== 'largest_cluster') {
    throw invalidOption('bisectingStrategy', '"biggest_inertia" or "largest_cluster"', bisectingStrategy);
  }
  if (typeof tol !== 'number' || !Number.isFinite(tol) || tol < 0)
    throw invalidOption('tol', 'a finite number >= 0', tol);
  if (!isAlgorithm(algorithm)) throw invalidOption('algorithm', listAlgorithms(['auto']), algorithm);
  return {
    nClusters: checkInteger('nClusters', merged.nClusters, 1),
    init,
    nInit: checkInteger('nInit', merged.nInit, 1),
    maxIter: checkInteger('maxIter', merged.maxIter, 1),
    tol,
    seed: checkSeed(merged.seed),
    algorithm,
    bisectingStrategy,
    threads: checkThreads(merged.threads),
    mixedPrecision: checkMixedPrecision(merged.mixedPrecision),
    metric: checkMetric(merged.metric),
  };
}
