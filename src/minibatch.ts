/**
 * MiniBatchKMeans with scikit-learn's semantics (1.2+), in camelCase (Sculley 2010): each step
 * labels a random batch of rows natively and moves every center toward its batch members with
 * a learning rate of 1 / (weight the center has seen), so a center is the running mean of all
 * samples ever assigned to it. Small clusters are now and then given a random batch row as
 * their center; fit stops early when a smoothed batch inertia stops improving. partialFit
 * takes one batch at a time, and fitStream a whole stream of batches, with memory bounded by
 * the batch and k, not by the number of rows.
 */
import type { FloatArray } from './binding';
import { KMeansError, invalidOption } from './errors';
import type { FitOptions } from './kmeans';
import { type DType, type Matrix, type MatrixLike, allocate, asDType, dtypeOf, toMatrix } from './matrix';
import { inertiaFor, metricRows } from './metric';
import {
  type MiniBatchKMeansOptions,
  type ResolvedMiniBatchKMeansOptions,
  resolveMiniBatchOptions,
} from './minibatch_options';
import {
  type AsyncFitOptions,
  type PreparedData,
  assignPlan,
  asyncControls,
  dataRequest,
  fitInputs,
  queryInputs,
  requireColumns,
  sampleInputs,
  threadCount,
  transformPlan,
} from './model_inputs';
import { type ModelJSON, constructFromParams, decodeModel, encodeModel } from './model_file';
import { resolveMixedPrecision } from './options';
import { type Plan, call, runAsync, runSync } from './plan';
import { Random, randomSeed } from './rng';
import { type SeedingContext, defaultLocalTrials, plusPlusPlan, randomRows } from './seeding';

/** Rows as the kernels see them (unit rows for 'cosine'), with their weights. */
type Rows = PreparedData;

/** What carries from one step to the next (scikit-learn's _counts, _ewa_inertia, ...). */
interface Progress {
  centers: FloatArray;
  /** Total weight each center has been given. */
  counts: Float64Array;
  rng: Random;
  /** Rows seen since small clusters were last reassigned. */
  sinceReassign: number;
  ewaInertia: number | null;
  ewaInertiaMin: number | null;
  noImprovement: number;
  /** Steps taken (scikit-learn's n_steps_). */
  steps: number;
  /** Rows seen, by fitStream (for its inertia estimate). */
  rowsSeen: number;
  /** The last step's batch inertia per row. */
  lastBatchInertia: number;
}

interface FittedState {
  clusterCenters: Matrix;
  labels: Int32Array;
  inertia: number;
  nIter: number;
  nSteps: number;
}

export class MiniBatchKMeans {
  /** The options in force, defaults filled in. */
  readonly params: Readonly<ResolvedMiniBatchKMeansOptions>;
  private fitted: FittedState | undefined;
  private progress: Progress | undefined;

  constructor(options: MiniBatchKMeansOptions = {}) {
    this.params = Object.freeze(resolveMiniBatchOptions(options));
  }

  /** Computes the clustering from random mini-batches of X. */
  fit(X: MatrixLike, options: FitOptions = {}): this {
    this.fitted = runSync(this.fitPlan(this.prepare(X, options, 'fit')));
    return this;
  }

  /**
   * As fit, on the libuv thread pool (one native call per step); the result is identical.
   * `signal` aborts it before the next step (rejects with an AbortError).
   */
  async fitAsync(X: MatrixLike, options: Omit<AsyncFitOptions, 'onProgress'> = {}): Promise<this> {
    const callSite = new Error();
    if ((options as AsyncFitOptions).onProgress !== undefined) {
      throw invalidOption('onProgress', 'absent: MiniBatchKMeans.fitAsync takes a signal only', 'a value');
    }
    const { fitOptions, control } = asyncControls(options, this.params.metric);
    const prepared = this.prepare(X, fitOptions, 'fit');
    this.fitted = await runAsync(this.fitPlan(prepared), callSite, control);
    return this;
  }

  /**
   * One step on X as the batch: the first call chooses the initial centers from X; later calls
   * (and calls after fit) move the centers on from where they are.
   */
  partialFit(X: MatrixLike, options: FitOptions = {}): this {
    const prepared = this.prepare(X, options, 'partialFit');
    this.fitted = runSync(this.partialFitPlan(prepared));
    return this;
  }

