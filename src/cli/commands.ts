/**
 * fit clusters a data file (or query), predict labels one with a saved model, reading it a chunk
 * at a time. fit --stream and --mini-batch are in stream_commands.ts, choose-k in
 * choose_k_command.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BisectingKMeans, KMeans, type Matrix, MiniBatchKMeans, type ModelJSON, meanVariance } from '../index';
import { UsageError, type Values, progressMode, rejectOptions } from './command_line';
import { dataInput, inputFiles, inputName, kmeansOptions, readOptions } from './command_inputs';
import { DataFileError } from './data_error';
import { readDataFile } from './data_file';
import { type DataInput, openDataStream } from './data_stream';
import { duckdbRows } from './duckdb_input';
import { inFileTerms, inTerms } from './library_errors';
import { Outputs } from './outputs';
import { ProgressBar } from './progress_bar';
import { collectTable } from './row_stream';
import { scatterSvg } from './scatter_plot';
import { type SavedModel, fitStreamCommand, labelPass, sampledPlot } from './stream_commands';
import { describeTable, fitSummary, labelsCsv, runCount } from './summary';
import type { Table } from './table';

export async function fitCommand(operands: string[], values: Values): Promise<number> {
  const input = dataInput(operands, values, 'fit takes one data file: kmeans-native fit DATA [-k N] [options]');
  if (values.k !== undefined) throw new UsageError("--k is choose-k's range: fit takes -k N or --clusters N");
  rejectOptions(values, 'fit', ['gap', 'json']);
  if (values.stream || values['mini-batch']) return fitStreamCommand(input, values);
  if (values['batch-size'] !== undefined) throw new UsageError('--batch-size applies to fit --mini-batch only');
  if (values['bounds-memory'] !== undefined) throw new UsageError('--bounds-memory applies to fit --stream only');
  // Options and outputs are checked before the data is read.
  const model = new KMeans(kmeansOptions(values));
  const targets = [
    { flag: '--out', file: values.out },
    { flag: '--labels', file: values.labels },
    { flag: '--plot', file: values.plot },
  ];
  const outputs = new Outputs(inputFiles(input), targets);
  const name = inputName(input);
  const table = await readData(input, values);
  const X = matrixOf(table);
  const context = { name, table, k: model.params.nClusters };

  const mode = progressMode(values);
  const progress = new ProgressBar(process.stderr, {
    runs: runCount(model.params),
    maxIter: model.params.maxIter,
    shiftTolerance: mode === 'off' ? 0 : model.params.tol * inTerms(() => meanVariance(X), context),
    mode,
  });
  const interrupt = new AbortController();
  const onInterrupt = (): void => interrupt.abort();
  process.once('SIGINT', onInterrupt);
  try {
    await model.fitAsync(X, { signal: interrupt.signal, onProgress: (report) => progress.update(report) });
  } catch (error) {
    throw inFileTerms(error, context);
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    progress.finish();
  }

  if (values.out !== undefined) {
    const json: ModelJSON = { ...model.toJSON(), ...(table.columnNames ? { featureNames: table.columnNames } : {}) };
    outputs.write(values.out, `${JSON.stringify(json)}\n`);
  }
  if (values.labels !== undefined) outputs.write(values.labels, labelsCsv(model.labels));
  if (values.plot !== undefined) {
    const title = `${path.basename(name)}: k-means, k = ${model.clusterCenters.rows}`;
    outputs.write(values.plot, plotOf(table, model.labels, model.clusterCenters, title));
  }
  if (!values.quiet && !Outputs.usesStdout(targets)) {
    const wrote = outputs.written.length > 0 ? `wrote ${outputs.written.join(', ')}\n` : '';
    process.stdout.write(fitSummary(name, table, model) + wrote);
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
    'json',
  ]);
  const labelsTo = values.labels ?? '-';
  const targets = [
    { flag: '--labels', file: labelsTo },
    { flag: '--plot', file: values.plot },
  ];
  const outputs = new Outputs([modelFile, ...inputFiles(input)], targets);
  const { model, featureNames } = readModel(modelFile);
  const centers = model.clusterCenters;
  const stream = await openDataStream(input, readOptions(values, featureNames));
  try {
    const pass = await labelPass(stream, model, {
      labels: outputs.open(labelsTo),
      plot: values.plot !== undefined,
      model: { cols: centers.cols, featureNames },
    });
    if (values.plot !== undefined) {
      const title = `${path.basename(stream.name)}: clusters of ${path.basename(modelFile)}`;
      outputs.write(values.plot, sampledPlot(pass, centers, title));
    }
    if (!values.quiet && !Outputs.usesStdout(targets)) {
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

function readModel(file: string): { model: SavedModel; featureNames: string[] | undefined } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataFileError(
      file,
      undefined,
      `cannot read the model: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  try {
    const json = JSON.parse(text) as Partial<ModelJSON>;
    const model =
      json?.model === 'MiniBatchKMeans'
        ? MiniBatchKMeans.fromJSON(json)
        : json?.model === 'BisectingKMeans'
          ? BisectingKMeans.fromJSON(json)
          : KMeans.fromJSON(json);
    return { model, featureNames: json.featureNames };
  } catch (error) {
    const message =
      error instanceof SyntaxError
        ? `Cannot read the model file: it is not valid JSON (${error.message})`
        : (error as Error).message;
    throw new DataFileError(file, undefined, message);
  }
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

function plotOf(table: Table, labels: Int32Array, centers: Matrix, title: string): string {
  return scatterSvg({ ...table, labels, centers: centers.data, k: centers.rows, title });
}
