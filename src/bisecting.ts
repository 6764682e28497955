/**
 * BisectingKMeans with scikit-learn 1.2's semantics, in camelCase: a divisive clustering that
 * starts from one cluster and splits a leaf in two with a 2-means fit until there are nClusters
 * leaves (plans in bisecting_fit.ts). Besides scikit-learn's surface it gives the tree
 * (bisecting_tree.ts) and the clustering of every level of it (labelsAt, centersAt). It fits
 * and queries CSR rows too (sparse_bisecting.ts), never laid out densely.
 */
import type { FloatArray } from './binding';
import { type BisectingState, bisectingFitPlan } from './bisecting_fit';
import { treePredictPlan } from './bisecting_predict';
import { decodeTree, encodeTree } from './bisecting_file';
import {
  type BisectingKMeansOptions,
  type ResolvedBisectingKMeansOptions,
  resolveBisectingOptions,
} from './bisecting_options';
import { type BisectingNode, centersAtLevel, labelsAtLevel, leafTotals, publicTree } from './bisecting_tree';
import { isCsrLike } from './csr';
import { Estimator } from './estimator';
import type { Matrix, MatrixLike } from './matrix';
import { type AsyncFitOptions, type PreparedData, asyncControls, fitInputs } from './model_inputs';
import { type Plan, runAsync, runSync } from './plan';
import type { DataSource } from './source';
import { isWeightedChunk } from './source';
import { readChunks } from './source_pass';
import { sparseBisectingFitPlan, sparseTreePredictPlan } from './sparse_bisecting';
import { type SparseData, isSparseData, sparseFitInputs, sparseQueryInputs } from './sparse_inputs';
import { sparseAssignPlan, sparseTransform } from './sparse_queries';
import type { DataOf, FitOptions } from './types';

/**
 * Bisecting k-means (scikit-learn's BisectingKMeans): splits one cluster in two at a time until
 * there are nClusters, keeping the tree of splits.
 *
 * @example
 * ```ts
 * import { BisectingKMeans } from 'kmeans-native';
 *
 * const X = [[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]];
 * const bk = new BisectingKMeans({ nClusters: 3, seed: 0 }).fit(X);
 * console.log(bk.labels); // Int32Array [1, 0, 1, 2, 2, 2]
 * ```
 */
export class BisectingKMeans<D extends FloatArray = FloatArray> extends Estimator<
  ResolvedBisectingKMeansOptions,
  BisectingState,
  D
