/**
 * Every error the library throws is a {@link KMeansError} with a stable `code` to switch on,
 * like Node's own `ERR_*` codes. The message says what was expected and what arrived.
 */
export type KMeansErrorCode =
  /** An option has the wrong type, is out of range, or is unknown. */
  | 'ERR_KMEANS_INVALID_OPTION'
  /** The data is not a matrix: ragged rows, wrong length, not numbers, a wrong container. */
  | 'ERR_KMEANS_INVALID_DATA'
  /** Cluster labels given to a metric are not a flat array of integers or strings, or their length differs from X's rows. */
  | 'ERR_KMEANS_INVALID_LABELS'
  /** The data has no rows or no columns. */
  | 'ERR_KMEANS_EMPTY_DATA'
  /** The data holds NaN or ±Infinity. */
  | 'ERR_KMEANS_NON_FINITE'
  /** Arrow data holds a null (a missing value). */
  | 'ERR_KMEANS_NULL_VALUE'
  /** The data holds values so large that squared distances between rows would overflow. */
  | 'ERR_KMEANS_OVERFLOW'
  /** The column count differs from the one the model was fitted on, or init has the wrong shape. */
  | 'ERR_KMEANS_SHAPE_MISMATCH'
  /** nClusters is larger than the number of samples (or of samples with positive weight). */
  | 'ERR_KMEANS_TOO_FEW_SAMPLES'
  /** sampleWeight has the wrong length, a negative or non-finite value, or sums to zero. */
  | 'ERR_KMEANS_INVALID_WEIGHTS'
  /** metric: 'cosine' met a row of length zero, whose direction is undefined. */
  | 'ERR_KMEANS_ZERO_VECTOR'
  /** fromJSON was given something that is not a model file of this version and class. */
  | 'ERR_KMEANS_INVALID_MODEL'
  /** kmeans2 with missing: 'raise' met a cluster with no observations (SciPy's ClusterError). */
  | 'ERR_KMEANS_EMPTY_CLUSTER'
  /** predict, transform or score was called before fit. */
  | 'ERR_KMEANS_NOT_FITTED'
  /** The native code could not allocate its buffers. */
  | 'ERR_KMEANS_ALLOC'
  /** A buffer size would overflow, or the data has more than 2^31 - 1 rows. */
  | 'ERR_KMEANS_TOO_LARGE'
  /** An input's ArrayBuffer was detached (transferred) while a call was using it. */
  | 'ERR_KMEANS_DETACHED_BUFFER'
  /** A source given to fitSource, predictSource or scoreSource threw while it was read (the error is the cause). */
  | 'ERR_KMEANS_SOURCE_FAILED'
  /** The native addon could not be loaded. */
  | 'ERR_KMEANS_ADDON_NOT_FOUND'
  /** An optional package that the call needs is not installed (kmeans-native/duckdb's @duckdb/node-api). */
  | 'ERR_KMEANS_MISSING_DEPENDENCY'
  /** A DuckDB query failed (kmeans-native/duckdb): bad SQL, a missing file; the cause is DuckDB's error. */
  | 'ERR_KMEANS_SQL'
  /** A bug in this library: please report it. */
  | 'ERR_KMEANS_INTERNAL';

/**
 * Where an input check found the problem, and the numbers it compared, for programs that report
 * errors in their own terms (the command line turns `row` and `column` into a file's line and
 * column). A check sets the fields that apply and no others; rows and columns count from 0.
 * The message says the same in words.
 */
export interface KMeansErrorDetails {
  /** The argument the problem is in, named as in the message: 'X', 'init', 'sampleWeight', 'clusterCenters'. */
  readonly argument?: string;
  /** The row of the bad value (for sampleWeight, the index of the bad weight). */
  readonly row?: number;
  /** The column of the bad value. */
  readonly column?: number;
  /** The bad value: NaN or ±Infinity, a number too large (ERR_KMEANS_OVERFLOW), a bad weight. */
  readonly value?: number;
  /** ERR_KMEANS_OVERFLOW: the magnitude that every value must stay below. */
  readonly limit?: number;
  /** A count that is wrong: the one required (the row length, the number of weights, of values)... */
  readonly expected?: number;
  /** ...and the one given. */
  readonly actual?: number;
}

export class KMeansError extends Error {
  readonly code: KMeansErrorCode;
  /** Where the problem is and what was compared; empty when the error has nothing to add to its code. */
  readonly details: KMeansErrorDetails;

  constructor(code: KMeansErrorCode, message: string, options?: { cause?: unknown; details?: KMeansErrorDetails }) {
    super(message, options);
    this.name = 'KMeansError';
    this.code = code;
    this.details = Object.freeze({ ...options?.details });
  }
}

/** Describes a value for an error message: `(got 0)`, `(got "lloid")`, `(got an object)`. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return withArticle(value.constructor.name);
  return `${typeof value === 'function' ? 'a function' : 'an object'}`;
}

function withArticle(noun: string): string {
  return `${/^([AEIO]|U(?!int))/i.test(noun) ? 'an' : 'a'} ${noun}`; // a Uint8Array, an Int32Array
}

/** `name must be <expected> (got <actual>)`, as an ERR_KMEANS_INVALID_OPTION error. */
export function invalidOption(name: string, expected: string, actual: unknown): KMeansError {
  return new KMeansError('ERR_KMEANS_INVALID_OPTION', `${name} must be ${expected} (got ${describe(actual)})`);
}

const nativeCodes = new Set<string>(['ERR_KMEANS_ALLOC', 'ERR_KMEANS_TOO_LARGE', 'ERR_KMEANS_DETACHED_BUFFER']);

/**
 * Turns an error from the addon into a KMeansError whose stack is `callSite`'s, so that it
 * points at the caller's code rather than at a worker thread; the native error is the cause.
 */
export function fromNativeError(error: unknown, callSite?: Error): KMeansError {
  if (error instanceof KMeansError) return error;
  const nativeCode = (error as { code?: unknown })?.code;
  const code: KMeansErrorCode =
    typeof nativeCode === 'string' && nativeCodes.has(nativeCode)
      ? (nativeCode as KMeansErrorCode)
      : 'ERR_KMEANS_INTERNAL';
  const message = error instanceof Error ? error.message : String(error);
  const wrapped = new KMeansError(code, message, { cause: error });
  if (callSite?.stack) wrapped.stack = `KMeansError: ${message}\n${callSite.stack.split('\n').slice(1).join('\n')}`;
  return wrapped;
}
