/**
 * The library's errors about the data, told in the command's terms: the file, the line (or the
 * row of a .npy file) and the column, taken from the error's details, and the command's own
 * options (-k, --metric, --columns) instead of the API's.
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
