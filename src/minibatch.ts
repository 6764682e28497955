/**
 * MiniBatchKMeans with scikit-learn's semantics (1.2+), in camelCase (Sculley 2010): each step
 * labels a random batch of rows natively and moves every center toward its batch members with
 * a learning rate of 1 / (weight the center has seen), so a center is the running mean of all
 * samples ever assigned to it. Small clusters are now and then given a random batch row as
 * their center; fit stops early when a smoothed batch inertia stops improving. partialFit
 * takes one batch at a time, and fitStream a whole stream of batches, with memory bounded by
 * the batch and k, not by the number of rows. The plans are in minibatch_fit.ts, a step in
 * minibatch_step.ts, and the regrouping of a stream in minibatch_stream.ts. Every method also
 * takes CSR rows (sparse_minibatch.ts), never laid out densely: the same draws, labels and
 * steps as on the dense rows.
 */
import type { FloatArray } from './binding';
import { isCsrLike } from './csr';
import { Estimator } from './estimator';
import { invalidOption } from './errors';
import type { Matrix, MatrixLike } from './matrix';
import { inertiaFor } from './metric';
import { type FitOutcome, type MiniBatchState, fitPlan, initRuns, initSizeFor, partialFitPlan } from './minibatch_fit';
import { type SparseData, isSparseData, sparseInputs, sparseQueryInputs } from './sparse_inputs';
import { sparseFitPlan, sparseMiniBatchInputs, sparsePartialFitPlan } from './sparse_minibatch';
import { sparseAssignPlan, sparseTransform } from './sparse_queries';
import {
  type MiniBatchKMeansOptions,
  type ResolvedMiniBatchKMeansOptions,
  resolveMiniBatchOptions,
} from './minibatch_options';
import { type Progress, newProgress, smoothStreamInertia } from './minibatch_step';
import { forEachBatch } from './minibatch_stream';
import {
  type AsyncFitOptions,
  type PreparedData,
  asyncControls,
  fitInputs,
  requireColumns,
  sampleInputs,
  threadCount,
} from './model_inputs';
import { type Plan, runAsync, runSync } from './plan';
import { Random, randomSeed } from './rng';
import type { Assignment, DataOf, FitOptions } from './types';
import { type KMeansWarning, withWarnings } from './warnings';

/**
 * Mini-batch k-means (scikit-learn's MiniBatchKMeans): each step moves the centers towards a
 * random batch of rows, for data too large for a full pass per iteration.
 *
 * @example
 * ```ts
 * import { MiniBatchKMeans } from 'kmeans-native';
 *
 * const X = [[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]];
 * const mb = new MiniBatchKMeans({ nClusters: 2, batchSize: 4, seed: 0 }).fit(X);
 * console.log(mb.predict([[0, 0], [12, 3]])); // Int32Array [1, 0]
 * ```
 */
export class MiniBatchKMeans<D extends FloatArray = FloatArray> extends Estimator<
  ResolvedMiniBatchKMeansOptions,
  MiniBatchState,
  D
