/**
 * Model files: a fitted model as plain JSON, versioned, and back. The centers are written as
 * JSON numbers, which round-trip doubles exactly (and float32 values, widened to double), so a
 * model read back predicts exactly as the one written. Training labels and the iteration
 * history are not stored.
 */
import { isAlgorithmName, listAlgorithms } from './algorithms';
import { KMeansError, type KMeansErrorDetails, describe } from './errors';
import { type Matrix, magnitudeLimit } from './matrix';

export const modelFormat = 'kmeans-native-model';
export const modelVersion = 1;

export interface ModelJSON {
  format: typeof modelFormat;
  version: typeof modelVersion;
  /** The class that wrote it. */
  model: 'KMeans' | 'MiniBatchKMeans' | 'BisectingKMeans';
  /** The options in force; an explicit init is written as { rows, cols, data }. */
  params: Record<string, unknown>;
  dtype: 'float64' | 'float32';
  nClusters: number;
  nFeatures: number;
  /** k·d values, row-major. */
  clusterCenters: number[];
  inertia: number;
  nIter: number;
  /**
   * Model-specific attributes (algorithmUsed, converged; nSteps, counts; tree), and the
   * per-cluster totals clusterSizes and clusterInertia (k numbers each) where the fit computed them.
   */
  extra: Record<string, unknown>;
  /**
   * Optional: the names of the nFeatures columns the model was fitted on. The command line
   * writes them, and its predict picks those columns of a file by name.
   */
  featureNames?: string[];
}

/** The parts of a fitted model a file keeps. */
export interface StoredModel {
  params: Record<string, unknown>;
  clusterCenters: Matrix;
  inertia: number;
  nIter: number;
  extra: Record<string, unknown>;
  /** Read from a file with a "scaling" entry (the command line's fit --scale), which fromJSON does not apply. */
  scaledFeatures?: boolean;
}

export function encodeModel(model: ModelJSON['model'], stored: StoredModel): ModelJSON {
  const { clusterCenters } = stored;
  const params = Object.fromEntries(
    Object.entries(stored.params).map(([key, value]) => [key, isMatrix(value) ? matrixJSON(value) : value]),
  );
  return {
    format: modelFormat,
    version: modelVersion,
    model,
    params,
    dtype: clusterCenters.data instanceof Float32Array ? 'float32' : 'float64',
    nClusters: clusterCenters.rows,
    nFeatures: clusterCenters.cols,
    clusterCenters: Array.from(clusterCenters.data),
    inertia: stored.inertia,
    nIter: stored.nIter,
    extra: stored.extra,
  };
}

