/**
 * One MiniBatchKMeans step on CSR rows (the dense one is minibatch_step.ts's step): the batch's
 * labels and inertia by the native sparseAssign (the dense assignment's labels), then the dense
 * kernel's center update computed from the batch's entries alone, with the same numbers in the
 * same order (so the same bits): O(batch entries + k·d). Small clusters are then reassigned as
 * the dense step does, to batch rows made dense (one row each).
 */
import type { FloatArray } from './binding';
import { type CsrMatrix, csrRowsOf, rowStart } from './csr';
import type { ResolvedMiniBatchKMeansOptions } from './minibatch_options';
import { type Progress, reassignSmallClusters, reassignmentDue } from './minibatch_step';
import { type Plan, call } from './plan';
import { type SparseData, sparseRequest } from './sparse_inputs';
import { canonicalRows, csrDenseRows, isCanonical } from './sparse_rows';

type Params = Readonly<ResolvedMiniBatchKMeansOptions>;

/** CSR rows for the steps of one fit, and whether their columns already increase strictly in every row. */
export interface SparseSteps {
  data: SparseData;
  inOrder: boolean;
}

export function sparseSteps(data: SparseData): SparseSteps {
  return { data, inOrder: isCanonical(data.X) };
}

/** The rows at `indices` (repeats included), with their norms and weights, as new arrays. */
export function sparseGather(data: SparseData, indices: ArrayLike<number>): SparseData {
  const { rowNorms, sampleWeight } = data;
  return {
    sparse: true,
    X: csrRowsOf(data.X, indices),
    rowNorms: Float64Array.from(indices, (row) => rowNorms[row]!),
    sampleWeight: sampleWeight ? Float64Array.from(indices, (row) => sampleWeight[row]!) : null,
    threads: data.threads,
  };
}

/**
 * One mini-batch step on the rows at `indices` (all rows when undefined): as the dense step,
 * the update, then, when it is due, the reassignment of small clusters. Returns the batch
 * inertia (the sparse distances': the dense one within rounding).
 */
export function* sparseStep(
  params: Params,
  steps: SparseSteps,
  indices: Int32Array | undefined,
  progress: Progress,
): Plan<number> {
  const { nClusters: k, reassignmentRatio } = params;
  const { data } = steps;
  const b = indices ? indices.length : data.X.rows;
  const reassign = reassignmentDue(k, progress, b);
  const batch = indices ? sparseGather(data, indices) : data;
  const labels = new Int32Array(b);
  const inertia = yield* call('sparseAssign', { ...sparseRequest(batch), centers: progress.centers, k, labels });
  const rows = steps.inOrder ? inOrderRows(batch.X) : canonicalRows(batch.X);
  moveCenters(rows, labels, batch.sampleWeight, progress, params.metric === 'cosine');
  progress.steps++;
  progress.lastBatchInertia = inertia / b;
  if (reassign && reassignmentRatio > 0) {
    const rowOf = (row: number) => csrDenseRows(data.X, [row]);
    reassignSmallClusters(rowOf, b, indices, progress, reassignmentRatio);
  }
  return inertia;
}

/** Rows as the update reads them: each row's columns once each, with the values the dense row holds. */
interface EntryRows {
  starts: ArrayLike<number>;
  columns: Int32Array;
  values: ArrayLike<number>;
  rows: number;
}

/** Rows whose columns increase strictly, read as they are (no copy of the entries). */
function inOrderRows(csr: CsrMatrix): EntryRows {
  const starts = Float64Array.from({ length: csr.rows + 1 }, (_, i) => rowStart(csr.indptr, i));
  return { starts, columns: csr.indices, values: csr.data, rows: csr.rows };
}

/**
 * The dense kernel's update (native minibatch_step): each row's weighted values added to its
 * center's sums in row order (a column the row lacks adds zero, which changes no sum), then
 * each center with batch weight moved to (center · count + sums) / (count + batch weight),
 * rounded to the centers' dtype; for the cosine metric every center then scaled to unit length.
 */
function moveCenters(
  rows: EntryRows,
  labels: Int32Array,
  sampleWeight: Float64Array | null,
  progress: Progress,
  spherical: boolean,
): void {
  const { centers, counts } = progress;
  const k = counts.length;
  const d = centers.length / k;
  const sums = new Float64Array(k * d);
  const batchWeights = new Float64Array(k);
  const { starts, columns, values } = rows;
  for (let i = 0; i < rows.rows; i++) {
    const w = sampleWeight ? sampleWeight[i]! : 1;
    const label = labels[i]!;
    for (let e = starts[i]!; e < starts[i + 1]!; e++) {
      const at = label * d + columns[e]!;
      sums[at] = sums[at]! + (sampleWeight ? values[e]! * w : values[e]!);
    }
    batchWeights[label] = batchWeights[label]! + w;
  }
  const previous = spherical ? centers.slice() : undefined;
  for (let j = 0; j < k; j++) {
    if (!(batchWeights[j]! > 0)) continue;
    const total = counts[j]! + batchWeights[j]!;
    const scale = 1 / total;
    // A total weight below 1 / Number.MAX_VALUE: its reciprocal overflows, divide instead.
    const divide = !Number.isFinite(scale);
    for (let f = j * d; f < (j + 1) * d; f++) {
      const moved = centers[f]! * counts[j]! + sums[f]!;
      centers[f] = divide ? moved / total : moved * scale;
    }
    counts[j] = total;
  }
  if (previous) unitCenters(centers, previous, k, d);
}

/** The native unit_centers: each center scaled to unit length, one of length zero kept as it was. */
function unitCenters(centers: FloatArray, previous: FloatArray, k: number, d: number): void {
  for (let j = 0; j < k; j++) {
    const center = centers.subarray(j * d, (j + 1) * d);
    if (!scaleToUnit(center)) center.set(previous.subarray(j * d, (j + 1) * d));
  }
}

/**
 * The native scale_to_unit, operation for operation: the squares summed in order in double,
 * each value times 1 / sqrt of the sum; a sum that is not a normal double, after dividing by
 * the largest magnitude. Returns false for a row of length zero (left as it was).
 */
function scaleToUnit(row: FloatArray): boolean {
  let squares = 0;
  for (let f = 0; f < row.length; f++) squares += row[f]! * row[f]!;
  if (squares >= 2.2250738585072014e-308 && Number.isFinite(squares)) {
    const scale = 1 / Math.sqrt(squares);
    for (let f = 0; f < row.length; f++) row[f] = row[f]! * scale;
    return true;
  }
  let largest = 0;
  for (let f = 0; f < row.length; f++) largest = Math.max(largest, Math.abs(row[f]!));
  if (!(largest > 0)) return false;
  let scaled = 0;
  for (let f = 0; f < row.length; f++) {
    const value = row[f]! / largest;
    scaled += value * value;
  }
  const norm = Math.sqrt(scaled);
  for (let f = 0; f < row.length; f++) row[f] = row[f]! / largest / norm;
  return true;
}