  /**
   * Clusters a stream of batches, each a matrix (number[][] or { data, rows, cols }), read once
   * and in order; memory stays bounded by the batch size and k, not by the stream's length.
   * Rows are regrouped into batches of batchSize; the first initSize rows also choose the initial
   * centers: the best, by inertia on those rows, of nInit initialisations each refined by
   * full-batch Lloyd on them (the stream is read once, so the batches could not undo a poor
   * start). Every row is used once (no early stopping). labels is empty afterwards, and inertia
   * an estimate from the smoothed batch inertia; call score on held-out data for an exact one.
   */
  async fitStream(source: AsyncIterable<MatrixLike> | Iterable<MatrixLike>): Promise<this> {
    const callSite = new Error();
    const { batchSize } = this.params;
    const initRows = Math.max(this.initSizeFor(Number.MAX_SAFE_INTEGER), batchSize);
    const before = { fitted: this.fitted, progress: this.progress };
    this.progress = undefined;
    try {
      return await this.streamBatches(source, initRows, callSite);
    } catch (error) {
      // A stream that fails part way leaves the model as it was.
      this.fitted = before.fitted;
      this.progress = before.progress;
      throw error;
    }
  }

  private async streamBatches(
    source: AsyncIterable<MatrixLike> | Iterable<MatrixLike>,
    initRows: number,
    callSite: Error,
  ): Promise<this> {
    const { batchSize, nClusters: k } = this.params;
    const threads = this.threads();
    const started = (): Progress | undefined => this.progress; // (set by the steps)
    let dtype: DType | undefined;
    let cols = 0;
    let pending: Matrix[] = [];
    let pendingRows = 0;
    const take = (rows: number): Matrix => {
      const out = concatRows(pending, rows, cols, dtype!);
      pending = out.rest ? [out.rest] : [];
      pendingRows -= rows;
      return out.taken;
    };
    const step = async (batch: Matrix) => {
      const rows: Rows = { X: batch, sampleWeight: null, threads };
      this.fitted = await runAsync(
        this.partialFitPlan(rows, { computeLabels: false, initRuns: this.runs() }),
        callSite,
      );
      const progress = started()!;
      progress.rowsSeen += batch.rows;
      // The stream's inertia estimate: batch inertia per row, smoothed over about 40 batches.
      const alpha = progress.ewaInertia === null ? 1 : 0.05;
      progress.ewaInertia = (progress.ewaInertia ?? 0) * (1 - alpha) + progress.lastBatchInertia * alpha;
    };
    let index = 0;
    for await (const chunk of source) {
      const matrix = toMatrix(chunk, `stream chunk ${index}`);
      if (dtype === undefined) {
        dtype = dtypeOf(matrix.data);
        cols = matrix.cols;
      } else if (matrix.cols !== cols) {
        throw new KMeansError(
          'ERR_KMEANS_SHAPE_MISMATCH',
          `stream chunk ${index} has ${matrix.cols} columns, but the first chunk had ${cols}`,
        );
      }
      index++;
      pending.push(asDType(matrix, dtype, `stream chunk ${index - 1}`));
      pendingRows += matrix.rows;
      // The first step waits for initRows rows (the initial centers come from them).
      if (!started()) {
        if (pendingRows < initRows) continue;
        await step(take(initRows));
      }
      while (pendingRows >= batchSize) await step(take(batchSize));
    }
    if (pendingRows > 0) {
      if (!started() && pendingRows < k) {
        throw new KMeansError(
          'ERR_KMEANS_TOO_FEW_SAMPLES',
          `nClusters must be <= the number of samples: the stream had ${pendingRows} rows, nClusters = ${k}`,
        );
      }
      await step(take(pendingRows));
    }
    const progress = started();
    if (!progress) throw new KMeansError('ERR_KMEANS_EMPTY_DATA', 'The stream gave no rows');
    this.fitted = {
      ...this.fitted!,
      labels: new Int32Array(0),
      inertia: inertiaFor(this.params.metric, (progress.ewaInertia ?? 0) * progress.rowsSeen),
    };
    return this;
  }

  /** Index of the nearest center for each row of X. */
  predict(X: MatrixLike): Int32Array {
    return runSync(this.queryPlan(X, {})).labels;
  }

  /** Distance of each row of X to each center (Euclidean, or 1 − cos for 'cosine'), n×k. */
  transform(X: MatrixLike): Matrix {
    return runSync(transformPlan(this.prepareQuery(X, {}), this.state().clusterCenters, this.params.metric));
  }

  /** The opposite of X's (weighted) inertia against the centers: higher is better. */
  score(X: MatrixLike, options: FitOptions = {}): number {
    return -runSync(this.queryPlan(X, options)).inertia;
  }

