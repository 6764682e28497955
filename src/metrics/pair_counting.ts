/**
 * The scores that count pairs of samples: the Rand index, its adjustment for chance and the
 * Fowlkes–Mallows index. Pairs are counted from the non-zero cells of the contingency table,
 * as sums of squares that stay below n² (exact in doubles for n up to 9·10⁷).
 */
import type { Labels } from './labels';
import { type SparseContingency, sparseContingency } from './sparse_contingency';

/** scikit-learn's pair confusion matrix: ordered pairs of distinct samples, so each pair twice. */
interface PairCounts {
  /** Pairs in different classes and different clusters. */
  readonly bothApart: number;
  /** Pairs in different classes but the same cluster. */
  readonly onlyPredTogether: number;
  /** Pairs in the same class but different clusters. */
  readonly onlyTrueTogether: number;
  /** Pairs in the same class and the same cluster. */
  readonly bothTogether: number;
}

function sumOfSquares(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value * value;
  return sum;
}

function pairCounts(table: SparseContingency): PairCounts {
  const { n } = table;
  const cells = sumOfSquares(table.counts);
  const onlyPredTogether = sumOfSquares(table.colSums) - cells;
  const onlyTrueTogether = sumOfSquares(table.rowSums) - cells;
  return {
    bothApart: n * n - onlyPredTogether - onlyTrueTogether - cells,
    onlyPredTogether,
    onlyTrueTogether,
    bothTogether: cells - n,
  };
}

/** The Rand index: the share of pairs of samples on which the two labellings agree. */
export function randScore(labelsTrue: Labels, labelsPred: Labels): number {
  const table = sparseContingency(labelsTrue, labelsPred);
  const pairs = pairCounts(table);
  const agreeing = pairs.bothApart + pairs.bothTogether;
  const all = table.n * (table.n - 1);
  // No pair to disagree on (fewer than two samples), or agreement on every pair.
  return agreeing === all || all === 0 ? 1 : agreeing / all;
}

/**
 * The Rand index adjusted for chance: 1 for identical partitions, about 0 for independent
 * ones, negative for worse than chance.
 *
 * @example
 * ```ts
 * import { adjustedRandScore } from 'kmeans-native/metrics';
 *
 * adjustedRandScore([0, 0, 1, 1], [1, 1, 0, 0]); // 1: the same partition, names aside
 * adjustedRandScore([0, 0, 1, 2], [0, 0, 1, 1]); // 0.5714285714285714
 * ```
 */
export function adjustedRandScore(labelsTrue: Labels, labelsPred: Labels): number {
  const pairs = pairCounts(sparseContingency(labelsTrue, labelsPred));
  if (pairs.onlyPredTogether === 0 && pairs.onlyTrueTogether === 0) return 1;
  // The products reach n⁴: exact in BigInt, then rounded once each, as scikit-learn does.
  const tn = BigInt(pairs.bothApart);
  const fp = BigInt(pairs.onlyPredTogether);
  const fn = BigInt(pairs.onlyTrueTogether);
  const tp = BigInt(pairs.bothTogether);
  const numerator = tp * tn - fn * fp;
  const denominator = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
  return (2 * Number(numerator)) / Number(denominator);
}

/**
 * The Fowlkes–Mallows index: the geometric mean of the pairwise precision and recall (0 when
 * no pair of samples shares both a class and a cluster).
 */
export function fowlkesMallowsScore(labelsTrue: Labels, labelsPred: Labels): number {
  const table = sparseContingency(labelsTrue, labelsPred);
  const { n } = table;
  const together = sumOfSquares(table.counts) - n;
  if (together === 0) return 0;
  const predTogether = sumOfSquares(table.colSums) - n;
  const trueTogether = sumOfSquares(table.rowSums) - n;
  return Math.sqrt(together / predTogether) * Math.sqrt(together / trueTogether);
}
