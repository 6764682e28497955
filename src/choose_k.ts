/**
 * chooseK: fits k-means for every k of a range and scores each clustering (inertia,
 * silhouette, Calinski–Harabasz, Davies–Bouldin, optionally the gap statistic), then says
 * which k each criterion recommends. chooseKSteps describes the work; the sync and async
 * entry points only differ in how they run its fits and silhouettes.
 */
import { bestK, columnRanges, gapChoice, kneedleElbow, referenceSpread, uniformReference } from './choose_k_criteria';
import { toDataMatrix } from './data_matrix';
import { KMeansError, invalidOption } from './errors';
import { KMeans } from './kmeans';
import type { DataMatrix, MatrixLike } from './matrix';
import { toSampleWeight } from './matrix';
import { type Metric, checkMetric, metricRows } from './metric';
import { calinskiHarabaszScore, daviesBouldinScore, silhouetteScore, silhouetteScoreAsync } from './metrics';
import { checkInteger, checkSeed, invalidOptionsObject, rejectUnknownKeys } from './options';
import type { Algorithm, InitMethod } from './options';
import { threadCount } from './model_inputs';
import { AbortError, runSync } from './plan';
import { Random, randomSeed } from './rng';
import type { SampleWeight } from './types';

export type ChooseKCriterion = 'silhouette' | 'calinskiHarabasz' | 'daviesBouldin' | 'elbow' | 'gap';
const allCriteria: readonly ChooseKCriterion[] = ['silhouette', 'calinskiHarabasz', 'daviesBouldin', 'elbow', 'gap'];

export interface ChooseKOptions {
  /** The smallest k tried (default 2; 1 is allowed, where only inertia and the gap apply). */
  kMin?: number;
  /** The largest k tried (default 10, at most the number of rows). */
  kMax?: number;
  /**
   * What to compute besides inertia: any of 'silhouette', 'calinskiHarabasz', 'daviesBouldin',
   * 'elbow' (kneedle on the inertia curve) and 'gap' (the gap statistic, which fits every k
   * again on `gapReferences` uniform data sets). Default: all but 'gap'.
   */
  criteria?: readonly ChooseKCriterion[];
  /** Runs per k, as KMeans's nInit (default 'auto'). */
  nInit?: 'auto' | number;
  /** Seed of every random choice (the fits, the silhouette's sample, the references). */
  seed?: number;
  /** Weights of the rows for the fits and inertia; the silhouette and the two indices are unweighted, as scikit-learn's. */
  sampleWeight?: SampleWeight;
  /** Above this many rows the silhouette is computed on a sample of this size, the same rows for every k (default 10000). */
  silhouetteSampleSize?: number;
  /** Reference data sets of the gap statistic (default 10). */
  gapReferences?: number;
  /** Passed to KMeans. */
  algorithm?: Algorithm;
  init?: InitMethod;
  maxIter?: number;
  tol?: number;
  threads?: number;
  /**
   * 'cosine' fits spherical k-means; the silhouette then uses the cosine distance and the two
   * indices the unit rows. The gap statistic applies to 'euclidean' only.
   */
  metric?: Metric;
}

export interface ChooseKProgress {
  /** Fits done and to do (the data's, then the gap references'). */
  done: number;
  total: number;
  k: number;
  /** 0 for a fit of the data, 1..gapReferences for a reference's. */
  reference: number;
}

export interface ChooseKAsyncOptions extends ChooseKOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ChooseKProgress) => void;
}

/** The scores of one k; null where a criterion was not asked for or does not apply. */
export interface ChooseKRow {
  k: number;
  /** (Weighted) inertia of the best run; for metric 'cosine', the sum of cosine distances. */
  inertia: number;
  nIter: number;
  silhouette: number | null;
  calinskiHarabasz: number | null;
  daviesBouldin: number | null;
  /** Gap(k) = mean over the references of log W*(k), minus log W(k). */
  gap: number | null;
  /** The gap's standard error s(k) = sd · √(1 + 1/B). */
  gapError: number | null;
}