  /** The fitted model as a versioned plain object (as KMeans.toJSON), with nSteps. */
  toJSON(): ModelJSON {
    const state = this.state();
    return encodeModel('MiniBatchKMeans', {
      params: { ...this.params },
      clusterCenters: state.clusterCenters,
      inertia: state.inertia,
      nIter: state.nIter,
      extra: { nSteps: state.nSteps, counts: this.progress ? Array.from(this.progress.counts) : null },
    });
  }

  /**
   * A fitted MiniBatchKMeans from toJSON's object or text: predict, transform and score are
   * exact, and partialFit goes on from the stored centers and per-center counts.
   */
  static fromJSON(json: unknown): MiniBatchKMeans {
    const stored = decodeModel(json, 'MiniBatchKMeans');
    const model = constructFromParams(stored, (options) => new MiniBatchKMeans(options));
    const { nSteps, counts } = stored.extra;
    const k = stored.clusterCenters.rows;
    if (Array.isArray(counts) && counts.length === k && counts.every((c) => typeof c === 'number' && c >= 0)) {
      const progress = model.newProgress(
        stored.clusterCenters.data.slice(),
        new Random(model.params.seed ?? randomSeed()),
      );
      progress.counts.set(counts as number[]);
      progress.steps = typeof nSteps === 'number' ? nSteps : 0;
      model.progress = progress;
    }
    model.fitted = {
      clusterCenters: stored.clusterCenters,
      labels: new Int32Array(0),
      inertia: stored.inertia,
      nIter: stored.nIter,
      nSteps: typeof nSteps === 'number' ? nSteps : 0,
    };
    return model;
  }

  get clusterCenters(): Matrix {
    return this.state().clusterCenters;
  }
  /** Labels of the rows of the last fit or partialFit (empty with computeLabels false or fitStream). */
  get labels(): Int32Array {
    return this.state().labels;
  }
  /** Inertia of the rows of the last fit or partialFit (see fitStream for the stream's). */
  get inertia(): number {
    return this.state().inertia;
  }
  /** Passes over the data: ceil(nSteps · batchSize / n), as scikit-learn's n_iter_. */
  get nIter(): number {
    return this.state().nIter;
  }
  /** Mini-batch steps taken (scikit-learn's n_steps_). */
  get nSteps(): number {
    return this.state().nSteps;
  }
  get nFeaturesIn(): number {
    return this.state().clusterCenters.cols;
  }

  private state(): FittedState {
    if (!this.fitted) {
      throw new KMeansError(
        'ERR_KMEANS_NOT_FITTED',
        'This MiniBatchKMeans instance is not fitted yet: call fit(X), partialFit(X) or fitStream(source) first',
      );
    }
    return this.fitted;
  }

  private threads(): number {
    return threadCount(this.params.threads);
  }

  private prepare(X: MatrixLike, options: FitOptions, method: 'fit' | 'partialFit'): Rows {
    // partialFit after the first step: only the column count must match.
    if (method === 'partialFit' && this.progress !== undefined) {
      const rows = sampleInputs(X, options, method, this.params.threads);
      requireColumns(rows.X, this.state().clusterCenters.cols, 'MiniBatchKMeans');
      return rows;
    }
    return fitInputs(X, options, method, this.params);
  }

  private prepareQuery(X: MatrixLike, options: FitOptions): Rows {
    return queryInputs(X, options, this.state().clusterCenters, this.params.threads, 'MiniBatchKMeans');
  }

  private queryPlan(X: MatrixLike, options: FitOptions): Plan<{ labels: Int32Array; inertia: number }> {
    const mixed = (dtype: 'float64' | 'float32') => resolveMixedPrecision(this.params.mixedPrecision, dtype);
    return assignPlan(this.prepareQuery(X, options), this.state().clusterCenters, this.params.metric, mixed);
  }

  /** scikit-learn's _init_size: 3 × batch (at least 3 × k), at most n. */
  private initSizeFor(n: number): number {
    const { initSize, batchSize, nClusters: k } = this.params;
    let size = initSize ?? 3 * Math.min(batchSize, n);
    if (size < k) size = 3 * k;
    return Math.min(size, n);
  }

