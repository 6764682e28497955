/**
 * BisectingKMeans's predict, scikit-learn's (_predict_recursive): each row walks down the tree
 * from the root, at every split to the nearer of the two child centers, gathering the rows that
 * reach an inner node into a compact matrix for the next split. The walk is written once over
 * the rows' layout (dense here, CSR in sparse_bisecting.ts).
 */
import type { FloatArray } from './binding';
import type { ResolvedBisectingKMeansOptions } from './bisecting_options';
import { type NodeState, finalLeaves } from './bisecting_tree';
import { gatherRows, rowIndices } from './data_matrix';
import { type DType, allocate, asDType, dataDType } from './matrix';
import { metricRows } from './metric';
import { type PreparedData, dataRequest } from './model_inputs';
import { resolveMixedPrecision } from './options';
import { type Plan, call } from './plan';

/**
 * The leaf of each row: at every split, a row that reached the node goes to the nearer of its
 * two children's centers (the first on an exact tie). That is not always the nearest leaf
 * center, which score and transform use.
 */
export function* treePredictPlan(
  nodes: readonly NodeState[],
  prepared: PreparedData,
  params: Pick<ResolvedBisectingKMeansOptions, 'metric' | 'mixedPrecision'>,
): Plan<Int32Array> {
  const data = { ...prepared, X: yield* metricRows(prepared.X, params.metric, prepared.threads) };
  const dtype = dataDType(data.X);
  const mixedPrecision = resolveMixedPrecision(params.mixedPrecision, dtype);
  return yield* treeWalk<PreparedData>(nodes, data, data.X.rows, dtype, {
    *nearer(sub, pair, side) {
      yield* call('assign', { ...dataRequest(sub), centers: pair, k: 2, labels: side, mixedPrecision });
    },
    subset: (sub, local) => ({ X: gatherRows(sub.X, local), sampleWeight: null, threads: sub.threads }),
  });
}

/** How the walk reads rows of some layout `R`. */
export interface TreeRows<R> {
  /** Sets side[i] to 0 or 1: which of the two centers (pair, 2×d) row i of `rows` is nearer. */
  nearer(rows: R, pair: FloatArray, side: Int32Array): Plan<void>;
  /** The rows at the given positions of `rows`, in that order. */
  subset(rows: R, local: Int32Array): R;
}

/** The walk down the tree of the n rows of `all`, with centers in `dtype`. */
export function* treeWalk<R>(
  nodes: readonly NodeState[],
  all: R,
  n: number,
  dtype: DType,
  read: TreeRows<R>,
): Plan<Int32Array> {
  const labelOf = new Int32Array(nodes.length).fill(-1);
  finalLeaves(nodes).forEach((id, label) => (labelOf[id] = label));
  const labels = new Int32Array(n);
  const pending: { id: number; rows: Int32Array; sub: R }[] = [{ id: 0, rows: rowIndices(n), sub: all }];
  while (pending.length > 0) {
    const { id, rows, sub } = pending.pop()!;
    const children = nodes[id]!.children;
    if (!children) {
      setAll(labels, rows, labelOf[id]!);
      continue;
    }
    const d = nodes[id]!.center.length;
    const pair = { data: allocate(dtype, 2 * d), rows: 2, cols: d };
    children.forEach((child, side) =>
      pair.data.set(asDType(matrixOf(nodes[child]!.center), dtype, 'clusterCenters').data, side * d),
    );
    const side = new Int32Array(rows.length);
    yield* read.nearer(sub, pair.data, side);
    children.forEach((child, which) => {
      const local = indicesOf(side, which);
      if (local.length === 0) return;
      const childRows = pick(rows, local);
      const isLeaf = nodes[child]!.children === null;
      // A leaf needs no rows, only their indices.
      pending.push({ id: child, rows: childRows, sub: isLeaf ? sub : read.subset(sub, local) });
    });
  }
  return labels;
}

function matrixOf(center: FloatArray) {
  return { data: center, rows: 1, cols: center.length };
}

function indicesOf(side: Int32Array, which: number): Int32Array {
  let count = 0;
  for (const s of side) if (s === which) count++;
  const out = new Int32Array(count);
  for (let i = 0, j = 0; i < side.length; i++) if (side[i] === which) out[j++] = i;
  return out;
}

/** rows[local[0]], rows[local[1]], ... */
function pick(rows: Int32Array, local: Int32Array): Int32Array {
  const out = new Int32Array(local.length);
  for (let i = 0; i < local.length; i++) out[i] = rows[local[i]!]!;
  return out;
}

/** labels[row] = label for each of the rows. */
function setAll(labels: Int32Array, rows: Int32Array, label: number): void {
  for (let i = 0; i < rows.length; i++) labels[rows[i]!] = label;
}
