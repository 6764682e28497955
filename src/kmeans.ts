/**
 * KMeans with scikit-learn's semantics (1.2+), in camelCase: fit runs `nInit` Lloyd runs from
 * k-means++, random or explicit centers and keeps the one with the lowest inertia.
 */
import { type Algorithm, type AlgorithmName, isAlgorithmName } from './algorithms';
import type { FloatArray } from './binding';
import { type ClusterTotals, addClusterTotals, emptyTotals, totalsFor } from './cluster_totals';
import { isCsrLike } from './csr';
import { Estimator, type FittedState } from './estimator';
import { KMeansError } from './errors';
import { type Matrix, type MatrixLike, asDType, dataDType } from './matrix';
import { type Metric, inertiaFor, metricRows } from './metric';
import {
  type AsyncFitOptions,
  type PreparedData,
  asyncControls,
  dataRequest,
  fitInputs,
  threadCount,
} from './model_inputs';
import { type DataSource, type PushdownSource, isPushdownSource } from './source';
import { pushdownFitPlan } from './pushdown_fit';
import {
  type SourceFitOptions,
  type SourceFitRun,
  boundsBytesPerRow,
  requireFitShape,
  sourceControls,
  sourceLloydRun,
  sourceStats,
} from './source_fit';
import { type RowInput, memoryInput, sourceInput } from './source_pass';
import { type KMeansOptions, type ResolvedKMeansOptions, resolveKMeansOptions, resolveMixedPrecision } from './options';
import { type Plan, type WarnStep, call, runAsync, runSync, warn } from './plan';
import { Random, randomSeed } from './rng';
import { kmeansParallelPlan } from './parallel_init';
import { type SeedingContext, defaultLocalTrials, plusPlusPlan, randomRows } from './seeding';
import { type FitRun, sparseExplicitInit, sparseRun, sparseTolerance } from './sparse_fit';
import {
  type SparseData,
  isSparseData,
  sparseClusterTotals,
  sparseFitInputs,
  sparseQueryInputs,
} from './sparse_inputs';
import { sparseAssignPlan, sparseTransform } from './sparse_queries';
import type { Assignment, DataOf, FitOptions, IterationHistory } from './types';
import { withWarnings } from './warnings';

export type { FitOptions, IterationHistory, SampleWeight } from './types';

type AlgorithmUsed = AlgorithmName;

/** The runs of one fit, whatever the layout of its rows. */
interface FitProblem {
  cols: number;
  run(): Plan<FitRun>;
  totals(labels: Int32Array, centers: FloatArray): ClusterTotals;
}

interface KMeansState extends FittedState {
  algorithm: AlgorithmUsed;
  converged: boolean;
  history: IterationHistory;
}

/**
 * Exact k-means (Lloyd's, Elkan's or Hamerly's algorithm) with scikit-learn's KMeans options.
 *
 * @example
 * ```ts
 * import { KMeans } from 'kmeans-native';
 *
 * const km = new KMeans({ nClusters: 2, seed: 0 }).fit([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]]);
 * console.log(km.labels); // Int32Array [1, 1, 1, 0, 0, 0]
 * console.log(km.clusterCenters); // { data: Float64Array [10, 2, 1, 2], rows: 2, cols: 2 }
 * console.log(km.predict([[0, 0], [12, 3]])); // Int32Array [1, 0]
 * ```
 */
export class KMeans<D extends FloatArray = FloatArray> extends Estimator<ResolvedKMeansOptions, KMeansState, D> {
  protected readonly modelName = 'KMeans';
  protected readonly fitFirst = 'call fit(X) or await fitAsync(X) first';

  constructor(options: KMeansOptions = {}) {
    super(...withWarnings((sink) => resolveKMeansOptions(options, sink)));
  }

