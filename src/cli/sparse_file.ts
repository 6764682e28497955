/**
 * Reads a sparse data file into a CsrMatrix, the reader chosen by the file's extension:
 * SciPy's .npz (npz.ts) or svmlight / libsvm text (svmlight.ts).
 */
import * as path from 'node:path';
import type { CsrMatrix } from '../index';
import { DataFileError } from './data_error';
import { readNpzFile } from './npz';
import { type SvmlightReadOptions, readSvmlightFile } from './svmlight';

export type SparseFormat = 'npz' | 'svmlight';
export const sparseFormats: readonly SparseFormat[] = ['svmlight', 'npz'];

const extensions: Record<string, SparseFormat> = {
  '.npz': 'npz',
  '.svm': 'svmlight',
  '.svmlight': 'svmlight',
  '.libsvm': 'svmlight',
};

/** The sparse format a file's extension names, or undefined. */
export function sparseFormatOf(file: string): SparseFormat | undefined {
  return extensions[path.extname(file).toLowerCase()];
}

/** zeroBased and cols apply to svmlight files only. */
export async function readSparseFile(
  file: string,
  options: SvmlightReadOptions = {},
  format = sparseFormatOf(file),
): Promise<CsrMatrix> {
  if (format === 'npz') return readNpzFile(file, { dtype: options.dtype });
  if (format === 'svmlight') return readSvmlightFile(file, options);
  throw new DataFileError(file, undefined, 'not a sparse data file: expected .npz, .svm, .svmlight or .libsvm');
}
