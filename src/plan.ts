/**
 * A fit is written once, as a generator that yields the native operations it needs and
 * receives their results. runSync drives it on the calling thread; runAsync drives it with
 * the addon's Promise-returning twins, so the event loop stays free. Both feed the plan the
 * same values in the same order, so sync and async results are identical bit for bit.
 */
import { type OperationName, type Operations, native } from './binding';
import { fromNativeError } from './errors';
import { acquireThreads, releaseThreads } from './thread_budget';

export type NativeCall = { [K in OperationName]: { name: K; request: Operations[K][0] } }[OperationName];
export type Plan<R> = Generator<NativeCall, R, unknown>;

/** Inside a plan: `const result = yield* call('assign', request)`. */
export function* call<K extends OperationName>(
  name: K,
  request: Operations[K][0],
): Generator<NativeCall, Operations[K][1], unknown> {
  return (yield { name, request } as NativeCall) as Operations[K][1];
}

/** The addon's function for a call: `name` on the calling thread, `nameAsync` on the pool. */
function operation({ name }: NativeCall, async: boolean): (request: NativeCall['request']) => unknown {
  const addon = native() as unknown as Record<string, (request: NativeCall['request']) => unknown>;
  return addon[async ? `${name}Async` : name]!;
}

export function runSync<R>(plan: Plan<R>): R {
  let step = plan.next();
  while (!step.done) {
    let result: unknown;
    try {
      result = operation(step.value, false)(step.value.request);
    } catch (error) {
      throw fromNativeError(error);
    }
    step = plan.next(result);
  }
  return step.value;
}

/** What an async run can be given besides its plan: an AbortSignal, and a progress callback. */
export interface AsyncControl {
  signal?: AbortSignal | undefined;
  /** Called after each native iteration of a fitLloyd call, with (iteration, inertia, shift). */
  onIteration?: ((iteration: number, inertia: number, centerShift: number) => void) | undefined;
}

/**
 * `callSite` is an Error made before the first await, so failures point at the caller. With a
 * signal, the run stops before its next native call once aborted, and a running fitLloyd stops
 * before its next iteration (it polls a flag the abort listener sets). Each native step takes
 * its threads from the shared budget of thread_budget.ts.
 */
export async function runAsync<R>(plan: Plan<R>, callSite: Error, control: AsyncControl = {}): Promise<R> {
  const { signal } = control;
  const cancel = new Int32Array(1);
  let callbackError: { error: unknown } | undefined;
  const onAbort = () => {
    cancel[0] = 1;
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  let delivered = 0;
  const onProgress = control.onIteration
    ? (iteration: number, inertia: number, centerShift: number) => {
        delivered++;
        if (callbackError) return;
        try {
          control.onIteration!(iteration, inertia, centerShift);
        } catch (error) {
          // A throwing callback stops the fit, and the fit rejects with its error.
          callbackError = { error };
          cancel[0] = 1;
        }
      }
    : undefined;
  try {
    let step = plan.next();
    while (!step.done) {
      if (signal?.aborted) throw abortError(signal);
      let request = step.value.request;
      if (step.value.name === 'fitLloyd') request = { ...request, cancel, ...(onProgress ? { onProgress } : {}) };
      if (step.value.name === 'plusPlus' || step.value.name === 'seedCenters') request = { ...request, cancel };
      let result: unknown;
      const deliveredBefore = delivered;
      const threads = await acquireThreads(request.threads, signal, () => abortError(signal!));
      try {
        result = await operation(step.value, true)({ ...request, threads });
      } catch (error) {
        if (callbackError) throw callbackError.error;
        if (signal?.aborted) throw abortError(signal);
        throw fromNativeError(error, callSite);
      } finally {
        releaseThreads(threads);
      }
      if (onProgress && step.value.name === 'fitLloyd') {
        // The reports travel on their own queue: let the last ones arrive before going on, so
        // that every report precedes the result (one per iteration).
        const total = deliveredBefore + (result as { nIter: number }).nIter;
        for (let turn = 0; delivered < total && turn < 1000; turn++)
          await new Promise((resolve) => setImmediate(resolve));
      }
      if (callbackError) throw callbackError.error;
      step = plan.next(result);
    }
    return step.value;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** The error an aborted call rejects with: name 'AbortError', code 'ABORT_ERR' (as Node's own), the signal's reason as cause. */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

function abortError(signal: AbortSignal): AbortError {
  return new AbortError('The operation was aborted', { cause: signal.reason });
}
