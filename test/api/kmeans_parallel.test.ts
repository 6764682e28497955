// init 'k-means||' (src/parallel_init.ts): repeatable for a seed, the same bits on any thread
// count, call style, layout and cutting of the rows into pieces, weights acting as repeats, data
// with fewer distinct rows than k, option checks, and MiniBatchKMeans.
import { describe, expect, it, vi } from 'vitest';
import { KMeans, KMeansError, MiniBatchKMeans } from '../../src/index';
import { type FloatArray, native } from '../../src/binding';
import type { DataMatrix } from '../../src/matrix';
import type { RowPiece } from '../../src/source_pass';
import { blobs, matrix } from '../helpers';

process.env.KMEANS_NATIVE_WORK_PER_THREAD = '1';

// Rows in memory are one piece; `cut.rows` cuts every piece further into pieces of that many rows
// (a multiple of 1024), so a fit sees its rows as data read in pieces would give them.
const cut = vi.hoisted(() => ({ rows: Infinity, passes: 0, pieces: 0 }));
vi.mock('../../src/source_pass', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/source_pass')>();
  return {
    ...original,
    *forEachPiece(input: never, visit: (piece: RowPiece) => Generator<never, void, unknown>) {
      cut.passes++;
      return yield* original.forEachPiece(input, function* (piece) {
        for (let start = 0; start < piece.data.X.rows; start += cut.rows) {
          cut.pieces++;
          yield* visit(slicePiece(piece, start, cut.rows));
        }
      });
    },
  };
});

function slicePiece({ data, firstRow }: RowPiece, start: number, size: number): RowPiece {
  const { X } = data;
  const end = Math.min(X.rows, start + size);
  const rows = end - start;
  const sliced: DataMatrix =
    'columns' in X
      ? { columns: X.columns.map((column) => column.subarray(start, end)), rows, cols: X.cols }
      : { data: X.data.subarray(start * X.cols, end * X.cols), rows, cols: X.cols };
  const sampleWeight = data.sampleWeight ? data.sampleWeight.subarray(start, end) : null;
  return { data: { ...data, X: sliced, sampleWeight }, firstRow: firstRow + start };
}

const dtypes = ['float64', 'float32'] as const;

function typed(rows: number[][], dtype: 'float64' | 'float32') {
  return matrix(rows, dtype);
}

function fitParallel(
  X: Parameters<KMeans['fit']>[0],
  options: ConstructorParameters<typeof KMeans>[0] = {},
  weights?: Float64Array,
) {
  return new KMeans({ nClusters: 20, init: 'k-means||', seed: 7, maxIter: 1, ...options }).fit(X, {
    sampleWeight: weights,
  });
}

function same(a: KMeans, b: KMeans): void {
  expect(a.clusterCenters.data).toEqual(b.clusterCenters.data);
  expect(a.labels).toEqual(b.labels);
  expect(Object.is(a.inertia, b.inertia)).toBe(true);
}

