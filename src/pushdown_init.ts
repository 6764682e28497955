/**
 * init 'k-means||' over a PushdownSource: the rounds of parallel_init.ts as queries where the
 * rows live (a weighted draw, then per round the cost, which is an assignment pass's inertia,
 * and the sampled rows), the candidates' weights from one more assignment pass, and weighted
 * k-means++ on the candidates here, as parallel_init.ts's chooseCenters does. The per-row
 * uniforms are hashed from the round's key and the row's values (a database table has no row
 * order), so two rows of equal values are drawn together or not at all.
 */
import { KMeansError } from './errors';
import { type Matrix, allocate } from './matrix';
import { type ParallelInitParams, chooseCenters, drawKey, extraRounds } from './parallel_init';
import type { Plan } from './plan';
import { pushdownQuery } from './pushdown_query';
import type { Pushdown, PushdownStats } from './source';

export function* pushdownParallelInit(
  pushdown: Pushdown,
  stats: PushdownStats,
  params: ParallelInitParams,
  signal: AbortSignal | undefined,
): Plan<Matrix> {
  const { k, initSteps, rng } = params;
  const d = stats.cols;
  if (stats.positiveRows < k) {
    throw new KMeansError(
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      `init "k-means||" needs nClusters = ${k} samples with positive weight (got ${stats.positiveRows})`,
    );
  }
  const firstKey = drawKey(rng);
  let values = yield* pushdownQuery((s) => pushdown.weightedDraw(firstKey, s), signal);
  for (let round = 0; round < initSteps || (values.length / d < k && round < initSteps + extraRounds); round++) {
    const candidates = values;
    const m = candidates.length / d;
    const { inertia: cost } = yield* pushdownQuery((s) => pushdown.assignPass(candidates, m, s), signal);
    if (!(cost > 0)) break;
    const sample = { key: drawKey(rng), oversampling: 2 * k, cost };
    const chosen = yield* pushdownQuery((s) => pushdown.sampleRows(candidates, m, sample, s), signal);
    values = new Float64Array(candidates.length + chosen.length);
    values.set(candidates);
    values.set(chosen, candidates.length);
  }
  const m = values.length / d;
  const candidates = values;
  const pass = yield* pushdownQuery((s) => pushdown.assignPass(candidates, m, s), signal);
  const typed = allocate(stats.dtype, values.length);
  typed.set(values);
  const weights = pass.sums.slice(m * d, m * d + m);
  return yield* chooseCenters({ dtype: stats.dtype, d, m, values: typed }, weights, params);
}
