/**
 * What KMeans and MiniBatchKMeans share as models: the options in force, the fitted state and
 * the error when there is none yet, the getters, the warnings kept, the queries of a fitted model
 * (predict, transform, score) and the frame of its model file (toJSON, and the common part of
 * fromJSON).
 * Each subclass adds its fits and what only it stores.
 */
import type { FloatArray } from './binding';
import { KMeansError } from './errors';
import type { Matrix, MatrixLike } from './matrix';
import type { Metric } from './metric';
import { type ModelJSON, type StoredModel, constructFromParams, decodeModel, encodeModel } from './model_file';
import { type PreparedData, assignPlan, queryInputs, threadCount, transformPlan } from './model_inputs';
import { type DataSource, isWeightedChunk } from './source';
import { sourceInertiaPlan } from './source_fit';
import { readChunks, sourceInput } from './source_pass';
import { type InitMethod, resolveMixedPrecision } from './options';
import { type AsyncControl, type Plan, runAsync, runSync } from './plan';
import type { Assignment, DataOf, FitOptions } from './types';
import { type KMeansWarning, emitKMeansWarning, withWarnings } from './warnings';

/** What a fit does with the warnings kept before it: replaces them (a fit) or adds to them (partialFit). */
export type WarningsKept = 'replace' | 'append';

/** The resolved options that the shared queries and checks read. */
export interface EstimatorParams {
  nClusters: number;
  init: InitMethod | Matrix;
  threads: number | undefined;
  mixedPrecision: boolean | 'auto';
  metric: Metric;
}

/** The fitted state of every model; each subclass adds its own attributes. */
export interface FittedState {
  clusterCenters: Matrix;
  labels: Int32Array;
  inertia: number;
  nIter: number;
  /** Per-cluster weight of the final assignment's rows; absent where the fit has none. */
  clusterSizes?: Float64Array;
  /** Per-cluster (weighted) inertia of the final assignment; absent where the fit has none. */
  clusterInertia?: Float64Array;
}

export type ModelName = ModelJSON['model'];

/**
 * `D` is the array type of the centers, known at compile time when the model came from `fit`
 * on data of a known dtype, else either.
 */
export abstract class Estimator<
  Params extends EstimatorParams,
  State extends FittedState,
  D extends FloatArray = FloatArray,