  /** Initial centers from `initSize` random rows of X (scikit-learn's _init_centroids). */
  private *initialCenters(data: Rows, rng: Random): Plan<FloatArray> {
    const { init, nClusters: k } = this.params;
    const { X } = data;
    if (typeof init === 'object') {
      const centers = yield* metricRows(init, this.params.metric, data.threads, 'init');
      return asDType(centers, dtypeOf(X.data), 'init').data.slice();
    }
    const size = this.initSizeFor(X.rows);
    const subset = size < X.rows ? gather(data, randomIndices(rng, X.rows, size)) : data;
    const means = new Float64Array(X.cols);
    yield* call('columnStats', { ...dataRequest(subset), means });
    const context: SeedingContext = {
      X: subset.X,
      k,
      sampleWeight: subset.sampleWeight,
      rng,
      threads: data.threads,
      means,
    };
    if (init === 'random') return (yield* randomRows(context)).centers.data;
    return (yield* plusPlusPlan(context, defaultLocalTrials(k))).centers.data;
  }

  private newProgress(centers: FloatArray, rng: Random): Progress {
    const k = this.params.nClusters;
    return {
      centers,
      counts: new Float64Array(k),
      rng,
      sinceReassign: 0,
      ewaInertia: null,
      ewaInertiaMin: null,
      noImprovement: 0,
      steps: 0,
      rowsSeen: 0,
      lastBatchInertia: NaN,
    };
  }

  private *fitPlan(prepared: Rows): Plan<FittedState> {
    const { maxIter, batchSize, tol, nClusters: k, metric, computeLabels } = this.params;
    const data = { ...prepared, X: yield* metricRows(prepared.X, metric, prepared.threads) };
    const n = data.X.rows;
    const batch = Math.min(batchSize, n);
    const rng = new Random(this.params.seed ?? randomSeed());
    // tol is relative to the data's variance (a whole pass over X: only when it is used).
    const absoluteTol =
      tol > 0 ? tol * (yield* call('columnStats', { ...dataRequest(data), means: new Float64Array(data.X.cols) })) : 0;

    // The initialisations compete on one validation sample (scikit-learn's X_valid).
    const validation = gather(data, randomIndices(rng, n, this.initSizeFor(n)));
    let best: { centers: FloatArray; inertia: number } | undefined;
    for (let run = 0; run < this.runs(); run++) {
      const centers = yield* this.initialCenters(data, rng);
      const inertia = yield* call('assign', {
        ...dataRequest(validation),
        centers,
        k,
        labels: new Int32Array(validation.X.rows),
        mixedPrecision: this.mixed(data.X),
      });
      if (!best || inertia < best.inertia) best = { centers, inertia };
    }
    const progress = this.newProgress(best!.centers, rng);

    const nSteps = Math.floor((maxIter * n) / batch);
    const indices = new Int32Array(batch);
    for (let i = 0; i < nSteps; i++) {
      for (let r = 0; r < batch; r++) indices[r] = rng.nextInt(n);
      const previous = absoluteTol > 0 ? progress.centers.slice() : undefined;
      const batchInertia = yield* this.step(data, indices, progress);
      const shift = previous ? squaredDistance(previous, progress.centers) : 0;
      if (this.converged(progress, i, n, batch, shift, absoluteTol, batchInertia)) break;
    }
    const { labels, inertia } = computeLabels
      ? yield* this.labelsAndInertia(data, progress.centers)
      : { labels: new Int32Array(0), inertia: inertiaFor(metric, (progress.ewaInertia ?? 0) * n) };
    this.progress = progress; // only now: an aborted fit leaves the model as it was
    return {
      clusterCenters: { data: progress.centers, rows: k, cols: data.X.cols },
      labels,
      inertia,
      nIter: Math.ceil((progress.steps * batch) / n),
      nSteps: progress.steps,
    };
  }

  /** initRuns: initialisations to choose from (by inertia on X) when this is the first step. */
  private *partialFitPlan(
    prepared: Rows,
    overrides: { computeLabels?: boolean; initRuns?: number } = {},
  ): Plan<FittedState> {
    const { nClusters: k, metric } = this.params;
    const computeLabels = overrides.computeLabels ?? this.params.computeLabels;
    const data = { ...prepared, X: yield* metricRows(prepared.X, metric, prepared.threads) };
    let progress = this.progress;
    if (!progress) {
      const rng = new Random(this.params.seed ?? randomSeed());
      let best: { centers: FloatArray; inertia: number } | undefined;
      for (let run = 0; run < (overrides.initRuns ?? 1); run++) {
        const centers = yield* this.initialCenters(data, rng);
        const inertia = overrides.initRuns ? yield* this.refine(data, centers) : 0;
        if (!best || inertia < best.inertia) best = { centers, inertia };
      }
      progress = this.newProgress(best!.centers, rng);
    }
    const centers = asDType(
      { data: progress.centers, rows: k, cols: data.X.cols },
      dtypeOf(data.X.data),
      'clusterCenters',
    );
    progress.centers = centers.data;
    yield* this.step(data, undefined, progress);
    const { labels, inertia } = computeLabels
      ? yield* this.labelsAndInertia(data, progress.centers)
      : { labels: new Int32Array(0), inertia: NaN };
    this.progress = progress;
    return {
      clusterCenters: { data: progress.centers, rows: k, cols: data.X.cols },
      labels,
      inertia,
      nIter: this.fitted?.nIter ?? 0,
      nSteps: progress.steps,
    };
  }

