/**
 * The library's errors about the data, told in the command's terms: the file, the line (or the
 * row of a .npy file) and the column, taken from the error's details, and the command's own
 * options (-k, --metric, --columns) instead of the API's; errors about an option name its flag.
 */
import { KMeansError } from '../index';
import { DataFileError } from './data_error';
import type { Table } from './table';

/** What the command knows that the library does not: the file's name and its table. */
export interface DataContext {
  /** The file as the message names it. */
  name: string;
  /** The rows the library was given: a whole table, or a chunk of a stream. */
  table: Pick<Table, 'rows' | 'cols' | 'place'>;
  /** fit: the clusters asked for (-k). */
  k?: number;
  /** predict: the model's column count and, when it has them, its feature names. */
  model?: { cols: number; featureNames: readonly string[] | undefined };
}

/**
 * `error` as a DataFileError naming the file and the place, when it is a KMeansError about the
 * table's values or shape; any other error unchanged.
 */
export function inFileTerms(error: unknown, context: DataContext): unknown {
  if (!(error instanceof KMeansError)) return error;
  const { name, table, k, model } = context;
  const { argument, row, column, value, limit } = error.details;
  if (error.code === 'ERR_KMEANS_TOO_FEW_SAMPLES' && k !== undefined) {
    const rows = `${table.rows} row${table.rows === 1 ? '' : 's'}`;
    return new DataFileError(name, undefined, `it has ${rows}, fewer than the ${k} clusters asked for (-k)`);
  }
  if (error.code === 'ERR_KMEANS_SHAPE_MISMATCH' && model !== undefined) {
    const named = model.featureNames ? ` (${model.featureNames.join(', ')})` : '';
    return new DataFileError(
      name,
      undefined,
      `it has ${table.cols} feature columns; the model was fitted on ${model.cols}${named}: choose them with --columns`,
    );
  }
  if (argument !== 'X' || row === undefined) return error;
  const where = column === undefined ? table.place(row) : `${table.place(row)}, column ${column + 1}`;
  if (error.code === 'ERR_KMEANS_ZERO_VECTOR') {
    return new DataFileError(name, where, 'the row is all zeros, which has no direction for --metric cosine');
  }
  if (error.code === 'ERR_KMEANS_OVERFLOW' && value !== undefined && limit !== undefined) {
    const shown = Number(value.toPrecision(6)).toExponential();
    return new DataFileError(
      name,
      where,
      `${shown} is too large: sums of squared distances would overflow float64 (|values| must stay below ` +
        `${limit.toPrecision(3)} with ${table.rows} rows and ${table.cols} columns); scale the data down`,
    );
  }
  return new DataFileError(name, where, error.message);
}

/** `compute()`, with the library's errors about the data told in the command's terms. */
export function inTerms<T>(compute: () => T, context: DataContext): T {
  try {
    return compute();
  } catch (error) {
    throw inFileTerms(error, context);
  }
}

/** The flag of each library option the command line sets. */
const flags: Record<string, string> = {
  nClusters: '-k/--clusters',
  kMin: '--k',
  kMax: '--k',
  nInit: '--n-init',
  maxIter: '--max-iter',
  tol: '--tol',
  seed: '--seed',
  threads: '--threads',
  batchSize: '--batch-size',
  algorithm: '--algorithm',
  init: '--init',
  metric: '--metric',
};

/** Names that are only ever options, so that they can be replaced wherever a message says them. */
const optionWords = /\b(nClusters|nInit|maxIter|batchSize|kMin|kMax)\b/g;

/**
 * `error` with the option it is about named by its flag (`nInit must be ...` becomes
 * `--n-init must be ...`), when it is a KMeansError about an option the command line sets; any
 * other error unchanged. The option is the error's details.argument, else the message's first word.
 */
export function inOptionTerms(error: unknown): unknown {
  if (!(error instanceof KMeansError) || error.code !== 'ERR_KMEANS_INVALID_OPTION') return error;
  const option = error.details.argument ?? /^(\w+) /.exec(error.message)?.[1];
  if (option === undefined || flags[option] === undefined) return error;
  const rest = error.message.startsWith(`${option} `) ? error.message.slice(option.length) : `: ${error.message}`;
  const message = `${flags[option]}${rest.replace(optionWords, (word) => flags[word]!)}`;
  return new KMeansError(error.code, message, { cause: error, details: error.details });
}
