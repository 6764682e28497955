/**
 * KMeans with scikit-learn's semantics (1.2+), in camelCase: fit runs `nInit` Lloyd runs from
 * k-means++, random or explicit centers and keeps the one with the lowest inertia.
 */
import { type Algorithm, type AlgorithmName, isAlgorithmName } from './algorithms';
import type { FitResponse, FloatArray } from './binding';
import { addClusterTotals, emptyTotals, totalsFor } from './cluster_totals';
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
import { type Plan, call, runAsync, runSync } from './plan';
import { Random, randomSeed } from './rng';
import { kmeansParallelPlan } from './parallel_init';
import { type SeedingContext, defaultLocalTrials, plusPlusPlan, randomRows } from './seeding';
import type { DataOf, FitOptions, IterationHistory } from './types';
import { emitKMeansWarning } from './warnings';

export type { FitOptions, IterationHistory, SampleWeight } from './types';

type AlgorithmUsed = AlgorithmName;

interface KMeansState extends FittedState {
  algorithm: AlgorithmUsed;
  converged: boolean;
  history: IterationHistory;
}

export class KMeans<D extends FloatArray = FloatArray> extends Estimator<ResolvedKMeansOptions, KMeansState, D> {
  protected readonly modelName = 'KMeans';
  protected readonly fitFirst = 'call fit(X) or await fitAsync(X) first';

  constructor(options: KMeansOptions = {}) {
    super(resolveKMeansOptions(options));
  }

  /**
   * Computes the clustering. X is number[][] or a typed matrix { data, rows, cols }; the
   * model's centers take X's dtype, which the returned model's type tells where X's does.
   */
  fit<X extends MatrixLike>(X: X, options: FitOptions = {}): KMeans<DataOf<X>> {
    this.fitted = runSync(this.fitPlan(this.prepare(X, options)));
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
    this.fitted = await runAsync(this.fitPlan(prepared), callSite, control);
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
      this.fitted = await runAsync(plan, callSite, { signal });
      return this;
    }
    const input = sourceInput(source, threadCount(this.params.threads));
    this.fitted = await runAsync(this.fitSourcePlan(input, onProgress, boundsMemory), callSite, { signal });
    return this;
  }

  async predictAsync(X: MatrixLike): Promise<Int32Array> {
    const callSite = new Error();
    return (await runAsync(this.queryPlan(X, {}), callSite)).labels;
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
  /** The algorithm that ran: the one asked for, 'auto' resolved (Elkan may fall back to Hamerly). */
  get algorithmUsed(): AlgorithmUsed {
    return this.state().algorithm;
  }
  /** Per-iteration statistics of the winning run. */
  get history(): IterationHistory {
    return this.state().history;
  }

  /** Written as the model file's extra: algorithmUsed and converged (not the history). */
  protected storedAttributes(state: KMeansState): Record<string, unknown> {
    return { algorithmUsed: state.algorithm, converged: state.converged };
  }

  private prepare(X: MatrixLike, options: FitOptions): PreparedData {
    return fitInputs(X, options, 'fit', this.params);
  }

  private *fitPlan(prepared: PreparedData): Plan<KMeansState> {
    const { nClusters: k, init, maxIter, tol, metric } = this.params;
    const X = yield* metricRows(prepared.X, metric, prepared.threads);
    const data = { ...prepared, X };
    const explicitInit =
      typeof init === 'object' ? yield* metricRows(init, metric, prepared.threads, 'init') : undefined;
    const means = new Float64Array(X.cols);
    const meanVariance = yield* call('columnStats', { ...dataRequest(data), means });
    const absoluteTol = tol * meanVariance;
    const algorithm = algorithmFor(this.params.algorithm, k);
    const rng = new Random(this.params.seed ?? randomSeed());
    const context: SeedingContext = { X, k, sampleWeight: data.sampleWeight, rng, threads: data.threads, means };

    let best: { run: FitResponse; centers: FloatArray; labels: Int32Array } | undefined;
    for (let run = 0; run < this.runs(); run++) {
      let centers: FloatArray;
      if (explicitInit) centers = asDType(explicitInit, dataDType(X), 'init').data.slice();
      else if (init === 'random') centers = (yield* randomRows(context)).centers.data;
      else if (init === 'k-means||') centers = (yield* this.parallelInit(memoryInput(data), data.threads, rng)).data;
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
        mixedPrecision: resolveMixedPrecision(this.params.mixedPrecision, dataDType(X)),
        spherical: metric === 'cosine',
      });
      // As scikit-learn: a better inertia wins unless it is the same clustering (rounding).
      if (!best || (result.inertia < best.run.inertia && !isSameClustering(labels, best.labels, k))) {
        best = { run: result, centers, labels };
      }
    }
    if (!best) throw new KMeansError('ERR_KMEANS_INTERNAL', 'no k-means run was made');
    const seen = new Uint8Array(k);
    for (const label of best.labels) seen[label] = 1;
    const distinct = seen.reduce((count, flag) => count + flag, 0);
    if (distinct < k) {
      // As scikit-learn's ConvergenceWarning: usually duplicate points in X.
      emitKMeansWarning(
        `Number of distinct clusters (${distinct}) found smaller than nClusters (${k}). Possibly due to duplicate points in X.`,
        'KMEANS_FEWER_DISTINCT_CLUSTERS',
        'ConvergenceWarning',
      );
    }
    const totals = emptyTotals(k);
    addClusterTotals(totals, X, data.sampleWeight, best.labels, best.centers);
    const { sizes, inertia } = totalsFor(metric, totals);
    return {
      algorithm: best.run.algorithm,
      clusterCenters: { data: best.centers, rows: k, cols: X.cols },
      labels: best.labels,
      inertia: inertiaFor(metric, best.run.inertia),
      clusterSizes: sizes,
      clusterInertia: inertia,
      nIter: best.run.nIter,
      converged: best.run.converged,
      history: { ...best.run.history, inertia: best.run.history.inertia.map((value) => inertiaFor(metric, value)) },
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
function algorithmFor(algorithm: Algorithm, k: number): Algorithm {
  if (algorithm !== 'elkan' || k !== 1) return algorithm;
  emitKMeansWarning(
    "algorithm='elkan' doesn't make sense for a single cluster. Using 'lloyd' instead.",
    'KMEANS_ELKAN_SINGLE_CLUSTER',
    'RuntimeWarning',
  );
  return 'lloyd';
}
