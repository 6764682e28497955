/**
 * A KMeans fit of data held in memory, as fit runs it on dense and sparse data alike: the
 * progress line, Ctrl-C, and the library's errors told in the file's terms.
 */
import type { KMeans, MatrixLike } from '../index';
import { type Values, progressMode } from './command_line';
import { type DataContext, inFileTerms, inTerms } from './library_errors';
import { ProgressBar } from './progress_bar';
import { runCount } from './summary';

/**
 * Fits `model` to X. `meanVariance` gives the scale of the convergence threshold, for the
 * progress bar; without it the bar counts iterations.
 */
export async function runFit(
  model: KMeans,
  X: MatrixLike,
  values: Values,
  context: DataContext,
  meanVariance?: () => number,
): Promise<void> {
  const mode = progressMode(values);
  const scale = mode === 'off' || meanVariance === undefined ? 0 : inTerms(meanVariance, context);
  const progress = new ProgressBar(process.stderr, {
    runs: runCount(model.params),
    maxIter: model.params.maxIter,
    shiftTolerance: model.params.tol * scale,
    mode,
  });
  const interrupt = new AbortController();
  const onInterrupt = (): void => interrupt.abort();
  process.once('SIGINT', onInterrupt);
  try {
    await model.fitAsync(X, { signal: interrupt.signal, onProgress: (report) => progress.update(report) });
  } catch (error) {
    throw inFileTerms(error, context);
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    progress.finish();
  }
}
