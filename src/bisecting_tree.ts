/**
 * The tree of a BisectingKMeans fit: its nodes in the order the bisections made them, the leaf
 * order (scikit-learn's: depth first, the first 2-means cluster before the second), and the
 * clusterings the tree held after fewer bisections (labelsAt, centersAt).
 */
import type { FloatArray } from './binding';
import { invalidOption } from './errors';
import { type Matrix, allocate, dtypeOf } from './matrix';

/**
 * One node as the model keeps it. Node 0 is the root (all the rows); bisection b (from 0) split
 * one leaf into nodes 2b + 1 and 2b + 2, the first and the second cluster of its 2-means.
 */
export interface NodeState {
  /** -1 for the root. */
  parent: number;
  children: [number, number] | null;
  center: FloatArray;
  /** Training rows in the node. */
  size: number;
  /** Their total sample weight. */
  weight: number;
  /** Weighted sum of the rows' distances to the center: squared Euclidean, or 1 − cos for cosine. */
  inertia: number;
}

/** A node of `BisectingKMeans.tree`. */
export interface BisectingNode {
  /** Its index in `tree`: 0 for the root; bisection b made nodes 2b + 1 and 2b + 2. */
  id: number;
  /** The node it was split from; null for the root. */
  parent: number | null;
  /** The two nodes it was split into (its 2-means clusters, in that order), or null for a leaf. */
  children: [number, number] | null;
  /** Its center (a copy), in the dtype of the data fitted: the weighted mean of its rows at convergence (unit length for cosine). */
  center: FloatArray;
  /** The number of training rows in it, whatever their weights. */
  size: number;
  /** The total sample weight of those rows (equal to size without sampleWeight). */
  weight: number;
  /** Weighted sum of its rows' squared distances to its center (cosine: of 1 − cos). */
  inertia: number;
  /** Its index in clusterCenters (its label) for a leaf, -1 for an inner node. */
  label: number;
}

/** The bisection that split node `id`, or Infinity for a leaf. */
function splitAt(nodes: readonly NodeState[], id: number): number {
  const children = nodes[id]!.children;
  return children ? (children[0] - 1) / 2 : Infinity;
}

/** The leaves after the first `bisections` bisections, left to right (depth first). */
export function leavesAfter(nodes: readonly NodeState[], bisections: number): number[] {
  const leaves: number[] = [];
  const pending = [0];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (splitAt(nodes, id) < bisections) {
      const [first, second] = nodes[id]!.children!;
      pending.push(second, first);
    } else {
      leaves.push(id);
    }
  }
  return leaves;
}

/** The leaves of the whole tree, in clusterCenters order. */
export function finalLeaves(nodes: readonly NodeState[]): number[] {
  return leavesAfter(nodes, Infinity);
}

/** The tree as `BisectingKMeans.tree` hands it out: copies, so the caller cannot change the model. */
export function publicTree(nodes: readonly NodeState[]): BisectingNode[] {
  const labelOf = new Map(finalLeaves(nodes).map((id, label) => [id, label]));
  return nodes.map((node, id) => ({
    id,
    parent: node.parent < 0 ? null : node.parent,
    children: node.children ? [node.children[0], node.children[1]] : null,
    center: node.center.slice(),
    size: node.size,
    weight: node.weight,
    inertia: node.inertia,
    label: labelOf.get(id) ?? -1,
  }));
}

/** Checks the k of labelsAt or centersAt: 1 <= k <= the number of leaves. */
function checkLevel(k: unknown, leaves: number): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > leaves) {
    throw invalidOption('k', `an integer between 1 and nClusters = ${leaves}`, k);
  }
  return k;
}

/**
 * The training labels the fit had after its first k − 1 bisections: the leaves of that tree,
 * numbered left to right as clusterCenters numbers the final ones.
 */
export function labelsAtLevel(nodes: readonly NodeState[], labels: Int32Array, k: number): Int32Array {
  const leaves = finalLeaves(nodes);
  checkLevel(k, leaves.length);
  const coarse = new Map(leavesAfter(nodes, k - 1).map((id, label) => [id, label]));
  // Each final leaf goes to its ancestor that is a leaf of the smaller tree.
  const mapping = Int32Array.from(leaves, (id) => {
    let node = id;
    while (!coarse.has(node)) node = nodes[node]!.parent;
    return coarse.get(node)!;
  });
  return labels.map((label) => mapping[label]!);
}

/** The centers of the leaves after the first k − 1 bisections, in labelsAt's order. */
export function centersAtLevel(nodes: readonly NodeState[], k: number): Matrix {
  checkLevel(k, finalLeaves(nodes).length);
  const leaves = leavesAfter(nodes, k - 1);
  const root = nodes[0]!.center;
  const d = root.length;
  const data = allocate(dtypeOf(root), leaves.length * d);
  leaves.forEach((id, row) => data.set(nodes[id]!.center, row * d));
  return { data, rows: leaves.length, cols: d };
}

/** Each final leaf's weight and inertia, in label order: the model's clusterSizes and clusterInertia. */
export function leafTotals(nodes: readonly NodeState[]): { clusterSizes: Float64Array; clusterInertia: Float64Array } {
  const leaves = finalLeaves(nodes).map((id) => nodes[id]!);
  return {
    clusterSizes: Float64Array.from(leaves, (leaf) => leaf.weight),
    clusterInertia: Float64Array.from(leaves, (leaf) => leaf.inertia),
  };
}

/** The centers of the final leaves, k×d: the model's clusterCenters. */
export function leafCenters(nodes: readonly NodeState[]): Matrix {
  return centersAtLevel(nodes, finalLeaves(nodes).length);
}
