/**
 * BisectingKMeans on CSR rows, never laid out densely: the fit's rows (bisecting_fit.ts's
 * BisectingRows), where each bisection is the CSR KMeans 2-means run (sparse_fit.ts) on the
 * leaf's rows gathered as CSR, and the tree-walk predict on the native sparse assignment. With
 * the same seed the tree, labels and iteration counts are those of the dense fit; centers,
 * inertias and weights agree with it within rounding.
 */
import type { FloatArray } from './binding';
import { type BisectingRows, type BisectingState, type LeafRows, bisectingPlan, gatherWeights } from './bisecting_fit';
import type { ResolvedBisectingKMeansOptions } from './bisecting_options';
import { treeWalk } from './bisecting_predict';
import type { NodeState } from './bisecting_tree';
import { type CsrMatrix, SummedRows, csrRowsOf } from './csr';
import { type DType, allocate, dtypeOf } from './matrix';
import { type Plan, call } from './plan';
import { sparseRun } from './sparse_fit';
import { type SparseData, sparseClusterTotals, sparseRequest } from './sparse_inputs';
import { csrDenseRows } from './sparse_rows';

/** The fit of CSR rows (sparseFitInputs's: unit rows for cosine). */
export function sparseBisectingFitPlan(params: ResolvedBisectingKMeansOptions, data: SparseData): Plan<BisectingState> {
  return bisectingPlan(params, data.sampleWeight, sparseRows(params, data));
}

function sparseRows(params: ResolvedBisectingKMeansOptions, data: SparseData): Plan<BisectingRows> {
  const k2 = { nClusters: 2, init: params.init, maxIter: params.maxIter, tol: params.tol, metric: params.metric };
  const leafRows = (leaf: SparseData): LeafRows => ({
    *run(rng) {
      // BisectingKMeans's tol is absolute, as scikit-learn's.
      const { run, centers, labels } = yield* sparseRun(leaf, k2, undefined, params.tol, rng);
      return { centers, labels, inertia: run.inertia, nIter: run.nIter };
    },
    clusterInertia: (labels, centers) =>
      computed(() => {
        const { inertia } = sparseClusterTotals(leaf, labels, centers, 2);
        return [inertia[0]!, inertia[1]!];
      }),
  });
  return computed(() => ({
    rows: data.X.rows,
    root: () =>
      computed(() => {
        const center = weightedMean(data.X, data.sampleWeight);
        if (params.metric === 'cosine') toUnitLength(center, data.X);
        const totals = sparseClusterTotals(data, new Int32Array(data.X.rows), center, 1);
        return { center, weight: totals.sizes[0]!, inertia: totals.inertia[0]! };
      }),
    leaf: (rows) => computed(() => leafRows(rows.length === data.X.rows ? data : subset(data, rows, true))),
    inertia: (labels, centers, k) =>
      computed(() => sparseClusterTotals(data, labels, centers, k).inertia.reduce((sum, value) => sum + value, 0)),
  }));
}

/** The tree-walk predict (bisecting_predict.ts) of CSR rows (sparseQueryInputs's: unit rows for cosine). */
export function sparseTreePredictPlan(nodes: readonly NodeState[], data: SparseData): Plan<Int32Array> {
  return treeWalk<SparseData>(nodes, data, data.X.rows, dtypeOf(data.X.data), {
    *nearer(rows, pair, side) {
      yield* call('sparseAssign', { ...sparseRequest(rows), centers: pair, k: 2, labels: side });
    },
    subset: (rows, local) => subset(rows, local, false),
  });
}

/** A plan of no native call: `compute` runs when the plan is driven. */
// eslint-disable-next-line require-yield -- computed from the entries alone
function* computed<T>(compute: () => T): Plan<T> {
  return compute();
}

/** Some of the rows, in that order, as CSR, with their norms (and weights, where kept). */
function subset(data: SparseData, rows: Int32Array, weighted: boolean): SparseData {
  const rowNorms = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) rowNorms[i] = data.rowNorms[rows[i]!]!;
  const sampleWeight = weighted && data.sampleWeight ? gatherWeights(data.sampleWeight, rows) : null;
  return { sparse: true, X: csrRowsOf(data.X, rows), rowNorms, sampleWeight, threads: data.threads };
}

/**
 * The weighted mean of the rows, in their dtype: each column's weighted sum (in float64, rows in
 * order) over the total weight, as the dense cluster mean within rounding.
 */
function weightedMean(X: CsrMatrix, sampleWeight: Float64Array | null): FloatArray {
  const sums = new Float64Array(X.cols);
  let total = 0;
  // Each row's repeats summed first, as in its dense copy: repeats that cancel add nothing.
  const reader = new SummedRows(X);
  for (let i = 0; i < X.rows; i++) {
    const weight = sampleWeight ? sampleWeight[i]! : 1;
    total += weight;
    const count = reader.read(i);
    for (let e = 0; e < count; e++) {
      sums[reader.columns[e]!] = sums[reader.columns[e]!]! + weight * reader.values[e]!;
    }
  }
  const center = allocate(dtypeOf(X.data) as DType, X.cols);
  for (let f = 0; f < X.cols; f++) center[f] = sums[f]! / total;
  return center;
}

/** As the dense fit: a mean of unit rows scaled to unit length; a mean of length zero becomes the first row. */
function toUnitLength(center: FloatArray, X: CsrMatrix): void {
  let squared = 0;
  for (const value of center) squared += value * value;
  const length = Math.sqrt(squared);
  if (length > 0) for (let f = 0; f < center.length; f++) center[f] = center[f]! / length;
  else center.set(csrDenseRows(X, [0]));
}
