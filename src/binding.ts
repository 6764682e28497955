/**
 * The types of what the native addon exports, and the addon itself, loaded on first use (where
 * it is looked for: src/addon_loader.ts).
 */
import { loadAddon } from './addon_loader';
import type { Algorithm, AlgorithmName } from './algorithms';

export type FloatArray = Float64Array | Float32Array;

/**
 * Fields every operation reads. Arrays are read in place, never copied or modified. The rows
 * come as `x` (n*d values, row-major) or as `columns` (d arrays of n values, one per feature,
 * all of one type), never both.
 */
export interface DataRequest extends CallOptions {
  x?: FloatArray;
  columns?: readonly FloatArray[];
  n: number;
  d: number;
  sampleWeight: Float64Array | null;
}

/** What every native call takes besides its own fields. */
export interface CallOptions {
  threads: number;
  /** Int32Array(1): set to non-zero (from another thread's view: any time) to stop the call at its next check. */
  cancel?: Int32Array;
  /**
   * Called on the main thread with the numbers the call reports as it goes (a fit: iteration,
   * inertia, center shift), the call not waiting for it; then once with no arguments, after
   * every report.
   */
  onProgress?: (...values: number[]) => void;
}

export interface FitRequest extends DataRequest {
  /** IN/OUT k*d: the initial centers, replaced by the final ones. Same type as x. */
  centers: FloatArray;
  k: number;
  /** OUT n */
  labels: Int32Array;
  maxIter: number;
  /** Absolute tolerance on the total squared center shift. */
  tol: number;
  /** A name of the native table, or 'auto' (the table's rule by the shape of the problem). */
  algorithm: Algorithm;
  /** float64 data: compute distances in float, re-check near-ties exactly (same labels). */
  mixedPrecision: boolean;
  /** Cosine k-means on unit rows: each new center is scaled to unit length. */
  spherical?: boolean;
}

export interface FitResponse {
  /** The algorithm that ran: 'auto' resolved, and Elkan's replaced by Hamerly's beyond its memory budget. */
  algorithm: AlgorithmName;
  nIter: number;
  converged: boolean;
  inertia: number;
  history: {
    inertia: Float64Array;
    centerShift: Float64Array;
    labelChanges: Float64Array;
    relocated: Float64Array;
    distanceEvals: Float64Array;
  };
}

export interface AssignRequest extends DataRequest {
  centers: FloatArray;
  k: number;
  /** OUT n */
  labels: Int32Array;
  /** OUT n: exact squared distance of each row to its center (optional). */
  sqDistances?: Float64Array;
  mixedPrecision?: boolean;
  inertiaBase?: number;
}

export interface TransformRequest extends DataRequest {
  centers: FloatArray;
  k: number;
  /** Unit rows and centers: write the cosine distance ||x - c||^2 / 2 = 1 - cos instead of ||x - c||. */
  cosine?: boolean;
  /** OUT n*k, same type as x. */
  out: FloatArray;
}

export interface ClusterMeansRequest extends DataRequest {
  /** IN n: the cluster of each row, in [0, k). */
  labels: Int32Array;
  k: number;
  /** IN/OUT k*d: clusters with members get their weighted mean, the others keep their row. */
  centers: FloatArray;
  /** OUT k: total weight of each cluster. */
  weights: Float64Array;
}

export interface ColumnStatsRequest extends DataRequest {
  /** OUT d (all the data at once) */
  means?: Float64Array;
  /** IN d: the first row of all the data (data read in pieces) */
  origin?: Float64Array;
  /** INOUT 2d: the deviations from origin and their squares, added up piece by piece */
  sums?: Float64Array;
}

/** One piece of a Lloyd pass over data read in pieces (firstRow on a block boundary). */
export interface PassChunkRequest extends DataRequest {
  centers: FloatArray;
  k: number;
  shift: Float64Array;
  sums: Float64Array;
  stats: Float64Array;
  fingerprint: Uint32Array;
  firstRow: number;
  mixedPrecision?: boolean;
  upper?: Float64Array;
  lower?: Float64Array;
  labels?: Int32Array;
  hamerly?: Float64Array;
}

export interface FarthestRowsRequest extends DataRequest {
  centers: FloatArray;
  k: number;
  count: number;
  firstRow: number;
  mixedPrecision?: boolean;
  distances: Float64Array;
  rows: Float64Array;
  labels: Int32Array;
  weights: Float64Array;
  values: FloatArray;
}

export interface UpdateCentersRequest extends CallOptions {
  sums: Float64Array;
  centers: FloatArray;
  k: number;
  d: number;
  moveValues: FloatArray;
  moveWeights: Float64Array;
  moveLabels: Int32Array;
  spherical?: boolean;
  out: FloatArray;
  hamerly?: Float64Array;
}

export interface InertiaRequest extends DataRequest {
  labels: Int32Array;
  centers: FloatArray;
  k: number;
  base: number;
}

