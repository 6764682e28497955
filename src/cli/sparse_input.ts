/**
 * Sparse data on the command line: whether a command's data is a sparse file (svmlight or .npz,
 * by --format, else by the extension), the options that read it (--zero-based, --cols,
 * --no-label-column, --keep-labels), the options that need dense data, and the file read as CSR
 * with what messages need to place a row in it.
 */
import type { CsrMatrix } from '../index';
import { UsageError, type Values, integerOption } from './command_line';
import { inputName } from './command_inputs';
import { DataFileError } from './data_error';
import type { DataInput } from './data_stream';
import { readNpzFile } from './npz';
import { type SparseFormat, sparseFormatOf, sparseFormats } from './sparse_file';
import { type SvmlightReadOptions, readSvmlightFileRows } from './svmlight';

/** A sparse data file and how to read it. */
export interface SparseInput {
  file: string;
  /** The file as messages name it ("standard input" for "-"). */
  name: string;
  format: SparseFormat;
  options: SvmlightReadOptions;
}

/** A sparse file as read: its rows as CSR, each row's place, and (--keep-labels) its labels. */
export interface SparseData {
  X: CsrMatrix;
  /** Where row i is in the file: "line 17" (svmlight) or "row 3" (.npz). */
  place(row: number): string;
  labels: string[] | undefined;
}

const svmlightFlags = ['zero-based', 'cols', 'no-label-column', 'keep-labels'] as const;

/** Why each option that needs dense data cannot read a sparse file. */
const denseOnly: [keyof Values, string][] = [
  ['columns', 'every column of a sparse file is a feature'],
  ['header', 'sparse files have no header line'],
  ['no-header', 'sparse files have no header line'],
  ['delimiter', 'it applies to CSV and TSV data'],
  ['plot', 'its principal axes need dense rows; write --labels and plot from them'],
  ['stream', 'a sparse file is read once and held as it is stored'],
  ['bounds-memory', 'a sparse file is read once and held as it is stored'],
];

/**
 * The command's data as a sparse file, or undefined when it is dense. A dense input refuses
 * the svmlight options.
 */
export function sparseInputOf(input: DataInput, values: Values): SparseInput | undefined {
  const format = sparseFormatOfInput(input, values);
  if (format === undefined || 'sql' in input) {
    const given = svmlightFlags.find((flag) => values[flag] !== undefined);
    if (given !== undefined) {
      throw new UsageError(`--${given} applies to svmlight files only (.svm, .svmlight, .libsvm or --format svmlight)`);
    }
    return undefined;
  }
  return { file: input.file, name: inputName(input), format, options: readOptionsOf(values, format) };
}

/** --format svmlight or npz, else a sparse file's extension (not for standard input). */
function sparseFormatOfInput(input: DataInput, values: Values): SparseFormat | undefined {
  const format = values.format;
  if (sparseFormats.includes(format as SparseFormat)) {
    if ('sql' in input) throw new UsageError(`--format ${format} reads a data file: give the file instead of --sql`);
    return format as SparseFormat;
  }
  if (format !== undefined || 'sql' in input) return undefined;
  return sparseFormatOf(input.file);
}

function readOptionsOf(values: Values, format: SparseFormat): SvmlightReadOptions {
  const dtype = values.float32 ? 'float32' : undefined;
  if (format === 'npz') {
    const given = svmlightFlags.find((flag) => values[flag] !== undefined);
    if (given !== undefined) {
      throw new UsageError(`--${given} applies to svmlight files only, not to .npz files (which store their shape)`);
    }
    return { dtype };
  }
  if (values['keep-labels'] && values['no-label-column']) {
    throw new UsageError('--keep-labels and --no-label-column contradict each other');
  }
  const cols = integerOption(values, 'cols');
  if (cols !== undefined && (cols < 1 || cols > 2 ** 31 - 1)) {
    throw new UsageError(`--cols must be a whole number from 1 to 2147483647 (got ${values.cols})`);
  }
  return {
    dtype,
    cols,
    zeroBased: values['zero-based'] === true,
    labelColumn: !values['no-label-column'],
    keepLabels: values['keep-labels'] === true,
  };
}

/** Refuses the options that need dense data, and `--init k-means||`, naming the flag. */
export function rejectDenseOnlyOptions(values: Values, command: string): void {
  for (const [flag, reason] of denseOnly) {
    if (values[flag] !== undefined)
      throw new UsageError(`--${flag} is not available for sparse data in ${command}: ${reason}`);
  }
  if (values.init === 'k-means||') {
    throw new UsageError('--init k-means|| is not available for sparse data: use k-means++ or random');
  }
}

/** Reads the file as CSR. */
export async function readSparseInput({ file, name, format, options }: SparseInput): Promise<SparseData> {
  if (format === 'npz') {
    if (file === '-') throw new DataFileError(name, undefined, 'NPZ data must come from a file');
    return { X: readNpzFile(file, { dtype: options.dtype }), place: (row) => `row ${row + 1}`, labels: undefined };
  }
  const { matrix, lines, labels } = await readSvmlightFileRows(file, options);
  return { X: matrix, place: (row) => `line ${lines[row]}`, labels };
}

/** The labels CSV, with (--keep-labels) each row's label from the file as a second column. */
export function sparseLabelsCsv(clusters: Int32Array, fileLabels: string[] | undefined): string {
  if (fileLabels === undefined) return `cluster\n${clusters.join('\n')}\n`;
  const rows = Array.from(clusters, (cluster, i) => `${cluster},${csvField(fileLabels[i]!)}`);
  return `cluster,label\n${rows.join('\n')}\n`;
}

/** A CSV field: quoted when it holds a comma or a quote (multi-label files write "1,3"). */
function csvField(text: string): string {
  return /[",]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