> {
  protected readonly modelName = 'BisectingKMeans';
  protected readonly fitFirst = 'call fit(X) or await fitAsync(X) first';

  constructor(options: BisectingKMeansOptions = {}) {
    super(resolveBisectingOptions(options));
  }

  /**
   * Computes the clustering; the centers take X's dtype. X may be a CSR matrix
   * { format: 'csr', indptr, indices, data, rows, cols } (csr.ts), never laid out densely: each
   * bisection is then KMeans's CSR 2-means, and the fit gives the dense fit's tree and labels.
   */
  fit<X extends MatrixLike>(X: X, options: FitOptions = {}): BisectingKMeans<DataOf<X>> {
    this.fitted = this.runFit(this.fitPlan(this.prepare(X, options)));
    return this as BisectingKMeans as BisectingKMeans<DataOf<X>>;
  }

  /**
   * As fit, on the libuv thread pool, with the same result. `signal` aborts it (within one
   * iteration; rejects with an AbortError and leaves the model as it was); `onProgress` hears
   * of every iteration, `run` counting the 2-means runs of all bisections from 1.
   */
  async fitAsync<X extends MatrixLike>(X: X, options: AsyncFitOptions = {}): Promise<BisectingKMeans<DataOf<X>>> {
    const callSite = new Error();
    const { fitOptions, control } = asyncControls(options, this.params.metric);
    const prepared = this.prepare(X, fitOptions);
    this.fitted = await this.runFitAsync(this.fitPlan(prepared), callSite, control);
    return this as BisectingKMeans as BisectingKMeans<DataOf<X>>;
  }

  /** fit, then the labels of X (the training labels). */
  fitPredict(X: MatrixLike, options: FitOptions = {}): Int32Array {
    return this.fit(X, options).labels;
  }

  /** fit, then the distances of X to the leaf centers (as transform). */
  fitTransform<X extends MatrixLike>(X: X, options: FitOptions = {}): Matrix<DataOf<X>> {
    return this.fit(X, options).transform(X);
  }

  /**
   * The leaf of each row, found as scikit-learn does: down the tree from the root, to the nearer
   * of the two child centers at each split (the first on an exact tie). This can differ from the
   * nearest leaf center, which transform and score use, as in scikit-learn.
   */
  override predict(X: MatrixLike): Int32Array {
    return runSync(this.treePlan(X));
  }

  async predictAsync(X: MatrixLike): Promise<Int32Array> {
    const callSite = new Error();
    return runAsync(this.treePlan(X), callSite);
  }

  /** As Estimator's, and for a CSR matrix (the leaf centers are dense). */
  override transform<X extends MatrixLike>(X: X): Matrix<DataOf<X>> {
    if (!isCsrLike(X)) return super.transform(X);
    const data = this.sparseQuery(X, {});
    return sparseTransform(data, this.state().clusterCenters, this.params.metric) as Matrix<DataOf<X>>;
  }

  override score(X: MatrixLike, options: FitOptions = {}): number {
    if (!isCsrLike(X)) return super.score(X, options);
    const plan = sparseAssignPlan(this.sparseQuery(X, options), this.state().clusterCenters, this.params.metric);
    return -runSync(plan).inertia;
  }

  /** predict of each chunk of a source, as it reads them: one Int32Array per chunk. */
  override async *predictSource(source: DataSource): AsyncGenerator<Int32Array, void, undefined> {
    const callSite = new Error();
    this.state();
    for await (const chunk of readChunks(source)) {
      const X = isWeightedChunk(chunk) ? chunk.X : chunk;
      yield await runAsync(this.treePlan(X), callSite);
    }
  }

  /**
   * The tree of the fit: node 0 is the root, and bisection b (from 0) split one leaf into nodes
   * 2b + 1 and 2b + 2. Each node has its center, its training rows (`size`) and their total
   * weight, and its inertia; a leaf's `label` is its row of clusterCenters. A fresh copy on
   * every call.
   */
  get tree(): BisectingNode[] {
    return publicTree(this.state().nodes);
  }

  /**
   * The training labels after the first k − 1 bisections, for 1 <= k <= nClusters: the leaves of
   * the tree at that point, numbered left to right (depth first, as clusterCenters numbers the
   * final ones). labelsAt(nClusters) equals labels; empty after fromJSON, as labels is.
   */
  labelsAt(k: number): Int32Array {
    const { nodes, labels } = this.state();
    return labelsAtLevel(nodes, labels, k);
  }

  /** The centers of those leaves, k×d, in labelsAt's order; centersAt(nClusters) equals clusterCenters. */
  centersAt(k: number): Matrix<D> {
    return centersAtLevel(this.state().nodes, k) as Matrix<D>;
  }

  /**
   * A fitted BisectingKMeans from toJSON's object or text, its tree included: predict,
   * transform, score, tree and centersAt give what the saved model gave; labels is empty.
   */
  static fromJSON(json: unknown): BisectingKMeans {
    return Estimator.load(
      json,
      'BisectingKMeans',
      (options) => new BisectingKMeans(options),
      (common, stored, model): BisectingState => {
        const nodes = decodeTree(stored.extra.tree, stored.clusterCenters, model.params.metric);
        return { ...common, nodes, ...leafTotals(nodes) };
      },
    );
  }

  /** Written as the model file's extra: the tree. */
  protected storedAttributes(state: BisectingState): Record<string, unknown> {
    return { tree: encodeTree(state.nodes) };
  }

  private prepare(X: MatrixLike, options: FitOptions): PreparedData | SparseData {
    if (isCsrLike(X)) return sparseFitInputs(X, options, this.params);
    return fitInputs(X, options, 'fit', this.params);
  }

  private fitPlan(prepared: PreparedData | SparseData): Plan<BisectingState> {
    return isSparseData(prepared)
      ? sparseBisectingFitPlan(this.params, prepared)
      : bisectingFitPlan(this.params, prepared);
  }

  private sparseQuery(X: unknown, options: FitOptions): SparseData {
    return sparseQueryInputs(X, options, this.state().clusterCenters, this.params, this.modelName);
  }

  private treePlan(X: MatrixLike): Plan<Int32Array> {
    const { nodes } = this.state();
    if (isCsrLike(X)) return sparseTreePredictPlan(nodes, this.sparseQuery(X, {}));
    return treePredictPlan(nodes, this.prepareQuery(X, {}), this.params);
  }
}
