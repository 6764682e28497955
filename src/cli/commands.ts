/** The two commands: fit clusters a data file, predict labels one with a saved model. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KMeans, type Matrix, MiniBatchKMeans, type ModelJSON, meanVariance } from '../index';
import { UsageError, type Values, integerOption, numberOption, progressMode, rejectOptions } from './command_line';
import { parseColumnSpec } from './columns';
import { DataFileError } from './data_error';
import { type DataFormat, dataFormats, readDataFile } from './data_file';
import { type DataContext, inFileTerms } from './library_errors';
import { Outputs } from './outputs';
import { ProgressBar } from './progress_bar';
import { scatterSvg } from './scatter_plot';
import { clusterSizes, describeTable, fitSummary, labelsCsv, runCount } from './summary';
import type { Table } from './table';

export async function fitCommand(operands: string[], values: Values): Promise<number> {
  const [file, extra] = operands;
  if (file === undefined || extra !== undefined)
    throw new UsageError('fit takes one data file: kmeans-native fit DATA [-k N] [options]');
  // Options and outputs are checked before the data is read.
  const model = new KMeans({
    nClusters: integerOption(values, 'clusters', 8),
    algorithm: values.algorithm as never,
    init: values.init as never,
    nInit: values['n-init'] === 'auto' ? 'auto' : integerOption(values, 'n-init'),
    maxIter: integerOption(values, 'max-iter'),
    tol: numberOption(values, 'tol'),
    seed: integerOption(values, 'seed'),
    threads: integerOption(values, 'threads'),
    metric: values.metric as never,
  });
  const targets = [
    { flag: '--out', file: values.out },
    { flag: '--labels', file: values.labels },
    { flag: '--plot', file: values.plot },
  ];
  const outputs = new Outputs([file], targets);
  const name = displayName(file);
  const table = await readData(file, values, undefined);
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
  const [modelFile, file, extra] = operands;
  if (modelFile === undefined || file === undefined || extra !== undefined) {
    throw new UsageError('predict takes a model file and a data file: kmeans-native predict MODEL DATA [options]');
  }
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
  ]);
  const labelsTo = values.labels ?? '-';
  const targets = [
    { flag: '--labels', file: labelsTo },
    { flag: '--plot', file: values.plot },
  ];
  const outputs = new Outputs([modelFile, file], targets);
  const { model, featureNames } = readModel(modelFile);
  const centers = model.clusterCenters;
  const name = displayName(file);
  const table = await readData(file, values, featureNames);
  const context = { name, table, model: { cols: centers.cols, featureNames } };
  const labels = inTerms(() => model.predict(matrixOf(table)), context);
  outputs.write(labelsTo, labelsCsv(labels));
  if (values.plot !== undefined) {
    outputs.write(
      values.plot,
      plotOf(table, labels, centers, `${path.basename(name)}: clusters of ${path.basename(modelFile)}`),
    );
  }
  if (!values.quiet && !Outputs.usesStdout(targets)) {
    const sizes = clusterSizes(labels, centers.rows).join(', ');
    process.stdout.write(
      `${describeTable(name, table)}\ncluster sizes: ${sizes}\nwrote ${outputs.written.join(', ')}\n`,
    );
  }
  return 0;
}

function displayName(file: string): string {
  return file === '-' ? 'standard input' : file;
}

function matrixOf({ data, rows, cols }: Table): Matrix {
  return { data, rows, cols };
}

/** `compute()`, with the library's errors about the data told in the command's terms. */
function inTerms<T>(compute: () => T, context: DataContext): T {
  try {
    return compute();
  } catch (error) {
    throw inFileTerms(error, context);
  }
}

function readModel(file: string): { model: KMeans | MiniBatchKMeans; featureNames: string[] | undefined } {
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
    const model = json?.model === 'MiniBatchKMeans' ? MiniBatchKMeans.fromJSON(json) : KMeans.fromJSON(json);
    return { model, featureNames: json.featureNames };
  } catch (error) {
    const message =
      error instanceof SyntaxError
        ? `Cannot read the model file: it is not valid JSON (${error.message})`
        : (error as Error).message;
    throw new DataFileError(file, undefined, message);
  }
}

/** Reads the data with the reading options; predict's default columns are the model's, by name. */
async function readData(file: string, values: Values, modelNames: string[] | undefined): Promise<Table> {
  if (values.header && values['no-header']) throw new UsageError('--header and --no-header contradict each other');
  const format = values.format;
  if (format !== undefined && !dataFormats.includes(format as DataFormat)) {
    throw new UsageError(`--format must be one of ${dataFormats.join(', ')} (got "${format}")`);
  }
  let columns: readonly string[] | undefined;
  try {
    columns = values.columns === undefined ? undefined : parseColumnSpec(values.columns);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return readDataFile(file, {
    format: format as DataFormat | undefined,
    header: values.header ? true : values['no-header'] ? false : undefined,
    dtype: values.float32 ? 'float32' : undefined,
    columns,
    modelNames,
  });
}

function plotOf(table: Table, labels: Int32Array, centers: Matrix, title: string): string {
  return scatterSvg({ ...table, labels, centers: centers.data, k: centers.rows, title });
}