> {
  /** The options in force, defaults filled in. */
  readonly params: Readonly<Params>;
  protected fitted: State | undefined;
  /** The class name, as messages and model files give it. */
  protected abstract readonly modelName: ModelName;
  /** What the not-fitted error tells the caller to do. */
  protected abstract readonly fitFirst: string;
  private readonly optionWarnings: readonly KMeansWarning[];
  private fitWarnings: readonly KMeansWarning[] = [];

  /** `optionWarnings`: those that checking the options gave. */
  protected constructor(params: Params, optionWarnings: readonly KMeansWarning[] = []) {
    this.params = Object.freeze(params);
    this.optionWarnings = Object.freeze([...optionWarnings]);
  }

  /**
   * The warnings this model emitted as process warnings (process.emitWarning still hears every
   * one), in order: first its options' (made when the model was built, fromJSON included; they
   * stay), then its last fit's, those of the fits it runs inside (BisectingKMeans's 2-means
   * bisections) included. A new fit, fitAsync, fitSource or fitStream replaces the last fit's
   * once it succeeds (one that throws leaves them, as it leaves the model); partialFit adds its
   * own to them. Each call keeps its own, so concurrent fits of different models never mix them.
   * A fresh frozen array on every read; toJSON does not save them.
   */
  get warnings(): readonly KMeansWarning[] {
    return Object.freeze([...this.optionWarnings, ...this.fitWarnings]);
  }

  /** Index of the nearest center for each row of X (lowest index on an exact tie). */
  predict(X: MatrixLike): Int32Array {
    return runSync(this.queryPlan(X, {})).labels;
  }

  /**
   * Distance of each row of X to each center: an n×k matrix in X's dtype. Euclidean, or for
   * metric 'cosine' the cosine distance 1 − cos.
   */
  transform<X extends MatrixLike>(X: X): Matrix<DataOf<X>> {
    const plan = transformPlan(this.prepareQuery(X, {}), this.state().clusterCenters, this.params.metric);
    return runSync(plan) as Matrix<DataOf<X>>;
  }

  /** The opposite of X's (weighted) inertia against the fitted centers: higher is better. */
  score(X: MatrixLike, options: FitOptions = {}): number {
    return -runSync(this.queryPlan(X, options)).inertia;
  }

  /**
   * The labels of a source's rows, chunk by chunk as it reads them: one Int32Array per chunk of
   * the source, of its length. For data too large to label at once; reads the source once.
   */
  async *predictSource(source: DataSource): AsyncGenerator<Int32Array, void, undefined> {
    const callSite = new Error();
    this.state();
    for await (const chunk of readChunks(source)) {
      const X = isWeightedChunk(chunk) ? chunk.X : chunk;
      const data = this.prepareQuery(X, {});
      const mixed = (dtype: 'float64' | 'float32') => resolveMixedPrecision(this.params.mixedPrecision, dtype);
      const plan = assignPlan(data, this.state().clusterCenters, this.params.metric, mixed);
      yield (await runAsync(plan, callSite)).labels;
    }
  }

  /** The opposite of the (weighted) inertia of a source's rows: exactly score of all of them at once. */
  async scoreSource(source: DataSource): Promise<number> {
    const callSite = new Error();
    const centers = this.state().clusterCenters;
    const input = sourceInput(source, threadCount(this.params.threads));
    const mixed = (dtype: 'float64' | 'float32') => resolveMixedPrecision(this.params.mixedPrecision, dtype);
    return -(await runAsync(sourceInertiaPlan(input, centers, this.params.metric, mixed), callSite));
  }

  /**
   * The fitted model as a versioned plain object (JSON.stringify it to save it): options,
   * centers (exact), inertia, nIter, clusterSizes and clusterInertia (where known) and the
   * model's own attributes. Not the training labels, nor the warnings.
   */
  toJSON(): ModelJSON {
    const state = this.state();
    const { clusterSizes, clusterInertia } = state;
    return encodeModel(this.modelName, {
      params: { ...this.params },
      clusterCenters: state.clusterCenters,
      inertia: state.inertia,
      nIter: state.nIter,
      extra: {
        ...this.storedAttributes(state),
        ...(clusterSizes ? { clusterSizes: Array.from(clusterSizes) } : {}),
        ...(clusterInertia ? { clusterInertia: Array.from(clusterInertia) } : {}),
      },
    });
  }

  /** Cluster centers, k×d, in the dtype of the data fitted. */
  get clusterCenters(): Matrix<D> {
    return this.state().clusterCenters as Matrix<D>;
  }
  /** Label of each row of the last fit (empty after fromJSON, and where a fit computes none). */
  get labels(): Int32Array {
    return this.state().labels;
  }
  /** Sum of (weighted) squared distances of the rows of the last fit to their nearest center. */
  get inertia(): number {
    return this.state().inertia;
  }
  /** Iterations: KMeans's by the winning run; MiniBatchKMeans's as passes over the data. */
  get nIter(): number {
    return this.state().nIter;
  }
  /**
   * Total (sample) weight of each cluster's rows in the last fit's final assignment, k values
   * (the row counts without sampleWeight); fitSource gives them though it keeps no labels. Empty
   * where the fit makes no final assignment (MiniBatchKMeans with computeLabels false, fitStream)
   * and after fromJSON of a file written without them.
   */
  get clusterSizes(): Float64Array {
    return this.state().clusterSizes ?? new Float64Array(0);
  }
  /**
   * Each cluster's part of `inertia`: the (weighted) sum of its rows' squared distances (cosine
   * distances for metric 'cosine') to its center, k values that add up to `inertia` within
   * rounding. Empty where clusterSizes is, and after fitSource on a PushdownSource.
   */
  get clusterInertia(): Float64Array {
    return this.state().clusterInertia ?? new Float64Array(0);
  }
  /** Number of features seen by fit. */
  get nFeaturesIn(): number {
    return this.state().clusterCenters.cols;
  }

  /** Runs a fit's plan on the calling thread; once it succeeds, its warnings are kept as `kept` says. */
  protected runFit<R>(plan: Plan<R>, kept: WarningsKept = 'replace'): R {
    const warnings: KMeansWarning[] = [];
    const result = runSync(plan, (warning) => warnings.push(warning));
    this.keepWarnings(warnings, kept);
    return result;
  }

  /** As runFit, on the thread pool (plan.ts's runAsync). */
  protected async runFitAsync<R>(
    plan: Plan<R>,
    callSite: Error,
    control: AsyncControl = {},
    kept: WarningsKept = 'replace',
  ): Promise<R> {
    const warnings: KMeansWarning[] = [];
    const result = await runAsync(plan, callSite, { ...control, onWarning: (warning) => warnings.push(warning) });
    this.keepWarnings(warnings, kept);
    return result;
  }

  /** The warnings of a fit that succeeded: in place of the last fit's, or after them. */
  protected keepWarnings(warnings: readonly KMeansWarning[], kept: WarningsKept): void {
    this.fitWarnings = kept === 'replace' ? [...warnings] : [...this.fitWarnings, ...warnings];
  }

  /** The attributes of this model that its file keeps in `extra`. */
  protected abstract storedAttributes(state: State): Record<string, unknown>;

  protected state(): State {
    if (!this.fitted) {
      throw new KMeansError(
        'ERR_KMEANS_NOT_FITTED',
        `This ${this.modelName} instance is not fitted yet: ${this.fitFirst}`,
      );
    }
    return this.fitted;
  }

  /** X (and its sample weights) for a query: as many columns as the centers. */
  protected prepareQuery(X: MatrixLike, options: FitOptions): PreparedData {
    return queryInputs(X, options, this.state().clusterCenters, this.params.threads, this.modelName);
  }

  protected queryPlan(X: MatrixLike, options: FitOptions): Plan<Assignment> {
    const mixed = (dtype: 'float64' | 'float32') => resolveMixedPrecision(this.params.mixedPrecision, dtype);
    return assignPlan(this.prepareQuery(X, options), this.state().clusterCenters, this.params.metric, mixed);
  }

  /**
   * fromJSON's frame: reads the file written for `name`, builds the model from its options,
   * and gives it the stored centers, inertia, nIter and per-cluster totals, no training labels, and what
   * `restore` adds from the file's `extra`.
   */
  protected static load<M extends Estimator<EstimatorParams, S>, S extends FittedState>(
    json: unknown,
    name: ModelName,
    make: (options: Record<string, unknown>) => M,
    restore: (common: FittedState, stored: StoredModel, model: M) => S,
  ): M {
    const stored = decodeModel(json, name);
    const model = constructFromParams(stored, make);
    const { clusterSizes, clusterInertia } = stored.extra;
    const common: FittedState = {
      clusterCenters: stored.clusterCenters,
      labels: new Int32Array(0),
      inertia: stored.inertia,
      nIter: stored.nIter,
      // decodeModel checked them: k numbers each, when present.
      ...(Array.isArray(clusterSizes) ? { clusterSizes: Float64Array.from(clusterSizes as number[]) } : {}),
      ...(Array.isArray(clusterInertia) ? { clusterInertia: Float64Array.from(clusterInertia as number[]) } : {}),
    };
    model.fitted = restore(common, stored, model);
    if (stored.scaledFeatures) {
      // Kept as the loaded fit's warning: a new fit replaces it.
      const [, warnings] = withWarnings((sink) =>
        emitKMeansWarning(
          `This model file has a "scaling" entry (the command line's fit --scale): its centers are in ` +
            `scaled units, and ${name}.fromJSON does not apply it. Scale each row x as ` +
            `(x - offset) / scale with the file's "scaling" before predict, transform or score, ` +
            `as the command line's predict does; unscaled rows get the labels of other clusters.`,
          'KMEANS_SCALED_MODEL_FILE',
          undefined,
          sink,
        ),
      );
      model.keepWarnings(warnings, 'replace');
    }
    return model;
  }
}