  /**
   * Computes the clustering. X is number[][], a typed matrix { data, rows, cols }, or a CSR
   * matrix { format: 'csr', indptr, indices, data, rows, cols } (csr.ts), which is never laid
   * out densely; the model's centers take X's dtype, which the returned model's type tells
   * where X's does.
   *
   * @example
   * ```ts
   * import { KMeans } from 'kmeans-native';
   *
   * const data = new Float32Array([1, 2, 1, 4, 1, 0, 10, 2, 10, 4, 10, 0]); // 6 rows, row-major
   * const km = new KMeans({ nClusters: 2, seed: 0 }).fit({ data, rows: 6, cols: 2 });
   * console.log(km.clusterCenters.data, km.inertia); // Float32Array [10, 2, 1, 2] 16
   * ```
   */
  fit<X extends MatrixLike>(X: X, options: FitOptions = {}): KMeans<DataOf<X>> {
    this.fitted = this.runFit(this.fitPlan(this.prepare(X, options)));
    return this as KMeans as KMeans<DataOf<X>>;
  }

  /**
   * As fit, on the libuv thread pool: the event loop stays free, and the result is identical.
   * `signal` aborts it (within one iteration; rejects with an AbortError); `onProgress` hears
   * of every iteration.
   */
  async fitAsync<X extends MatrixLike>(X: X, options: AsyncFitOptions = {}): Promise<KMeans<DataOf<X>>> {
    const callSite = new Error();
    const { fitOptions, control } = asyncControls(options, this.params.metric);
    const prepared = this.prepare(X, fitOptions);
    this.fitted = await this.runFitAsync(this.fitPlan(prepared), callSite, control);
    return this as KMeans as KMeans<DataOf<X>>;
  }

  /** fit, then the labels of X. */
  fitPredict(X: MatrixLike, options: FitOptions = {}): Int32Array {
    return this.fit(X, options).labels;
  }

  /** fit, then the distances of X to the centers (as transform). */
  fitTransform<X extends MatrixLike>(X: X, options: FitOptions = {}): Matrix<DataOf<X>> {
    return this.fit(X, options).transform(X);
  }

  /**
   * Exact k-means over rows read in passes, one pass per iteration (plus one for the column
   * statistics, the seeding's, and one for the final inertia): the result is bitwise that of
   * `fit` on all the rows with the same init, whatever the chunk sizes. init must be explicit
   * centers or 'k-means||' (k-means++ would need k passes). `labels` stays empty (use
   * predictSource); the rows are never held whole. A source that throws, or gives a chunk of
   * another width or dtype, rejects the call and leaves the model as it was. A PushdownSource
   * (kmeans-native/clickhouse's) runs every pass as a query where its rows live, and agrees with
   * `fit` within rounding.
   */
  async fitSource(source: DataSource | PushdownSource, options: SourceFitOptions = {}): Promise<this> {
    const callSite = new Error();
    const { signal, onProgress, boundsMemory } = sourceControls(options);
    if (isPushdownSource(source)) {
      const plan = pushdownFitPlan(source.pushdown, this.params, { signal, onProgress });
      this.fitted = await this.runFitAsync(plan, callSite, { signal });
      return this;
    }
    const input = sourceInput(source, threadCount(this.params.threads));
    this.fitted = await this.runFitAsync(this.fitSourcePlan(input, onProgress, boundsMemory), callSite, { signal });
    return this;
  }

  async predictAsync(X: MatrixLike): Promise<Int32Array> {
    const callSite = new Error();
    const plan = isCsrLike(X) ? this.sparseQueryPlan(X, {}) : this.queryPlan(X, {});
    return (await runAsync(plan, callSite)).labels;
  }

  /** As Estimator's, and for a CSR matrix (the model's centers are dense). */
  override predict(X: MatrixLike): Int32Array {
    return isCsrLike(X) ? runSync(this.sparseQueryPlan(X, {})).labels : super.predict(X);
  }

  override transform<X extends MatrixLike>(X: X): Matrix<DataOf<X>> {
    if (!isCsrLike(X)) return super.transform(X);
    const data = this.sparseQuery(X, {});
    return sparseTransform(data, this.state().clusterCenters, this.params.metric) as Matrix<DataOf<X>>;
  }

