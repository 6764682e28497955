/**
 * init 'k-means||': scalable k-means++ (Bahmani, Moseley, Vattani, Kumar & Vassilvitskii, "Scalable
 * K-Means++", VLDB 2012; Spark MLlib's default init), in a few passes over the rows, each one
 * native call per piece (src/source_pass.ts), so rows in memory and rows read in pieces give the
 * same bits. With oversampling ℓ = 2k:
 *
 * 1. The first candidate: one row drawn with probability proportional to its sample weight (the
 *    row of largest log(1 − u_i) / w_i, Efraimidis & Spirakis 2006). One pass.
 * 2. `initSteps` rounds, each of two passes: the cost φ = Σ w_i·d²(x_i, C), d² the exact squared
 *    distance to the nearest candidate so far, summed in fixed-block order; then row i joins the
 *    candidates iff u_i < ℓ·(w_i·d²(x_i, C)) / φ. u_i is a uniform hashed from the round's key and
 *    the row's index in all the data, so the choice depends on neither the pieces nor the
 *    threads. Every key comes from the run's generator (rng.ts). Candidates are kept in row
 *    order, round after round. A cost of zero (every row on a candidate) ends the rounds; fewer
 *    than k candidates after `initSteps` rounds add rounds, at most `extraRounds` of them.
 * 3. One pass weighs each candidate by the total sample weight of the rows nearest to it (exact
 *    nearest, the lowest candidate on a tie).
 * 4. Weighted k-means++ on the candidates of positive weight (seeding.ts, with 2 + ln k local
 *    trials as scikit-learn), drawing from the same generator. If fewer than k candidates have
 *    weight (the rows of positive weight hold fewer than k distinct points), all of them are
 *    taken and the rest are repeats drawn by weight, as k-means++ draws once every row of
 *    positive weight is on a center.
 *
 * Cost: 2·initSteps + 2 passes over the rows, the heaviest against about 2k·initSteps candidates
 * (n·m·d multiply-adds in the tile kernels), and k-means++ on those m candidates.
 */
import type { FloatArray } from './binding';
import { KMeansError } from './errors';
import { type DType, type Matrix, allocate, dataDType } from './matrix';
import { type Metric, metricRows } from './metric';
import { type PreparedData, dataRequest } from './model_inputs';
import { resolveMixedPrecision } from './options';
import { type Plan, call } from './plan';
import type { Random } from './rng';
import { defaultLocalTrials, plusPlusPlan } from './seeding';
import { type RowInput, type RowPiece, forEachPiece } from './source_pass';

export interface ParallelInitParams {
  k: number;
  /** Sampling rounds (>= 1). */
  initSteps: number;
  rng: Random;
  threads: number;
  /** float64 rows: float32 distances with exact re-checks (the same candidates either way). */
  mixedPrecision: boolean | 'auto';
  /** 'cosine': every piece's rows are scaled to unit length first. Default 'euclidean'. */
  metric?: Metric;
}

/** Rounds added beyond initSteps while fewer than k candidates were found. */
export const extraRounds = 10;

/** The candidates so far: their rows, in the order found. */
export interface Candidates {
  dtype: DType;
  d: number;
  m: number;
  values: FloatArray;
}

/** k initial centers by k-means|| (see the file's comment), in the rows' dtype. */
export function* kmeansParallelPlan(input: RowInput, params: ParallelInitParams): Plan<Matrix> {
  const { k, initSteps, rng } = params;
  const oversampling = 2 * k;
  let candidates = yield* firstCandidate(input, params);
  for (let round = 0; round < initSteps || (candidates.m < k && round < initSteps + extraRounds); round++) {
    const cost = yield* candidateCost(input, candidates, params);
    if (!(cost > 0)) break;
    candidates = yield* sampleCandidates(input, candidates, { key: drawKey(rng), oversampling, cost }, params);
  }
  const weights = yield* candidateWeights(input, candidates, params);
  return yield* chooseCenters(candidates, weights, params);
}

/** One pass over the rows as the kernels see them (unit rows for 'cosine'). */
function* forEachRows(
  input: RowInput,
  params: ParallelInitParams,
  visit: (data: PreparedData, firstRow: number) => Plan<void>,
): Plan<void> {
  yield* forEachPiece(input, function* ({ data, firstRow }: RowPiece) {
    const X = yield* metricRows(data.X, params.metric ?? 'euclidean', data.threads);
    yield* visit({ ...data, X }, firstRow);
  });
}

/** An integer key in [0, 2^53) from the generator. */
export function drawKey(rng: Random): number {
  return rng.nextUint32() * 0x20_0000 + (rng.nextUint32() >>> 11);
}

