/**
 * A fit is written once, as a generator that yields the native operations it needs and
 * receives their results. runSync drives it on the calling thread; runAsync drives it with
 * the addon's Promise-returning twins, so the event loop stays free. Both feed the plan the
 * same values in the same order, so sync and async results are identical bit for bit.
 */
import { type OperationName, type Operations, native } from './binding';
import { KMeansError, fromNativeError } from './errors';
import { acquireThreads, releaseThreads } from './thread_budget';
import { type KMeansWarningCode, type WarningSink, emitKMeansWarning } from './warnings';

export type NativeCall = { [K in OperationName]: { name: K; request: Operations[K][0] } }[OperationName];
/** A step that waits for a promise (the next chunk of an async source): async runs only. */
export interface AwaitStep {
  name: 'await';
  promise: Promise<unknown>;
}
/** A warning of the plan: the run emits it, and hands it to its sink (the model that runs it). */
export interface WarnStep {
  name: 'warn';
  message: string;
  code: KMeansWarningCode;
  type: string | undefined;
}
export type Plan<R> = Generator<NativeCall | AwaitStep | WarnStep, R, unknown>;

/** Inside a plan: `const result = yield* call('assign', request)`. */
export function* call<K extends OperationName>(
  name: K,
  request: Operations[K][0],
): Generator<NativeCall, Operations[K][1], unknown> {
  return (yield { name, request } as NativeCall) as Operations[K][1];
}

/** Inside a plan: `const value = yield* awaited(promise)`; runSync refuses it. */
export function* awaited<T>(promise: Promise<T>): Generator<AwaitStep, T, unknown> {
  return (yield { name: 'await', promise }) as T;
}

/** Inside a plan: `yield* warn(message, code, type)`, a process warning the model also keeps. */
export function* warn(message: string, code: KMeansWarningCode, type?: string): Generator<WarnStep, void, unknown> {
  yield { name: 'warn', message, code, type };
}

/** The addon's function for a call: `name` on the calling thread, `nameAsync` on the pool. */
function operation({ name }: NativeCall, async: boolean): (request: NativeCall['request']) => unknown {
  const addon = native() as unknown as Record<string, (request: NativeCall['request']) => unknown>;
  return addon[async ? `${name}Async` : name]!;
}

/** `onWarning` hears of the plan's warnings, each also emitted as a process warning. */
export function runSync<R>(plan: Plan<R>, onWarning?: WarningSink): R {
  let step = plan.next();
  while (!step.done) {
    if (step.value.name === 'warn') {
      emitStep(step.value, onWarning);
      step = plan.next();
      continue;
    }
    if (step.value.name === 'await') {
      void step.value.promise.catch(() => undefined);
      throw new KMeansError('ERR_KMEANS_INTERNAL', 'an asynchronous source cannot be read by a synchronous call');
    }
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

/** What an async run can be given besides its plan: an AbortSignal, a progress callback, a warnings' sink. */
export interface AsyncControl {
  signal?: AbortSignal | undefined;
  /** Called with the numbers each native call reports as it goes (a fit: iteration, inertia, shift). */
  onIteration?: ((...values: number[]) => void) | undefined;
  /** Hears of the plan's warnings, as runSync's. */
  onWarning?: WarningSink | undefined;
}

/**
 * `callSite` is an Error made before the first await, so failures point at the caller. Every
 * native call gets the run's `cancel` flag, which the abort listener sets: the run stops before
 * its next native call once aborted, and a running call stops at its next check. With
 * onIteration, every call also gets an `onProgress` that passes reports on; the addon ends them
 * with an empty call, so every report of a call precedes its result. Each native step takes its
 * threads from the shared budget of thread_budget.ts.
 */
export async function runAsync<R>(plan: Plan<R>, callSite: Error, control: AsyncControl = {}): Promise<R> {
  const { signal } = control;
  const cancel = new Int32Array(1);
  let callbackError: { error: unknown } | undefined;
  const onAbort = () => {
    cancel[0] = 1;
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  let reportsEnded = true;
  const onProgress = control.onIteration
    ? (...values: number[]) => {
        if (values.length === 0) {
          reportsEnded = true;
          return;
        }
        if (callbackError) return;
        try {
          control.onIteration!(...values);
        } catch (error) {
          // A throwing callback stops the call, and the run rejects with its error.
          callbackError = { error };
          cancel[0] = 1;
        }
      }
    : undefined;
  try {
    let step = plan.next();
    while (!step.done) {
      if (signal?.aborted) throw abortError(signal);
      if (step.value.name === 'warn') {
        emitStep(step.value, control.onWarning);
        step = plan.next();
        continue;
      }
      if (step.value.name === 'await') {
        // A rejection goes back into the plan, which may name it (a source's failure).
        let value: unknown;
        try {
          value = await step.value.promise;
        } catch (error) {
          step = plan.throw(error);
          continue;
        }
        step = plan.next(value);
        continue;
      }
      let result: unknown;
      const threads = await acquireThreads(step.value.request.threads, signal, () => abortError(signal!));
      const request = { ...step.value.request, threads, cancel, ...(onProgress ? { onProgress } : {}) };
      reportsEnded = !onProgress;
      try {
        result = await operation(step.value, true)(request);
      } catch (error) {
        if (callbackError) throw callbackError.error;
        if (signal?.aborted) throw abortError(signal);
        throw fromNativeError(error, callSite);
      } finally {
        releaseThreads(threads);
      }
      // The reports travel on their own queue: let the last ones arrive before going on.
      for (let turn = 0; !reportsEnded && turn < 1000; turn++) await new Promise((resolve) => setImmediate(resolve));
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

function emitStep({ message, code, type }: WarnStep, sink: WarningSink | undefined): void {
  emitKMeansWarning(message, code, type, sink);
}

function abortError(signal: AbortSignal): AbortError {
  return new AbortError('The operation was aborted', { cause: signal.reason });
}