describe.each(dtypes)("init 'k-means||' (%s)", (dtype) => {
  const rows = blobs(5000, 6, 25, 3);
  const X = typed(rows, dtype);
  const weights = Float64Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? 0 : 0.5 + (i % 3)));

  it('gives the same centers for the same seed, other centers for another', () => {
    same(fitParallel(X), fitParallel(X));
    expect(fitParallel(X, { seed: 8 }).clusterCenters.data).not.toEqual(fitParallel(X).clusterCenters.data);
  });

  it('starts from distinct rows of X', () => {
    const init = initialCenters(new KMeans({ nClusters: 20, init: 'k-means||', seed: 7 }), X);
    const seen = new Set<string>();
    for (let c = 0; c < 20; c++) {
      const center = Array.from(init.subarray(c * 6, (c + 1) * 6)).join();
      expect(rows.some((row) => Array.from(typed([row], dtype).data).join() === center)).toBe(true);
      seen.add(center);
    }
    expect(seen.size).toBe(20);
  });

  it('gives the same bits on any thread count, sync or async, row- or column-major', async () => {
    const reference = fitParallel(X, { threads: 1 }, weights);
    for (const threads of [2, 3, 5]) same(fitParallel(X, { threads }, weights), reference);
    const model = new KMeans({ nClusters: 20, init: 'k-means||', seed: 7, maxIter: 1 });
    same(await model.fitAsync(X, { sampleWeight: weights }), reference);
    const Type = dtype === 'float64' ? Float64Array : Float32Array;
    const columns = {
      columns: Array.from({ length: 6 }, (_, f) => Type.from(rows.map((row) => row[f]!)) as FloatArray),
    };
    same(fitParallel(columns, {}, weights), reference);
  });

  it('gives the same bits whatever the pieces the rows come in', () => {
    const reference = fitParallel(X, {}, weights);
    for (const size of [1024, 2048, 4096]) {
      cut.rows = size;
      cut.passes = cut.pieces = 0;
      try {
        same(fitParallel(X, {}, weights), reference);
        expect(cut.pieces).toBe(cut.passes * Math.ceil(5000 / size));
        same(fitParallel(X, { metric: 'cosine' }, weights), fitParallel(X, { metric: 'cosine' }, weights));
      } finally {
        cut.rows = Infinity;
      }
    }
  });

  it('makes 2·initSteps + 2 passes over the rows', () => {
    for (const initSteps of [1, 2, 4]) {
      cut.passes = 0;
      fitParallel(X, { initSteps });
      expect(cut.passes).toBe(2 * initSteps + 2);
    }
  });

  it('never starts from a row of weight zero', () => {
    // Far rows of weight zero: k-means|| must not pick them, whatever the seed.
    const far = [...rows.slice(0, 200), ...Array.from({ length: 50 }, (_, i) => [1e4 + i, 0, 0, 0, 0, 0])];
    const farWeights = Float64Array.from(far, (_, i) => (i < 200 ? 1 : 0));
    for (const seed of [1, 2, 3]) {
      const model = new KMeans({ nClusters: 5, init: 'k-means||', seed });
      const init = initialCenters(model, typed(far, dtype), farWeights);
      for (let c = 0; c < 5; c++) expect(Math.abs(init[c * 6]!)).toBeLessThan(1e3);
    }
  });
});

/** The centers a fit starts from (its first native fit call's, before Lloyd moves them). */
function initialCenters(model: KMeans, X: Parameters<KMeans['fit']>[0], sampleWeight?: Float64Array): FloatArray {
  const addon = native();
  const original = addon.fit;
  let seen: FloatArray | undefined;
  const spy = vi.spyOn(addon, 'fit').mockImplementation((request) => {
    seen ??= request.centers.slice();
    return original(request);
  });
  try {
    model.fit(X, { sampleWeight });
  } finally {
    spy.mockRestore();
  }
  return seen!;
}

describe('k-means|| in mixed precision and on wide rows', () => {
  it('gives the bits of float64 distances, and of one piece, for rows of 150 features', () => {
    const X = matrix(blobs(2500, 150, 9, 13));
    const reference = fitParallel(X, { nClusters: 9, mixedPrecision: false });
    same(fitParallel(X, { nClusters: 9 }), reference);
    cut.rows = 1024;
    try {
      same(fitParallel(X, { nClusters: 9 }), reference);
    } finally {
      cut.rows = Infinity;
    }
  });
});