/** Checks a model file (an object or its JSON text) written for `model`, and reads it. */
export function decodeModel(input: unknown, model: ModelJSON['model']): StoredModel {
  let json: unknown = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (error) {
      // V8 quotes the text around the error, line breaks included.
      throw invalidModel(`it is not valid JSON (${oneLine((error as Error).message)})`);
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalidModel('it is not an object');
  const file = json as Partial<ModelJSON>;
  if (file.format !== modelFormat) throw invalidModel(`its "format" is not "${modelFormat}"`);
  if (file.version !== modelVersion) {
    throw invalidModel(`it has version ${describe(file.version)}; this library reads version ${modelVersion}`);
  }
  if (file.model !== model) {
    const holds =
      file.model === 'KMeans' || file.model === 'MiniBatchKMeans' || file.model === 'BisectingKMeans'
        ? `a ${file.model}`
        : describe(file.model);
    throw invalidModel(`it holds ${holds}, not a ${model}`);
  }
  if (file.dtype !== 'float64' && file.dtype !== 'float32')
    throw invalidModel('its "dtype" is not "float64" or "float32"');
  const { nClusters: k, nFeatures: d } = file;
  if (!isCount(k) || !isCount(d)) throw invalidModel('"nClusters" and "nFeatures" must be integers >= 1');
  const centers = file.clusterCenters;
  if (!Array.isArray(centers) || centers.length !== k * d) {
    throw invalidModel(`"clusterCenters" must hold nClusters × nFeatures = ${k * d} numbers`);
  }
  if (!allOf(centers, (value) => typeof value === 'number' && Number.isFinite(value))) {
    throw invalidModel('"clusterCenters" must hold finite numbers only');
  }
  const data =
    file.dtype === 'float32' ? Float32Array.from(centers as number[]) : Float64Array.from(centers as number[]);
  // As predict checks them: float32 values in range, float64 values whose squared distances add up.
  const limit = magnitudeLimit(file.dtype, k, d);
  const large = data.findIndex((value) => !(Math.abs(value) < limit));
  if (large >= 0) {
    const [row, column, value] = [Math.floor(large / d), large % d, centers[large] as number];
    const where = `row ${row}, column ${column} is ${value}`;
    throw invalidModel(
      file.dtype === 'float32'
        ? `"clusterCenters" ${where}, beyond the float32 range`
        : `"clusterCenters" ${where}: sums of squared distances would overflow float64 ` +
            `(|values| must stay below ${limit.toPrecision(3)})`,
      { argument: 'clusterCenters', row, column, value, ...(file.dtype === 'float64' ? { limit } : {}) },
    );
  }
  if (file.featureNames !== undefined) {
    const names = file.featureNames;
    if (!Array.isArray(names) || names.length !== d || !allOf(names, (name) => typeof name === 'string')) {
      throw invalidModel(`"featureNames", when present, must hold nFeatures = ${d} strings`);
    }
    // predict picks the columns of a file by these names: each must name one column.
    const repeated = names.find((name, i) => names.indexOf(name) !== i);
    if (repeated !== undefined) throw invalidModel(`"featureNames" names ${JSON.stringify(repeated)} twice`);
  }
  if (!isPlainObject(file.params)) throw invalidModel('"params" must be an object');
  // inertia is NaN where it was not computed (partialFit with computeLabels false); JSON writes null.
  const inertia = file.inertia === null ? NaN : file.inertia;
  if (typeof inertia !== 'number' || !(Number.isNaN(inertia) || (Number.isFinite(inertia) && inertia >= 0))) {
    throw invalidModel(`"inertia" must be a finite number >= 0 or null (got ${describe(file.inertia)})`);
  }
  if (!isCount(file.nIter, 0)) throw invalidModel(`"nIter" must be an integer >= 0 (got ${describe(file.nIter)})`);
  const extra = file.extra === undefined ? {} : file.extra;
  if (!isPlainObject(extra)) throw invalidModel('"extra", when present, must be an object');
  checkExtra(extra, model, { data, rows: k, cols: d });
  const scaledFeatures = (file as { scaling?: unknown }).scaling !== undefined;
  return {
    params: file.params,
    clusterCenters: { data, rows: k, cols: d },
    inertia,
    nIter: file.nIter,
    extra,
    ...(scaledFeatures ? { scaledFeatures } : {}),
  };
}

/** The attributes of extra that fromJSON reads: each, when present, as toJSON writes it. */
function checkExtra(extra: Record<string, unknown>, model: ModelJSON['model'], centers: Matrix): void {
  const { data, rows: k, cols: d } = centers;
  const { algorithmUsed, converged, nSteps, counts } = extra;
  for (const name of ['clusterSizes', 'clusterInertia'] as const) {
    // Absent in files written before they were stored: the model then has none.
    const totals = extra[name];
    if (totals === undefined) continue;
    const valid = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0;
    if (!(Array.isArray(totals) && totals.length === k && allOf(totals, valid))) {
      throw invalidModel(`"extra.${name}", when present, must hold nClusters = ${k} finite numbers >= 0`);
    }
  }
  if (model === 'BisectingKMeans') return; // its tree is checked by bisecting_file.ts
  if (model === 'KMeans') {
    if (algorithmUsed !== undefined && !isAlgorithmName(algorithmUsed)) {
      throw invalidModel(`"extra.algorithmUsed" must be ${listAlgorithms()} (got ${describe(algorithmUsed)})`);
    }
    if (converged !== undefined && typeof converged !== 'boolean') {
      throw invalidModel(`"extra.converged" must be true or false (got ${describe(converged)})`);
    }
    return;
  }
  if (nSteps !== undefined && !isCount(nSteps, 0)) {
    throw invalidModel(`"extra.nSteps" must be an integer >= 0 (got ${describe(nSteps)})`);
  }
  if (counts === undefined || counts === null) return;
  // Counts that partialFit would ignore would make it start afresh, dropping the centers.
  const validCounts = (values: unknown[]) =>
    values.length === k && allOf(values, (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0);
  if (!(Array.isArray(counts) && validCounts(counts))) {
    throw invalidModel(`"extra.counts" must be null or nClusters = ${k} finite numbers >= 0`);
  }
  // partialFit weighs each center by its count (center × count + batch sum): keep that finite.
  for (let j = 0; j < k; j++) {
    let largest = 0;
    for (let f = 0; f < d; f++) largest = Math.max(largest, Math.abs(data[j * d + f]!));
    if (!(counts[j] * largest < Number.MAX_VALUE / 2)) {
      throw invalidModel(
        `"extra.counts" holds ${counts[j]} for center ${j}: partialFit's weighted sums would overflow float64`,
      );
    }
  }
}

/**
 * Builds the model from its stored options; options it rejects make the file invalid, and so
 * do options that do not fit the centers (another nClusters, an init of other columns, or
 * centers not of unit length for metric "cosine", whose distances assume them so).
 */
export function constructFromParams<M extends { params: { nClusters: number; init: unknown; metric: string } }>(
  stored: StoredModel,
  make: (options: Record<string, unknown>) => M,
): M {
  const options = optionsFromParams(stored.params);
  let built: M;
  try {
    built = make(options);
  } catch (error) {
    throw invalidModel(`its "params" are not valid options: ${oneLine((error as Error).message)}`);
  }
  const { nClusters, init, metric } = built.params;
  const { data, rows: k, cols: d } = stored.clusterCenters;
  if (nClusters !== k) throw invalidModel(`its "params" give nClusters = ${nClusters}, but "nClusters" is ${k}`);
  if (isMatrix(init) && init.cols !== d)
    throw invalidModel(`"params.init" has ${init.cols} columns, but "nFeatures" is ${d}`);
  if (metric === 'cosine') {
    for (let j = 0; j < k; j++) {
      let squared = 0;
      for (let t = 0; t < d; t++) squared += data[j * d + t]! ** 2;
      // Written unit rows are off by float32 rounding at most (6e-8).
      const length = Math.sqrt(squared);
      if (!(Math.abs(length - 1) <= 1e-6)) {
        throw invalidModel(
          `metric "cosine" needs centers of length 1, but row ${j} of "clusterCenters" has length ${length}`,
        );
      }
    }
  }
  return built;
}

export function invalidModel(problem: string, details?: KMeansErrorDetails): KMeansError {
  return new KMeansError('ERR_KMEANS_INVALID_MODEL', `Cannot read the model file: ${problem}`, { details });
}

function isCount(value: unknown, min = 1): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min;
}

/** As every(), but a hole fails the test (every() skips holes, and walks all of a huge sparse array). */
function allOf(values: readonly unknown[], test: (value: unknown) => boolean): boolean {
  for (let i = 0; i < values.length; i++) if (!test(values[i])) return false;
  return true;
}

/** An object such as JSON.parse makes: not an array, a Map, a Date or a boxed value. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}

/** Control characters and line separators escaped, as JSON writes them. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it matches
  const special = /[\u0000-\u001f\u2028\u2029]/g;
  return text.replace(special, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function isMatrix(value: unknown): value is Matrix {
  return typeof value === 'object' && value !== null && 'data' in value && ArrayBuffer.isView((value as Matrix).data);
}

function matrixJSON(matrix: Matrix) {
  return { rows: matrix.rows, cols: matrix.cols, data: Array.from(matrix.data) };
}

/** params as written, back into constructor options (an explicit init becomes number[][]). */
export function optionsFromParams(params: Record<string, unknown>): Record<string, unknown> {
  const options = { ...params };
  const init = options.init as { rows?: unknown; cols?: unknown; data?: unknown } | string | undefined;
  if (typeof init === 'object' && init !== null) {
    const { rows, cols, data } = init;
    const shaped = isCount(rows) && isCount(cols) && Array.isArray(data) && data.length === rows * cols;
    if (!shaped || !allOf(data, (value) => typeof value === 'number')) {
      throw invalidModel('"params.init" must be { rows, cols, data } with rows × cols numbers');
    }
    // By index, not slice(): slice() would honour an own "constructor" key of the array.
    options.init = Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => data[r * cols + c]));
  }
  // Options left unset are written as null by JSON: drop them (JSON has no undefined).
  for (const [key, value] of Object.entries(options))
    if (value === null && key !== 'initSize' && key !== 'maxNoImprovement') delete options[key];
  return options;
}
