/**
 * A fit is written once, as a generator that yields the native operations it needs and
 * receives their results. runSync drives it on the calling thread; runAsync drives it with
 * the addon's Promise-returning twins, so the event loop stays free. Both feed the plan the
 * same values in the same order, so sync and async results are identical bit for bit.
 */
import { type OperationName, type Operations, native } from './binding';
import { fromNativeError } from './errors';

export type NativeCall = { [K in OperationName]: { name: K; request: Operations[K][0] } }[OperationName];
export type Plan<R> = Generator<NativeCall, R, unknown>;

/** Inside a plan: `const result = yield* call('assign', request)`. */
export function* call<K extends OperationName>(name: K, request: Operations[K][0]): Generator<NativeCall, Operations[K][1], unknown> {
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

/** `callSite` is an Error made before the first await, so failures point at the caller. */
export async function runAsync<R>(plan: Plan<R>, callSite: Error): Promise<R> {
  let step = plan.next();
  while (!step.done) {
    let result: unknown;
    try {
      result = await operation(step.value, true)(step.value.request);
    } catch (error) {
      throw fromNativeError(error, callSite);
    }
    step = plan.next(result);
  }
  return step.value;
}