  /**
   * fitStream's start: the initial centers refined by full-batch Lloyd on the first rows (a
   * stream is read once, so the batches cannot undo a poor start). Returns the inertia.
   */
  private *refine(data: Rows, centers: FloatArray): Plan<number> {
    const meanVariance = yield* call('columnStats', { ...dataRequest(data), means: new Float64Array(data.X.cols) });
    const result = yield* call('fitLloyd', {
      ...dataRequest(data),
      centers,
      k: this.params.nClusters,
      labels: new Int32Array(data.X.rows),
      maxIter: 300,
      tol: 1e-4 * meanVariance,
      algorithm: 'lloyd',
      mixedPrecision: this.mixed(data.X),
      spherical: this.params.metric === 'cosine',
    });
    return result.inertia;
  }

  /**
   * One mini-batch step (scikit-learn's _mini_batch_step): the native update, then, when it is
   * due, the reassignment of small clusters to random batch rows. Returns the batch inertia.
   */
  private *step(data: Rows, indices: Int32Array | undefined, progress: Progress): Plan<number> {
    const { nClusters: k, reassignmentRatio } = this.params;
    const b = indices ? indices.length : data.X.rows;
    const reassign = this.reassignmentDue(progress, b);
    const labels = new Int32Array(b);
    const batchWeights = new Float64Array(k);
    const inertia = yield* call('miniBatchStep', {
      ...dataRequest(data),
      ...(indices ? { indices } : {}),
      k,
      centers: progress.centers,
      counts: progress.counts,
      labels,
      batchWeights,
      mixedPrecision: this.mixed(data.X),
      spherical: this.params.metric === 'cosine',
    });
    progress.steps++;
    progress.lastBatchInertia = inertia / b;
    if (reassign && reassignmentRatio > 0) reassignSmallClusters(data.X, indices, progress, reassignmentRatio);
    return inertia;
  }

  /** scikit-learn's _random_reassign: when a center has no weight, or every 10·k rows. */
  private reassignmentDue(progress: Progress, batch: number): boolean {
    progress.sinceReassign += batch;
    if (progress.counts.some((count) => count === 0) || progress.sinceReassign >= 10 * this.params.nClusters) {
      progress.sinceReassign = 0;
      return true;
    }
    return false;
  }

  /** scikit-learn's _mini_batch_convergence: tol on the centers' shift, or no improvement. */
  private converged(
    progress: Progress,
    step: number,
    n: number,
    batch: number,
    shift: number,
    tol: number,
    batchInertia: number,
  ): boolean {
    const inertia = batchInertia / batch;
    if (step === 0) return false; // the first step's inertia is that of the initial centers
    if (progress.ewaInertia === null) progress.ewaInertia = inertia;
    else {
      const alpha = Math.min((batch * 2) / (n + 1), 1);
      progress.ewaInertia = progress.ewaInertia * (1 - alpha) + inertia * alpha;
    }
    if (tol > 0 && shift <= tol) return true;
    if (progress.ewaInertiaMin === null || progress.ewaInertia < progress.ewaInertiaMin) {
      progress.noImprovement = 0;
      progress.ewaInertiaMin = progress.ewaInertia;
    } else {
      progress.noImprovement++;
    }
    const { maxNoImprovement } = this.params;
    return maxNoImprovement !== null && progress.noImprovement >= maxNoImprovement;
  }

  private *labelsAndInertia(data: Rows, centers: FloatArray): Plan<{ labels: Int32Array; inertia: number }> {
    const labels = new Int32Array(data.X.rows);
    const inertia = yield* call('assign', {
      ...dataRequest(data),
      centers,
      k: this.params.nClusters,
      labels,
      mixedPrecision: this.mixed(data.X),
    });
    return { labels, inertia: inertiaFor(this.params.metric, inertia) };
  }

