/**
 * Initial centers from CSR rows, the same rows the dense seeding picks on the dense equivalent
 * with the same generator state: k-means++ follows native/kernels/algorithms/plus_plus.cpp step
 * by step (the same uniforms in the same order, exact squared distances of the same bits from
 * sparse_rows.ts, potentials summed in the same blocks and block order, the same draws), and
 * random init is the native draw itself (it reads only the row count and the weights). A chosen
 * row becomes a center densified (k rows only). k-means++ costs O(nnz) per candidate, plus an exact
 * distance (O(e + m) for rows of e and m entries) for the rows that may be nearer to it than to
 * the centers so far.
 */
import { KMeansError } from './errors';
import { type Plan, call } from './plan';
import type { Random } from './rng';
import { type CanonicalRows, laneDistance } from './sparse_rows';

/** Rows per chunk and the most blocks of the native seeding's block plan (chunking.hpp, BlockPlan::make). */
const chunkSize = 256;
const maxBlocks = 64;
const unitRoundoff = 2 ** -53;

/**
 * Greedy k-means++ with `trials` local trials, as plus_plus.cpp: returns the k chosen rows. The
 * generator goes on after 1 + (k - 1) · trials draws, as after the dense seeding.
 */
export function sparsePlusPlus(
  rows: CanonicalRows,
  sampleWeight: Float64Array | null,
  k: number,
  trials: number,
  rng: Random,
): Int32Array {
  requirePositiveWeights(sampleWeight, k, 'k-means++');
  const n = rows.rows;
  const uniforms = new Float64Array(1 + (k - 1) * trials);
  for (let u = 0; u < uniforms.length; u++) uniforms[u] = rng.nextDouble();
  const weight = (i: number) => (sampleWeight ? sampleWeight[i]! : 1);
  const blockEnds = blockBoundaries(n);
  const lanes = new Float64Array(8);

  const weightTotals = runningSums(n, weight);
  const totalWeight = weightTotals[n - 1]!;
  const indices = new Int32Array(k);
  let closest: Float64Array = new Float64Array(n).fill(Infinity);
  const norms = squaredNorms(rows);
  const scattered = new Float64Array(rows.cols);
  // Each row's min(closest, distance to `candidate`), and the blocked sum of weight × that. The
  // exact distance is computed only where a bound on the norm-trick estimate cannot rule out
  // that it is below the row's closest distance so far (where it can, min() is closest anyway).
  const termsFor = (candidate: number): { terms: Float64Array; potential: number } => {
    const { starts, columns, values } = rows;
    const first = starts[candidate]!;
    const last = starts[candidate + 1]!;
    for (let e = first; e < last; e++) scattered[columns[e]!] = values[e]!;
    const candidateNorm = norms[candidate]!;
    const candidateEntries = last - first;
    const terms = new Float64Array(n);
    let potential = 0;
    let i = 0;
    for (const end of blockEnds) {
      let partial = 0;
      for (; i < end; i++) {
        const term = closest[i]!;
        let dot = 0;
        const rowEnd = starts[i + 1]!;
        for (let e = starts[i]!; e < rowEnd; e++) dot += values[e]! * scattered[columns[e]!]!;
        const scale = norms[i]! + candidateNorm;
        const estimate = scale - 2 * dot;
        const margin = 8 * (rowEnd - starts[i]! + candidateEntries + 5) * unitRoundoff * scale;
        if (estimate - margin >= term) {
          terms[i] = term;
        } else {
          const distance = laneDistance(rows, i, rows, candidate, lanes);
          terms[i] = distance < term ? distance : term;
        }
        partial += weight(i) * terms[i]!;
      }
      potential += partial;
    }
    for (let e = first; e < last; e++) scattered[columns[e]!] = 0;
    return { terms, potential };
  };

  indices[0] = drawRow(weightTotals, uniforms[0]! * totalWeight);
  let chosen = termsFor(indices[0]!);
  closest = chosen.terms;
  let potential = chosen.potential;
  const candidates = new Int32Array(trials);
  for (let center = 1; center < k; center++) {
    const totals = runningSums(n, (i) => weight(i) * closest[i]!);
    for (let t = 0; t < trials; t++) {
      const u = uniforms[1 + (center - 1) * trials + t]!;
      // A potential of zero: any row of positive weight, drawn by weight as the first.
      candidates[t] = potential > 0 ? drawRow(totals, u * potential) : drawRow(weightTotals, u * totalWeight);
    }
    let best: { terms: Float64Array; potential: number } | undefined;
    let bestTrial = 0;
    for (let t = 0; t < trials; t++) {
      const trial = termsFor(candidates[t]!);
      if (!best || trial.potential < best.potential) {
        best = trial;
        bestTrial = t;
      }
    }
    chosen = best!;
    indices[center] = candidates[bestTrial]!;
    closest = chosen.terms;
    potential = chosen.potential;
  }
  return indices;
}

/**
 * k distinct rows drawn by weight, the native random init's draw (seedCenters 'random' reads
 * nothing of the rows but their count and weights): it runs on a one-column matrix of zeros.
 */
export function* sparseRandomRows(
  n: number,
  sampleWeight: Float64Array | null,
  k: number,
  rng: Random,
  threads: number,
): Plan<Int32Array> {
  requirePositiveWeights(sampleWeight, k, 'random');
  const state = rng.saveState();
  const indices = new Int32Array(k);
  yield* call('seedCenters', {
    x: new Float64Array(n),
    n,
    d: 1,
    sampleWeight,
    threads,
    method: 'random',
    k,
    trials: 1,
    shift: new Float64Array(1),
    state,
    centers: new Float64Array(k),
    indices,
  });
  rng.restoreState(state);
  return indices;
}

/** Where each block of BlockPlan::make(n) ends (chunks spread evenly over at most 64 blocks). */
function blockBoundaries(n: number): number[] {
  const chunks = Math.ceil(n / chunkSize);
  const blocks = Math.max(1, Math.min(chunks, maxBlocks));
  const ends: number[] = [];
  for (let b = 1; b <= blocks; b++) ends.push(Math.min(n, Math.floor((b * chunks) / blocks) * chunkSize));
  return ends;
}

/**
 * Each row's squared norm in double. The screen's bound: the estimate ||x||^2 + ||c||^2 - 2 x.c
 * errs by at most (2e + m + 4) u (||x||^2 + ||c||^2) for rows of e and m entries, and the exact
 * distance by at most 2 (e + m + 8) u (||x||^2 + ||c||^2) (u: double's unit roundoff); the margin
 * is twice their sum, so a row screened out has an exact distance at or above its closest one.
 */
function squaredNorms(rows: CanonicalRows): Float64Array {
  const out = new Float64Array(rows.rows);
  for (let i = 0; i < rows.rows; i++) {
    let sum = 0;
    for (let e = rows.starts[i]!; e < rows.starts[i + 1]!; e++) sum += rows.values[e]! * rows.values[e]!;
    out[i] = sum;
  }
  return out;
}

function runningSums(n: number, value: (i: number) => number): Float64Array {
  const totals = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += value(i);
    totals[i] = sum;
  }
  return totals;
}

/** plus_plus.cpp's draw_row: the first row whose running total exceeds the target (shares of zero never drawn). */
function drawRow(totals: Float64Array, target: number): number {
  let lo = 0;
  let hi = totals.length - 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (totals[mid]! <= target) lo = mid + 1;
    else hi = mid;
  }
  while (lo > 0 && totals[lo] === totals[lo - 1]) lo--;
  return lo;
}

/** As seeding.ts: seeding draws rows by weight, so it needs k rows whose weight is not zero. */
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