> {
  protected readonly modelName = 'MiniBatchKMeans';
  protected readonly fitFirst = 'call fit(X), partialFit(X) or fitStream(source) first';
  /** Where the next partialFit goes on from; undefined before the first step. */
  private progress: Progress | undefined;

  constructor(options: MiniBatchKMeansOptions = {}) {
    super(...withWarnings((sink) => resolveMiniBatchOptions(options, sink)));
  }

  /**
   * Computes the clustering from random mini-batches of X; the centers take X's dtype. X may be
   * a CSR matrix { format: 'csr', indptr, indices, data, rows, cols } (csr.ts).
   */
  fit<X extends MatrixLike>(X: X, options: FitOptions = {}): MiniBatchKMeans<DataOf<X>> {
    this.keep(this.runFit(this.fitPlan(this.prepare(X, options, 'fit'))));
    return this as MiniBatchKMeans as MiniBatchKMeans<DataOf<X>>;
  }

  /**
   * As fit, on the libuv thread pool (one native call per step); the result is identical.
   * `signal` aborts it before the next step (rejects with an AbortError).
   */
  async fitAsync<X extends MatrixLike>(
    X: X,
    options: Omit<AsyncFitOptions, 'onProgress'> = {},
  ): Promise<MiniBatchKMeans<DataOf<X>>> {
    const callSite = new Error();
    if ((options as AsyncFitOptions).onProgress !== undefined) {
      throw invalidOption('onProgress', 'absent: MiniBatchKMeans.fitAsync takes a signal only', 'a value');
    }
    const { fitOptions, control } = asyncControls(options, this.params.metric);
    const prepared = this.prepare(X, fitOptions, 'fit');
    this.keep(await this.runFitAsync(this.fitPlan(prepared), callSite, control));
    return this as MiniBatchKMeans as MiniBatchKMeans<DataOf<X>>;
  }

  /**
   * fit, then the labels of X: the fit's `labels`. With computeLabels false the fit keeps none,
   * and they are computed as predict(X) would (the same values computeLabels gives).
   */
  fitPredict(X: MatrixLike, options: FitOptions = {}): Int32Array {
    const model = this.fit(X, options);
    return this.params.computeLabels ? model.labels : model.predict(X);
  }

  /** fit, then the distances of X to the centers (as transform). */
  fitTransform<X extends MatrixLike>(X: X, options: FitOptions = {}): Matrix<DataOf<X>> {
    return this.fit(X, options).transform(X);
  }

  /**
   * One step on X as the batch: the first call chooses the initial centers from X; later calls
   * (and calls after fit) move the centers on from where they are, in X's dtype. Dense and CSR
   * batches may follow each other (the centers are dense). Its warnings join those of the fit
   * it goes on from.
   */
  partialFit<X extends MatrixLike>(X: X, options: FitOptions = {}): MiniBatchKMeans<DataOf<X>> {
    const prepared = this.prepare(X, options, 'partialFit');
    this.keep(this.runFit(this.partialFitPlan(prepared), 'append'));
    return this as MiniBatchKMeans as MiniBatchKMeans<DataOf<X>>;
  }

  /**
   * Clusters a stream of batches, each a matrix (number[][] or { data, rows, cols }), read once
   * and in order; memory stays bounded by the batch size and k, not by the stream's length.
   * Rows are regrouped into batches of batchSize; the first initSize rows also choose the initial
   * centers: the best, by inertia on those rows, of nInit initialisations each refined by
   * full-batch Lloyd on them (the stream is read once, so the batches could not undo a poor
   * start). Every row is used once (no early stopping). labels is empty afterwards, and inertia
   * an estimate from the smoothed batch inertia; call score on held-out data for an exact one.
   * The centers take the first chunk's dtype. The chunks may be CSR matrices, all of them (a
   * dense chunk in a CSR stream, or the other way round, is ERR_KMEANS_INVALID_DATA). A new fit:
   * its warnings, those of all its batches, replace the last fit's.
   */
  async fitStream<X extends MatrixLike>(source: AsyncIterable<X> | Iterable<X>): Promise<MiniBatchKMeans<DataOf<X>>> {
    const callSite = new Error();
    const { batchSize, nClusters, metric } = this.params;
    const sizes = {
      first: Math.max(initSizeFor(this.params, Number.MAX_SAFE_INTEGER), batchSize),
      batch: batchSize,
      fewest: nClusters,
    };
    const before = { fitted: this.fitted, progress: this.progress };
    this.progress = undefined;
    const warnings: KMeansWarning[] = [];
    const onWarning = (warning: KMeansWarning) => warnings.push(warning);
    try {
      const threads = threadCount(this.params.threads);
      const overrides = { computeLabels: false, initRuns: initRuns(this.params) };
      await forEachBatch(source, sizes, async (batch) => {
        const rows: PreparedData | SparseData = isCsrLike(batch)
          ? sparseInputs(batch, {}, 'fitStream', threads, metric)
          : { X: batch, sampleWeight: null, threads };
        this.keep(await runAsync(this.partialFitPlan(rows, overrides), callSite, { onWarning }));
        smoothStreamInertia(this.progress!, batch.rows);
      });
      const progress = this.progress!;
      this.fitted = {
        ...this.fitted!,
        labels: new Int32Array(0),
        inertia: inertiaFor(metric, (progress.ewaInertia ?? 0) * progress.rowsSeen),
      };
      this.keepWarnings(warnings, 'replace');
      return this as MiniBatchKMeans as MiniBatchKMeans<DataOf<X>>;
    } catch (error) {
      // A stream that fails part way leaves the model as it was.
      this.fitted = before.fitted;
      this.progress = before.progress;
      throw error;
    }
  }

  /**
   * A fitted MiniBatchKMeans from toJSON's object or text: predict, transform and score are
   * exact, and partialFit goes on from the stored centers and per-center counts.
   */
  static fromJSON(json: unknown): MiniBatchKMeans {
    return Estimator.load(
      json,
      'MiniBatchKMeans',
      (options) => new MiniBatchKMeans(options),
      (common, stored, model): MiniBatchState => {
        const { nSteps, counts } = stored.extra;
        const k = stored.clusterCenters.rows;
        if (Array.isArray(counts) && counts.length === k && counts.every((c) => typeof c === 'number' && c >= 0)) {
          const rng = new Random(model.params.seed ?? randomSeed());
          const progress = newProgress(k, stored.clusterCenters.data.slice(), rng);
          progress.counts.set(counts as number[]);
          progress.steps = typeof nSteps === 'number' ? nSteps : 0;
          model.progress = progress;
        }
        return { ...common, nSteps: typeof nSteps === 'number' ? nSteps : 0 };
      },
    );
  }

  /** As Estimator's, and for a CSR matrix (the model's centers are dense). */
  override predict(X: MatrixLike): Int32Array {
    return isCsrLike(X) ? runSync(this.sparseQueryPlan(X, {})).labels : super.predict(X);
  }

  override transform<X extends MatrixLike>(X: X): Matrix<DataOf<X>> {
    if (!isCsrLike(X)) return super.transform(X);
    const data = sparseQueryInputs(X, {}, this.state().clusterCenters, this.params, this.modelName);
    return sparseTransform(data, this.state().clusterCenters, this.params.metric) as Matrix<DataOf<X>>;
  }

  override score(X: MatrixLike, options: FitOptions = {}): number {
    return isCsrLike(X) ? -runSync(this.sparseQueryPlan(X, options)).inertia : super.score(X, options);
  }

  /** Mini-batch steps taken (scikit-learn's n_steps_). */
  get nSteps(): number {
    return this.state().nSteps;
  }

  /** Written as the model file's extra: nSteps, and the counts partialFit goes on from. */
  protected storedAttributes(state: MiniBatchState): Record<string, unknown> {
    return { nSteps: state.nSteps, counts: this.progress ? Array.from(this.progress.counts) : null };
  }

  /** Stores a finished fit; an aborted or failed one never gets here, leaving the model as it was. */
  private keep({ state, progress }: FitOutcome): void {
    this.fitted = state;
    this.progress = progress;
  }

  private fitPlan(prepared: PreparedData | SparseData): Plan<FitOutcome> {
    return isSparseData(prepared) ? sparseFitPlan(this.params, prepared) : fitPlan(this.params, prepared);
  }

  private partialFitPlan(
    prepared: PreparedData | SparseData,
    overrides?: { computeLabels: boolean; initRuns: number },
  ): Plan<FitOutcome> {
    const start = { progress: this.progress, nIter: this.fitted?.nIter ?? 0 };
    return isSparseData(prepared)
      ? sparsePartialFitPlan(this.params, prepared, start, overrides)
      : partialFitPlan(this.params, prepared, start, overrides);
  }

  private sparseQueryPlan(X: unknown, options: FitOptions): Plan<Assignment> {
    const data = sparseQueryInputs(X, options, this.state().clusterCenters, this.params, this.modelName);
    return sparseAssignPlan(data, this.state().clusterCenters, this.params.metric);
  }

  private prepare(X: MatrixLike, options: FitOptions, method: 'fit' | 'partialFit'): PreparedData | SparseData {
    // partialFit after the first step: only the column count must match.
    const fittedCols =
      method === 'partialFit' && this.progress !== undefined ? this.state().clusterCenters.cols : undefined;
    if (isCsrLike(X)) return sparseMiniBatchInputs(X, options, method, this.params, fittedCols);
    if (fittedCols !== undefined) {
      const rows = sampleInputs(X, options, method, this.params.threads);
      requireColumns(rows.X, fittedCols, 'MiniBatchKMeans');
      return rows;
    }
    return fitInputs(X, options, method, this.params);
  }
}
