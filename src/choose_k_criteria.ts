/**
 * How chooseK turns its table of scores into a recommended k for each criterion: the best
 * silhouette and Calinski–Harabasz (highest) and Davies–Bouldin (lowest), the elbow of the
 * inertia curve by the kneedle method, and Tibshirani's rule for the gap statistic.
 */
import type { DataMatrix } from './matrix';
import { valueAt } from './matrix';
import type { Random } from './rng';

/** The k whose score is highest (`sign` 1) or lowest (`sign` −1); the smallest such k on a tie. */
export function bestK(ks: readonly number[], scores: readonly (number | null)[], sign: 1 | -1): number | null {
  let best: number | null = null;
  let bestScore = -Infinity;
  scores.forEach((score, i) => {
    if (score === null || !Number.isFinite(score)) return;
    if (sign * score > bestScore) {
      bestScore = sign * score;
      best = ks[i]!;
    }
  });
  return best;
}

/**
 * The elbow of a decreasing curve by kneedle (Satopää et al., 2011): both axes scaled to [0, 1],
 * the knee is the point furthest below the straight line from the first point to the last
 * (the maximum of kneedle's difference curve). None for fewer than three points, or a curve
 * that never falls below that line by more than rounding (no bend to find).
 */
export function kneedleElbow(ks: readonly number[], values: readonly number[]): number | null {
  if (ks.length < 3) return null;
  const first = ks[0]!;
  const span = ks[ks.length - 1]! - first;
  const high = Math.max(...values);
  const low = Math.min(...values);
  if (!(high > low)) return null;
  let best: number | null = null;
  let bestDifference = 0;
  values.forEach((value, i) => {
    const x = (ks[i]! - first) / span;
    const y = (value - low) / (high - low);
    const difference = 1 - x - y;
    if (difference > bestDifference + 1e-12) {
      bestDifference = difference;
      best = ks[i]!;
    }
  });
  return best;
}

/**
 * Tibshirani, Walther and Hastie (2001): the smallest k with Gap(k) ≥ Gap(k+1) − s(k+1), where
 * s is the standard error of the references' log inertia times √(1 + 1/B), over the k that have a
 * gap (not those of inertia 0). None when no k in the range passes (the largest k has no
 * successor to compare with).
 */
export function gapChoice(
  ks: readonly number[],
  gaps: readonly (number | null)[],
  errors: readonly (number | null)[],
): number | null {
  for (let i = 0; i + 1 < ks.length; i++) {
    const [gap, next, error] = [gaps[i], gaps[i + 1], errors[i + 1]];
    // No gap where the inertia is 0 (every cluster a point): such a k is passed over.
    if (gap == null || next == null || error == null) continue;
    if (gap >= next - error) return ks[i]!;
  }
  return null;
}

/** The mean of log W over the references, and s = sd · √(1 + 1/B) (sd with 1/B, as in the paper). */
export function referenceSpread(logInertias: readonly number[]): { mean: number; error: number } {
  const count = logInertias.length;
  const mean = logInertias.reduce((sum, value) => sum + value, 0) / count;
  const variance = logInertias.reduce((sum, value) => sum + (value - mean) ** 2, 0) / count;
  return { mean, error: Math.sqrt(variance) * Math.sqrt(1 + 1 / count) };
}

/** Each column's smallest and largest value: the box the gap statistic's references fill. */
export function columnRanges(X: DataMatrix): { low: Float64Array; high: Float64Array } {
  const low = new Float64Array(X.cols).fill(Infinity);
  const high = new Float64Array(X.cols).fill(-Infinity);
  for (let row = 0; row < X.rows; row++) {
    for (let column = 0; column < X.cols; column++) {
      const value = valueAt(X, row, column);
      if (value < low[column]!) low[column] = value;
      if (value > high[column]!) high[column] = value;
    }
  }
  return { low, high };
}

/** n rows drawn uniformly from the box (float64): one reference data set of the gap statistic. */
export function uniformReference(
  rows: number,
  box: { low: Float64Array; high: Float64Array },
  random: Random,
): { data: Float64Array; rows: number; cols: number } {
  const cols = box.low.length;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    const column = i % cols;
    data[i] = box.low[column]! + random.nextDouble() * (box.high[column]! - box.low[column]!);
  }
  return { data, rows, cols };
}
