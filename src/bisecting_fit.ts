/**
 * BisectingKMeans's fit (scikit-learn 1.2's algorithm): it starts from one cluster of all the
 * rows and splits a leaf with a 2-means fit (the native KMeans fit on that leaf's rows, gathered
 * into a compact matrix) until there are nClusters leaves. The loop reads the rows through
 * BisectingRows: dense rows here, CSR rows in sparse_bisecting.ts.
 */
import type { FloatArray } from './binding';
import type { ResolvedBisectingKMeansOptions } from './bisecting_options';
import { type NodeState, finalLeaves, leafCenters, leafTotals } from './bisecting_tree';
import { gatherRows, rowIndices } from './data_matrix';
import { KMeansError } from './errors';
import type { FittedState } from './estimator';
import { type DataMatrix, allocate, dataDType } from './matrix';
import { inertiaFor, metricRows } from './metric';
import { type PreparedData, dataRequest } from './model_inputs';
import { resolveMixedPrecision } from './options';
import { type Plan, type WarnStep, call, warn } from './plan';
import { Random, randomSeed } from './rng';
import { defaultLocalTrials, plusPlusPlan, randomRows } from './seeding';

export interface BisectingState extends FittedState {
  /** The tree, nodes in the order they were made (bisecting_tree.ts). */
  nodes: NodeState[];
}

/** A node while the fit runs: the model's node, and its rows while it is a leaf. */
interface Growing {
  node: NodeState;
  rows: Int32Array | null;
  /** Rows of positive weight: a leaf with fewer than two cannot be split. */
  positive: number;
}

/** The rows of a fit as the bisections read them: dense (here) or CSR (sparse_bisecting.ts). */
export interface BisectingRows {
  rows: number;
  /** The root: the weighted mean of all the rows (unit length for cosine), their weight and inertia. */
  root(): Plan<{ center: FloatArray; weight: number; inertia: number }>;
  /** A leaf's rows (indices into X), ready for its 2-means runs. */
  leaf(rows: Int32Array): Plan<LeafRows>;
  /** The weighted inertia of all the rows, each against its labelled center. */
  inertia(labels: Int32Array, centers: FloatArray, k: number): Plan<number>;
}

/** The rows of one leaf. */
export interface LeafRows {
  /** One 2-means run, seeded from the fit's generator. */
  run(rng: Random): Plan<TwoMeans>;
  /** Each cluster's weighted inertia, for labels over the leaf's rows. */
  clusterInertia(labels: Int32Array, centers: FloatArray): Plan<[number, number]>;
}

export interface TwoMeans {
  /** 2×d, in the rows' dtype. */
  centers: FloatArray;
  /** The cluster of each of the leaf's rows. */
  labels: Int32Array;
  inertia: number;
  nIter: number;
}

/** The fit of dense rows. */
export function bisectingFitPlan(params: ResolvedBisectingKMeansOptions, prepared: PreparedData): Plan<BisectingState> {
  return bisectingPlan(params, prepared.sampleWeight, denseRows(params, prepared));
}

/** The fit, whatever the layout of the rows: k − 1 bisections of the chosen leaf. */
export function* bisectingPlan(
  params: ResolvedBisectingKMeansOptions,
  sampleWeight: Float64Array | null,
  rowsPlan: Plan<BisectingRows>,
): Plan<BisectingState> {
  const { nClusters: k, metric } = params;
  requirePositiveSamples(sampleWeight, k);
  const data = yield* rowsPlan;
  const n = data.rows;
  const rng = new Random(params.seed ?? randomSeed());
  const root = yield* data.root();
  const node: NodeState = { parent: -1, children: null, size: n, ...root };
  const grown: Growing[] = [{ node, rows: rowIndices(n), positive: positiveCount(sampleWeight, n) }];
  const leaves = [0];
  let nIter = 0;
  for (let bisection = 0; bisection < k - 1; bisection++) {
    const at = leafToSplit(leaves, grown, params.bisectingStrategy);
    const parent = grown[leaves[at]!]!;
    const split = yield* bisect(yield* data.leaf(parent.rows!), parent.rows!, sampleWeight, params, rng);
    nIter += split.nIter;
    const first = grown.length;
    parent.node.children = [first, first + 1];
    parent.rows = null;
    for (const child of split.children) grown.push({ ...child, node: { ...child.node, parent: leaves[at]! } });
    leaves.splice(at, 1, first, first + 1);
  }

  // The kernels' inertia is of unit rows for cosine: the metric's is half of it.
  const nodes = grown.map(({ node }) => ({ ...node, inertia: inertiaFor(metric, node.inertia) }));
  const labels = leafLabels(
    finalLeaves(nodes).map((id) => grown[id]!.rows!),
    n,
  );
  yield* warnEmptyLeaves(nodes);
  const clusterCenters = leafCenters(nodes);
  const inertia = yield* data.inertia(labels, clusterCenters.data, k);
  return { clusterCenters, labels, inertia: inertiaFor(metric, inertia), nIter, nodes, ...leafTotals(nodes) };
}

