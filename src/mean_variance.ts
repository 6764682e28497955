/**
 * meanVariance: the scale of a fit's tol, as a function of its own, for programs that follow a
 * fit's progress and want to know how close its center shift is to convergence.
 */
import { rowsField, toDataMatrix } from './data_matrix';
import type { MatrixLike } from './matrix';
import { call, runSync } from './plan';
import { defaultThreads } from './cpu_quota';

/**
 * The mean over X's columns of their variance (the population variance, as numpy's var; sample
 * weights play no part), computed as KMeans and MiniBatchKMeans compute it: a run has converged
 * once the squared shift of its centers is at most tol × meanVariance(X) (for metric 'cosine',
 * of X's rows scaled to unit length). X is checked as by fit.
 */
export function meanVariance(X: MatrixLike): number {
  const matrix = toDataMatrix(X, 'X');
  const { rows, cols } = matrix;
  const request = { ...rowsField(matrix), n: rows, d: cols, sampleWeight: null, threads: defaultThreads() };
  return runSync(call('columnStats', { ...request, means: new Float64Array(cols) }));
}