describe('the passes of k-means||, one piece at a time', () => {
  const d = 3;
  const rows = blobs(3000, d, 6, 11);
  const x = Float64Array.from(rows.flat());
  const weights = Float64Array.from({ length: 3000 }, (_, i) => 1 + (i % 4));
  const candidates = Float64Array.from(rows.slice(0, 40).flat());
  const request = (first: number, end: number, sampleWeight: Float64Array | null = weights) => ({
    x: x.subarray(first * d, end * d),
    n: end - first,
    d,
    sampleWeight: sampleWeight && sampleWeight.subarray(first, end),
    threads: 2,
    candidates,
    m: 40,
  });
  const pieces = (size: number) =>
    Array.from({ length: Math.ceil(3000 / size) }, (_, p) => [p * size, Math.min(3000, (p + 1) * size)]);

  it('add up, piece after piece, to the bits of one call on all the rows', () => {
    const addon = native();
    const run = (size: number) => {
      let cost = 0;
      const totals = new Float64Array(40);
      const best = Float64Array.of(-Infinity, -1);
      const center = new Float64Array(d);
      const chosen: number[] = [];
      for (const [first, end] of pieces(size)) {
        cost = addon.candidateCost({ ...request(first!, end!), base: cost });
        addon.candidateWeights({ ...request(first!, end!), weights: totals });
        addon.weightedRowDraw({
          ...request(first!, end!),
          candidates: undefined,
          m: undefined,
          key: 12345,
          firstRow: first!,
          best,
          center,
        } as never);
      }
      for (const [first, end] of pieces(size)) {
        const sampled = addon.sampleCandidates({
          ...request(first!, end!),
          firstRow: first!,
          key: 99,
          oversampling: 80,
          cost,
        });
        chosen.push(...sampled.rows);
        expect(Array.from(sampled.values)).toEqual(Array.from(sampled.rows).flatMap((row) => rows[row]!));
      }
      return { cost, totals: Array.from(totals), best: Array.from(best), center: Array.from(center), chosen };
    };
    const whole = run(3000);
    expect(whole.chosen.length).toBeGreaterThan(40);
    expect(whole.totals.reduce((a, b) => a + b)).toBe(weights.reduce((a, b) => a + b));
    for (const size of [1024, 2048]) expect(run(size)).toEqual(whole);
  });

  it('treat a weight as that many repeats of the row', () => {
    // Rows repeated `weight` times, next to each other, in one block: the same candidate weights.
    const few = rows.slice(0, 200);
    const counts = few.map((_, i) => 1 + (i % 3));
    const repeated = few.flatMap((row, i) => Array.from({ length: counts[i]! }, () => row));
    const call = (data: number[][], sampleWeight: Float64Array | null) => {
      const totals = new Float64Array(40);
      const fields = {
        x: Float64Array.from(data.flat()),
        n: data.length,
        d,
        sampleWeight,
        threads: 1,
        candidates,
        m: 40,
      };
      native().candidateWeights({ ...fields, weights: totals });
      return { totals: Array.from(totals), cost: native().candidateCost({ ...fields, base: 0 }) };
    };
    const weighted = call(few, Float64Array.from(counts));
    const plain = call(repeated, null);
    expect(weighted.totals).toEqual(plain.totals);
    expect(weighted.cost).toBeCloseTo(plain.cost, 9);
  });

  it('draw the first row in proportion to its weight', () => {
    const four = { x: Float64Array.of(0, 1, 2, 3), n: 4, d: 1, sampleWeight: Float64Array.of(1, 2, 3, 0), threads: 1 };
    const counts = [0, 0, 0, 0];
    for (let key = 0; key < 6000; key++) {
      const best = Float64Array.of(-Infinity, -1);
      native().weightedRowDraw({ ...four, key: key * 7919, firstRow: 0, best, center: new Float64Array(1) });
      counts[best[1]!]!++;
    }
    expect(counts[3]).toBe(0);
    for (const [row, share] of [
      [0, 1 / 6],
      [1, 2 / 6],
      [2, 3 / 6],
    ] as const)
      expect(Math.abs(counts[row]! / 6000 - share)).toBeLessThan(0.03);
  });
});

describe('k-means|| with fewer distinct rows than k', () => {
  it('takes every distinct row, then repeats drawn by weight', () => {
    const points = [
      [0, 0],
      [5, 5],
      [9, 0],
    ];
    const X = Array.from({ length: 30 }, (_, i) => points[i % 3]!);
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const init = initialCenters(new KMeans({ nClusters: 5, init: 'k-means||', seed: 3 }), X);
      const centers = Array.from({ length: 5 }, (_, c) => Array.from(init.subarray(c * 2, c * 2 + 2)).join());
      expect(new Set(centers)).toEqual(new Set(points.map((point) => point.join())));
      const model = new KMeans({ nClusters: 5, init: 'k-means||', seed: 3 }).fit(X);
      expect(model.inertia).toBe(0);
    } finally {
      emitWarning.mockRestore();
    }
  });

  it('needs nClusters rows of positive weight, as k-means++', () => {
    const X = blobs(20, 2, 2, 1);
    const sampleWeight = Float64Array.from({ length: 20 }, (_, i) => (i < 3 ? 1 : 0));
    expect(() => new KMeans({ nClusters: 4, init: 'k-means||' }).fit(X, { sampleWeight })).toThrow(
      expect.objectContaining({
        code: 'ERR_KMEANS_TOO_FEW_SAMPLES',
        message: 'init "k-means||" needs nClusters = 4 samples with positive weight (got 3)',
      }),
    );
  });
});

