/**
 * KMeans with scikit-learn's semantics (1.2+), in camelCase: fit runs `nInit` Lloyd runs from
 * k-means++, random or explicit centers and keeps the one with the lowest inertia.
 */
import type { FitLloydResponse, FloatArray } from './binding';
import { KMeansError } from './errors';
import { type Matrix, type MatrixLike, asDType, dtypeOf } from './matrix';
import { inertiaFor, metricRows } from './metric';
import { type ModelJSON, constructFromParams, decodeModel, encodeModel } from './model_file';
import {
  type AsyncFitOptions,
  type PreparedData,
  assignPlan,
  asyncControls,
  dataRequest,
  fitInputs,
  queryInputs,
  transformPlan,
} from './model_inputs';
import {
  type Algorithm,
  type KMeansOptions,
  type ResolvedKMeansOptions,
  resolveKMeansOptions,
  resolveMixedPrecision,
} from './options';
import { type Plan, call, runAsync, runSync } from './plan';
import { Random, randomSeed } from './rng';
import { type SeedingContext, defaultLocalTrials, plusPlusPlan, randomRows } from './seeding';

export type SampleWeight = readonly number[] | Float64Array | Float32Array;

export interface FitOptions {
  /** One non-negative weight per sample (default: all 1). Integer weights act as repeated rows. */
  sampleWeight?: SampleWeight;
}

/** Per-iteration record of the winning run (one entry per center update). */
export interface IterationHistory {
  /** Weighted sum of squared distances to the centers used for that iteration's assignment. */
  inertia: Float64Array;
  /** Sum over clusters of the squared shift of the center in that iteration. */
  centerShift: Float64Array;
  /** Samples whose label changed in that iteration. */
  labelChanges: Float64Array;
  /** Empty clusters relocated in that iteration. */
  relocated: Float64Array;
  /** Sample-to-center distances computed in that iteration (n·k for Lloyd, fewer for Hamerly). */
  distanceEvals: Float64Array;
}

interface FittedState {
  algorithm: 'lloyd' | 'elkan' | 'hamerly';
  clusterCenters: Matrix;
  labels: Int32Array;
  inertia: number;
  nIter: number;
  converged: boolean;
  history: IterationHistory;
}

export class KMeans {
  /** The options in force, defaults filled in. */
  readonly params: Readonly<ResolvedKMeansOptions>;
  private fitted: FittedState | undefined;

  constructor(options: KMeansOptions = {}) {
    this.params = Object.freeze(resolveKMeansOptions(options));
  }

  /** Computes the clustering. X is number[][] or a typed matrix { data, rows, cols }. */
  fit(X: MatrixLike, options: FitOptions = {}): this {
    this.fitted = runSync(this.fitPlan(this.prepare(X, options)));
    return this;
  }

  /**
   * As fit, on the libuv thread pool: the event loop stays free, and the result is identical.
   * `signal` aborts it (within one iteration; rejects with an AbortError); `onProgress` hears
   * of every iteration.
   */
  async fitAsync(X: MatrixLike, options: AsyncFitOptions = {}): Promise<this> {
    const callSite = new Error();
    const { fitOptions, control } = asyncControls(options, this.params.metric);
    const prepared = this.prepare(X, fitOptions);
    this.fitted = await runAsync(this.fitPlan(prepared), callSite, control);
    return this;
  }

  /** fit, then the labels of X. */
  fitPredict(X: MatrixLike, options: FitOptions = {}): Int32Array {
    return this.fit(X, options).labels;
  }

  /** fit, then the distances of X to the centers (as transform). */
  fitTransform(X: MatrixLike, options: FitOptions = {}): Matrix {
    return this.fit(X, options).transform(X);
  }

  /** Index of the nearest center for each row of X (lowest index on an exact tie). */
  predict(X: MatrixLike): Int32Array {
    return runSync(this.queryPlan(X, undefined)).labels;
  }

  async predictAsync(X: MatrixLike): Promise<Int32Array> {
    const callSite = new Error();
    return (await runAsync(this.queryPlan(X, undefined), callSite)).labels;
  }

  /**
   * Distance of each row of X to each center: an n×k matrix in X's dtype. Euclidean, or for
   * metric 'cosine' the cosine distance 1 − cos.
   */
  transform(X: MatrixLike): Matrix {
    return runSync(transformPlan(this.prepareQuery(X), this.state().clusterCenters, this.params.metric));
  }

  /** The opposite of X's (weighted) inertia against the fitted centers: higher is better. */
  score(X: MatrixLike, options: FitOptions = {}): number {
    return -runSync(this.queryPlan(X, options)).inertia;
  }

  /**
   * The fitted model as a versioned plain object (JSON.stringify it to save it): options,
   * centers (exact), inertia, nIter, algorithmUsed, converged. Not the training labels or history.
   */
  toJSON(): ModelJSON {
    const state = this.state();
    return encodeModel('KMeans', {
      params: { ...this.params },
      clusterCenters: state.clusterCenters,
      inertia: state.inertia,
      nIter: state.nIter,
      extra: { algorithmUsed: state.algorithm, converged: state.converged },
    });
  }

  /**
   * A fitted KMeans from toJSON's object or its JSON text: predict, transform and score give
   * exactly what the saved model gave. labels is empty and history has no entries.
   */
  static fromJSON(json: unknown): KMeans {
    const stored = decodeModel(json, 'KMeans');
    const model = constructFromParams(stored, (options) => new KMeans(options));
    const { algorithmUsed, converged } = stored.extra;
    const empty = new Float64Array(0);
    model.fitted = {
      algorithm: algorithmUsed === 'elkan' || algorithmUsed === 'hamerly' ? algorithmUsed : 'lloyd',
      clusterCenters: stored.clusterCenters,
      labels: new Int32Array(0),
      inertia: stored.inertia,
      nIter: stored.nIter,
      converged: converged === true,
      history: { inertia: empty, centerShift: empty, labelChanges: empty, relocated: empty, distanceEvals: empty },
    };
    return model;
  }

