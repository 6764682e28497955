/**
 * BisectingKMeans's predict, scikit-learn's (_predict_recursive): each row walks down the tree
 * from the root, at every split to the nearer of the two child centers, gathering the rows that
 * reach an inner node into a compact matrix for the next split.
 */
import type { FloatArray } from './binding';
import type { ResolvedBisectingKMeansOptions } from './bisecting_options';
import { type NodeState, finalLeaves } from './bisecting_tree';
import { gatherRows, rowIndices } from './data_matrix';
import { allocate, asDType, dataDType } from './matrix';
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
  const labelOf = new Int32Array(nodes.length).fill(-1);
  finalLeaves(nodes).forEach((id, label) => (labelOf[id] = label));
  const labels = new Int32Array(data.X.rows);
  const all = rowIndices(data.X.rows);
  const pending: { id: number; rows: Int32Array; sub: PreparedData }[] = [{ id: 0, rows: all, sub: data }];
  while (pending.length > 0) {
    const { id, rows, sub } = pending.pop()!;
    const children = nodes[id]!.children;
    if (!children) {
      setAll(labels, rows, labelOf[id]!);
      continue;
    }
    const d = data.X.cols;
    const pair = { data: allocate(dtype, 2 * d), rows: 2, cols: d };
    children.forEach((child, side) =>
      pair.data.set(asDType(matrixOf(nodes[child]!.center), dtype, 'clusterCenters').data, side * d),
    );
    const side = new Int32Array(rows.length);
    yield* call('assign', { ...dataRequest(sub), centers: pair.data, k: 2, labels: side, mixedPrecision });
    children.forEach((child, which) => {
      const local = indicesOf(side, which);
      if (local.length === 0) return;
      const childRows = pick(rows, local);
      const isLeaf = nodes[child]!.children === null;
      // A leaf needs no rows, only their indices.
      const childData = isLeaf ? sub : { X: gatherRows(sub.X, local), sampleWeight: null, threads: sub.threads };
      pending.push({ id: child, rows: childRows, sub: childData });
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
