/**
 * The labels of a clustering scored on its own (the silhouette, Calinski–Harabasz and
 * Davies–Bouldin scores): one per row of X, with between 2 and n − 1 distinct clusters, the range
 * where scikit-learn's check_number_of_labels lets these scores be defined.
 */
import { KMeansError } from '../errors';
import { type EncodedLabels, encodeLabels } from './labels';

/** Encodes `labels` (one per row) and checks that they form 2 to rows − 1 clusters. */
export function clusterLabels(labels: unknown, rows: number): EncodedLabels {
  const encoded = encodeLabels(labels, 'labels', rows);
  requireClusterCount(encoded.classes.length, rows);
  return encoded;
}

/**
 * Throws ERR_KMEANS_INVALID_LABELS unless 2 <= clusters <= samples − 1. `among` names the samples
 * when they are not all the rows (the rows drawn for sampleSize).
 */
export function requireClusterCount(clusters: number, samples: number, among = ''): void {
  if (clusters >= 2 && clusters <= samples - 1) return;
  throw new KMeansError(
    'ERR_KMEANS_INVALID_LABELS',
    `labels hold ${clusters} distinct value${clusters === 1 ? '' : 's'} over ${samples} samples${among}: ` +
      `the score is defined for 2 to n_samples - 1 (${samples - 1}) clusters`,
    { details: { argument: 'labels', actual: clusters } },
  );
}
