/**
 * The command line's grammar: the usage text, the options, and their parsing into typed values.
 */
import { parseArgs } from 'node:util';
import { oneLine } from './data_error';

/** A mistake in the command line: printed as one line (whatever the arguments hold), exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(oneLine(message));
  }
}

export const usage = `Usage:
  kmeans-native fit DATA [-k 8] [options]      cluster the rows of DATA
  kmeans-native predict MODEL DATA [options]   label the rows of DATA with a saved model
  kmeans-native choose-k DATA --k 2..12 [options]  score every k of a range, recommend one
  (with --sql QUERY instead of DATA: the rows of a DuckDB query)
  kmeans-native COMMAND --help                 one command's options, with examples

DATA is a CSV or TSV file (with or without a header line), NDJSON (a JSON array or object of
numbers per line), NumPy .npy (float16 too) or Parquet; "-" reads CSV from standard input. Parquet and --sql
are read through DuckDB, which needs the optional package @duckdb/node-api. predict, fit --stream
and fit --mini-batch read DATA a chunk at a time: their memory does not grow with it.
Sparse DATA, svmlight / libsvm text (.svm, .svmlight, .libsvm) or SciPy .npz (save_npz, CSR),
is clustered as it is stored, never laid out densely (fit and predict; see below).

Reading data (fit and predict):
  --sql QUERY          read the rows of a DuckDB query instead of DATA, e.g.
                       "SELECT a, b FROM 'rows.parquet' WHERE b > 0" (numeric columns)
  --columns LIST       the feature columns: numbers, ranges and header names, e.g. 1-4 or a,b
                       (default: all; predict: the columns the model was fitted on)
  --header, --no-header  whether the first line names the columns (default: it does if it
                       holds anything but numbers)
  --format FORMAT      csv, tsv, ndjson, npy, parquet, svmlight or npz (default: from the
                       extension or the content)
  --delimiter C        CSV/TSV field separator: one character, or tab, comma, semicolon or
                       pipe (default: from the format, a comma or a tab)
  --float32            compute in float32 (float32 .npy and .npz data stays float32 anyway)

Sparse data (fit and predict; not with --columns, --header, --plot, --stream, --mini-batch or
  --init k-means||; predict needs a KMeans model):
  --zero-based         svmlight feature indices count from 0 (default: from 1)
  --cols N             svmlight: the number of columns, when the largest index is smaller
                       (fit default: the largest index; predict default: the model's)
  --no-label-column    svmlight lines start with their features (default: with a label, ignored)
  --keep-labels        write each row's svmlight label next to its cluster in --labels

fit:
  -k, --clusters N     number of clusters (default 8)
  --algorithm NAME     auto, lloyd, hamerly or elkan (default auto)
  --init NAME          k-means++, k-means|| or random (default k-means++; --stream: k-means||)
  --n-init N           runs from different starts, the best is kept (default auto)
  --max-iter N         iterations per run (default 300)
  --tol X              convergence tolerance, relative to the data's variance (default 1e-4)
  --seed N             seed of the random generator (default: random)
  --threads N          native threads (default: the CPUs available, within a CPU quota)
  --metric NAME        euclidean or cosine (default euclidean)
  --scale METHOD       scale each feature first: standard ((x - mean) / deviation), minmax
                       (onto [0, 1]) or none (default none); the model file keeps the scaling
                       and predict applies it (dense data only)
  --out FILE           save the model as JSON (read it back with predict or KMeans.fromJSON)
  --stream             read DATA once per iteration instead of holding it: the same fit, in
                       memory that does not grow with DATA (a file or --sql, not "-")
  --bounds-memory MIB  --stream keeps Hamerly's bounds (20 bytes a row, fewer distances) within
                       this many MiB, else none (default 256; 0: none)
  --mini-batch         mini-batch k-means in one pass over DATA (MiniBatchKMeans.fitStream);
                       --algorithm, --max-iter and --tol do not apply
  --batch-size N       rows per mini-batch (default 1024)

choose-k (also takes fit's --algorithm, --init, --n-init, --max-iter, --tol, --seed,
  --threads and --metric):
  --k A..B             the range of k to try, e.g. 2..12 (-k A..B too)
  --gap                also compute the gap statistic (fits every k on 10 uniform reference sets)
  --json               print the table as JSON: per k inertia, silhouette, Calinski-Harabasz,
                       Davies-Bouldin (and gap), and the k each criterion recommends
  --plot FILE          draw the curves as SVG, the recommended k marked

Output (fit and predict):
  --labels FILE        write each row's cluster as CSV (predict: default standard output)
  --plot FILE          write an SVG scatter plot of the clusters (the first two principal
                       components when there are more than two features; with --metric
                       cosine, of the rows scaled to unit length)
  --json               print the summary as one JSON object instead: the data's shape, the
                       options, iterations, inertia, cluster sizes and centers (predict: the
                       sizes; give --labels a file)
  An output FILE "-" is standard output (the summary is then left out).
  --progress, --no-progress  the progress line on stderr (default: on a terminal, for long fits;
                       NO_COLOR or TERM=dumb: plain lines, no escape codes)
  -q, --quiet          print no summary
  -h, --help           this help;  -v, --version  the version
`;

const options = {
  clusters: { type: 'string', short: 'k' },
  k: { type: 'string' },
  gap: { type: 'boolean' },
  json: { type: 'boolean' },
  algorithm: { type: 'string' },
  init: { type: 'string' },
  'n-init': { type: 'string' },
  'max-iter': { type: 'string' },
  tol: { type: 'string' },
  seed: { type: 'string' },
  threads: { type: 'string' },
  metric: { type: 'string' },
  scale: { type: 'string' },
  sql: { type: 'string' },
  stream: { type: 'boolean' },
  'mini-batch': { type: 'boolean' },
  'batch-size': { type: 'string' },
  'bounds-memory': { type: 'string' },
  columns: { type: 'string' },
  header: { type: 'boolean' },
  'no-header': { type: 'boolean' },
  format: { type: 'string' },
  delimiter: { type: 'string' },
  float32: { type: 'boolean' },
  'zero-based': { type: 'boolean' },
  cols: { type: 'string' },
  'no-label-column': { type: 'boolean' },
  'keep-labels': { type: 'boolean' },
  out: { type: 'string' },
  labels: { type: 'string' },
  plot: { type: 'string' },
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export type Values = ReturnType<typeof parseCommandLine>['values'];

export function parseCommandLine(args: string[]) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see kmeans-native --help)`);
  }
}

/** Options that belong to the other command are a mistake, not something to ignore. */
export function rejectOptions(values: Values, command: string, notHere: (keyof Values)[]): void {
  const wrong = notHere.find((name) => values[name] !== undefined);
  if (wrong !== undefined) throw new UsageError(`--${wrong} does not apply to ${command}`);
}

