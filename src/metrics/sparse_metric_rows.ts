/**
 * The rows of a CSR matrix as the sparse scores read them: columns increasing, each column once,
 * values exactly those of the dense copy (`toarray()` in the data's dtype). A matrix already in
 * that form is read in place; any other is put in it once (sparse_rows.ts's canonicalRows, a
 * copy of its entries, never a dense layout).
 */
import type { FloatArray } from '../binding';
import { type CsrMatrix, rowStart } from '../csr';
import { canonicalRows, isCanonical } from '../sparse_rows';

export interface MetricRows {
  /** rows + 1 entry offsets, as numbers. */
  starts: Float64Array;
  columns: Int32Array;
  values: FloatArray;
  rows: number;
  cols: number;
}

export function metricRows(csr: CsrMatrix): MetricRows {
  const { rows, cols } = csr;
  if (!isCanonical(csr)) {
    const canonical = canonicalRows(csr);
    return { starts: canonical.starts, columns: canonical.columns, values: canonical.values, rows, cols };
  }
  const starts = new Float64Array(rows + 1);
  for (let i = 1; i <= rows; i++) starts[i] = rowStart(csr.indptr, i);
  return { starts, columns: csr.indices, values: csr.data, rows, cols };
}
