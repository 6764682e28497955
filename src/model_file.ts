/**
 * Model files: a fitted model as plain JSON, versioned, and back. The centers are written as
 * JSON numbers, which round-trip doubles exactly (and float32 values, widened to double), so a
 * model read back predicts exactly as the one written. Training labels and the iteration
 * history are not stored.
 */
import { KMeansError } from './errors';
import type { Matrix } from './matrix';

export const modelFormat = 'kmeans-native-model';
export const modelVersion = 1;

export interface ModelJSON {
  format: typeof modelFormat;
  version: typeof modelVersion;
  /** The class that wrote it. */
  model: 'KMeans' | 'MiniBatchKMeans';
  /** The options in force; an explicit init is written as { rows, cols, data }. */
  params: Record<string, unknown>;
  dtype: 'float64' | 'float32';
  nClusters: number;
  nFeatures: number;
  /** k·d values, row-major. */
  clusterCenters: number[];
  inertia: number;
  nIter: number;
  /** Model-specific attributes (algorithmUsed, converged; nSteps). */
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
      throw invalidModel(`it is not valid JSON (${(error as Error).message})`);
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalidModel('it is not an object');
  const file = json as Partial<ModelJSON>;
  if (file.format !== modelFormat) throw invalidModel(`its "format" is not "${modelFormat}"`);
  if (file.version !== modelVersion) {
    throw invalidModel(`it has version ${JSON.stringify(file.version)}; this library reads version ${modelVersion}`);
  }
  if (file.model !== model) throw invalidModel(`it holds a ${String(file.model)}, not a ${model}`);
  if (file.dtype !== 'float64' && file.dtype !== 'float32') throw invalidModel('its "dtype" is not "float64" or "float32"');
  const { nClusters: k, nFeatures: d } = file;
  if (!isCount(k) || !isCount(d)) throw invalidModel('"nClusters" and "nFeatures" must be integers >= 1');
  const centers = file.clusterCenters;
  if (!Array.isArray(centers) || centers.length !== k * d) {
    throw invalidModel(`"clusterCenters" must hold nClusters × nFeatures = ${k * d} numbers`);
  }
  if (!centers.every((value) => typeof value === 'number' && Number.isFinite(value))) {
    throw invalidModel('"clusterCenters" must hold finite numbers only');
  }
  if (file.featureNames !== undefined) {
    const names = file.featureNames;
    if (!Array.isArray(names) || names.length !== d || !names.every((name) => typeof name === 'string')) {
      throw invalidModel(`"featureNames", when present, must hold nFeatures = ${d} strings`);
    }
  }
  if (typeof file.params !== 'object' || file.params === null) throw invalidModel('"params" must be an object');
  if (typeof file.inertia !== 'number' || typeof file.nIter !== 'number') {
    throw invalidModel('"inertia" and "nIter" must be numbers');
  }
  const data = file.dtype === 'float32' ? Float32Array.from(centers as number[]) : Float64Array.from(centers as number[]);
  return {
    params: file.params,
    clusterCenters: { data, rows: k, cols: d },
    inertia: file.inertia,
    nIter: file.nIter,
    extra: typeof file.extra === 'object' && file.extra !== null ? file.extra : {},
  };
}

/** Builds the model from its stored options; options it rejects make the file invalid. */
export function constructFromParams<M>(params: Record<string, unknown>, make: (options: Record<string, unknown>) => M): M {
  const options = optionsFromParams(params);
  try {
    return make(options);
  } catch (error) {
    throw invalidModel(`its "params" are not valid options: ${(error as Error).message}`);
  }
}

function invalidModel(problem: string): KMeansError {
  return new KMeansError('ERR_KMEANS_INVALID_MODEL', `Cannot read the model file: ${problem}`);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
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
    if (!isCount(rows) || !isCount(cols) || !Array.isArray(data) || data.length !== rows * cols) {
      throw invalidModel('"params.init" must be { rows, cols, data } with rows × cols numbers');
    }
    options.init = Array.from({ length: rows }, (_, r) => data.slice(r * cols, (r + 1) * cols));
  }
  // Options left unset are written as null by JSON: drop them (JSON has no undefined).
  for (const [key, value] of Object.entries(options)) if (value === null && key !== 'initSize' && key !== 'maxNoImprovement') delete options[key];
  return options;
}
