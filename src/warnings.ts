/**
 * The process warnings the library emits where scikit-learn or SciPy warn: each has a stable
 * `code` (a listener tells them apart by it) and, where the reference names one, its warning
 * class as `type`. A warning never stops the call: the value it names is adjusted as the
 * reference adjusts it, and the call goes on. A model also keeps the warnings of its options and
 * of its last fit as `warnings` (estimator.ts): a fit's plan yields them (plan.ts's `warn`) and
 * the run that drives it hands them to that model alone.
 */

export type KMeansWarningCode =
  /** An explicit init with nInit > 1: one run is made (the others would start from the same centers). */
  | 'KMEANS_EXPLICIT_INIT_NINIT'
  /** KMeans with algorithm 'elkan' and one cluster: Lloyd's algorithm runs instead (the same result). */
  | 'KMEANS_ELKAN_SINGLE_CLUSTER'
  /** KMeans found fewer distinct clusters than nClusters: usually duplicate points in X. */
  | 'KMEANS_FEWER_DISTINCT_CLUSTERS'
  /** MiniBatchKMeans initSize below nClusters: 3 × nClusters rows (at most n) are sampled instead. */
  | 'KMEANS_INIT_SIZE_ADJUSTED'
  /** whiten met a column of standard deviation zero, which it leaves unchanged. */
  | 'KMEANS_WHITEN_ZERO_STD'
  /** kmeans2 with missing 'warn' met an empty cluster, which keeps its previous centroid. */
  | 'KMEANS_EMPTY_CLUSTER'
  /** kmeans2 was given a k that is not an integer: it is truncated. */
  | 'KMEANS_K_CONVERTED'
  /**
   * fromJSON read a model file with a "scaling" entry (the command line's fit --scale): its
   * centers are in scaled units, and the library does not scale the rows given to predict.
   */
  | 'KMEANS_SCALED_MODEL_FILE';

/** A warning as a model keeps it: the code and the message that process.emitWarning was given. */
export interface KMeansWarning {
  readonly code: KMeansWarningCode;
  readonly message: string;
}

/** Where a call hands each warning it emits (a model's list of them). */
export type WarningSink = (warning: KMeansWarning) => void;

/** What `make` returns, and the warnings it handed to its sink. */
export function withWarnings<R>(make: (sink: WarningSink) => R): [R, KMeansWarning[]] {
  const warnings: KMeansWarning[] = [];
  return [make((warning) => warnings.push(warning)), warnings];
}

/**
 * Emits `message` as a process warning with its code (and warning class, when given), and hands
 * it to `sink` when there is one.
 */
export function emitKMeansWarning(message: string, code: KMeansWarningCode, type?: string, sink?: WarningSink): void {
  process.emitWarning(message, type === undefined ? { code } : { type, code });
  sink?.(Object.freeze({ code, message }));
}
