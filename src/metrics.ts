/**
 * Clustering quality scores, with scikit-learn 1.2's definitions (sklearn.metrics) in camelCase.
 * Also the main entry's `metrics` namespace.
 */
export type { Labels } from './metrics/labels';
export { contingencyMatrix } from './metrics/contingency';
export { silhouetteSamples, silhouetteSamplesAsync, silhouetteScore, silhouetteScoreAsync } from './metrics/silhouette';
export type {
  MetricAsyncOptions,
  SilhouetteMetric,
  SilhouetteSamplesOptions,
  SilhouetteScoreOptions,
} from './metrics/silhouette';
export { calinskiHarabaszScore, daviesBouldinScore } from './metrics/dispersion';