  override score(X: MatrixLike, options: FitOptions = {}): number {
    return isCsrLike(X) ? -runSync(this.sparseQueryPlan(X, options)).inertia : super.score(X, options);
  }

  /**
   * A fitted KMeans from toJSON's object or its JSON text: predict, transform and score give
   * exactly what the saved model gave. labels is empty and history has no entries.
   */
  static fromJSON(json: unknown): KMeans {
    return Estimator.load(
      json,
      'KMeans',
      (options) => new KMeans(options),
      (common, stored): KMeansState => {
        const { algorithmUsed, converged } = stored.extra;
        const empty = new Float64Array(0);
        return {
          ...common,
          algorithm: isAlgorithmName(algorithmUsed) ? algorithmUsed : 'lloyd',
          converged: converged === true,
          history: { inertia: empty, centerShift: empty, labelChanges: empty, relocated: empty, distanceEvals: empty },
        };
      },
    );
  }

  /** Whether the winning run converged (labels stable, or shift within tol) before maxIter. */
  get converged(): boolean {
    return this.state().converged;
  }
  /**
   * The algorithm that ran: the one asked for, 'auto' resolved (Elkan may fall back to Hamerly).
   * On CSR input always 'lloyd': Elkan's and Hamerly's algorithms give Lloyd's result, and the
   * sparse kernel runs Lloyd's (sparse_fit.ts).
   */
  get algorithmUsed(): AlgorithmUsed {
    return this.state().algorithm;
  }
  /** Per-iteration statistics of the winning run (on CSR input, Lloyd's: distanceEvals n·k). */
  get history(): IterationHistory {
    return this.state().history;
  }

  /** Written as the model file's extra: algorithmUsed and converged (not the history). */
  protected storedAttributes(state: KMeansState): Record<string, unknown> {
    return { algorithmUsed: state.algorithm, converged: state.converged };
  }

  private sparseQuery(X: unknown, options: FitOptions): SparseData {
    return sparseQueryInputs(X, options, this.state().clusterCenters, this.params, this.modelName);
  }

  private sparseQueryPlan(X: unknown, options: FitOptions): Plan<Assignment> {
    return sparseAssignPlan(this.sparseQuery(X, options), this.state().clusterCenters, this.params.metric);
  }

  private prepare(X: MatrixLike, options: FitOptions): PreparedData | SparseData {
    if (isCsrLike(X)) return sparseFitInputs(X, options, this.params);
    return fitInputs(X, options, 'fit', this.params);
  }

  private *fitPlan(prepared: PreparedData | SparseData): Plan<KMeansState> {
    const { nClusters: k, metric } = this.params;
    const rng = new Random(this.params.seed ?? randomSeed());
    const problem = isSparseData(prepared)
      ? yield* this.sparseProblem(prepared, rng)
      : yield* this.denseProblem(prepared, rng);

    let best: FitRun | undefined;
    for (let run = 0; run < this.runs(); run++) {
      const result = yield* problem.run();
      // As scikit-learn: a better inertia wins unless it is the same clustering (rounding).
      if (!best || (result.run.inertia < best.run.inertia && !isSameClustering(result.labels, best.labels, k))) {
        best = result;
      }
    }
    if (!best) throw new KMeansError('ERR_KMEANS_INTERNAL', 'no k-means run was made');
    const seen = new Uint8Array(k);
    for (const label of best.labels) seen[label] = 1;
    const distinct = seen.reduce((count, flag) => count + flag, 0);
    if (distinct < k) {
      // As scikit-learn's ConvergenceWarning: usually duplicate points in X.
      yield* warn(
        `Number of distinct clusters (${distinct}) found smaller than nClusters (${k}). Possibly due to duplicate points in X.`,
        'KMEANS_FEWER_DISTINCT_CLUSTERS',
        'ConvergenceWarning',
      );
    }
    const { sizes, inertia } = totalsFor(metric, problem.totals(best.labels, best.centers));
    return {
      algorithm: best.run.algorithm,
      clusterCenters: { data: best.centers, rows: k, cols: problem.cols },
      labels: best.labels,
      inertia: inertiaFor(metric, best.run.inertia),
      clusterSizes: sizes,
      clusterInertia: inertia,
      nIter: best.run.nIter,
      converged: best.run.converged,
      history: { ...best.run.history, inertia: best.run.history.inertia.map((value) => inertiaFor(metric, value)) },
    };
  }

