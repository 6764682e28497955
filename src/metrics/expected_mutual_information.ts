/**
 * The expected mutual information of two labellings with given cluster sizes, over all
 * labellings with those sizes (the hypergeometric model of Vinh, Epps and Bailey, 2010):
 * what the adjusted mutual information subtracts.
 */
import { CompensatedSum } from './compensated_sum';
import { hypergeometricLogPmf } from './hypergeometric';

/** The distinct values of `sizes`, each with how often it occurs. */
function distinctSizes(sizes: Float64Array): { values: number[]; multiplicities: number[] } {
  const counts = new Map<number, number>();
  for (const size of sizes) counts.set(size, (counts.get(size) ?? 0) + 1);
  const values = [...counts.keys()].sort((a, b) => a - b);
  return { values, multiplicities: values.map((value) => counts.get(value)!) };
}

/**
 * The expected contribution of a class of size a and a cluster of size b to the mutual
 * information: the sum over the possible counts of their cell (as scikit-learn's) of
 * (nij / n) ln(n nij / (a b)) times the probability of that count.
 */
function pairTerm(a: number, b: number, n: number): number {
  const logProbability = hypergeometricLogPmf(n, a, b);
  const sum = new CompensatedSum();
  for (let nij = Math.max(a + b - n, 1); nij <= Math.min(a, b); nij++) {
    // n·nij and a·b are exact integers (below 2⁵³ for n < 9·10⁷): one rounding before the log.
    sum.add((nij / n) * Math.log((n * nij) / (a * b)) * Math.exp(logProbability(nij)));
  }
  return sum.value;
}

/**
 * E[MI] for classes of sizes `rowSums` and clusters of sizes `colSums` over `n` samples. A
 * pair's term depends only on the two sizes, and there are at most √(2n) distinct sizes on each
 * side, so each pair of distinct sizes is summed once and weighted by how many pairs share it.
 */
export function expectedMutualInformation(rowSums: Float64Array, colSums: Float64Array, n: number): number {
  // A labelling with a single cluster has zero entropy: every labelling shares nothing with it.
  if (rowSums.length === 1 || colSums.length === 1) return 0;
  const rows = distinctSizes(rowSums);
  const cols = distinctSizes(colSums);
  const emi = new CompensatedSum();
  rows.values.forEach((a, i) => {
    cols.values.forEach((b, j) => {
      emi.add(rows.multiplicities[i]! * cols.multiplicities[j]! * pairTerm(a, b, n));
    });
  });
  return emi.value;
}
