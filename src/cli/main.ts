/**
 * The kmeans-native command: `fit` clusters a data file (and can save the model, the labels and
 * a plot), `predict` labels a data file with a saved model. Exit codes: 0 done, 2 bad usage or
 * bad input (one line on stderr naming the file, the place and the problem), 130 interrupted,
 * 1 anything unexpected.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { KMeansError } from '../errors';
import { KMeans } from '../kmeans';
import type { Matrix } from '../matrix';
import { MiniBatchKMeans } from '../minibatch';
import type { ModelJSON } from '../model_file';
import { AbortError } from '../plan';
import { parseColumnSpec } from './columns';
import { DataFileError } from './data_error';
import { type DataFormat, dataFormats, readDataFile } from './data_file';
import { ProgressBar } from './progress_bar';
import { scatterSvg } from './scatter_plot';
import type { Table } from './table';

const usage = `Usage:
  kmeans-native fit DATA [-k 8] [options]      cluster the rows of DATA
  kmeans-native predict MODEL DATA [options]   label the rows of DATA with a saved model

DATA is a CSV or TSV file (with or without a header line), NDJSON (a JSON array or object of
numbers per line) or NumPy .npy; "-" reads CSV from standard input.

Reading data (fit and predict):
  --columns LIST       the feature columns: numbers, ranges and header names, e.g. 1-4 or a,b
                       (default: all; predict: the columns the model was fitted on)
  --header, --no-header  whether the first line names the columns (default: it does if it
                       holds anything but numbers)
  --format FORMAT      csv, tsv, ndjson or npy (default: from the extension or the content)
  --float32            compute in float32 (float32 .npy data stays float32 anyway)

fit:
  -k, --clusters N     number of clusters (default 8)
  --algorithm NAME     auto, lloyd, hamerly or elkan (default auto)
  --init NAME          k-means++ or random (default k-means++)
  --n-init N           runs from different starts, the best is kept (default auto)
  --max-iter N         iterations per run (default 300)
  --tol X              convergence tolerance, relative to the data's variance (default 1e-4)
  --seed N             seed of the random generator (default: random)
  --threads N          native threads (default: all cores)
  --metric NAME        euclidean or cosine (default euclidean)
  --out FILE           save the model as JSON (read it back with predict or KMeans.fromJSON)

Output (fit and predict):
  --labels FILE        write each row's cluster as CSV (predict: default standard output)
  --plot FILE          write an SVG scatter plot of the clusters (the first two principal
                       components when there are more than two features)
  --progress, --no-progress  the progress line on stderr (default: on a terminal, for long fits)
  -q, --quiet          print no summary
  -h, --help           this help;  -v, --version  the version
`;

/** A mistake in the command line or its input: printed as one line, exit code 2. */
class UsageError extends Error {}

const options = {
  clusters: { type: 'string', short: 'k' },
  algorithm: { type: 'string' },
  init: { type: 'string' },
  'n-init': { type: 'string' },
  'max-iter': { type: 'string' },
  tol: { type: 'string' },
  seed: { type: 'string' },
  threads: { type: 'string' },
  metric: { type: 'string' },
  columns: { type: 'string' },
  header: { type: 'boolean' },
  'no-header': { type: 'boolean' },
  format: { type: 'string' },
  float32: { type: 'boolean' },
  out: { type: 'string' },
  labels: { type: 'string' },
  plot: { type: 'string' },
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type Values = ReturnType<typeof parseCommandLine>['values'];

function parseCommandLine(args: string[]) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see kmeans-native --help)`);
  }
}

/** Runs the command with `args` (without node and the script) and resolves to its exit code. */
export async function main(args: string[] = process.argv.slice(2)): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine(args);
    const [command, ...operands] = positionals;
    if (values.help || command === 'help') {
      process.stdout.write(usage);
      return 0;
    }
    if (values.version) {
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    if (command === 'fit') return await fitCommand(operands, values);
    if (command === 'predict') return await predictCommand(operands, values);
    throw new UsageError(command === undefined ? 'no command given: fit or predict (see kmeans-native --help)' : `unknown command "${command}": fit or predict`);
  } catch (error) {
    return report(error);
  }
}

function report(error: unknown): number {
  if (error instanceof AbortError) {
    process.stderr.write('kmeans-native: interrupted\n');
    return 130;
  }
  if (error instanceof UsageError || error instanceof DataFileError || error instanceof KMeansError) {
    process.stderr.write(`kmeans-native: ${error.message}\n`);
    return 2;
  }
  process.stderr.write(`kmeans-native: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  return 1;
}

