/**
 * The tree of a BisectingKMeans in its model file: `extra.tree`, one object per node in id order,
 * { parent, size, weight, inertia, center }; children follow from the ids (bisection b made nodes
 * 2b + 1 and 2b + 2). Reading checks that it is such a tree and that its leaves are the file's
 * clusterCenters, so that predict walks what was written.
 */
import type { NodeState } from './bisecting_tree';
import { finalLeaves } from './bisecting_tree';
import { describe } from './errors';
import { type Matrix, dtypeOf, magnitudeLimit } from './matrix';
import type { Metric } from './metric';
import { invalidModel } from './model_file';

export function encodeTree(nodes: readonly NodeState[]): Record<string, unknown>[] {
  return nodes.map((node) => ({
    parent: node.parent < 0 ? null : node.parent,
    size: node.size,
    weight: node.weight,
    inertia: node.inertia,
    center: Array.from(node.center),
  }));
}

/** The nodes of a file's `extra.tree`, checked against its clusterCenters (k×d) and metric. */
export function decodeTree(value: unknown, clusterCenters: Matrix, metric: Metric): NodeState[] {
  const { rows: k, cols: d } = clusterCenters;
  if (!Array.isArray(value) || value.length !== 2 * k - 1) {
    throw invalidModel(`"extra.tree" must hold 2 × nClusters − 1 = ${2 * k - 1} nodes`);
  }
  const dtype = dtypeOf(clusterCenters.data);
  const limit = magnitudeLimit(dtype, 2, d);
  const nodes: NodeState[] = [];
  for (let id = 0; id < value.length; id++) {
    const node = readNode(value[id], id, d, limit);
    const center = dtype === 'float32' ? Float32Array.from(node.center) : Float64Array.from(node.center);
    // Every center but the root's comes from a spherical fit: predict compares distances to it.
    if (metric === 'cosine' && id > 0 && !(Math.abs(lengthOf(node.center) - 1) <= 1e-6)) {
      throw invalidModel(`metric "cosine" needs centers of length 1, but node ${id} of "extra.tree" has another`);
    }
    nodes.push({
      parent: node.parent ?? -1,
      children: null,
      center,
      size: node.size,
      weight: node.weight,
      inertia: node.inertia,
    });
  }
  for (let first = 1; first < nodes.length; first += 2) {
    const parent = nodes[first]!.parent;
    if (parent < 0 || parent >= first || nodes[first + 1]!.parent !== parent || nodes[parent]!.children) {
      throw invalidModel(
        `"extra.tree" nodes ${first} and ${first + 1} must share a parent made before them and split only once`,
      );
    }
    nodes[parent]!.children = [first, first + 1];
  }
  const leaves = finalLeaves(nodes);
  leaves.forEach((id, label) => {
    const center = nodes[id]!.center;
    for (let f = 0; f < d; f++) {
      if (center[f] !== clusterCenters.data[label * d + f]) {
        throw invalidModel(`"extra.tree" leaf ${id} is not row ${label} of "clusterCenters"`);
      }
    }
  });
  return nodes;
}

interface NodeJSON {
  parent: number | null;
  size: number;
  weight: number;
  inertia: number;
  center: number[];
}

function readNode(value: unknown, id: number, d: number, limit: number): NodeJSON {
  const where = `"extra.tree" node ${id}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidModel(`${where} is not an object`);
  const { parent, size, weight, inertia, center } = value as Partial<NodeJSON>;
  if (id === 0 ? parent !== null : !(typeof parent === 'number' && Number.isInteger(parent))) {
    throw invalidModel(`${where} has parent ${describe(parent)}: the root's is null, every other's a node id`);
  }
  if (!(typeof size === 'number' && Number.isInteger(size) && size >= 0)) {
    throw invalidModel(`${where} must have a "size" that is an integer >= 0 (got ${describe(size)})`);
  }
  for (const [name, number] of [
    ['weight', weight],
    ['inertia', inertia],
  ] as const) {
    if (!(typeof number === 'number' && Number.isFinite(number) && number >= 0)) {
      throw invalidModel(`${where} must have a "${name}" that is a finite number >= 0 (got ${describe(number)})`);
    }
  }
  const valid = (x: unknown) => typeof x === 'number' && Math.abs(x) < limit;
  if (!Array.isArray(center) || center.length !== d || !Array.from({ length: d }, (_, f) => center[f]).every(valid)) {
    throw invalidModel(
      `${where} must have a "center" of nFeatures = ${d} finite numbers below ${limit.toPrecision(3)}`,
    );
  }
  return { parent, size, weight: weight!, inertia: inertia!, center } as NodeJSON;
}

function lengthOf(values: readonly number[]): number {
  let squared = 0;
  for (const value of values) squared += value * value;
  return Math.sqrt(squared);
}