export interface ChooseKResult {
  rows: ChooseKRow[];
  /** The k each criterion recommends (null: not asked for, or no k qualifies). */
  recommended: Record<ChooseKCriterion, number | null>;
  /** Rows the silhouette was computed on: all of them, or the sample size. */
  silhouetteRows: number | null;
  /** The fitted model of each k, in the order of rows. */
  models: KMeans[];
}

interface Settings {
  X: DataMatrix;
  /** X as the indices see it (unit rows for cosine). */
  scored: DataMatrix;
  sampleWeight: Float64Array | null;
  ks: number[];
  criteria: Set<ChooseKCriterion>;
  kmeans: ConstructorParameters<typeof KMeans>[0];
  metric: Metric;
  silhouetteSampleSize: number;
  gapReferences: number;
  seed: number;
  threads: number | undefined;
}

type Step =
  | { kind: 'fit'; model: KMeans; X: DataMatrix; k: number; reference: number }
  | { kind: 'silhouette'; X: DataMatrix; labels: Int32Array; options: Record<string, unknown> };

/**
 * Fits KMeans for every k in kMin..kMax and scores each clustering (see ChooseKOptions).
 *
 * @example
 * ```ts
 * import { chooseK } from 'kmeans-native';
 *
 * const X = [[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]];
 * const { recommended, rows } = chooseK(X, { kMin: 2, kMax: 4, seed: 0 });
 * console.log(recommended.silhouette, rows.map((row) => row.inertia)); // 2 [16, 10, 8]
 * ```
 */
export function chooseK(X: MatrixLike, options: ChooseKOptions = {}): ChooseKResult {
  const settings = resolve(X, options);
  const steps = chooseKSteps(settings);
  let step = steps.next();
  while (!step.done) {
    const work = step.value;
    if (work.kind === 'fit') {
      work.model.fit(work.X, work.reference === 0 ? { sampleWeight: settings.sampleWeight ?? undefined } : {});
      step = steps.next();
    } else {
      let score: number | null;
      try {
        score = silhouetteScore(work.X, work.labels, work.options);
      } catch (error) {
        score = unscorable(error);
      }
      step = steps.next(score);
    }
  }
  return step.value;
}

/** chooseK off the main thread, fit by fit: `signal` aborts it (AbortError), `onProgress` hears of every fit. */
export async function chooseKAsync(X: MatrixLike, options: ChooseKAsyncOptions = {}): Promise<ChooseKResult> {
  invalidOptionsObject(options, 'chooseK options');
  const { signal, onProgress, ...rest } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidOption('signal', 'an AbortSignal', signal);
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw invalidOption('onProgress', 'a function', onProgress);
  }
  const settings = resolve(X, rest);
  const total = settings.ks.length * (1 + (settings.criteria.has('gap') ? settings.gapReferences : 0));
  let done = 0;
  const steps = chooseKSteps(settings);
  let step = steps.next();
  while (!step.done) {
    if (signal?.aborted) throw new AbortError('The operation was aborted', { cause: signal.reason });
    const work = step.value;
    if (work.kind === 'fit') {
      const sampleWeight = work.reference === 0 ? (settings.sampleWeight ?? undefined) : undefined;
      await work.model.fitAsync(work.X, { sampleWeight, signal });
      onProgress?.({ done: ++done, total, k: work.k, reference: work.reference });
      step = steps.next();
    } else {
      const score = silhouetteScoreAsync(work.X, work.labels, { ...work.options, signal }).catch(unscorable);
      step = steps.next(await score);
    }
  }
  return step.value;
}

