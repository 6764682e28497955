/** A PushdownSource's query as a step of a plan, with the fit's abort turned into AbortError. */
import { AbortError, type Plan, awaited } from './plan';

/** Runs one of the source's queries; an abort rejects with AbortError (the source cancels its query). */
export function* pushdownQuery<T>(run: (signal?: AbortSignal) => Promise<T>, signal: AbortSignal | undefined): Plan<T> {
  if (signal?.aborted) throw new AbortError('The operation was aborted', { cause: signal.reason });
  const pending = run(signal).catch((error: unknown) => {
    if (signal?.aborted) throw new AbortError('The operation was aborted', { cause: signal.reason });
    throw error;
  });
  return yield* awaited(pending);
}