/**
 * scikit-learn's choice: the leaf of largest weighted inertia, or of most rows; the first in
 * leaf order on a tie. Leaves with fewer than two rows of positive weight cannot be split and
 * are passed over (nClusters <= rows of positive weight leaves one that can).
 */
function leafToSplit(
  leaves: number[],
  grown: Growing[],
  strategy: ResolvedBisectingKMeansOptions['bisectingStrategy'],
) {
  let best = -1;
  let bestScore = -Infinity;
  leaves.forEach((id, at) => {
    const { node, positive } = grown[id]!;
    const score = strategy === 'biggest_inertia' ? node.inertia : node.size;
    if (positive >= 2 && score > bestScore) [best, bestScore] = [at, score];
  });
  if (best < 0) throw new KMeansError('ERR_KMEANS_INTERNAL', 'no leaf of two or more samples was left to split');
  return best;
}

/** Dense rows under the metric (unit rows for cosine), on the native dense kernels. */
function* denseRows(params: ResolvedBisectingKMeansOptions, prepared: PreparedData): Plan<BisectingRows> {
  const data = { ...prepared, X: yield* metricRows(prepared.X, params.metric, prepared.threads) };
  return {
    rows: data.X.rows,
    root: () => denseRoot(data, params.metric === 'cosine'),
    leaf: (rows) => denseLeaf(data, rows, params),
    *inertia(labels, centers, k) {
      return yield* call('inertia', { ...dataRequest(data), labels, centers, k, base: 0 });
    },
  };
}

/** The weighted mean of all the rows (scaled to unit length for cosine), their weight and its inertia. */
function* denseRoot(
  data: PreparedData,
  spherical: boolean,
): Plan<{ center: FloatArray; weight: number; inertia: number }> {
  const { X } = data;
  const labels = new Int32Array(X.rows);
  const center = allocate(dataDType(X), X.cols);
  const weights = new Float64Array(1);
  yield* call('clusterMeans', { ...dataRequest(data), labels, k: 1, centers: center, weights });
  if (spherical) toUnitLength(center, X);
  const inertia = yield* call('inertia', { ...dataRequest(data), labels, centers: center, k: 1, base: 0 });
  return { center, weight: weights[0]!, inertia };
}

/** Scales a mean of unit rows to unit length; a mean of length zero becomes the first row. */
function toUnitLength(center: FloatArray, X: DataMatrix): void {
  let squared = 0;
  for (const value of center) squared += value * value;
  const length = Math.sqrt(squared);
  if (length > 0) for (let f = 0; f < center.length; f++) center[f] = center[f]! / length;
  else center.set(gatherRows(X, [0]).data);
}

/** A cluster of a bisection, before it is attached to the tree. */
interface Child extends Omit<Growing, 'node'> {
  node: Omit<NodeState, 'parent'>;
  rows: Int32Array;
}

interface Split {
  children: Child[];
  nIter: number;
}

/**
 * One bisection, scikit-learn's _bisect: nInit 2-means runs on the leaf's rows, seeded from the
 * fit's one generator; a run replaces the best only if its inertia is lower by more than a
 * relative 1e-6. Then each cluster's rows, count, weight and inertia.
 */
function* bisect(
  leaf: LeafRows,
  rows: Int32Array,
  sampleWeight: Float64Array | null,
  params: ResolvedBisectingKMeansOptions,
  rng: Random,
): Plan<Split> {
  let best: TwoMeans | undefined;
  for (let run = 0; run < params.nInit; run++) {
    const result = yield* leaf.run(rng);
    if (!best || result.inertia < best.inertia * (1 - 1e-6)) best = result;
  }
  if (!best) throw new KMeansError('ERR_KMEANS_INTERNAL', 'no 2-means run was made');

  const { labels, centers } = best;
  const d = centers.length / 2;
  const inertias = yield* leaf.clusterInertia(labels, centers);
  const children: Child[] = [0, 1].map((cluster) => {
    const { members, weight, positive } = clusterRows(rows, labels, sampleWeight, cluster);
    const center = centers.slice(cluster * d, (cluster + 1) * d);
    const node = { children: null, center, size: members.length, weight, inertia: inertias[cluster]! };
    return { node, rows: members, positive };
  });
  return { children, nIter: best.nIter };
}