function* chooseKSteps(settings: Settings): Generator<Step, ChooseKResult, number | null | undefined> {
  const { ks, criteria } = settings;
  const seeds = new Random(settings.seed);
  const fitSeeds = ks.map(() => drawSeed(seeds));
  const silhouetteSeed = drawSeed(seeds);
  const referenceSeed = drawSeed(seeds);
  const referenceFitSeed = drawSeed(seeds);

  const models: KMeans[] = [];
  const rows: ChooseKRow[] = [];
  let silhouetteRows: number | null = null;
  for (const [i, k] of ks.entries()) {
    const model = new KMeans({ ...settings.kmeans, nClusters: k, seed: fitSeeds[i] });
    yield { kind: 'fit', model, X: settings.X, k, reference: 0 };
    models.push(model);
    const labels = model.labels;
    // The indices need 2 to n − 1 distinct clusters: fewer when duplicate points left some empty.
    const distinct = new Set(labels).size;
    const scorable = distinct >= 2 && distinct < settings.X.rows;
    let silhouette: number | null = null;
    if (criteria.has('silhouette') && scorable) {
      const sampled = settings.X.rows > settings.silhouetteSampleSize;
      silhouetteRows = sampled ? settings.silhouetteSampleSize : settings.X.rows;
      const options = {
        metric: settings.metric,
        ...(settings.threads === undefined ? {} : { threads: settings.threads }),
        ...(sampled ? { sampleSize: settings.silhouetteSampleSize, seed: silhouetteSeed } : {}),
      };
      silhouette = (yield { kind: 'silhouette', X: settings.X, labels, options }) ?? null;
    }
    rows.push({
      k,
      inertia: model.inertia,
      nIter: model.nIter,
      silhouette,
      calinskiHarabasz:
        criteria.has('calinskiHarabasz') && scorable ? calinskiHarabaszScore(settings.scored, labels) : null,
      daviesBouldin: criteria.has('daviesBouldin') && scorable ? daviesBouldinScore(settings.scored, labels) : null,
      gap: null,
      gapError: null,
    });
  }
  if (criteria.has('gap')) yield* gapStatistic(settings, rows, new Random(referenceSeed), new Random(referenceFitSeed));

  const ksOf = rows.map((row) => row.k);
  const recommended: Record<ChooseKCriterion, number | null> = {
    silhouette: criteria.has('silhouette')
      ? bestK(
          ksOf,
          rows.map((row) => row.silhouette),
          1,
        )
      : null,
    calinskiHarabasz: criteria.has('calinskiHarabasz')
      ? bestK(
          ksOf,
          rows.map((row) => row.calinskiHarabasz),
          1,
        )
      : null,
    daviesBouldin: criteria.has('daviesBouldin')
      ? bestK(
          ksOf,
          rows.map((row) => row.daviesBouldin),
          -1,
        )
      : null,
    elbow: criteria.has('elbow')
      ? kneedleElbow(
          ksOf,
          rows.map((row) => row.inertia),
        )
      : null,
    gap: null,
  };
  if (criteria.has('gap')) {
    recommended.gap = gapChoice(
      ksOf,
      rows.map((row) => row.gap),
      rows.map((row) => row.gapError),
    );
  }
  return { rows, recommended, silhouetteRows, models };
}

/**
 * The gap statistic: each reference is n rows uniform in the bounding box of the columns
 * (Tibshirani et al.'s first choice), fitted for every k with the same settings. With weights,
 * the data counts as Σw rows (integer weights act as repeated rows), so a reference's inertia
 * is scaled by Σw / n before the logarithm.
 */
function* gapStatistic(
  settings: Settings,
  rows: ChooseKRow[],
  values: Random,
  fitSeeds: Random,
): Generator<Step, void, number | null | undefined> {
  const { X, ks } = settings;
  const box = columnRanges(X);
  const totalWeight = settings.sampleWeight ? settings.sampleWeight.reduce((sum, w) => sum + w, 0) : X.rows;
  const logInertias = ks.map((): number[] => []);
  for (let reference = 1; reference <= settings.gapReferences; reference++) {
    const data = uniformReference(X.rows, box, values);
    for (const [i, k] of ks.entries()) {
      const model = new KMeans({ ...settings.kmeans, nClusters: k, seed: drawSeed(fitSeeds) });
      yield { kind: 'fit', model, X: data, k, reference };
      logInertias[i]!.push(Math.log((model.inertia * totalWeight) / X.rows));
    }
  }
  rows.forEach((row, i) => {
    if (!(row.inertia > 0)) return; // log 0: no gap where the clusters are points
    const { mean, error } = referenceSpread(logInertias[i]!);
    row.gap = mean - Math.log(row.inertia);
    row.gapError = error;
  });
}