export interface PlusPlusRequest extends DataRequest {
  /** IN d: subtracted from rows before the screening distances (the column means). */
  shift: Float64Array;
  k: number;
  /** Candidates drawn for each center after the first. */
  trials: number;
  /** IN 1 + (k - 1) * trials: uniform draws in [0, 1), in the order the loop uses them. */
  uniforms: Float64Array;
  /** OUT k: the chosen rows. */
  indices: Int32Array;
}

export interface SeedCentersRequest extends DataRequest {
  method: 'k-means++' | 'random';
  k: number;
  /** k-means++: candidates drawn for each center after the first. */
  trials: number;
  /** IN d, k-means++: subtracted from rows before the screening distances (the column means). */
  shift: Float64Array;
  /** IN/OUT Uint32Array(4): the generator's state (Random.saveState), replaced by the state after the draws. */
  state: Uint32Array;
  /** OUT k*d, same type as x: the chosen rows. */
  centers: FloatArray;
  /** OUT k: the indices of the chosen rows. */
  indices: Int32Array;
}

/** Draws from the generator: doubles in [0, 1), or integers in [0, below) (below <= 2^31). */
export interface RandomDrawsRequest extends CallOptions {
  /** IN/OUT Uint32Array(4): the generator's state, replaced by the state after the draws. */
  state: Uint32Array;
  /** When given, the state is first set as `new Random(seed)` sets it. */
  seed?: number;
  /** OUT: filled with nextDouble() draws (give this or integers). */
  doubles?: Float64Array;
  /** OUT: filled with nextInt(below) draws. */
  integers?: Int32Array;
  below?: number;
}

export interface MiniBatchStepRequest extends DataRequest {
  /** IN b: the rows of x that form the batch; absent: all n rows. */
  indices?: Int32Array;
  k: number;
  /** IN/OUT k*d: the centers, moved by the step. Same type as x. */
  centers: FloatArray;
  /** IN/OUT k: the total weight each center has been given so far. */
  counts: Float64Array;
  /** OUT b: the label of each batch row (against the centers before the step). */
  labels: Int32Array;
  /** OUT k: the weight of the batch in each cluster. */
  batchWeights: Float64Array;
  mixedPrecision?: boolean;
  spherical?: boolean;
}

export interface UnitRowsRequest extends DataRequest {
  /** OUT n*d, same type as x: the rows scaled to unit length. */
  out: FloatArray;
}

export interface WhitenRequest extends DataRequest {
  /** OUT n*d, same type as x: every column divided by its standard deviation. */
  out: FloatArray;
}

export interface CovarianceRequest extends DataRequest {
  /** OUT d: the column means, each summed in row order. */
  means: Float64Array;
  /** OUT d*d (n >= 2; with factor, or both absent): the sample covariance, over n - 1 (numpy.cov). */
  covariance?: Float64Array;
  /** OUT d*d: Lᵀ, upper triangular, with L·Lᵀ = covariance; zero unless positive definite. */
  factor?: Float64Array;
}

/** k-means|| seeding (native/binding/parallel_seeding_operations.hpp): one pass over one piece of the rows. */
export interface WeightedRowDrawRequest extends DataRequest {
  /** Integer in [0, 2^53): the draw's key. */
  key: number;
  /** The piece's first row in all the data (a multiple of 1024). */
  firstRow: number;
  /** IN/OUT Float64Array(2): the largest key so far and its row; -Infinity and -1 before the first piece. */
  best: Float64Array;
  /** OUT d, as x: the row's values, written when this piece holds the new best. */
  center: FloatArray;
}

interface CandidatesRequest extends DataRequest {
  /** IN m*d, as x: the candidates so far. */
  candidates: FloatArray;
  m: number;
  mixedPrecision?: boolean;
}

export interface CandidateCostRequest extends CandidatesRequest {
  /** The total of the pieces before. */
  base: number;
}

export interface SampleCandidatesRequest extends CandidatesRequest {
  firstRow: number;
  /** Integer in [0, 2^53): the round's key. */
  key: number;
  /** Candidates drawn per round, on average (2k). */
  oversampling: number;
  /** The candidates' cost over all the data (> 0). */
  cost: number;
}

export interface SampleCandidatesResponse {
  /** The chosen rows' indices in all the data, ascending. */
  rows: Float64Array;
  /** Their values, row-major, as x. */
  values: FloatArray;
}

export interface CandidateWeightsRequest extends CandidatesRequest {
  /** IN/OUT m: the total weight of the rows nearest to each candidate, added to. */
  weights: Float64Array;
}

/** The silhouette of each scored row (native/binding/metrics_operations.hpp). */
export interface SilhouetteRequest extends DataRequest {
  /** IN n: the cluster of each row, in [0, k). */
  labels: Int32Array;
  k: number;
  metric: 'euclidean' | 'sqeuclidean' | 'cosine' | 'manhattan';
  /** IN m: the rows scored, each at most once (the others take no part); absent: every row. */
  indices?: Int32Array;
  /** OUT m (n without indices): each scored row's silhouette. */
  out: Float64Array;
}