  /** Cluster centers, k×d, in the dtype of the data fitted. */
  get clusterCenters(): Matrix {
    return this.state().clusterCenters;
  }
  /** Label of each training sample. */
  get labels(): Int32Array {
    return this.state().labels;
  }
  /** Sum of (weighted) squared distances of the samples to their nearest center. */
  get inertia(): number {
    return this.state().inertia;
  }
  /** Iterations run by the winning run. */
  get nIter(): number {
    return this.state().nIter;
  }
  /** Whether the winning run converged (labels stable, or shift within tol) before maxIter. */
  get converged(): boolean {
    return this.state().converged;
  }
  /** Number of features seen by fit. */
  get nFeaturesIn(): number {
    return this.state().clusterCenters.cols;
  }
  /** The algorithm that ran: the one asked for, 'auto' resolved (Elkan may fall back to Hamerly). */
  get algorithmUsed(): 'lloyd' | 'elkan' | 'hamerly' {
    return this.state().algorithm;
  }
  /** Per-iteration statistics of the winning run. */
  get history(): IterationHistory {
    return this.state().history;
  }

  private state(): FittedState {
    if (!this.fitted) {
      throw new KMeansError(
        'ERR_KMEANS_NOT_FITTED',
        'This KMeans instance is not fitted yet: call fit(X) or await fitAsync(X) first',
      );
    }
    return this.fitted;
  }

  private prepare(X: MatrixLike, options: FitOptions): PreparedData {
    return fitInputs(X, options, 'fit', this.params);
  }

  private prepareQuery(X: MatrixLike, options: FitOptions = {}): PreparedData {
    return queryInputs(X, options, this.state().clusterCenters, this.params.threads, 'KMeans');
  }

  private queryPlan(X: MatrixLike, options: FitOptions | undefined): Plan<{ labels: Int32Array; inertia: number }> {
    const mixed = (dtype: 'float64' | 'float32') => resolveMixedPrecision(this.params.mixedPrecision, dtype);
    return assignPlan(this.prepareQuery(X, options), this.state().clusterCenters, this.params.metric, mixed);
  }

  private *fitPlan(prepared: PreparedData): Plan<FittedState> {
    const { nClusters: k, init, maxIter, tol, metric } = this.params;
    const X = yield* metricRows(prepared.X, metric, prepared.threads);
    const data = { ...prepared, X };
    const explicitInit =
      typeof init === 'object' ? yield* metricRows(init, metric, prepared.threads, 'init') : undefined;
    const means = new Float64Array(X.cols);
    const meanVariance = yield* call('columnStats', { ...dataRequest(data), means });
    const absoluteTol = tol * meanVariance;
    const rng = new Random(this.params.seed ?? randomSeed());
    const context: SeedingContext = { X, k, sampleWeight: data.sampleWeight, rng, threads: data.threads, means };

    let best: { run: FitLloydResponse; centers: FloatArray; labels: Int32Array } | undefined;
    for (let run = 0; run < this.runs(); run++) {
      let centers: FloatArray;
      if (explicitInit) centers = asDType(explicitInit, dtypeOf(X.data), 'init').data.slice();
      else if (init === 'random') centers = (yield* randomRows(context)).centers.data;
      else centers = (yield* plusPlusPlan(context, defaultLocalTrials(k))).centers.data;

      const labels = new Int32Array(X.rows);
      const result = yield* call('fitLloyd', {
        ...dataRequest(data),
        centers,
        k,
        labels,
        maxIter,
        tol: absoluteTol,
        algorithm: resolveAlgorithm(this.params.algorithm, k, X.cols),
        mixedPrecision: resolveMixedPrecision(this.params.mixedPrecision, dtypeOf(X.data)),
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
      process.emitWarning(
        `Number of distinct clusters (${distinct}) found smaller than nClusters (${k}). Possibly due to duplicate points in X.`,
        { type: 'ConvergenceWarning', code: 'KMEANS_FEWER_DISTINCT_CLUSTERS' },
      );
    }
    return {
      algorithm: best.run.algorithm,
      clusterCenters: { data: best.centers, rows: k, cols: X.cols },
      labels: best.labels,
      inertia: inertiaFor(metric, best.run.inertia),
      nIter: best.run.nIter,
      converged: best.run.converged,
      history: { ...best.run.history, inertia: best.run.history.inertia.map((value) => inertiaFor(metric, value)) },
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

/**
 * 'auto', from the benchmark's fits to convergence (bench/, --mode fit): Hamerly's bounds pay
 * once a pass has many clusters to rule out (k >= 32: 0.6 to 0.85 of Lloyd's time on
 * (100000, 64, 256), (100000, 2, 500), (50000, 768, 50), (100000, 1536, 100)), or a few (k > 8)
 * with wide rows, where each distance saved is long (d >= 128: (60000, 784, 10), 0.85 to 1.0).
 * With fewer clusters and narrow rows, checking the bounds and labelling the rows that fail them
 * costs more than it saves ((200000, 16, 16): 1.3; (10000, 32, 20): 1.25; digits-shaped
 * (1797, 64, 10): 1.7 to 4). Elkan's n·k bounds did not beat Hamerly's on any of them.
 */
export function resolveAlgorithm(algorithm: Algorithm, k: number, d: number): 'lloyd' | 'elkan' | 'hamerly' {
  if (algorithm !== 'auto') return algorithm;
  return k >= 32 || (k > 8 && d >= 128) ? 'hamerly' : 'lloyd';
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