async function fitCommand(operands: string[], values: Values): Promise<number> {
  const [file, extra] = operands;
  if (file === undefined || extra !== undefined) throw new UsageError('fit takes one data file: kmeans-native fit DATA [-k N] [options]');
  rejectOptions(values, ['fit'], []);
  const model = new KMeans({
    nClusters: integerOption(values, 'clusters', 8),
    algorithm: values.algorithm as never,
    init: values.init as never,
    nInit: values['n-init'] === 'auto' ? 'auto' : integerOption(values, 'n-init', undefined),
    maxIter: integerOption(values, 'max-iter', undefined),
    tol: numberOption(values, 'tol', undefined),
    seed: integerOption(values, 'seed', undefined),
    threads: integerOption(values, 'threads', undefined),
    metric: values.metric as never,
  }); // checks the options before the data is read
  const table = await readData(file, values, undefined);
  const matrix: Matrix = { data: table.data, rows: table.rows, cols: table.cols };
  const progress = new ProgressBar(process.stderr, {
    runs: model.params.nInit === 'auto' ? (model.params.init === 'random' ? 10 : 1) : model.params.nInit,
    maxIter: model.params.maxIter,
    shiftTolerance: model.params.tol * meanVariance(table),
    mode: progressMode(values),
  });
  const interrupt = new AbortController();
  const onInterrupt = (): void => interrupt.abort();
  process.once('SIGINT', onInterrupt);
  try {
    await model.fitAsync(matrix, { signal: interrupt.signal, onProgress: (report) => progress.update(report) });
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    progress.finish();
  }

  const written: string[] = [];
  if (values.out !== undefined) {
    const json: ModelJSON = { ...model.toJSON(), ...(table.columnNames ? { featureNames: table.columnNames } : {}) };
    writeOutput(values.out, `${JSON.stringify(json)}\n`, written);
  }
  if (values.labels !== undefined) writeOutput(values.labels, labelsCsv(model.labels), written);
  if (values.plot !== undefined) {
    const title = `${path.basename(file)}: k-means, k = ${model.clusterCenters.rows}`;
    writeOutput(values.plot, plotOf(table, model.labels, model.clusterCenters, title), written);
  }
  if (!values.quiet) process.stdout.write(fitSummary(file, table, model, written));
  return 0;
}

async function predictCommand(operands: string[], values: Values): Promise<number> {
  const [modelFile, file, extra] = operands;
  if (modelFile === undefined || file === undefined || extra !== undefined) {
    throw new UsageError('predict takes a model file and a data file: kmeans-native predict MODEL DATA [options]');
  }
  rejectOptions(values, ['predict'], ['clusters', 'algorithm', 'init', 'n-init', 'max-iter', 'tol', 'seed', 'threads', 'metric', 'out']);
  const { model, featureNames } = readModel(modelFile);
  const centers = model.clusterCenters;
  const table = await readData(file, values, featureNames);
  if (table.cols !== centers.cols) {
    const named = featureNames ? ` (${featureNames.join(', ')})` : '';
    throw new DataFileError(file, undefined, `it has ${table.cols} feature columns; the model was fitted on ${centers.cols}${named}: choose them with --columns`);
  }
  const labels = model.predict({ data: table.data, rows: table.rows, cols: table.cols });
  const written: string[] = [];
  if (values.labels === undefined) process.stdout.write(labelsCsv(labels));
  else writeOutput(values.labels, labelsCsv(labels), written);
  if (values.plot !== undefined) {
    writeOutput(values.plot, plotOf(table, labels, centers, `${path.basename(file)}: clusters of ${path.basename(modelFile)}`), written);
  }
  if (!values.quiet && values.labels !== undefined) {
    process.stdout.write(`${describeTable(file, table)}\n${clusterSizes(labels, centers.rows)}\nwrote ${written.join(', ')}\n`);
  }
  return 0;
}

