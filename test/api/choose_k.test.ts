/**
 * chooseK: every criterion finds the k of well-separated blobs; the table is what the library's
 * own fits and metrics give; sync, async and thread counts agree; and the rules behind the
 * recommendations (kneedle, Tibshirani's gap rule) on curves worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { AbortError, KMeans, chooseK, chooseKAsync, metrics } from '../../src/index';
import { gapChoice, kneedleElbow, referenceSpread } from '../../src/choose_k_criteria';
import { Random } from '../../src/rng';
import { expectKMeansError } from './validation_helpers';

/**
 * n rows around `k` means at 10 × the first k unit vectors (std 1, d >= k): every two means are
 * equally far apart, clusters no criterion can miss.
 */
function separatedBlobs(n: number, d: number, k: number, seed: number): number[][] {
  const random = new Random(seed);
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: d }, (_, j) => (j === i % k ? 10 : 0) + random.nextNormal()),
  );
}

const everyCriterion = ['silhouette', 'calinskiHarabasz', 'daviesBouldin', 'elbow', 'gap'] as const;

describe('chooseK on blobs with a known k', () => {
  it.each([
    [3, 3, 300],
    [4, 4, 400],
    [6, 6, 600],
    [5, 8, 1000],
  ])('every criterion recommends k = %i (d = %i, n = %i)', (k, d, n) => {
    const X = separatedBlobs(n, d, k, k * 100 + d);
    const result = chooseK(X, { kMin: 2, kMax: 9, criteria: everyCriterion, seed: 1, gapReferences: 5 });
    expect(result.recommended).toEqual({ silhouette: k, calinskiHarabasz: k, daviesBouldin: k, elbow: k, gap: k });
    expect(result.rows.map((row) => row.k)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('finds the k of directions with metric "cosine"', () => {
    const random = new Random(3);
    const directions = [0, 1, 2, 3].map((c) => [Math.cos((c * Math.PI) / 2), Math.sin((c * Math.PI) / 2), 0.3]);
    const X = Array.from({ length: 400 }, (_, i) => {
      const scale = 1 + 9 * random.nextDouble(); // lengths vary; directions carry the clusters
      return directions[i % 4]!.map((v) => scale * (v + 0.05 * random.nextNormal()));
    });
    const result = chooseK(X, { kMin: 2, kMax: 8, metric: 'cosine', seed: 2 });
    expect(result.recommended).toEqual({ silhouette: 4, calinskiHarabasz: 4, daviesBouldin: 4, elbow: 4, gap: null });
    expect(result.models.every((model) => model.params.metric === 'cosine')).toBe(true);
  });
});

describe('the table', () => {
  const X = separatedBlobs(240, 4, 4, 7);

  it("holds each k's fitted model, its inertia and the metrics of its labels", () => {
    const result = chooseK(X, { kMin: 1, kMax: 6, seed: 5, criteria: everyCriterion, gapReferences: 3 });
    result.rows.forEach((row, i) => {
      const model = result.models[i]!;
      expect(model.clusterCenters.rows).toBe(row.k);
      expect(row.inertia).toBe(model.inertia);
      expect(row.nIter).toBe(model.nIter);
      if (row.k === 1) {
        expect([row.silhouette, row.calinskiHarabasz, row.daviesBouldin]).toEqual([null, null, null]);
      } else {
        expect(row.silhouette).toBe(metrics.silhouetteScore(X, model.labels));
        expect(row.calinskiHarabasz).toBe(metrics.calinskiHarabaszScore(X, model.labels));
        expect(row.daviesBouldin).toBe(metrics.daviesBouldinScore(X, model.labels));
      }
      expect(row.gap).toEqual(expect.any(Number));
      expect(row.gapError).toBeGreaterThan(0);
    });
    expect(result.silhouetteRows).toBe(240);
  });

  it('fits each k as KMeans does with the options given', () => {
    const result = chooseK(X, { kMin: 3, kMax: 4, seed: 9, nInit: 3, init: 'random', algorithm: 'lloyd', maxIter: 50 });
    for (const model of result.models) {
      expect(model.params).toMatchObject({ nInit: 3, init: 'random', algorithm: 'lloyd', maxIter: 50 });
      const again = new KMeans({ ...model.params, init: 'random' }).fit(X);
      expect(again.inertia).toBe(model.inertia);
    }
  });

  it('fits with sampleWeight, and leaves the caller’s arrays alone', () => {
    const weights = X.map((_, i) => 1 + (i % 3));
    const copy = X.map((row) => [...row]);
    const weightsCopy = [...weights];
    const result = chooseK(X, { kMin: 2, kMax: 5, seed: 4, sampleWeight: weights, criteria: ['elbow', 'gap'] });
    result.rows.forEach((row, i) => {
      expect(row.inertia).toBeCloseTo(-result.models[i]!.score(X, { sampleWeight: weights }), 9);
    });
    expect(result.recommended.elbow).toBe(4);
    expect(result.recommended.gap).toBe(4);
    expect(X).toEqual(copy);
    expect(weights).toEqual(weightsCopy);
  });

  it('computes the silhouette on a sample above silhouetteSampleSize, the same rows for every k', () => {
    const big = separatedBlobs(900, 3, 3, 11);
    const full = chooseK(big, { kMin: 2, kMax: 5, seed: 6, criteria: ['silhouette'] });
    const sampled = chooseK(big, { kMin: 2, kMax: 5, seed: 6, criteria: ['silhouette'], silhouetteSampleSize: 300 });
    expect(full.silhouetteRows).toBe(900);
    expect(sampled.silhouetteRows).toBe(300);
    // The seeds chooseK draws from its seed: one per k, then the silhouette's (see chooseKSteps).
    const seeds = new Random(6);
    const draw = () => Math.floor(seeds.nextDouble() * 2 ** 53);
    sampled.rows.forEach(() => draw());
    const silhouetteSeed = draw();
    sampled.rows.forEach((row, i) => {
      const labels = sampled.models[i]!.labels;
      expect(row.silhouette).toBe(metrics.silhouetteScore(big, labels, { sampleSize: 300, seed: silhouetteSeed }));
      expect(Math.abs(row.silhouette! - full.rows[i]!.silhouette!)).toBeLessThan(0.05);
    });
    expect(sampled.recommended.silhouette).toBe(3);
  });

  it('gives null, not an error, where a clustering has fewer than two distinct clusters to score', () => {
    const same = Array.from({ length: 10 }, () => [1, 1]);
    const result = chooseK(same, { kMin: 2, kMax: 3, seed: 1, criteria: everyCriterion, gapReferences: 2 });
    for (const row of result.rows) {
      expect([row.silhouette, row.calinskiHarabasz, row.daviesBouldin, row.gap]).toEqual([null, null, null, null]);
      expect(row.inertia).toBe(0);
    }
    expect(result.recommended).toEqual({
      silhouette: null,
      calinskiHarabasz: null,
      daviesBouldin: null,
      elbow: null,
      gap: null,
    });
    // A sample of 2 rows often holds one cluster only: its silhouette does not exist.
    const small = chooseK(X, { kMin: 2, kMax: 4, seed: 2, criteria: ['silhouette'], silhouetteSampleSize: 2 });
    for (const row of small.rows) expect(row.silhouette === null || Math.abs(row.silhouette) <= 1).toBe(true);
  });

  it('recommends by the gap where only some k have inertia 0 (kMax = n)', () => {
    const tight = Array.from({ length: 12 }, (_, i) => [20 * (i % 3) + 0.01 * i, 0.02 * (i % 4)]);
    const result = chooseK(tight, { kMin: 2, kMax: 12, seed: 3, criteria: ['gap'], gapReferences: 4 });
    expect(result.rows.at(-1)!.inertia).toBe(0);
    expect(result.rows.at(-1)!.gap).toBeNull();
    expect(result.recommended.gap).toBe(3);
  });

  it('stops its default range at the row count', () => {
    const eight = X.slice(0, 8);
    expect(chooseK(eight, { seed: 1, criteria: [] }).rows.map((row) => row.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it('gives the same table for the same seed, whatever the thread count', () => {
    const one = chooseK(X, { kMin: 2, kMax: 6, seed: 8, criteria: everyCriterion, gapReferences: 2, threads: 1 });
    const two = chooseK(X, { kMin: 2, kMax: 6, seed: 8, criteria: everyCriterion, gapReferences: 2, threads: 2 });
    expect(two.rows).toEqual(one.rows);
    expect(two.recommended).toEqual(one.recommended);
  });

  it('gives the fits of the data the same seeds whichever criteria are asked for', () => {
    const few = chooseK(X, { kMin: 2, kMax: 5, seed: 3, criteria: ['elbow'] });
    const all = chooseK(X, { kMin: 2, kMax: 5, seed: 3, criteria: everyCriterion, gapReferences: 2 });
    expect(all.rows.map((row) => row.inertia)).toEqual(few.rows.map((row) => row.inertia));
  });
});

describe('chooseKAsync', () => {
  const X = separatedBlobs(300, 3, 3, 21);

  it('gives what chooseK gives, and reports every fit', async () => {
    const options = { kMin: 2, kMax: 5, seed: 12, criteria: everyCriterion, gapReferences: 2 };
    const reports: { done: number; total: number; k: number; reference: number }[] = [];
    const result = await chooseKAsync(X, { ...options, onProgress: (report) => reports.push(report) });
    const sync = chooseK(X, options);
    expect(result.rows).toEqual(sync.rows);
    expect(result.recommended).toEqual(sync.recommended);
    expect(reports.map((report) => report.done)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(reports.every((report) => report.total === 12)).toBe(true);
    expect(reports.slice(0, 4).map((report) => [report.k, report.reference])).toEqual([
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 0],
    ]);
    expect(reports.at(-1)).toMatchObject({ k: 5, reference: 2 });
  });

  it('stops with an AbortError when its signal fires', async () => {
    const controller = new AbortController();
    const call = chooseKAsync(X, {
      kMin: 2,
      kMax: 8,
      seed: 1,
      signal: controller.signal,
      onProgress: ({ done }) => {
        if (done === 2) controller.abort();
      },
    });
    await expect(call).rejects.toBeInstanceOf(AbortError);
  });
});

describe('chooseK input checks', () => {
  const X = separatedBlobs(30, 3, 3, 1);

  it.each([
    [
      'an unknown option',
      { kmax: 5 },
      'ERR_KMEANS_INVALID_OPTION',
      /Unknown chooseK option "kmax"; did you mean "kMax"\?/,
    ],
    ['kMin 0', { kMin: 0 }, 'ERR_KMEANS_INVALID_OPTION', /kMin must be an integer >= 1 \(got 0\)/],
    ['kMax below kMin', { kMin: 5, kMax: 3 }, 'ERR_KMEANS_INVALID_OPTION', /kMax must be an integer >= 5 \(got 3\)/],
    [
      'kMax above the rows',
      { kMax: 31 },
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      /kMax = 31 is larger than the number of samples \(30\)/,
    ],
    [
      'an unknown criterion',
      { criteria: ['elbow', 'aic'] },
      'ERR_KMEANS_INVALID_OPTION',
      /criteria must be an array of/,
    ],
    ['criteria not an array', { criteria: 'elbow' }, 'ERR_KMEANS_INVALID_OPTION', /criteria must be an array of/],
    [
      'gap with cosine',
      { metric: 'cosine', criteria: ['gap'] },
      'ERR_KMEANS_INVALID_OPTION',
      /without "gap" for metric "cosine"/,
    ],
    ['a bad KMeans option', { nInit: 0 }, 'ERR_KMEANS_INVALID_OPTION', /nInit must be "auto" or an integer >= 1/],
    ['a bad gapReferences', { gapReferences: 0 }, 'ERR_KMEANS_INVALID_OPTION', /gapReferences must be an integer >= 1/],
    ['a bad silhouetteSampleSize', { silhouetteSampleSize: 1.5 }, 'ERR_KMEANS_INVALID_OPTION', /silhouetteSampleSize/],
    ['weights of the wrong length', { sampleWeight: [1, 2] }, 'ERR_KMEANS_INVALID_WEIGHTS', /sampleWeight/],
    ['a seed out of range', { seed: -1 }, 'ERR_KMEANS_INVALID_OPTION', /seed must be an integer >= 0/],
    [
      'explicit centers',
      { init: [[0, 0, 0]] },
      'ERR_KMEANS_INVALID_OPTION',
      /init must be "k-means\+\+", "k-means\|\|", "random"/,
    ],
  ])('refuses %s', (_name, options, code, message) => {
    expectKMeansError(() => chooseK(X, options as never), code as never, message);
  });

  it('refuses bad data with the data errors', () => {
    expectKMeansError(() => chooseK([[1, NaN]]), 'ERR_KMEANS_NON_FINITE', /NaN/);
    expectKMeansError(() => chooseK([]), 'ERR_KMEANS_EMPTY_DATA', /\S/);
  });

  it('checks the async options before any work', async () => {
    await expect(chooseKAsync(X, { signal: 'stop' as never })).rejects.toMatchObject({
      code: 'ERR_KMEANS_INVALID_OPTION',
    });
    await expect(chooseKAsync(X, { onProgress: 1 as never })).rejects.toMatchObject({
      code: 'ERR_KMEANS_INVALID_OPTION',
    });
  });
});

describe('the rules behind the recommendations', () => {
  it('kneedle: the point furthest below the chord of the scaled curve', () => {
    // Scaled: x = 0, .25, .5, .75, 1; y = 1, .3, .1, .05, 0; 1 − x − y = 0, .45, .4, .2, 0.
    expect(kneedleElbow([1, 2, 3, 4, 5], [100, 30, 10, 5, 0])).toBe(2);
    expect(kneedleElbow([2, 3, 4, 5], [90, 60, 30, 0])).toBeNull(); // a straight line has no bend
    expect(kneedleElbow([2, 3], [5, 1])).toBeNull();
    expect(kneedleElbow([2, 3, 4], [7, 7, 7])).toBeNull();
  });

  it("Tibshirani's rule: the smallest k with Gap(k) ≥ Gap(k+1) − s(k+1)", () => {
    expect(gapChoice([1, 2, 3, 4], [0.1, 0.5, 0.9, 0.95], [0.01, 0.01, 0.01, 0.1])).toBe(3);
    expect(gapChoice([1, 2, 3], [0.5, 0.45, 0.4], [0.1, 0.01, 0.01])).toBe(1);
    expect(gapChoice([1, 2, 3], [0.1, 0.2, 0.3], [0, 0, 0])).toBeNull();
  });

  it('the references’ spread: sd with 1/B, times √(1 + 1/B)', () => {
    const { mean, error } = referenceSpread([1, 2, 3, 4]);
    expect(mean).toBe(2.5);
    expect(error).toBeCloseTo(Math.sqrt(1.25) * Math.sqrt(1.25), 15);
  });
});
