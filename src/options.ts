/**
 * KMeans options, in better-sqlite3's stages: defaults, type checks, derived values; the
 * checks that need the data (nClusters <= samples, init shape) run at fit time (kmeans.ts).
 * The output is a complete plain object with no `undefined` left but `seed` and `threads`.
 */
import { type Algorithm, isAlgorithm, listAlgorithms } from './algorithms';
import { KMeansError, invalidOption } from './errors';
import { toRowMatrix } from './data_matrix';
import type { Matrix, MatrixLike } from './matrix';
import { type Metric, checkMetric } from './metric';
import { type WarningSink, emitKMeansWarning } from './warnings';

export type InitMethod = 'k-means++' | 'k-means||' | 'random';
export type { Algorithm } from './algorithms';

export interface KMeansOptions {
  /** Number of clusters k. Default 8, or the number of rows of an explicit `init`. */
  nClusters?: number;
  /**
   * How initial centers are chosen: 'k-means++' (default; greedy k-means++ with 2 + ln k
   * local trials, as scikit-learn), 'k-means||' (scalable k-means++, Spark MLlib's default: a few
   * passes that each draw about 2k candidates, then weighted k-means++ on the candidates; see
   * `initSteps`), 'random' (k distinct rows, drawn by sample weight), or an explicit k×d matrix
   * of centers.
   */
  init?: InitMethod | MatrixLike;
  /** 'k-means||' only: rounds of candidate sampling (two passes over the data each). Default 2. */
  initSteps?: number;
  /**
   * Number of runs from different initial centers; the run with the lowest inertia wins.
   * 'auto' (default) means 1 for 'k-means++' or explicit centers and 10 for 'random'.
   * An explicit init always runs once.
   */
  nInit?: 'auto' | number;
  /** Maximum Lloyd iterations per run. Default 300. */
  maxIter?: number;
  /**
   * Convergence tolerance, relative to the data: a run stops when the sum over clusters of
   * the squared center shift is <= tol × (mean over features of the variance of X), as in
   * scikit-learn. It also stops as soon as no label changes. Default 1e-4; 0 stops only then.
   */
  tol?: number;
  /**
   * Seed of the random generator (an integer 0 <= seed < 2^53). The same seed gives the same
   * result on every platform, thread count and call style. Default: a fresh random seed.
   */
  seed?: number;
  /**
   * The k-means algorithm; all give the same labels, centers and iterations from the same
   * start. 'lloyd' computes every distance in every iteration; 'hamerly' (Hamerly 2010) keeps
   * two bounds per sample and skips the distances they prove unnecessary; 'elkan' (Elkan 2003)
   * keeps a bound per sample and center (n·k floats; beyond 1 GiB it runs Hamerly's
   * algorithm instead); 'auto' (default) picks by the shape of the problem.
   */
  algorithm?: Algorithm;
  /** Threads for the native work. Default: the CPUs available (cores, within a container's CPU quota). Results do not depend on it. */
  threads?: number;
  /**
   * float64 data only: compute distances in float32 and re-compute in float64 only the rows
   * whose two nearest centers float32 cannot tell apart (a proven rounding bound), so labels,
   * centers and inertia are exactly those of the float64 computation. 'auto' (default) uses it
   * for float64 data, where it was faster on every shape measured (up to 2×); false turns it
   * off, for data whose clusters float32 cannot tell apart (tiny clusters far from each
   * other), where most rows would need the re-check.
   */
  mixedPrecision?: boolean | 'auto';
  /**
   * 'euclidean' (default): k-means. 'cosine': spherical k-means, for directions such as text
   * embeddings: rows and centers are scaled to unit length, each row goes to the center of
   * largest cosine similarity, and inertia, transform and score use the cosine distance
   * 1 − cos. Rows of length zero are an error (ERR_KMEANS_ZERO_VECTOR).
   */
  metric?: Metric;
}

export interface ResolvedKMeansOptions {
  nClusters: number;
  init: InitMethod | Matrix;
  initSteps: number;
  nInit: 'auto' | number;
  maxIter: number;
  tol: number;
  seed: number | undefined;
  algorithm: Algorithm;
  threads: number | undefined;
  mixedPrecision: boolean | 'auto';
  metric: Metric;
}

export const kmeansDefaults = {
  nClusters: 8,
  init: 'k-means++',
  initSteps: 2,
  nInit: 'auto',
  maxIter: 300,
  tol: 1e-4,
  seed: undefined,
  algorithm: 'auto',
  threads: undefined,
  mixedPrecision: 'auto',
  metric: 'euclidean',
} as const satisfies Record<keyof KMeansOptions, unknown>;

/** Throws for keys that are not options, suggesting the nearest valid name. */
export function rejectUnknownKeys(options: object, known: readonly string[], what: string): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const suggestion = closest(key, known);
    throw new KMeansError(
      'ERR_KMEANS_INVALID_OPTION',
      // JSON quoting keeps a key with a line break (or a quote) on one line.
      `Unknown ${what} option ${JSON.stringify(key)}` +
        (suggestion ? `; did you mean "${suggestion}"?` : `; valid options: ${known.join(', ')}`),
    );
  }
}