  private mixed(X: Matrix): boolean {
    return resolveMixedPrecision(this.params.mixedPrecision, dtypeOf(X.data));
  }

  /** nInit resolved as scikit-learn's 'auto': 3 for random init, else 1. */
  private runs(): number {
    const { nInit, init } = this.params;
    if (typeof init === 'object') return 1;
    if (nInit === 'auto') return init === 'random' ? 3 : 1;
    return nInit;
  }
}

/**
 * Clusters whose weight is below `ratio` × the largest get a random batch row as their center
 * and the smallest remaining weight as their count (at most half the batch size of them).
 */
function reassignSmallClusters(X: Matrix, indices: Int32Array | undefined, progress: Progress, ratio: number): void {
  const { counts, centers, rng } = progress;
  const k = counts.length;
  const d = X.cols;
  const b = indices ? indices.length : X.rows;
  const threshold = ratio * Math.max(...counts);
  let chosen: number[] = [];
  for (let j = 0; j < k; j++) if (counts[j]! < threshold) chosen.push(j);
  if (chosen.length > 0.5 * b) {
    // Keep only the int(0.5 · b) lightest, as scikit-learn.
    const order = Array.from({ length: k }, (_, j) => j).sort((a, c) => counts[a]! - counts[c]! || a - c);
    const keep = new Set(order.slice(0, Math.floor(0.5 * b)));
    chosen = chosen.filter((j) => keep.has(j));
  }
  if (chosen.length === 0) return;
  const rows = sampleWithoutReplacement(rng, b, chosen.length);
  let smallest = Infinity;
  const isChosen = new Uint8Array(k);
  for (const j of chosen) isChosen[j] = 1;
  for (let j = 0; j < k; j++) if (!isChosen[j]) smallest = Math.min(smallest, counts[j]!);
  chosen.forEach((j, c) => {
    const row = indices ? indices[rows[c]!]! : rows[c]!;
    centers.set(X.data.subarray(row * d, (row + 1) * d), j * d);
    counts[j] = smallest;
  });
}

/** m distinct integers from [0, n), in the order drawn (a partial Fisher–Yates shuffle). */
function sampleWithoutReplacement(rng: Random, n: number, m: number): Int32Array {
  const pool = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + rng.nextInt(n - i);
    const swap = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = swap;
  }
  return pool.slice(0, m);
}

/** m integers drawn uniformly from [0, n), with replacement (numpy's randint). */
function randomIndices(rng: Random, n: number, m: number): Int32Array {
  const indices = new Int32Array(m);
  for (let i = 0; i < m; i++) indices[i] = rng.nextInt(n);
  return indices;
}

function gather(data: Rows, indices: Int32Array): Rows {
  const { X, sampleWeight } = data;
  const d = X.cols;
  const out = allocate(dtypeOf(X.data), indices.length * d);
  indices.forEach((row, r) => out.set(X.data.subarray(row * d, (row + 1) * d), r * d));
  return {
    X: { data: out, rows: indices.length, cols: d },
    sampleWeight: sampleWeight ? Float64Array.from(indices, (row) => sampleWeight[row]!) : null,
    threads: data.threads,
  };
}

/** The first `rows` rows of a list of matrices, and what is left of the last one used. */
function concatRows(parts: Matrix[], rows: number, cols: number, dtype: DType): { taken: Matrix; rest?: Matrix } {
  const out = allocate(dtype, rows * cols);
  let filled = 0;
  let rest: Matrix | undefined;
  for (const part of parts) {
    const use = Math.min(part.rows, rows - filled);
    if (use > 0) out.set(part.data.subarray(0, use * cols), filled * cols);
    filled += use;
    if (use < part.rows) {
      const left = part.data.subarray(use * cols);
      rest = rest
        ? concatMatrices(rest, { data: left, rows: part.rows - use, cols }, dtype)
        : { data: left, rows: part.rows - use, cols };
    }
  }
  return { taken: { data: out, rows, cols }, ...(rest ? { rest } : {}) };
}

function concatMatrices(a: Matrix, b: Matrix, dtype: DType): Matrix {
  const out = allocate(dtype, (a.rows + b.rows) * a.cols);
  out.set(a.data, 0);
  out.set(b.data, a.data.length);
  return { data: out, rows: a.rows + b.rows, cols: a.cols };
}

function squaredDistance(a: FloatArray, b: FloatArray): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return sum;
}
