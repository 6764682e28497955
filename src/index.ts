/**
 * kmeans-native: k-means clustering on a native C++17/OpenMP core, with scikit-learn's API
 * in camelCase.
 */
import type { AlgorithmName } from './algorithms';
import { native } from './binding';
import { defaultThreads } from './cpu_quota';

export { KMeans } from './kmeans';
export type { FitOptions, IterationHistory, SampleWeight } from './types';
export { MiniBatchKMeans } from './minibatch';
export type { MiniBatchKMeansOptions, ResolvedMiniBatchKMeansOptions } from './minibatch_options';
export { BisectingKMeans } from './bisecting';
export type {
  BisectingInit,
  BisectingKMeansOptions,
  BisectingStrategy,
  ResolvedBisectingKMeansOptions,
} from './bisecting_options';
export type { BisectingNode } from './bisecting_tree';
export type { Metric } from './metric';
export type { ModelJSON } from './model_file';
export type { AsyncFitOptions, FitProgress } from './types';
export { AbortError } from './plan';
export { asyncThreadLimit, setAsyncThreadLimit } from './thread_budget';
export { kmeansPlusPlus, kmeansPlusPlusAsync } from './kmeans_plus_plus';
export type { KMeansPlusPlusOptions } from './kmeans_plus_plus';
export type { Seeding } from './seeding';
export { KMeansError } from './errors';
export type { KMeansWarning, KMeansWarningCode } from './warnings';
export { chunkSource } from './source';
export type {
  DataSource,
  Pushdown,
  PushdownPass,
  PushdownRows,
  PushdownSource,
  PushdownStats,
  SampleRound,
  SourceChunk,
  WeightedChunk,
} from './source';
export type { SourceFitOptions } from './source_fit';
export type { KMeansErrorCode, KMeansErrorDetails } from './errors';
export { meanVariance } from './mean_variance';
export type { DType, Matrix, MatrixLike } from './matrix';
export type { CsrMatrix } from './csr';
export type { Algorithm, AlgorithmName } from './algorithms';
export type { InitMethod, KMeansOptions, ResolvedKMeansOptions } from './options';
/** scipy.cluster.vq's functions, also importable from 'kmeans-native/vq'. */
export * as vq from './vq';
/** Clustering quality and label-agreement scores (scikit-learn's sklearn.metrics), also importable from 'kmeans-native/metrics'. */
export * as metrics from './metrics';

/**
 * How the native core was built, what it runs on this CPU, and the algorithms it has:
 * `maxThreads` is what OpenMP offers, `defaultThreads` the threads a call uses when it does not
 * say (the CPUs available, within a container's CPU quota; cpu_quota.ts).
 */
export function info(): {
  simd: string;
  openmp: boolean;
  maxThreads: number;
  defaultThreads: number;
  algorithms: AlgorithmName[];
} {
  return { ...native().info(), defaultThreads: defaultThreads() };
}
export { chooseK, chooseKAsync } from './choose_k';
export type {
  ChooseKAsyncOptions,
  ChooseKCriterion,
  ChooseKOptions,
  ChooseKProgress,
  ChooseKResult,
  ChooseKRow,
} from './choose_k';