// scikit-learn names whose camelCase spelling differs from ours.
const referenceNames: Record<string, string> = { random_state: 'seed', n_jobs: 'threads' };

function closest(key: string, known: readonly string[]): string | undefined {
  const alias = referenceNames[key];
  if (alias && known.includes(alias)) return alias;
  // Compare without case and underscores, so that n_clusters finds nClusters.
  const normalise = (name: string) => name.toLowerCase().replace(/_/g, '');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(normalise(key), normalise(candidate));
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

export function checkInteger(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const tooLarge = typeof value === 'number' && value > max;
    const range = max === Number.MAX_SAFE_INTEGER && !tooLarge ? `>= ${min}` : `between ${min} and ${max}`;
    throw invalidOption(name, `an integer ${range}`, value);
  }
  return value;
}

export function checkSeed(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  return checkInteger('seed', value, 0);
}

export function checkMixedPrecision(value: unknown): boolean | 'auto' {
  if (value === 'auto' || typeof value === 'boolean') return value;
  throw invalidOption('mixedPrecision', 'true, false or "auto"', value);
}

/** Float32 distances with exact re-checks, for float64 data (see KMeansOptions.mixedPrecision). */
export function resolveMixedPrecision(setting: boolean | 'auto', dtype: 'float64' | 'float32'): boolean {
  return dtype === 'float64' && setting !== false;
}

export function checkThreads(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  return checkInteger('threads', value, 1, 4096);
}

/** Throws unless `options` is a plain object. */
export function invalidOptionsObject(options: unknown, name: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOption(name, 'an object', options);
  }
}

/** `sink` hears of the options' warnings (the model keeps them). */
export function resolveKMeansOptions(options: KMeansOptions, sink?: WarningSink): ResolvedKMeansOptions {
  invalidOptionsObject(options, 'KMeans options');
  rejectUnknownKeys(options, Object.keys(kmeansDefaults), 'KMeans');
  const merged = { ...kmeansDefaults, ...dropUndefined(options) };

  const { init, nClusters } = resolveInit(merged.init, merged.nClusters, options.nClusters !== undefined);
  const nInit =
    merged.nInit === 'auto'
      ? 'auto'
      : checkOption(() => checkInteger('nInit', merged.nInit, 1), '"auto" or an integer >= 1', 'nInit', merged.nInit);
  const maxIter = checkInteger('maxIter', merged.maxIter, 1);
  if (typeof merged.tol !== 'number' || !Number.isFinite(merged.tol) || merged.tol < 0) {
    throw invalidOption('tol', 'a finite number >= 0', merged.tol);
  }
  if (!isAlgorithm(merged.algorithm)) {
    throw invalidOption('algorithm', listAlgorithms(['auto']), merged.algorithm);
  }
  warnExplicitInitRuns(init, nInit, sink);
  return {
    nClusters,
    init,
    initSteps: checkInitSteps(merged.initSteps),
    nInit,
    maxIter,
    tol: merged.tol,
    seed: checkSeed(merged.seed),
    algorithm: merged.algorithm as Algorithm,
    threads: checkThreads(merged.threads),
    mixedPrecision: checkMixedPrecision(merged.mixedPrecision),
    metric: checkMetric(merged.metric),
  };
}

/** init and nClusters together: an explicit init gives k, or must agree with nClusters. */
export function resolveInit(
  value: unknown,
  k: unknown,
  explicitK: boolean,
): { init: InitMethod | Matrix; nClusters: number } {
  let init: InitMethod | Matrix;
  if (value === 'k-means++' || value === 'k-means||' || value === 'random') {
    init = value;
  } else if (typeof value !== 'object' || value === null) {
    throw invalidOption('init', '"k-means++", "k-means||", "random" or a k×d matrix of centers', value);
  } else {
    // A copy: centers changed by the caller after construction must not reach fit unchecked.
    const centers = toRowMatrix(value, 'init');
    init = { ...centers, data: centers.data.slice() };
  }

  let nClusters = checkInteger('nClusters', k, 1);
  if (typeof init === 'object') {
    if (!explicitK) nClusters = init.rows;
    else if (init.rows !== nClusters) {
      throw new KMeansError(
        'ERR_KMEANS_SHAPE_MISMATCH',
        `init must have nClusters = ${nClusters} rows (got ${init.rows} rows)`,
      );
    }
  }

  return { init, nClusters };
}

/** Rounds of k-means|| sampling: an integer >= 1. */
export function checkInitSteps(value: unknown): number {
  return checkInteger('initSteps', value, 1);
}

/** scikit-learn warns and runs once: other runs would start from the same centers. */
export function warnExplicitInitRuns(init: InitMethod | Matrix, nInit: 'auto' | number, sink?: WarningSink): void {
  if (typeof init === 'object' && typeof nInit === 'number' && nInit !== 1) {
    emitKMeansWarning(
      `Explicit initial centers: performing only one init instead of nInit=${nInit}`,
      'KMEANS_EXPLICIT_INIT_NINIT',
      'RuntimeWarning',
      sink,
    );
  }
}

export function checkOption<R>(check: () => R, expected: string, name: string, value: unknown): R {
  try {
    return check();
  } catch {
    throw invalidOption(name, expected, value);
  }
}

export function dropUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