export function integerOption(
  values: Values,
  name: 'clusters' | 'n-init' | 'max-iter' | 'seed' | 'threads' | 'batch-size' | 'bounds-memory' | 'cols',
  fallback?: number,
): number | undefined {
  const text = values[name];
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) {
    const flag = name === 'clusters' ? '-k' : `--${name}`;
    throw new UsageError(`${flag} must be a whole number (got "${text}")`);
  }
  return Number(text);
}

export function numberOption(values: Values, name: 'tol'): number | undefined {
  const text = values[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number (got "${text}")`);
  return value;
}

/**
 * How progress is shown: redrawn in place on a terminal ('plain' there when NO_COLOR or
 * TERM=dumb ask for no escape codes: a line now and then), as lines with --progress elsewhere.
 */
export function progressMode(
  values: Values,
  terminal = process.stderr.isTTY === true,
  env: NodeJS.ProcessEnv = process.env,
): ProgressMode {
  if (values.quiet || values['no-progress']) return 'off';
  if (terminal) return plainOutput(env) ? 'plain' : 'terminal';
  return values.progress ? 'lines' : 'off';
}

export type ProgressMode = 'terminal' | 'plain' | 'lines' | 'off';

/** NO_COLOR (any value but empty) and TERM=dumb: no ANSI escape codes in any output. */
export function plainOutput(env: NodeJS.ProcessEnv): boolean {
  return (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb';
}