  /** The runs of a fit on dense rows, and their per-cluster totals. */
  private *denseProblem(prepared: PreparedData, rng: Random): Plan<FitProblem> {
    const { nClusters: k, init, maxIter, tol, metric } = this.params;
    const X = yield* metricRows(prepared.X, metric, prepared.threads);
    const data = { ...prepared, X };
    const explicitInit =
      typeof init === 'object' ? yield* metricRows(init, metric, prepared.threads, 'init') : undefined;
    const means = new Float64Array(X.cols);
    const meanVariance = yield* call('columnStats', { ...dataRequest(data), means });
    const absoluteTol = tol * meanVariance;
    const algorithm = yield* algorithmFor(this.params.algorithm, k);
    const context: SeedingContext = { X, k, sampleWeight: data.sampleWeight, rng, threads: data.threads, means };
    const mixedPrecision = resolveMixedPrecision(this.params.mixedPrecision, dataDType(X));
    const parallelInit = () => this.parallelInit(memoryInput(data), data.threads, rng);
    function* run(): Plan<FitRun> {
      let centers: FloatArray;
      if (explicitInit) centers = asDType(explicitInit, dataDType(X), 'init').data.slice();
      else if (init === 'random') centers = (yield* randomRows(context)).centers.data;
      else if (init === 'k-means||') centers = (yield* parallelInit()).data;
      else centers = (yield* plusPlusPlan(context, defaultLocalTrials(k))).centers.data;

      const labels = new Int32Array(X.rows);
      const result = yield* call('fit', {
        ...dataRequest(data),
        centers,
        k,
        labels,
        maxIter,
        tol: absoluteTol,
        algorithm,
        mixedPrecision,
        spherical: metric === 'cosine',
      });
      return { run: result, centers, labels };
    }
    const totals = (labels: Int32Array, centers: FloatArray) => {
      const sums = emptyTotals(k);
      addClusterTotals(sums, X, data.sampleWeight, labels, centers);
      return sums;
    };
    return { cols: X.cols, run, totals };
  }

  /** The runs of a fit on CSR rows (sparse_fit.ts): Lloyd's kernel whatever the algorithm. */
  private *sparseProblem(data: SparseData, rng: Random): Plan<FitProblem> {
    const { nClusters: k, init, tol, metric } = this.params;
    yield* algorithmFor(this.params.algorithm, k);
    const explicitInit = yield* sparseExplicitInit(init, metric, data.threads);
    const absoluteTol = sparseTolerance(data, tol);
    return {
      cols: data.X.cols,
      run: () => sparseRun(data, this.params, explicitInit, absoluteTol, rng),
      totals: (labels, centers) => sparseClusterTotals(data, labels, centers, k),
    };
  }

  /** k-means|| (parallel_init.ts) over `input`'s rows, read as `metric` has the kernels see them. */
  private *parallelInit(input: RowInput, threads: number, rng: Random, metric: Metric = 'euclidean'): Plan<Matrix> {
    const { nClusters: k, initSteps, mixedPrecision } = this.params;
    return yield* kmeansParallelPlan(input, { k, initSteps, rng, threads, mixedPrecision, metric });
  }

