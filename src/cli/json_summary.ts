/**
 * fit --json and predict --json: the summary as one JSON object on standard output, for
 * programs: the data's shape, the options the fit ran with, and its result (iterations,
 * inertia, cluster sizes and centers as arrays of numbers).
 */
import type { KMeans, Matrix, MiniBatchKMeans } from '../index';
import { UsageError } from './command_line';
import type { Shape } from './summary';
import type { Scaling } from './scaling';

/** --json prints to standard output, so no output file may be "-" there. */
export function checkJsonOutputs(targets: { flag: string; file: string | undefined }[]): void {
  const onStdout = targets.find((target) => target.file === '-');
  if (onStdout !== undefined) {
    throw new UsageError(`--json and ${onStdout.flag} - both write to standard output: give ${onStdout.flag} a file`);
  }
}

export function dataJson(name: string, { rows, cols, columnNames, stored }: Shape) {
  return {
    name,
    rows,
    cols,
    ...(columnNames ? { columnNames } : {}),
    ...(stored === undefined ? {} : { stored }),
  };
}

/** The centers as one array of numbers per cluster. */
export function centersJson({ data, rows, cols }: Matrix): number[][] {
  return Array.from({ length: rows }, (_, c) => Array.from(data.subarray(c * cols, (c + 1) * cols)));
}

function dtypeOf({ data }: Matrix): 'float32' | 'float64' {
  return data instanceof Float32Array ? 'float32' : 'float64';
}

/** fit's summary: `mode` says how the rows were read ("memory" or "stream"). */
export function fitJson(name: string, shape: Shape, model: KMeans, sizes: number[], mode: 'memory' | 'stream') {
  const { params } = model;
  return {
    data: dataJson(name, shape),
    options: {
      method: 'k-means',
      mode,
      k: params.nClusters,
      init: typeof params.init === 'string' ? params.init : 'the given centers',
      nInit: params.nInit,
      maxIter: params.maxIter,
      tol: params.tol,
      seed: params.seed ?? null,
      algorithm: params.algorithm,
      threads: params.threads ?? null,
      metric: params.metric,
      dtype: dtypeOf(model.clusterCenters),
    },
    algorithmUsed: model.algorithmUsed,
    iterations: model.nIter,
    converged: model.converged,
    inertia: model.inertia,
    clusterSizes: sizes,
    clusterCenters: centersJson(model.clusterCenters),
  };
}

/** fit --mini-batch's summary; its inertia is the running estimate made while fitting. */
export function miniBatchJson(name: string, shape: Shape, model: MiniBatchKMeans, sizes: number[]) {
  const { params } = model;
  return {
    data: dataJson(name, shape),
    options: {
      method: 'mini-batch k-means',
      mode: 'stream',
      k: params.nClusters,
      init: typeof params.init === 'string' ? params.init : 'the given centers',
      nInit: params.nInit,
      batchSize: params.batchSize,
      seed: params.seed ?? null,
      threads: params.threads ?? null,
      metric: params.metric,
      dtype: dtypeOf(model.clusterCenters),
    },
    steps: model.nSteps,
    inertia: model.inertia,
    clusterSizes: sizes,
    clusterCenters: centersJson(model.clusterCenters),
  };
}

/** predict's summary: the data, the model file and the sizes of the clusters it labelled. */
export function predictJson(name: string, shape: Shape, modelFile: string, centers: Matrix, sizes: number[]) {
  return {
    data: dataJson(name, shape),
    model: { file: modelFile, k: centers.rows, cols: centers.cols },
    clusterSizes: sizes,
  };
}

export function printJson(summary: object): void {
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

/** A fit's summary with the scaling its rows went through (--scale): the method among the options, and its parameters. */
export function withScaling<S extends { options: object }>(summary: S, scaling: Scaling | undefined) {
  return {
    ...summary,
    options: { ...summary.options, scale: scaling?.method ?? 'none' },
    ...(scaling ? { scaling } : {}),
  };
}
