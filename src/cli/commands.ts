/**
 * fit clusters a data file (or query), predict labels one with a saved model, reading it a chunk
 * at a time. fit --stream and --mini-batch are in stream_commands.ts, sparse files in
 * sparse_commands.ts, choose-k in choose_k_command.ts.
 */
import * as path from 'node:path';
import { KMeans, type Matrix, type Metric, meanVariance } from '../index';
import { UsageError, type Values, rejectOptions } from './command_line';
import { dataInput, inputFiles, inputName, kmeansOptions, readOptions } from './command_inputs';
import { readDataFile } from './data_file';
import { type DataInput, openDataStream } from './data_stream';
import { duckdbRows } from './duckdb_input';
import { type CommandModelJSON, readModel } from './model_file';
import { runFit } from './fit_run';
import { Outputs } from './outputs';
import { chunkOfTable, collectTable } from './row_stream';
import { ColumnStatistics, type Scaling, scaleMatrix, scaleOption, scaledStream, scalingLine } from './scaling';
import { scatterSvg } from './scatter_plot';
import { sparseFitCommand, sparsePredictCommand } from './sparse_commands';
import { sparseInputOf } from './sparse_input';
import { fitStreamCommand, labelPass, metricOf, sampledPlot } from './stream_commands';
import { checkJsonOutputs, fitJson, predictJson, printJson, withScaling } from './json_summary';
import { clusterSizes, describeTable, fitSummary, labelsCsv } from './summary';
import type { Table } from './table';

export async function fitCommand(operands: string[], values: Values): Promise<number> {
  const input = dataInput(operands, values, 'fit takes one data file: kmeans-native fit DATA [-k N] [options]');
  if (values.k !== undefined) throw new UsageError("--k is choose-k's range: fit takes -k N or --clusters N");
  rejectOptions(values, 'fit', ['gap']);
  const sparse = sparseInputOf(input, values);
  if (sparse !== undefined) return sparseFitCommand(sparse, values);
  if (values.stream || values['mini-batch']) return fitStreamCommand(input, values);
  if (values['batch-size'] !== undefined) throw new UsageError('--batch-size applies to fit --mini-batch only');
  if (values['bounds-memory'] !== undefined) throw new UsageError('--bounds-memory applies to fit --stream only');
  // Options and outputs are checked before the data is read.
  const model = new KMeans(kmeansOptions(values));
  const scaleMethod = scaleOption(values);
  const targets = [
    { flag: '--out', file: values.out },
    { flag: '--labels', file: values.labels },
    { flag: '--plot', file: values.plot },
  ];
  if (values.json) checkJsonOutputs(targets);
  const outputs = new Outputs(inputFiles(input), targets);
  const name = inputName(input);
  const read = await readData(input, values);
  let scaling: Scaling | undefined;
  if (scaleMethod !== undefined) {
    const stats = new ColumnStatistics(read.cols);
    stats.add(chunkOfTable(read));
    scaling = stats.scaling(scaleMethod);
  }
  // The model, its plot and its summary are in the scaled units.
  const table = scaling === undefined ? read : { ...read, data: scaleMatrix(read, read.rows, read.cols, scaling).data };
  const X = matrixOf(table);
  const context = { name, table, k: model.params.nClusters };

  await runFit(model, X, values, context, () => meanVariance(X));

  if (values.out !== undefined) {
    const json: CommandModelJSON = {
      ...model.toJSON(),
      ...(table.columnNames ? { featureNames: table.columnNames } : {}),
      ...(scaling ? { scaling } : {}),
    };
    outputs.write(values.out, `${JSON.stringify(json)}\n`);
  }
  if (values.labels !== undefined) outputs.write(values.labels, labelsCsv(model.labels));
  if (values.plot !== undefined) {
    const cosine = model.params.metric === 'cosine';
    const title = `${path.basename(name)}: ${cosine ? 'spherical k-means' : 'k-means'}, k = ${model.clusterCenters.rows}`;
    outputs.write(values.plot, plotOf(table, model.labels, model.clusterCenters, title, model.params.metric));
  }
  if (values.json) {
    printJson(
      withScaling(
        fitJson(name, table, model, clusterSizes(model.labels, model.clusterCenters.rows), 'memory'),
        scaling,
      ),
    );
  } else if (!values.quiet && !Outputs.usesStdout(targets)) {
    const wrote = outputs.written.length > 0 ? `wrote ${outputs.written.join(', ')}\n` : '';
    process.stdout.write(fitSummary(name, table, model) + scalingLine(scaling) + wrote);
  }
  return 0;
}

export async function predictCommand(operands: string[], values: Values): Promise<number> {
  const [modelFile, ...rest] = operands;
  const usageLine = 'predict takes a model file and a data file: kmeans-native predict MODEL DATA [options]';
  if (modelFile === undefined) throw new UsageError(usageLine);
  const input = dataInput(rest, values, usageLine);
  rejectOptions(values, 'predict', [
    'clusters',
    'algorithm',
    'init',
    'n-init',
    'max-iter',
    'tol',
    'seed',
    'threads',
    'metric',
    'out',
    'stream',
    'mini-batch',
    'batch-size',
    'bounds-memory',
    'k',
    'gap',
    'scale',
  ]);
  const sparse = sparseInputOf(input, values);
  if (sparse !== undefined) return sparsePredictCommand(modelFile, sparse, values);
  const labelsTo = values.labels ?? '-';
  const targets = [
    { flag: '--labels', file: labelsTo },
    { flag: '--plot', file: values.plot },
  ];
  if (values.json) checkJsonOutputs(targets);
  const outputs = new Outputs([modelFile, ...inputFiles(input)], targets);
  const { model, featureNames, scaling } = readModel(modelFile);
  const centers = model.clusterCenters;
  const read = await openDataStream(input, readOptions(values, featureNames));
  const stream = scaling === undefined ? read : scaledStream(read, scaling);
  try {
    const pass = await labelPass(stream, model, {
      labels: outputs.open(labelsTo),
      plot: values.plot !== undefined,
      model: { cols: centers.cols, featureNames },
    });
    if (values.plot !== undefined) {
      const metric = metricOf(model);
      const kind = metric === 'cosine' ? ' (spherical k-means)' : '';
      const title = `${path.basename(stream.name)}: clusters of ${path.basename(modelFile)}${kind}`;
      outputs.write(values.plot, sampledPlot(pass, centers, title, metric));
    }
    if (values.json) {
      printJson(predictJson(stream.name, pass, modelFile, centers, pass.sizes));
    } else if (!values.quiet && !Outputs.usesStdout(targets)) {
      process.stdout.write(
        `${describeTable(stream.name, pass)}\ncluster sizes: ${pass.sizes.join(', ')}\nwrote ${outputs.written.join(', ')}\n`,
      );
    }
  } finally {
    stream.close();
  }
  return 0;
}

export function matrixOf({ data, rows, cols }: Table): Matrix {
  return { data, rows, cols };
}

/** The whole input as one table. */
export async function readData(input: DataInput, values: Values): Promise<Table> {
  const options = readOptions(values, undefined);
  if ('file' in input) return readDataFile(input.file, options);
  const stream = await duckdbRows('query', input.sql, { spec: options.columns }, options.dtype);
  try {
    return await collectTable(stream);
  } finally {
    stream.close();
  }
}

function plotOf(table: Table, labels: Int32Array, centers: Matrix, title: string, metric: Metric): string {
  return scatterSvg({ ...table, labels, centers: centers.data, k: centers.rows, title, metric });
}