  private *fitSourcePlan(
    input: RowInput,
    onProgress: SourceFitOptions['onProgress'],
    boundsMemory: number,
  ): Plan<KMeansState> {
    const { nClusters: k, init, maxIter, tol, metric } = this.params;
    if (typeof init !== 'object' && init !== 'k-means||') {
      throw new KMeansError(
        'ERR_KMEANS_INVALID_OPTION',
        `fitSource seeds with init "k-means||" or explicit centers, not "${init}", which would need many passes over the data: make the model with init: 'k-means||'`,
      );
    }
    const stats = yield* sourceStats(input, metric);
    requireFitShape(init, k, stats);
    const threads = threadCount(this.params.threads);
    const explicitInit = typeof init === 'object' ? yield* metricRows(init, metric, threads, 'init') : undefined;
    const rng = new Random(this.params.seed ?? randomSeed());
    const useBounds = stats.rows * boundsBytesPerRow <= boundsMemory;
    let best: SourceFitRun | undefined;
    for (let run = 1; run <= this.runs(); run++) {
      const initial = explicitInit
        ? asDType(explicitInit, stats.dtype, 'init')
        : yield* this.parallelInit(input, threads, rng, metric);
      const result = yield* sourceLloydRun(input, stats.rows, initial, {
        k,
        bounds: useBounds,
        maxIter,
        tol: tol * stats.meanVariance,
        metric,
        mixedPrecision: resolveMixedPrecision(this.params.mixedPrecision, stats.dtype),
        onIteration: onProgress
          ? (iteration, inertia, centerShift) =>
              onProgress({ run, iteration, inertia: inertiaFor(metric, inertia), centerShift })
          : undefined,
      });
      if (!best || result.inertia < best.inertia) best = result;
    }
    if (!best) throw new KMeansError('ERR_KMEANS_INTERNAL', 'no k-means run was made');
    const totals = totalsFor(metric, best.totals);
    return {
      algorithm: useBounds ? 'hamerly' : 'lloyd',
      clusterCenters: { data: best.centers, rows: k, cols: stats.cols },
      labels: new Int32Array(0),
      inertia: inertiaFor(metric, best.inertia),
      clusterSizes: totals.sizes,
      clusterInertia: totals.inertia,
      nIter: best.nIter,
      converged: best.converged,
      history: {
        inertia: Float64Array.from(best.history.inertia, (value) => inertiaFor(metric, value)),
        centerShift: Float64Array.from(best.history.centerShift),
        labelChanges: Float64Array.from(best.history.labelChanges),
        relocated: Float64Array.from(best.history.relocated),
        distanceEvals: Float64Array.from(best.history.distanceEvals),
      },
    };
  }

  /** nInit resolved as scikit-learn: 'auto' is 10 for random init, else 1; explicit init runs once. */
  private runs(): number {
    const { nInit, init } = this.params;
    if (typeof init === 'object') return 1;
    if (nInit === 'auto') return init === 'random' ? 10 : 1;
    return nInit;
  }
}

/** scikit-learn's _is_same_clustering: labels1 maps onto labels2 consistently. */
function isSameClustering(labels1: Int32Array, labels2: Int32Array, k: number): boolean {
  const mapping = new Int32Array(k).fill(-1);
  for (let i = 0; i < labels1.length; i++) {
    const from = labels1[i]!;
    if (mapping[from] === -1) mapping[from] = labels2[i]!;
    else if (mapping[from] !== labels2[i]) return false;
  }
  return true;
}

/** As scikit-learn: Elkan's bounds between centers mean nothing for one cluster, so Lloyd's runs (same result). */
function* algorithmFor(algorithm: Algorithm, k: number): Generator<WarnStep, Algorithm, unknown> {
  if (algorithm !== 'elkan' || k !== 1) return algorithm;
  yield* warn(
    "algorithm='elkan' doesn't make sense for a single cluster. Using 'lloyd' instead.",
    'KMEANS_ELKAN_SINGLE_CLUSTER',
    'RuntimeWarning',
  );
  return 'lloyd';
}
