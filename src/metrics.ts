/**
 * Clustering quality scores, with scikit-learn 1.2's definitions (sklearn.metrics) in camelCase.
 * Also the main entry's `metrics` namespace.
 */
export type { Labels } from './metrics/labels';
export { contingencyMatrix } from './metrics/contingency';
export { adjustedRandScore, fowlkesMallowsScore, randScore } from './metrics/pair_counting';
export {
  adjustedMutualInfoScore,
  mutualInfoScore,
  normalizedMutualInfoScore,
  type AverageMethod,
  type MutualInfoOptions,
} from './metrics/information';
export {
  completenessScore,
  homogeneityCompletenessVMeasure,
  homogeneityScore,
  vMeasureScore,
  type HomogeneityCompletenessVMeasure,
  type VMeasureOptions,
} from './metrics/v_measure';
export { silhouetteSamples, silhouetteSamplesAsync, silhouetteScore, silhouetteScoreAsync } from './metrics/silhouette';
export type {
  MetricAsyncOptions,
  SilhouetteMetric,
  SilhouetteSamplesOptions,
  SilhouetteScoreOptions,
} from './metrics/silhouette';
export { calinskiHarabaszScore, daviesBouldinScore } from './metrics/dispersion';
