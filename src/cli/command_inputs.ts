/**
 * What both commands take from the command line before reading anything: the input (a data
 * file, or --sql in its place), the reading options and fit's KMeans options.
 */
import type { KMeansOptions } from '../index';
import { UsageError, type Values, integerOption, numberOption } from './command_line';
import { parseColumnSpec } from './columns';
import { type DataFormat, type DataReadOptions, dataFormats } from './data_file';
import type { DataInput } from './data_stream';
import { parseDelimiter } from './delimiter';
import { sparseFormats } from './sparse_file';

/** The data operand, or --sql in its place; `usageLine` says how the command is used. */
export function dataInput(operands: string[], values: Values, usageLine: string): DataInput {
  if (values.sql !== undefined) {
    if (operands.length > 0) throw new UsageError(`--sql is the data: give a data file or --sql, not both`);
    if (values.sql.trim() === '') throw new UsageError('--sql needs a query');
    return { sql: values.sql };
  }
  const [file, extra] = operands;
  if (file === undefined || extra !== undefined) throw new UsageError(usageLine);
  return { file };
}

export function inputFiles(input: DataInput): string[] {
  return 'file' in input ? [input.file] : [];
}

export function inputName(input: DataInput): string {
  return 'sql' in input ? 'query' : input.file === '-' ? 'standard input' : input.file;
}

/** fit's options, as KMeans takes them. */
export function kmeansOptions(values: Values): KMeansOptions {
  return {
    nClusters: integerOption(values, 'clusters', 8),
    algorithm: values.algorithm as never,
    init: values.init as never,
    nInit: values['n-init'] === 'auto' ? 'auto' : integerOption(values, 'n-init'),
    maxIter: integerOption(values, 'max-iter'),
    tol: numberOption(values, 'tol'),
    seed: integerOption(values, 'seed'),
    threads: integerOption(values, 'threads'),
    metric: values.metric as never,
  };
}

/** The reading options of dense data; predict's default columns are the model's, by name. */
export function readOptions(values: Values, modelNames: string[] | undefined): DataReadOptions {
  if (values.header && values['no-header']) throw new UsageError('--header and --no-header contradict each other');
  const format = values.format;
  if (format !== undefined && !dataFormats.includes(format as DataFormat)) {
    const known = [...dataFormats, ...sparseFormats];
    throw new UsageError(`--format must be one of ${known.join(', ')} (got "${format}")`);
  }
  if (values.delimiter !== undefined && values.sql !== undefined) {
    throw new UsageError('--delimiter applies to CSV and TSV data, not --sql');
  }
  let columns: readonly string[] | undefined;
  try {
    columns = values.columns === undefined ? undefined : parseColumnSpec(values.columns);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    format: format as DataFormat | undefined,
    header: values.header ? true : values['no-header'] ? false : undefined,
    dtype: values.float32 ? 'float32' : undefined,
    columns,
    modelNames,
    ...(values.delimiter === undefined ? {} : { delimiter: parseDelimiter(values.delimiter) }),
  };
}

/** MiniBatchKMeans's options from the command line: fit's, less those of Lloyd's iterations. */
export function miniBatchOptions(values: Values) {
  const { algorithm: _a, maxIter: _m, tol: _t, ...shared } = kmeansOptions(values);
  const batchSize = integerOption(values, 'batch-size');
  return { ...shared, ...(batchSize === undefined ? {} : { batchSize }) };
}