/** The first candidate; k-means|| needs k rows of positive weight, as k-means++ does. */
function* firstCandidate(input: RowInput, params: ParallelInitParams): Plan<Candidates> {
  const key = drawKey(params.rng);
  const best = Float64Array.of(-Infinity, -1);
  let first: Candidates | undefined;
  let positive = 0;
  yield* forEachRows(input, params, function* (data, firstRow) {
    const dtype = dataDType(data.X);
    first ??= { dtype, d: data.X.cols, m: 1, values: allocate(dtype, data.X.cols) };
    positive += data.sampleWeight ? data.sampleWeight.reduce((count, w) => count + (w > 0 ? 1 : 0), 0) : data.X.rows;
    yield* call('weightedRowDraw', { ...dataRequest(data), key, firstRow, best, center: first.values });
  });
  if (!first || positive < params.k) {
    throw new KMeansError(
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      `init "k-means||" needs nClusters = ${params.k} samples with positive weight (got ${positive})`,
    );
  }
  return first;
}

function candidateFields(candidates: Candidates, params: ParallelInitParams) {
  return {
    candidates: candidates.values,
    m: candidates.m,
    mixedPrecision: resolveMixedPrecision(params.mixedPrecision, candidates.dtype),
  };
}

function* candidateCost(input: RowInput, candidates: Candidates, params: ParallelInitParams): Plan<number> {
  let cost = 0;
  yield* forEachRows(input, params, function* (data) {
    cost = yield* call('candidateCost', { ...dataRequest(data), ...candidateFields(candidates, params), base: cost });
  });
  return cost;
}

/** The candidates with the rows this round draws after them, in row order. */
function* sampleCandidates(
  input: RowInput,
  candidates: Candidates,
  round: { key: number; oversampling: number; cost: number },
  params: ParallelInitParams,
): Plan<Candidates> {
  const found: FloatArray[] = [candidates.values];
  let m = candidates.m;
  yield* forEachRows(input, params, function* (data, firstRow) {
    const chosen = yield* call('sampleCandidates', {
      ...dataRequest(data),
      ...candidateFields(candidates, params),
      firstRow,
      ...round,
    });
    found.push(chosen.values);
    m += chosen.rows.length;
  });
  const values = allocate(candidates.dtype, m * candidates.d);
  let offset = 0;
  for (const part of found) {
    values.set(part, offset);
    offset += part.length;
  }
  return { ...candidates, m, values };
}

function* candidateWeights(input: RowInput, candidates: Candidates, params: ParallelInitParams): Plan<Float64Array> {
  const weights = new Float64Array(candidates.m);
  yield* forEachRows(input, params, function* (data) {
    yield* call('candidateWeights', { ...dataRequest(data), ...candidateFields(candidates, params), weights });
  });
  return weights;
}

/** Weighted k-means++ on the candidates that carry weight, completed with repeats if they are fewer than k. */
export function* chooseCenters(
  candidates: Candidates,
  weights: Float64Array,
  params: ParallelInitParams,
): Plan<Matrix> {
  const { k, rng, threads } = params;
  const { d, dtype } = candidates;
  const kept: number[] = [];
  for (let c = 0; c < candidates.m; c++) if (weights[c]! > 0) kept.push(c);
  const X = { data: allocate(dtype, kept.length * d), rows: kept.length, cols: d };
  const sampleWeight = new Float64Array(kept.length);
  kept.forEach((c, row) => {
    X.data.set(candidates.values.subarray(c * d, (c + 1) * d), row * d);
    sampleWeight[row] = weights[c]!;
  });
  if (kept.length < k) return withRepeats(X, sampleWeight, k, rng);
  const means = new Float64Array(d);
  yield* call('columnStats', { x: X.data, n: X.rows, d, sampleWeight, threads, means });
  const seeding = yield* plusPlusPlan({ X, k, sampleWeight, rng, threads, means }, defaultLocalTrials(k));
  return seeding.centers;
}

/**
 * All m < k weighted rows, then k − m more drawn with probability proportional to their weight:
 * the first row whose running weight exceeds u·W (the last one if none does).
 */
function withRepeats(X: Matrix, weights: Float64Array, k: number, rng: Random): Matrix {
  const { rows: m, cols: d } = X;
  const centers = allocate(X.data instanceof Float32Array ? 'float32' : 'float64', k * d);
  centers.set(X.data);
  const running = new Float64Array(m);
  let total = 0;
  for (let row = 0; row < m; row++) running[row] = total += weights[row]!;
  for (let center = m; center < k; center++) {
    const target = rng.nextDouble() * total;
    let row = running.findIndex((sum) => sum > target);
    if (row < 0) row = m - 1;
    centers.set(X.data.subarray(row * d, (row + 1) * d), center * d);
  }
  return { data: centers, rows: k, cols: d };
}
