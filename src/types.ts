/**
 * Types that the estimators, their inputs and the public index share. This module imports
 * types only, so any module can import it without making an import cycle.
 */
import type { FloatArray } from './binding';

export type SampleWeight = readonly number[] | Float64Array | Float32Array;

export interface FitOptions {
  /** One non-negative weight per sample (default: all 1). Integer weights act as repeated rows. */
  sampleWeight?: SampleWeight;
}

/** fitAsync's options: a fit's, plus an AbortSignal and a progress callback. */
export interface AsyncFitOptions extends FitOptions {
  /** Aborting stops the fit before its next iteration; the call rejects with an AbortError. */
  signal?: AbortSignal;
  /**
   * Called on the main thread after each iteration of the native loop (which does not wait for
   * it): run (from 1, for nInit > 1), iteration (from 1), the inertia of that iteration's
   * assignment and the squared center shift. If it throws, the fit stops and rejects with that error.
   */
  onProgress?: (progress: FitProgress) => void;
}

export interface FitProgress {
  run: number;
  iteration: number;
  inertia: number;
  centerShift: number;
}

/** Per-iteration record of the winning run (one entry per center update). */
export interface IterationHistory {
  /** Weighted sum of squared distances to the centers used for that iteration's assignment. */
  inertia: Float64Array;
  /** Sum over clusters of the squared shift of the center in that iteration. */
  centerShift: Float64Array;
  /** Samples whose label changed in that iteration. */
  labelChanges: Float64Array;
  /** Empty clusters relocated in that iteration. */
  relocated: Float64Array;
  /** Sample-to-center distances computed in that iteration (n·k for Lloyd, fewer for Hamerly). */
  distanceEvals: Float64Array;
}

/** Labels and (weighted) inertia of some rows against a model's centers. */
export interface Assignment {
  labels: Int32Array;
  inertia: number;
}

/**
 * The array type of a result computed from input X, at compile time: a Float32Array for a
 * float32 matrix, a Float64Array for a float64 matrix or `number[][]`, and either where X's
 * type does not tell (a `Matrix` of unknown dtype, a `MatrixLike`, an Arrow table); typed columns,
 * and an Arrow vector of lists of float32 or float64, count as their array type.
 */
export type DataOf<X> = X extends { type: { valueType: { TArray: infer A } } }
  ? ArrayType<A>
  : X extends { data: infer A }
    ? ArrayType<A>
    : X extends { columns: readonly (infer A)[] }
      ? ArrayType<A>
      : Float64Array;

type ArrayType<A> = A extends Float32Array ? Float32Array : A extends Float64Array ? Float64Array : FloatArray;
