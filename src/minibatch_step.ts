/**
 * One MiniBatchKMeans step and what carries between steps (scikit-learn's _mini_batch_step,
 * _random_reassign and _mini_batch_convergence): the native update of the centers, the
 * reassignment of small clusters to random batch rows, and the early-stopping test.
 */
import type { FloatArray } from './binding';
import { gatherRows } from './data_matrix';
import { type DataMatrix, dataDType } from './matrix';
import type { ResolvedMiniBatchKMeansOptions } from './minibatch_options';
import { type PreparedData, dataRequest } from './model_inputs';
import { resolveMixedPrecision } from './options';
import { type Plan, call } from './plan';
import type { Random } from './rng';
import { sampleWithoutReplacement } from './minibatch_sampling';

type Params = Readonly<ResolvedMiniBatchKMeansOptions>;

/** What carries from one step to the next (scikit-learn's _counts, _ewa_inertia, ...). */
export interface Progress {
  centers: FloatArray;
  /** Total weight each center has been given. */
  counts: Float64Array;
  rng: Random;
  /** Rows seen since small clusters were last reassigned. */
  sinceReassign: number;
  ewaInertia: number | null;
  ewaInertiaMin: number | null;
  noImprovement: number;
  /** Steps taken (scikit-learn's n_steps_). */
  steps: number;
  /** Rows seen, by fitStream (for its inertia estimate). */
  rowsSeen: number;
  /** The last step's batch inertia per row. */
  lastBatchInertia: number;
}

export function newProgress(k: number, centers: FloatArray, rng: Random): Progress {
  return {
    centers,
    counts: new Float64Array(k),
    rng,
    sinceReassign: 0,
    ewaInertia: null,
    ewaInertiaMin: null,
    noImprovement: 0,
    steps: 0,
    rowsSeen: 0,
    lastBatchInertia: NaN,
  };
}

/** Whether the kernels use float32 distances with exact re-checks for these rows. */
export function mixedFor(params: Params, X: DataMatrix): boolean {
  return resolveMixedPrecision(params.mixedPrecision, dataDType(X));
}

/**
 * One mini-batch step on the rows at `indices` (all rows when undefined): the native update,
 * then, when it is due, the reassignment of small clusters to random batch rows. Returns the
 * batch inertia.
 */
export function* step(
  params: Params,
  data: PreparedData,
  indices: Int32Array | undefined,
  progress: Progress,
): Plan<number> {
  const { nClusters: k, reassignmentRatio } = params;
  const b = indices ? indices.length : data.X.rows;
  const reassign = reassignmentDue(k, progress, b);
  const labels = new Int32Array(b);
  const batchWeights = new Float64Array(k);
  const inertia = yield* call('miniBatchStep', {
    ...dataRequest(data),
    ...(indices ? { indices } : {}),
    k,
    centers: progress.centers,
    counts: progress.counts,
    labels,
    batchWeights,
    mixedPrecision: mixedFor(params, data.X),
    spherical: params.metric === 'cosine',
  });
  progress.steps++;
  progress.lastBatchInertia = inertia / b;
  if (reassign && reassignmentRatio > 0) {
    const rowOf = (row: number) => gatherRows(data.X, [row]).data;
    reassignSmallClusters(rowOf, b, indices, progress, reassignmentRatio);
  }
  return inertia;
}

/** scikit-learn's _random_reassign: when a center has no weight, or every 10·k rows. */
export function reassignmentDue(k: number, progress: Progress, batch: number): boolean {
  progress.sinceReassign += batch;
  if (progress.counts.some((count) => count === 0) || progress.sinceReassign >= 10 * k) {
    progress.sinceReassign = 0;
    return true;
  }
  return false;
}

/** The batch shape that fit's early-stopping test reads. */
export interface StepContext {
  /** The step's index, from 0. */
  step: number;
  /** Rows of the data. */
  n: number;
  /** Rows per batch. */
  batch: number;
  /** Squared shift of the centers in this step (0 when tol is off). */
  shift: number;
  /** Absolute tolerance on the shift (0: off). */
  tol: number;
}

/** scikit-learn's _mini_batch_convergence: tol on the centers' shift, or no improvement. */
export function converged(
  maxNoImprovement: number | null,
  progress: Progress,
  { step, n, batch, shift, tol }: StepContext,
  batchInertia: number,
): boolean {
  const inertia = batchInertia / batch;
  if (step === 0) return false; // the first step's inertia is that of the initial centers
  if (progress.ewaInertia === null) progress.ewaInertia = inertia;
  else {
    const alpha = Math.min((batch * 2) / (n + 1), 1);
    progress.ewaInertia = progress.ewaInertia * (1 - alpha) + inertia * alpha;
  }
  if (tol > 0 && shift <= tol) return true;
  if (progress.ewaInertiaMin === null || progress.ewaInertia < progress.ewaInertiaMin) {
    progress.noImprovement = 0;
    progress.ewaInertiaMin = progress.ewaInertia;
  } else {
    progress.noImprovement++;
  }
  return maxNoImprovement !== null && progress.noImprovement >= maxNoImprovement;
}

/**
 * Clusters whose weight is below `ratio` × the largest get a random batch row as their center
 * and the smallest remaining weight as their count (at most half the batch size of them).
 * `rowOf(row)`: the values of the data's row `row`, dense; `b`: the batch's row count.
 */
export function reassignSmallClusters(
  rowOf: (row: number) => FloatArray,
  b: number,
  indices: Int32Array | undefined,
  progress: Progress,
  ratio: number,
): void {
  const { counts, centers, rng } = progress;
  const k = counts.length;
  const d = centers.length / k;
  const threshold = ratio * Math.max(...counts);
  let chosen: number[] = [];
  for (let j = 0; j < k; j++) if (counts[j]! < threshold) chosen.push(j);
  if (chosen.length > 0.5 * b) {
    // Keep only the int(0.5 · b) lightest, as scikit-learn.
    const order = Array.from({ length: k }, (_, j) => j).sort((a, c) => counts[a]! - counts[c]! || a - c);
    const keep = new Set(order.slice(0, Math.floor(0.5 * b)));
    chosen = chosen.filter((j) => keep.has(j));
  }
  if (chosen.length === 0) return;
  const rows = sampleWithoutReplacement(rng, b, chosen.length);
  let smallest = Infinity;
  const isChosen = new Uint8Array(k);
  for (const j of chosen) isChosen[j] = 1;
  for (let j = 0; j < k; j++) if (!isChosen[j]) smallest = Math.min(smallest, counts[j]!);
  chosen.forEach((j, c) => {
    const row = indices ? indices[rows[c]!]! : rows[c]!;
    centers.set(rowOf(row), j * d);
    counts[j] = smallest;
  });
}

/** fitStream's inertia estimate: batch inertia per row, smoothed over about 40 batches. */
export function smoothStreamInertia(progress: Progress, batchRows: number): void {
  progress.rowsSeen += batchRows;
  const alpha = progress.ewaInertia === null ? 1 : 0.05;
  progress.ewaInertia = (progress.ewaInertia ?? 0) * (1 - alpha) + progress.lastBatchInertia * alpha;
}
