/**
 * meanVariance: the scale of a fit's tol, as a function of its own, for programs that follow a
 * fit's progress and want to know how close its center shift is to convergence.
 */
import type { FitOptions } from './kmeans';
import type { MatrixLike } from './matrix';
import { dataRequest, sampleInputs } from './model_inputs';
import { call, runSync } from './plan';

/**
 * The mean over X's columns of their variance (weighted by sampleWeight when given, and divided
 * by the total weight, not by n - 1), computed as KMeans and MiniBatchKMeans compute it: a run
 * has converged once the squared shift of its centers is at most tol × meanVariance(X) (for
 * metric 'cosine', of X's rows scaled to unit length). X is checked as by fit.
 */
export function meanVariance(X: MatrixLike, options: FitOptions = {}): number {
  const data = sampleInputs(X, options, 'meanVariance', undefined);
  return runSync(call('columnStats', { ...dataRequest(data), means: new Float64Array(data.X.cols) }));
}
