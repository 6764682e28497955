/**
 * How concurrent async calls share the cores. Each native step of an async call runs on a
 * libuv pool thread and starts an OpenMP team of `threads` threads; two fits that each took
 * every core would oversubscribe them (2× the threads, each slowed by the other and by
 * OpenMP's spinning). So async steps draw their threads from one budget, by default the number
 * of cores: a step gets min(its `threads`, what is free) as soon as at least one thread is
 * free, and waits in JavaScript (first come, first served, not occupying a pool thread) while
 * none is. Results do not depend on the thread count, so this changes timing only.
 *
 * Synchronous calls run on the calling thread with their own `threads` and are not counted.
 */
import { KMeansError, describe } from './errors';
import { defaultThreads } from './cpu_quota';

let limit: number | undefined;
let inUse = 0;
const waiting: { wanted: number; grant: (threads: number) => void }[] = [];

/** The number of threads concurrent async calls may use together. */
export function asyncThreadLimit(): number {
  return limit ?? defaultThreads();
}

/** Sets the budget (an integer 1-4096), or restores the default (the CPUs available, see cpu_quota.ts) with undefined. */
export function setAsyncThreadLimit(threads: number | undefined): void {
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 4096)) {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_OPTION',
      `asyncThreads must be an integer from 1 to 4096, or undefined for the CPUs available (got ${describe(threads)})`,
    );
  }
  limit = threads;
  grantWaiting();
}

/**
 * Resolves to the threads granted to one native step (1 to `wanted`); give them back with
 * releaseThreads. Rejects with `abort()`'s error if the signal fires while waiting.
 */
export function acquireThreads(wanted: number, signal: AbortSignal | undefined, abort: () => Error): Promise<number> {
  return new Promise((resolve, reject) => {
    const entry = {
      wanted,
      grant: (threads: number) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(threads);
      },
    };
    const onAbort = () => {
      const at = waiting.indexOf(entry);
      if (at >= 0) waiting.splice(at, 1);
      reject(abort());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    waiting.push(entry);
    grantWaiting();
  });
}

export function releaseThreads(threads: number): void {
  inUse -= threads;
  grantWaiting();
}

/** For tests and diagnostics: threads held by running async steps, and steps waiting. */
export function threadBudgetState(): { inUse: number; waiting: number } {
  return { inUse, waiting: waiting.length };
}

function grantWaiting(): void {
  const total = asyncThreadLimit();
  while (waiting.length > 0 && inUse < total) {
    const next = waiting.shift()!;
    const threads = Math.max(1, Math.min(next.wanted, total - inUse));
    inUse += threads;
    next.grant(threads);
  }
}
