/**
 * Initial centers (scikit-learn's _init_centroids). The random draws happen here, from the
 * library's one generator (rng.ts); the distance work of k-means++ runs natively.
 */
import type { FloatArray } from './binding';
import { KMeansError } from './errors';
import { type Matrix, allocate, dtypeOf } from './matrix';
import { type Plan, call } from './plan';
import type { Random } from './rng';

export interface Seeding {
  centers: Matrix;
  /** The rows of X that became the centers. */
  indices: Int32Array;
}

export interface SeedingContext {
  X: Matrix;
  k: number;
  sampleWeight: Float64Array | null;
  rng: Random;
  threads: number;
  /** Column means of X (subtracted before the norm-trick distances). */
  means: Float64Array;
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii 2007, with scikit-learn's local trials): the first
 * center is a row drawn with probability proportional to its weight; each next one is the
 * best, by resulting potential, of `nLocalTrials` rows drawn with probability proportional
 * to weight × squared distance to the nearest center so far. Cost: O(n·d·k·nLocalTrials).
 */
export function* plusPlusPlan(context: SeedingContext, nLocalTrials: number): Plan<Seeding> {
  const { X, k, sampleWeight, rng, threads, means } = context;
  const n = X.rows;
  requirePositiveWeights(sampleWeight, k, 'k-means++');
  const data = { x: X.data, n, d: X.cols, sampleWeight, threads, shift: means };
  const closest = new Float64Array(n).fill(Infinity);
  const indices = new Int32Array(k);

  const weightTotals = cumulativeSum(n, (i) => (sampleWeight ? sampleWeight[i]! : 1));
  indices[0] = drawRow(weightTotals, rng.nextDouble() * weightTotals[n - 1]!);
  let { potential } = yield* call('plusPlusStep', { ...data, candidates: Int32Array.of(indices[0]), closest });

  const candidates = new Int32Array(nLocalTrials);
  for (let c = 1; c < k; c++) {
    const totals = cumulativeSum(n, (i) => (sampleWeight ? sampleWeight[i]! : 1) * closest[i]!);
    // A potential of zero (every row of positive weight already on a center, to rounding):
    // any row of positive weight will do, drawn by weight as the first.
    for (let t = 0; t < nLocalTrials; t++) {
      const u = rng.nextDouble();
      candidates[t] = potential > 0 ? drawRow(totals, u * potential) : drawRow(weightTotals, u * weightTotals[n - 1]!);
    }
    const step = yield* call('plusPlusStep', { ...data, candidates, closest });
    potential = step.potential;
    indices[c] = candidates[step.best]!;
  }
  return { centers: gatherRows(X, indices), indices };
}

/**
 * k distinct rows, drawn without replacement with probability proportional to their weight
 * (Efraimidis & Spirakis 2006: the k largest keys log(u) / w).
 */
export function randomRows({ X, k, sampleWeight, rng }: SeedingContext): Seeding {
  const n = X.rows;
  requirePositiveWeights(sampleWeight, k, 'random');
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = sampleWeight ? sampleWeight[i]! : 1;
    const u = rng.nextDouble();
    keys[i] = w > 0 ? Math.log(1 - u) / w : -Infinity;
  }
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[b]! - keys[a]! || a - b);
  const indices = order.slice(0, k);
  return { centers: gatherRows(X, indices), indices };
}

/** Seeding draws rows by weight: it needs k rows whose weight is not zero. */
function requirePositiveWeights(sampleWeight: Float64Array | null, k: number, method: string): void {
  if (!sampleWeight) return;
  let positive = 0;
  for (let i = 0; i < sampleWeight.length; i++) if (sampleWeight[i]! > 0) positive++;
  if (positive < k) {
    throw new KMeansError(
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      `init "${method}" needs nClusters = ${k} samples with positive weight (got ${positive})`,
    );
  }
}

/** Number of local trials scikit-learn uses by default: 2 + floor(ln k). */
export function defaultLocalTrials(k: number): number {
  return 2 + Math.floor(Math.log(k));
}

function gatherRows(X: Matrix, indices: Int32Array): Matrix {
  const d = X.cols;
  const data: FloatArray = allocate(dtypeOf(X.data), indices.length * d);
  indices.forEach((row, c) => data.set(X.data.subarray(row * d, (row + 1) * d), c * d));
  return { data, rows: indices.length, cols: d };
}

function cumulativeSum(n: number, value: (i: number) => number): Float64Array {
  const totals = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += value(i);
    totals[i] = sum;
  }
  return totals;
}

/**
 * The row a target in [0, total) falls on when the rows' shares are laid end to end: the first
 * i with totals[i] > target (at most n - 1). Strictly greater, so that a row whose share is zero
 * (weight 0, or already a center) is never drawn, not even for a target of 0.
 */
function drawRow(totals: Float64Array, target: number): number {
  let lo = 0;
  let hi = totals.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (totals[mid]! <= target) lo = mid + 1;
    else hi = mid;
  }
  // A target at the total (rounding: the native potential is summed in another order) takes
  // the last row with a share.
  while (lo > 0 && totals[lo] === totals[lo - 1]) lo--;
  return lo;
}