/** A leaf of dense rows: gathered into a compact matrix (unless it holds them all), with its column means. */
function* denseLeaf(data: PreparedData, rows: Int32Array, params: ResolvedBisectingKMeansOptions): Plan<LeafRows> {
  const weights = data.sampleWeight;
  const leaf: PreparedData =
    rows.length === data.X.rows
      ? data
      : { X: gatherRows(data.X, rows), sampleWeight: weights && gatherWeights(weights, rows), threads: data.threads };
  const means = new Float64Array(leaf.X.cols);
  yield* call('columnStats', { ...dataRequest(leaf), means });
  const dtype = dataDType(leaf.X);
  return {
    *run(rng) {
      const context = { X: leaf.X, k: 2, sampleWeight: leaf.sampleWeight, rng, threads: leaf.threads, means };
      const seeding =
        params.init === 'random' ? yield* randomRows(context) : yield* plusPlusPlan(context, defaultLocalTrials(2));
      const centers = seeding.centers.data;
      const labels = new Int32Array(leaf.X.rows);
      const result = yield* call('fit', {
        ...dataRequest(leaf),
        centers,
        k: 2,
        labels,
        maxIter: params.maxIter,
        tol: params.tol,
        algorithm: params.algorithm,
        mixedPrecision: resolveMixedPrecision(params.mixedPrecision, dtype),
        spherical: params.metric === 'cosine',
      });
      return { centers, labels, inertia: result.inertia, nIter: result.nIter };
    },
    *clusterInertia(labels, centers) {
      const inertias: [number, number] = [0, 0];
      for (const cluster of [0, 1]) {
        const own = clusterWeights(labels, leaf.sampleWeight, cluster);
        const request = { ...dataRequest({ ...leaf, sampleWeight: own }), labels, centers, k: 2, base: 0 };
        inertias[cluster] = yield* call('inertia', request);
      }
      return inertias;
    },
  };
}

/** As KMeans's ConvergenceWarning: a bisection of duplicate points can leave a leaf empty. */
function* warnEmptyLeaves(nodes: readonly NodeState[]): Generator<WarnStep, void, unknown> {
  const leaves = finalLeaves(nodes);
  const distinct = leaves.filter((id) => nodes[id]!.size > 0).length;
  if (distinct < leaves.length) {
    yield* warn(
      `Number of distinct clusters (${distinct}) found smaller than nClusters (${leaves.length}). Possibly due to duplicate points in X.`,
      'KMEANS_FEWER_DISTINCT_CLUSTERS',
      'ConvergenceWarning',
    );
  }
}

/**
 * One cluster of a bisection: its rows (indices into X), their total weight and how many weigh
 * more than zero. The loops are out of the generators, which V8 optimises less.
 */
function clusterRows(rows: Int32Array, labels: Int32Array, sampleWeight: Float64Array | null, cluster: number) {
  let size = 0;
  let positive = 0;
  let weight = 0;
  for (let i = 0; i < rows.length; i++) {
    if (labels[i] !== cluster) continue;
    const w = sampleWeight ? sampleWeight[rows[i]!]! : 1;
    size++;
    weight += w;
    if (w > 0) positive++;
  }
  const members = new Int32Array(size);
  for (let i = 0, j = 0; i < rows.length; i++) if (labels[i] === cluster) members[j++] = rows[i]!;
  return { members, weight, positive };
}

/** The leaf's weights where the other cluster's rows weigh nothing. */
function clusterWeights(labels: Int32Array, sampleWeight: Float64Array | null, cluster: number): Float64Array {
  const own = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) if (labels[i] === cluster) own[i] = sampleWeight ? sampleWeight[i]! : 1;
  return own;
}

/** The label of every row, from the rows of each leaf. */
function leafLabels(leafRows: Int32Array[], n: number): Int32Array {
  const labels = new Int32Array(n);
  for (let label = 0; label < leafRows.length; label++) for (const row of leafRows[label]!) labels[row] = label;
  return labels;
}

/** weights[rows[0]], weights[rows[1]], ... */
export function gatherWeights(weights: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = weights[rows[i]!]!;
  return out;
}

/** Rows of positive weight (all of them without sampleWeight). */
function positiveCount(sampleWeight: Float64Array | null, n: number): number {
  if (!sampleWeight) return n;
  let positive = 0;
  for (const w of sampleWeight) if (w > 0) positive++;
  return positive;
}

/** nClusters leaves need at least nClusters rows of positive weight. */
function requirePositiveSamples(sampleWeight: Float64Array | null, k: number): void {
  const positive = positiveCount(sampleWeight, sampleWeight?.length ?? 0);
  if (sampleWeight && positive < k) {
    throw new KMeansError(
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      `nClusters must be <= the number of samples with positive weight: ${positive} samples, nClusters = ${k}`,
    );
  }
}
