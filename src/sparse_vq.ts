/**
 * vq on CSR observations (an extension of SciPy's, which reads dense arrays only): each row's
 * nearest code by the native sparse assignment (the dense vq's codes), and its Euclidean
 * distance computed from the row's entries. The observations are never laid out densely.
 */
import type { FloatArray } from './binding';
import { type CsrMatrix, csrRowSquaredNorms } from './csr';
import { toCsrMatrix } from './csr_checks';
import { type DType, allocate, asDType, dtypeOf } from './matrix';
import { call, runSync } from './plan';
import { type SparseData, sparseRequest, sparseSquaredDistances } from './sparse_inputs';
import { type Observations, checkSameShape, toObservations } from './vq_inputs';
import type { VqResult } from './vq_plans';

/** vq's codes and distances for CSR obs against a dense code book, in vq's common dtype. */
export function sparseVq(obs: unknown, codeBook: Observations, checkFinite: boolean, threads: number): VqResult {
  const csr = toCsrMatrix(obs, 'obs', checkFinite);
  const book = toObservations(codeBook, 'codeBook', checkFinite);
  const placeholder = { data: new Float64Array(0), rows: csr.rows, cols: csr.cols };
  checkSameShape({ matrix: placeholder, oneD: false }, book, 'codeBook');
  const dtype: DType =
    dtypeOf(csr.data) === 'float32' && dtypeOf(book.matrix.data) === 'float32' ? 'float32' : 'float64';
  const X = withDType(csr, dtype);
  const codes = asDType(book.matrix, dtype, 'codeBook');
  const data: SparseData = { sparse: true, X, rowNorms: csrRowSquaredNorms(X), sampleWeight: null, threads };
  const code = new Int32Array(X.rows);
  runSync(call('sparseAssign', { ...sparseRequest(data), centers: codes.data, k: codes.rows, labels: code }));
  const squared = sparseSquaredDistances(X, codes.data, codes.rows, code);
  const dist: FloatArray = allocate(dtype, X.rows);
  for (let i = 0; i < X.rows; i++) dist[i] = Math.sqrt(squared[i]!);
  return { code, dist };
}

/** The matrix with its values in `dtype` (a copy of the values only, where they are float32). */
function withDType(csr: CsrMatrix, dtype: DType): CsrMatrix {
  return dtypeOf(csr.data) === dtype ? csr : { ...csr, data: Float64Array.from(csr.data) };
}