describe('k-means|| options', () => {
  it('checks initSteps: an integer >= 1', () => {
    for (const initSteps of [0, -1, 1.5, '2', Number.NaN]) {
      for (const make of [
        () => new KMeans({ initSteps } as never),
        () => new MiniBatchKMeans({ initSteps } as never),
      ]) {
        let error: unknown;
        try {
          make();
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(KMeansError);
        expect((error as KMeansError).code).toBe('ERR_KMEANS_INVALID_OPTION');
        expect((error as KMeansError).message).toMatch(/^initSteps must be an integer >= 1 \(got /);
      }
    }
  });

  it('keeps init and initSteps in params and model files', () => {
    const model = new KMeans({ nClusters: 3, init: 'k-means||', initSteps: 3, seed: 1 }).fit(blobs(300, 2, 3, 2));
    expect(model.params).toMatchObject({ init: 'k-means||', initSteps: 3 });
    expect(new KMeans().params.initSteps).toBe(2);
    const loaded = KMeans.fromJSON(JSON.stringify(model));
    expect(loaded.params).toEqual(model.params);
    expect(loaded.predict(blobs(50, 2, 3, 4))).toEqual(model.predict(blobs(50, 2, 3, 4)));
  });

  it('makes more rounds, or fewer, as initSteps says, and stops once every row is a candidate', () => {
    const X = blobs(3000, 4, 10, 5);
    const meanInertia = (options: ConstructorParameters<typeof KMeans>[0]) =>
      [1, 2, 3, 4, 5].reduce((sum, seed) => sum + new KMeans({ nClusters: 10, seed, ...options }).fit(X).inertia, 0) /
      5;
    const plusPlus = meanInertia({ init: 'k-means++' });
    for (const initSteps of [2, 3]) expect(meanInertia({ init: 'k-means||', initSteps }) / plusPlus).toBeLessThan(1.1);
    // Eight rows, k = 8: the candidates cover the rows in a round or two, and the cost is zero.
    cut.passes = 0;
    const eight = Array.from({ length: 8 }, (_, i) => [i * i, i]);
    expect(new KMeans({ nClusters: 8, init: 'k-means||', initSteps: 50, seed: 4 }).fit(eight).inertia).toBe(0);
    expect(cut.passes).toBeLessThan(20);
  });
});

describe('MiniBatchKMeans with k-means||', () => {
  it('seeds from its init sample, repeatably, as well as k-means++', () => {
    const X = blobs(6000, 5, 8, 9);
    const fit = (init: 'k-means||' | 'k-means++', seed: number) =>
      new MiniBatchKMeans({ nClusters: 8, init, seed, batchSize: 512, threads: 2 }).fit(X);
    const a = fit('k-means||', 1);
    const again = fit('k-means||', 1);
    expect(a.clusterCenters.data).toEqual(again.clusterCenters.data);
    expect(a.inertia).toBe(again.inertia);
    let parallel = 0;
    let plusPlus = 0;
    for (const seed of [1, 2, 3, 4]) {
      parallel += fit('k-means||', seed).inertia;
      plusPlus += fit('k-means++', seed).inertia;
    }
    expect(parallel / plusPlus).toBeLessThan(1.1);
    const partial = new MiniBatchKMeans({ nClusters: 8, init: 'k-means||', seed: 1 }).partialFit(X.slice(0, 1000));
    expect(partial.clusterCenters.rows).toBe(8);
  });
});
