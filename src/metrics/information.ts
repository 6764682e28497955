/**
 * The scores built on the mutual information of two labellings: the mutual information itself,
 * normalised by the labellings' entropies, and adjusted for chance.
 */
import { KMeansError, invalidOption } from '../errors';
import { invalidOptionsObject, rejectUnknownKeys } from '../options';
import { CompensatedSum } from './compensated_sum';
import { expectedMutualInformation } from './expected_mutual_information';
import type { Labels } from './labels';
import { type SparseContingency, sparseContingency } from './sparse_contingency';

/** How two entropies are averaged into the normaliser of NMI and AMI. */
export type AverageMethod = 'min' | 'geometric' | 'arithmetic' | 'max';

export interface MutualInfoOptions {
  /** How the two entropies are averaged: 'min', 'geometric', 'arithmetic' (default) or 'max'. */
  averageMethod?: AverageMethod;
}

const averageMethods: readonly string[] = ['min', 'geometric', 'arithmetic', 'max'];

function resolveAverageMethod(options: unknown, fn: string): AverageMethod {
  invalidOptionsObject(options, `${fn} options`);
  rejectUnknownKeys(options as object, ['averageMethod'], fn);
  const { averageMethod: method = 'arithmetic' } = options as MutualInfoOptions;
  if (!averageMethods.includes(method)) {
    throw invalidOption('averageMethod', '"min", "geometric", "arithmetic" or "max"', method);
  }
  return method;
}

function generalizedAverage(u: number, v: number, method: AverageMethod): number {
  if (method === 'min') return Math.min(u, v);
  if (method === 'geometric') return Math.sqrt(u * v);
  if (method === 'max') return Math.max(u, v);
  return (u + v) / 2;
}

/** The entropy (in nats) of a labelling with these cluster sizes; 1 when there are none, as scikit-learn. */
export function entropy(sizes: Float64Array): number {
  if (sizes.length === 0) return 1;
  if (sizes.length === 1) return 0;
  let total = 0;
  for (const size of sizes) total += size;
  const logTotal = Math.log(total);
  const sum = new CompensatedSum();
  for (const size of sizes) sum.add((size / total) * (Math.log(size) - logTotal));
  return -sum.value;
}

/** The mutual information (in nats) of the table's two labellings, over its non-zero cells. */
export function mutualInformation(table: SparseContingency): number {
  const { n, rowSums, colSums, rows, cols, counts } = table;
  // A labelling with a single cluster has zero entropy, so shares no information.
  if (rowSums.length === 1 || colSums.length === 1) return 0;
  const logN = Math.log(n);
  const sum = new CompensatedSum();
  for (let cell = 0; cell < counts.length; cell++) {
    const count = counts[cell]!;
    const share = count / n;
    const logOuter = -Math.log(rowSums[rows[cell]!]! * colSums[cols[cell]!]!) + logN + logN;
    const term = share * (Math.log(count) - logN) + share * logOuter;
    // Terms smaller than the machine epsilon are rounding noise; scikit-learn drops them too.
    if (Math.abs(term) >= Number.EPSILON) sum.add(term);
  }
  return Math.max(sum.value, 0);
}

/** True when neither labelling splits the data (both one cluster, or no samples): a perfect match. */
function neitherSplits(table: SparseContingency): boolean {
  return table.rowSums.length === table.colSums.length && table.rowSums.length <= 1;
}

/** The mutual information of two labellings, in nats. */
export function mutualInfoScore(labelsTrue: Labels, labelsPred: Labels): number {
  const table = sparseContingency(labelsTrue, labelsPred);
  // scikit-learn raises here too (it takes the logarithm of zero samples).
  if (table.n === 0) {
    throw new KMeansError('ERR_KMEANS_INVALID_LABELS', 'mutualInfoScore needs at least one sample (got none)', {
      details: { argument: 'labelsTrue', actual: 0 },
    });
  }
  return mutualInformation(table);
}

/** The mutual information scaled to [0, 1] by an average of the two labellings' entropies. */
export function normalizedMutualInfoScore(
  labelsTrue: Labels,
  labelsPred: Labels,
  options: MutualInfoOptions = {},
): number {
  const method = resolveAverageMethod(options, 'normalizedMutualInfoScore');
  const table = sparseContingency(labelsTrue, labelsPred);
  if (neitherSplits(table)) return 1;
  const mi = mutualInformation(table);
  // Not a perfect match (handled above), so no information shared means a score of 0.
  if (mi === 0) return 0;
  return mi / generalizedAverage(entropy(table.rowSums), entropy(table.colSums), method);
}

/**
 * The mutual information adjusted for chance: 1 for identical partitions, about 0 for
 * independent ones (its expectation under random labellings of the same sizes is 0).
 */
export function adjustedMutualInfoScore(
  labelsTrue: Labels,
  labelsPred: Labels,
  options: MutualInfoOptions = {},
): number {
  const method = resolveAverageMethod(options, 'adjustedMutualInfoScore');
  const table = sparseContingency(labelsTrue, labelsPred);
  if (neitherSplits(table)) return 1;
  const classes = table.rowSums.length;
  const clusters = table.colSums.length;
  // One cluster on one side: no information shared, and none expected.
  if (classes === 1 || clusters === 1) return 0;
  // All singletons on one side: every labelling with these sizes shares the same information
  // (the other's entropy), so MI = EMI and the score is 0 over a positive normaliser, or 0/0
  // where the normaliser is that entropy too. There it is 1, the value for any labelling that
  // refines the other (MI equal to the normaliser), which scikit-learn returns up to rounding.
  if (classes === table.n || clusters === table.n) return method === 'min' || classes === clusters ? 1 : 0;
  const mi = mutualInformation(table);
  const emi = expectedMutualInformation(table.rowSums, table.colSums, table.n);
  const normalizer = generalizedAverage(entropy(table.rowSums), entropy(table.colSums), method);
  // The normaliser is at least the expectation, but rounding may put it a hair below; keep the
  // sign and avoid 0/0 for a perfect match.
  const gap = normalizer - emi;
  const denominator = gap < 0 ? Math.min(gap, -Number.EPSILON) : Math.max(gap, Number.EPSILON);
  return (mi - emi) / denominator;
}