/**
 * Rows in compressed sparse row form (native/binding/sparse_operations.hpp): row i's entries are
 * indptr[i] .. indptr[i+1] - 1, column indices[e] holding data[e]. Indices may come in any order
 * within a row; a repeated column counts as the sum of its entries.
 */
export interface SparseDataRequest extends CallOptions {
  /** IN n+1: row starts, from 0 to the number of entries (BigInt64Array beyond 2^31 - 1 entries). */
  indptr: Int32Array | BigInt64Array;
  /** IN nnz: column indices, each in [0, d). */
  indices: Int32Array;
  /** IN nnz: the values, of the centers' type. */
  data: FloatArray;
  /** IN n: each row's squared norm (duplicates summed). */
  rowNorms: Float64Array;
  n: number;
  d: number;
  sampleWeight: Float64Array | null;
}

/** Lloyd's k-means on sparse rows; the result's labels, centers and nIter are the dense fit's. */
export interface SparseFitRequest extends SparseDataRequest {
  /** IN/OUT k*d: the initial centers, replaced by the final ones. Same type as data. */
  centers: FloatArray;
  k: number;
  /** OUT n */
  labels: Int32Array;
  maxIter: number;
  /** Absolute tolerance on the total squared center shift. */
  tol: number;
  /** Cosine k-means on unit rows: each new center scaled to unit length, as the dense fit's. */
  spherical?: boolean;
}

export interface SparseFitResponse {
  nIter: number;
  converged: boolean;
  inertia: number;
  /** Per iteration, as the dense fit's (distanceEvals: n·k, Lloyd's). */
  history: FitResponse['history'];
}

export interface SparseAssignRequest extends SparseDataRequest {
  /** IN k*d, same type as data. */
  centers: FloatArray;
  k: number;
  /** OUT n: each row's nearest center. */
  labels: Int32Array;
}

/**
 * Greedy k-means++ on sparse rows whose columns increase strictly within each row: the rows the
 * dense seeding picks from the same uniforms on the same rows laid out densely.
 */
export interface SparsePlusPlusRequest extends SparseDataRequest {
  k: number;
  /** Candidates drawn for each center after the first. */
  trials: number;
  /** IN 1 + (k - 1) * trials: the draws in [0, 1), in the order the dense seeding uses them. */
  uniforms: Float64Array;
  /** OUT k: the chosen rows. */
  chosen: Int32Array;
}

/** Request and response types of each native operation, by name. */
export interface Operations {
  fit: [FitRequest, FitResponse];
  assign: [AssignRequest, number];
  transform: [TransformRequest, undefined];
  clusterMeans: [ClusterMeansRequest, undefined];
  columnStats: [ColumnStatsRequest, number];
  passChunk: [PassChunkRequest, undefined];
  farthestRows: [FarthestRowsRequest, number];
  updateCenters: [UpdateCentersRequest, number];
  inertia: [InertiaRequest, number];
  firstOutOfRange: [DataRequest & { limit: number }, number];
  plusPlus: [PlusPlusRequest, undefined];
  /** Result: the batch inertia against the centers before the step. */
  miniBatchStep: [MiniBatchStepRequest, number];
  /** Result: the index of the first row of length zero, or -1. */
  unitRows: [UnitRowsRequest, number];
  /** Result: the number of columns of standard deviation zero, left unchanged. */
  whiten: [WhitenRequest, number];
  seedCenters: [SeedCentersRequest, undefined];
  randomDraws: [RandomDrawsRequest, undefined];
  /** Result: whether the covariance is positive definite (false without it). */
  covariance: [CovarianceRequest, boolean];
  weightedRowDraw: [WeightedRowDrawRequest, undefined];
  /** Result: base plus the piece's weighted squared distances to the nearest candidate. */
  candidateCost: [CandidateCostRequest, number];
  sampleCandidates: [SampleCandidatesRequest, SampleCandidatesResponse];
  candidateWeights: [CandidateWeightsRequest, undefined];
  /** Result: under 'cosine', the first scored row of length zero (nothing computed), else -1. */
  silhouette: [SilhouetteRequest, number];
  sparseFit: [SparseFitRequest, SparseFitResponse];
  /** Result: the weighted sum of the rows' squared distances to their nearest centers. */
  sparseAssign: [SparseAssignRequest, number];
  sparsePlusPlus: [SparsePlusPlusRequest, undefined];
}

export type OperationName = keyof Operations;

export type NativeAddon = {
  [K in OperationName]: (request: Operations[K][0]) => Operations[K][1];
} & {
  [K in OperationName as `${K}Async`]: (request: Operations[K][0]) => Promise<Operations[K][1]>;
} & {
  info(): { simd: string; openmp: boolean; maxThreads: number; algorithms: AlgorithmName[] };
  /** Each operation's request fields, from the native schema (native/binding/operations.hpp). */
  schema: Record<OperationName, string[]>;
};

let addon: NativeAddon | undefined;

/** The addon, loaded on first use. */
export function native(): NativeAddon {
  addon ??= loadAddon().addon as NativeAddon;
  return addon;
}