function readModel(file: string): { model: KMeans | MiniBatchKMeans; featureNames: string[] | undefined } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataFileError(file, undefined, `cannot read the model: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  try {
    const json = JSON.parse(text) as Partial<ModelJSON>;
    const model = json?.model === 'MiniBatchKMeans' ? MiniBatchKMeans.fromJSON(json) : KMeans.fromJSON(json);
    return { model, featureNames: json.featureNames };
  } catch (error) {
    const message = error instanceof SyntaxError ? `Cannot read the model file: it is not valid JSON (${error.message})` : (error as Error).message;
    throw new DataFileError(file, undefined, message);
  }
}

async function readData(file: string, values: Values, modelColumns: string[] | undefined): Promise<Table> {
  if (values.header && values['no-header']) throw new UsageError('--header and --no-header contradict each other');
  const format = values.format;
  if (format !== undefined && !dataFormats.includes(format as DataFormat)) {
    throw new UsageError(`--format must be one of ${dataFormats.join(', ')} (got "${format}")`);
  }
  let columns: string[] | undefined;
  try {
    columns = values.columns === undefined ? undefined : [...parseColumnSpec(values.columns)];
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const options = {
    format: format as DataFormat | undefined,
    header: values.header ? true : values['no-header'] ? false : undefined,
    dtype: values.float32 ? ('float32' as const) : undefined,
  };
  if (columns === undefined && modelColumns !== undefined) {
    // The model's own columns, by name, when the file names its columns; else all of them.
    try {
      return await readDataFile(file, { ...options, columns: modelColumns });
    } catch (error) {
      if (!(error instanceof DataFileError) || !error.problem.includes('the file has no header')) throw error;
    }
  }
  return readDataFile(file, { ...options, columns });
}

/** Options that belong to the other command are a mistake, not something to ignore. */
function rejectOptions(values: Values, [command]: string[], notHere: (keyof Values)[]): void {
  const wrong = notHere.find((name) => values[name] !== undefined);
  if (wrong !== undefined) throw new UsageError(`--${wrong} does not apply to ${command}`);
}

function integerOption(values: Values, name: 'clusters' | 'n-init' | 'max-iter' | 'seed' | 'threads', fallback: number | undefined): number | undefined {
  const text = values[name];
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) {
    const flag = name === 'clusters' ? '-k' : `--${name}`;
    throw new UsageError(`${flag} must be a whole number (got "${text}")`);
  }
  return Number(text);
}

function numberOption(values: Values, name: 'tol', fallback: number | undefined): number | undefined {
  const text = values[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number (got "${text}")`);
  return value;
}

function progressMode(values: Values): 'terminal' | 'lines' | 'off' {
  if (values.quiet || values['no-progress']) return 'off';
  if (process.stderr.isTTY) return 'terminal';
  return values.progress ? 'lines' : 'off';
}

/** The mean over features of the variance, which scales tol (as scikit-learn). */
function meanVariance({ data, rows, cols }: Table): number {
  let total = 0;
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += data[i * cols + j]!;
    mean /= rows;
    let sum = 0;
    for (let i = 0; i < rows; i++) sum += (data[i * cols + j]! - mean) ** 2;
    total += sum / rows;
  }
  return total / cols;
}

function writeOutput(file: string, text: string, written: string[]): void {
  try {
    fs.writeFileSync(file, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'its folder does not exist' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new DataFileError(file, undefined, `cannot write it: ${problem}`);
  }
  written.push(file);
}

function labelsCsv(labels: Int32Array): string {
  return `cluster\n${labels.join('\n')}\n`;
}

function plotOf(table: Table, labels: Int32Array, centers: Matrix, title: string): string {
  return scatterSvg({ ...table, labels, centers: centers.data, k: centers.rows, title });
}

function describeTable(file: string, { rows, cols, columnNames }: Table): string {
  const names = columnNames && cols <= 12 ? ` (${columnNames.join(', ')})` : '';
  return `${file}: ${rows} rows × ${cols} columns${names}`;
}

function clusterSizes(labels: Int32Array, k: number): string {
  const sizes = new Array<number>(k).fill(0);
  for (const label of labels) sizes[label]!++;
  return `cluster sizes: ${sizes.join(', ')}`;
}

function fitSummary(file: string, table: Table, model: KMeans, written: string[]): string {
  const { params } = model;
  const runs = params.nInit === 'auto' ? (params.init === 'random' ? 10 : 1) : params.nInit;
  const start = typeof params.init === 'string' ? params.init : 'the given centers';
  const lines = [
    describeTable(file, table),
    `k-means (${model.algorithmUsed}): k = ${model.clusterCenters.rows}, ${runs} run${runs > 1 ? 's' : ''} from ${start}, ${params.seed === undefined ? 'random seed' : `seed ${params.seed}`}: ` +
      `${model.nIter} iterations, ${model.converged ? 'converged' : 'not converged'}, inertia ${model.inertia.toPrecision(8)}`,
  ];
  const { data, rows: k, cols } = model.clusterCenters;
  const sizes = new Array<number>(k).fill(0);
  for (const label of model.labels) sizes[label]!++;
  if (cols <= 8) {
    const names = Array.from({ length: cols }, (_, j) => table.columnNames?.[j] ?? `x${j + 1}`);
    const widths = names.map((name) => Math.max(10, name.length));
    lines.push(['cluster', '    size', ...names.map((name, j) => name.padStart(widths[j]!))].join('  '));
    for (let c = 0; c < k; c++) {
      const center = Array.from({ length: cols }, (_, j) => formatValue(data[c * cols + j]!).padStart(widths[j]!));
      lines.push([String(c).padStart(7), String(sizes[c]).padStart(8), ...center].join('  '));
    }
  } else {
    lines.push(clusterSizes(model.labels, k));
  }
  if (written.length > 0) lines.push(`wrote ${written.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function formatValue(value: number): string {
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e6 ? value.toFixed(4) : value.toPrecision(4);
}

function packageVersion(): string {
  const file = path.join(__dirname, '..', '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}