/**
 * For a silhouette that cannot be computed because its rows hold fewer than two clusters (a
 * sample drawn from a clustering with one large cluster can): null, and the table goes on.
 */
function unscorable(error: unknown): null {
  if (error instanceof KMeansError && error.code === 'ERR_KMEANS_INVALID_LABELS') return null;
  throw error;
}

function drawSeed(random: Random): number {
  return Math.floor(random.nextDouble() * 2 ** 53);
}

/** The seedings chooseK takes: explicit centers fit one k only. */
const initMethods: readonly unknown[] = ['k-means++', 'k-means||', 'random'];

const knownOptions = [
  'kMin',
  'kMax',
  'criteria',
  'nInit',
  'seed',
  'sampleWeight',
  'silhouetteSampleSize',
  'gapReferences',
  'algorithm',
  'init',
  'maxIter',
  'tol',
  'threads',
  'metric',
] as const satisfies readonly (keyof ChooseKOptions)[];

function resolve(input: MatrixLike, options: ChooseKOptions): Settings {
  invalidOptionsObject(options, 'chooseK options');
  rejectUnknownKeys(options, knownOptions, 'chooseK');
  const X = toDataMatrix(input, 'X');
  const kMin = checkInteger('kMin', options.kMin ?? 2, 1);
  // The default range stops at the row count; an explicit kMax beyond it is a mistake.
  const kMax = checkInteger('kMax', options.kMax ?? Math.max(kMin, Math.min(10, X.rows)), kMin);
  if (kMax > X.rows) {
    throw new KMeansError(
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      `kMax = ${kMax} is larger than the number of samples (${X.rows}): lower kMax`,
      { details: { argument: 'X', expected: kMax, actual: X.rows } },
    );
  }
  if (options.init !== undefined && !initMethods.includes(options.init)) {
    throw invalidOption('init', initMethods.map((name) => `"${name}"`).join(', '), options.init);
  }
  const criteria = checkCriteria(options.criteria);
  const metric = checkMetric(options.metric ?? 'euclidean');
  if (metric === 'cosine' && criteria.has('gap')) {
    throw invalidOption('criteria', 'without "gap" for metric "cosine" (the gap statistic is Euclidean)', 'gap');
  }
  const kmeans = {
    nInit: options.nInit,
    algorithm: options.algorithm,
    init: options.init,
    maxIter: options.maxIter,
    tol: options.tol,
    threads: options.threads,
    metric,
  };
  new KMeans({ ...kmeans, nClusters: kMin }); // checks the KMeans options before any fit
  const threads = options.threads;
  return {
    X,
    scored: metric === 'cosine' ? runSync(metricRows(X, 'cosine', threadCount(threads))) : X,
    sampleWeight: toSampleWeight(options.sampleWeight, X),
    ks: Array.from({ length: kMax - kMin + 1 }, (_, i) => kMin + i),
    criteria,
    kmeans,
    metric,
    silhouetteSampleSize: checkInteger('silhouetteSampleSize', options.silhouetteSampleSize ?? 10000, 2),
    gapReferences: checkInteger('gapReferences', options.gapReferences ?? 10, 1),
    seed: checkSeed(options.seed) ?? randomSeed(),
    threads,
  };
}

function checkCriteria(value: unknown): Set<ChooseKCriterion> {
  if (value === undefined) return new Set(allCriteria.filter((criterion) => criterion !== 'gap'));
  const expected = `an array of ${allCriteria.map((name) => `"${name}"`).join(', ')}`;
  if (!Array.isArray(value)) throw invalidOption('criteria', expected, value);
  for (const entry of value) {
    if (!allCriteria.includes(entry as ChooseKCriterion)) throw invalidOption('criteria', expected, entry);
  }
  return new Set(value as ChooseKCriterion[]);
}
