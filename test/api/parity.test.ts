// Behaviour shared with scikit-learn 1.2 and SciPy 1.10 beyond the reference fixtures:
// MiniBatchKMeans's fitPredict and fitTransform, the warnings where they adjust a parameter,
// vq's functions on no observations, and the per-cluster totals (clusterSizes, clusterInertia)
// of every fit, kept by model files.
import { Table, vectorFromArray } from 'apache-arrow';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KMeans, MiniBatchKMeans, chunkSource, vq as scipy } from '../../src/index';
import type { Matrix } from '../../src/matrix';
import type { Pushdown, PushdownSource } from '../../src/source';
import { blobs, matrix } from '../helpers';
import { expectKMeansError } from './validation_helpers';

const X = blobs(900, 4, 5, 7);
const weights = Float64Array.from(X, (_, i) => 0.5 + (i % 4));

afterEach(() => {
  vi.restoreAllMocks();
});

/** The warnings emitted while `fn` runs, as [message, options] pairs. */
function warningsOf(fn: () => unknown): unknown[][] {
  const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
  fn();
  const calls = spy.mock.calls.map((call) => [...call]);
  spy.mockRestore();
  return calls;
}

/** The rows of `rows` whose label is j. */
function rowsOf(rows: number[][], labels: Int32Array, j: number): number[][] {
  return rows.filter((_, i) => labels[i] === j);
}

describe('MiniBatchKMeans fitPredict and fitTransform', () => {
  const options = { nClusters: 5, batchSize: 100, seed: 3 };

  it("fitPredict returns the fit's labels, with or without sample weights", () => {
    expect(new MiniBatchKMeans(options).fitPredict(X)).toEqual(new MiniBatchKMeans(options).fit(X).labels);
    const weighted = new MiniBatchKMeans(options).fitPredict(X, { sampleWeight: weights });
    expect(weighted).toEqual(new MiniBatchKMeans(options).fit(X, { sampleWeight: weights }).labels);
  });

  it('fitPredict with computeLabels false gives the labels computeLabels would have given', () => {
    const model = new MiniBatchKMeans({ ...options, computeLabels: false });
    const labels = model.fitPredict(X);
    expect(model.labels.length).toBe(0);
    expect(labels).toEqual(new MiniBatchKMeans(options).fit(X).labels);
  });

  it('fitTransform is transform after fit, in the dtype of X', () => {
    const X32 = matrix(X, 'float32');
    const out = new MiniBatchKMeans(options).fitTransform(X32);
    const expected = new MiniBatchKMeans(options).fit(X32).transform(X32);
    expect(out.data).toBeInstanceOf(Float32Array);
    expect([out.rows, out.cols]).toEqual([X.length, 5]);
    expect(out.data).toEqual(expected.data);
  });
});

describe('warnings where scikit-learn adjusts a parameter', () => {
  it("algorithm 'elkan' with one cluster runs Lloyd's, with KMEANS_ELKAN_SINGLE_CLUSTER, as scikit-learn", () => {
    let model: KMeans | undefined;
    const calls = warningsOf(() => (model = new KMeans({ nClusters: 1, algorithm: 'elkan', seed: 1 }).fit(X)));
    expect(calls).toEqual([
      [
        "algorithm='elkan' doesn't make sense for a single cluster. Using 'lloyd' instead.",
        { type: 'RuntimeWarning', code: 'KMEANS_ELKAN_SINGLE_CLUSTER' },
      ],
    ]);
    const lloyd = new KMeans({ nClusters: 1, algorithm: 'lloyd', seed: 1 }).fit(X);
    expect(model!.algorithmUsed).toBe('lloyd');
    expect(model!.params.algorithm).toBe('elkan');
    expect(model!.clusterCenters.data).toEqual(lloyd.clusterCenters.data);
    expect(model!.inertia).toBe(lloyd.inertia);
    expect(warningsOf(() => new KMeans({ nClusters: 2, algorithm: 'elkan', seed: 1 }).fit(X))).toEqual([]);
  });

  it('MiniBatchKMeans initSize below nClusters samples 3 × nClusters rows, with KMEANS_INIT_SIZE_ADJUSTED', () => {
    let model: MiniBatchKMeans | undefined;
    const calls = warningsOf(
      () => (model = new MiniBatchKMeans({ nClusters: 4, initSize: 2, batchSize: 50, seed: 2 })),
    );
    expect(calls).toEqual([
      [
        'initSize=2 should be larger than nClusters=4. Setting it to min(3 * nClusters, number of samples)',
        { type: 'RuntimeWarning', code: 'KMEANS_INIT_SIZE_ADJUSTED' },
      ],
    ]);
    expect(model!.params.initSize).toBe(2);
    const adjusted = new MiniBatchKMeans({ nClusters: 4, initSize: 12, batchSize: 50, seed: 2 }).fit(X);
    expect(model!.fit(X).clusterCenters.data).toEqual(adjusted.clusterCenters.data);
  });

  it('no KMEANS_INIT_SIZE_ADJUSTED for initSize >= nClusters or the default', () => {
    expect(warningsOf(() => new MiniBatchKMeans({ nClusters: 4, initSize: 4 }))).toEqual([]);
    expect(warningsOf(() => new MiniBatchKMeans({ nClusters: 40, batchSize: 2 }))).toEqual([]);
  });

  it('delivers the new warning to process "warning" listeners with its code', async () => {
    const received: (Error & { code?: string })[] = [];
    const listener = (warning: Error & { code?: string }) => received.push(warning);
    process.on('warning', listener);
    try {
      new MiniBatchKMeans({ nClusters: 3, initSize: 1 });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listener);
    }
    expect(received.map((warning) => [warning.name, warning.code])).toEqual([
      ['RuntimeWarning', 'KMEANS_INIT_SIZE_ADJUSTED'],
    ]);
  });
});

describe('vq on no observations, as SciPy', () => {
  const book = [
    [0, 0],
    [1, 1],
  ];
  const none = { data: new Float64Array(0), rows: 0, cols: 2 };

  it('vq gives an empty code and dist for any empty input of the right features', () => {
    for (const obs of [none, [], { columns: [new Float64Array(0), new Float64Array(0)] }]) {
      const { code, dist } = scipy.vq(obs, book);
      expect(code).toEqual(new Int32Array(0));
      expect(dist).toEqual(new Float64Array(0));
    }
    const oneD = scipy.vq(new Float32Array(0), Float32Array.of(0, 1));
    expect(oneD.code).toEqual(new Int32Array(0));
    expect(oneD.dist).toBeInstanceOf(Float32Array);
    expect(oneD.dist.length).toBe(0);
    const arrow = new Table({ x: vectorFromArray(new Float64Array(0)), y: vectorFromArray(new Float64Array(0)) });
    expect(scipy.vq(arrow, book).code.length).toBe(0);
  });

  it('vq still checks the code book and the features', () => {
    expectKMeansError(
      () => scipy.vq({ data: new Float64Array(0), rows: 0, cols: 3 }, book),
      'ERR_KMEANS_SHAPE_MISMATCH',
      'codeBook must have one column per feature of obs: obs has 3 features, codeBook has 2',
    );
    expectKMeansError(
      () => scipy.vq(new Float64Array(0), book),
      'ERR_KMEANS_SHAPE_MISMATCH',
      'obs and codeBook must have the same rank: obs is 1-D, codeBook is 2-D',
    );
    expectKMeansError(() => scipy.vq(none, []), 'ERR_KMEANS_EMPTY_DATA', /codeBook must have at least one row/);
    expectKMeansError(() => scipy.vq(none, [[0, NaN]]), 'ERR_KMEANS_NON_FINITE', /codeBook/);
  });

  it('whiten returns an empty array of the shape and dtype of the input', () => {
    expect(scipy.whiten(none)).toEqual({ data: new Float64Array(0), rows: 0, cols: 2 });
    const oneD = scipy.whiten(new Float32Array(0));
    expect(oneD).toBeInstanceOf(Float32Array);
    expect((oneD as Float32Array).length).toBe(0);
    expect(scipy.whiten([])).toEqual(new Float64Array(0));
  });

  it('kmeans from a codebook drops every code and gives distortion NaN; from k, and kmeans2, refuse', () => {
    const { codebook, distortion } = scipy.kmeans(none, book);
    expect(codebook).toEqual({ data: new Float64Array(0), rows: 0, cols: 2 });
    expect(distortion).toBeNaN();
    expectKMeansError(
      () => scipy.kmeans(none, 2),
      'ERR_KMEANS_EMPTY_DATA',
      'obs must have at least one row (got 0 rows)',
    );
    expectKMeansError(() => scipy.kmeans2(none, 2), 'ERR_KMEANS_EMPTY_DATA', /data must have at least one row/);
    expectKMeansError(() => scipy.kmeans2(none, book), 'ERR_KMEANS_EMPTY_DATA', /data must have at least one row/);
  });
});

/** Asserts the totals agree with the labels, weights and inertia, and each cluster's with score. */
function expectTotals(
  model: KMeans | MiniBatchKMeans,
  rows: number[][],
  labels: Int32Array,
  sampleWeight?: Float64Array,
): void {
  const k = model.params.nClusters;
  const { clusterSizes, clusterInertia } = model;
  expect(clusterSizes.length).toBe(k);
  expect(clusterInertia.length).toBe(k);
  const sizes = new Float64Array(k);
  labels.forEach((label, i) => (sizes[label] = sizes[label]! + (sampleWeight ? sampleWeight[i]! : 1)));
  for (let j = 0; j < k; j++) {
    expect(clusterSizes[j]).toBeCloseTo(sizes[j]!, 9);
    const members = rows.map((_, i) => i).filter((i) => labels[i] === j);
    if (members.length === 0) continue;
    const memberWeights = sampleWeight ? Float64Array.from(members, (i) => sampleWeight[i]!) : undefined;
    const own = -model.score(rowsOf(rows, labels, j), memberWeights ? { sampleWeight: memberWeights } : {});
    expect(Math.abs(clusterInertia[j]! - own)).toBeLessThanOrEqual(1e-9 * own);
  }
  const total = clusterInertia.reduce((sum, value) => sum + value, 0);
  expect(Math.abs(total - model.inertia)).toBeLessThanOrEqual(1e-12 * model.inertia);
}

describe('clusterSizes and clusterInertia', () => {
  it('KMeans: the weight and inertia of each cluster of the final labels', () => {
    const model = new KMeans({ nClusters: 5, seed: 1 }).fit(X);
    expectTotals(model, X, model.labels);
    expect(model.clusterSizes.reduce((a, b) => a + b, 0)).toBe(X.length);
    const weighted = new KMeans({ nClusters: 5, seed: 1 }).fit(X, { sampleWeight: weights });
    expectTotals(weighted, X, weighted.labels, weights);
  });

  it('KMeans: float32, typed columns and metric cosine', () => {
    const float32 = new KMeans({ nClusters: 4, seed: 2 }).fit(matrix(X, 'float32'));
    expectTotals(
      float32,
      X.map((row) => Array.from(Float32Array.from(row))),
      float32.labels,
    );
    const columns = { columns: [0, 1, 2, 3].map((f) => Float64Array.from(X, (row) => row[f]!)) };
    const byColumns = new KMeans({ nClusters: 4, seed: 2 }).fit(columns);
    const byRows = new KMeans({ nClusters: 4, seed: 2 }).fit(X);
    expect(byColumns.clusterSizes).toEqual(byRows.clusterSizes);
    expect(byColumns.clusterInertia).toEqual(byRows.clusterInertia);
    const cosine = new KMeans({ nClusters: 4, seed: 2, metric: 'cosine' }).fit(X);
    expectTotals(cosine, X, cosine.labels);
  });

  it('MiniBatchKMeans: over the labels fit or partialFit computes, empty without them', () => {
    const model = new MiniBatchKMeans({ nClusters: 5, batchSize: 100, seed: 4 }).fit(X, { sampleWeight: weights });
    expectTotals(model, X, model.labels, weights);
    const batch = X.slice(0, 200);
    model.partialFit(batch);
    expectTotals(model, batch, model.labels);
    const quiet = new MiniBatchKMeans({ nClusters: 5, batchSize: 100, seed: 4, computeLabels: false }).fit(X);
    expect([quiet.clusterSizes.length, quiet.clusterInertia.length]).toEqual([0, 0]);
  });

  it('MiniBatchKMeans.fitStream computes no labels, and so no totals', async () => {
    const model = await new MiniBatchKMeans({ nClusters: 3, batchSize: 100, seed: 1 }).fitStream([X]);
    expect([model.clusterSizes.length, model.clusterInertia.length]).toEqual([0, 0]);
  });

  it('fitSource gives the bits of fit', async () => {
    const init = X.slice(0, 5);
    const data = matrix(X);
    const whole = new KMeans({ nClusters: 5, init }).fit(data);
    const source = chunkSource(() =>
      [0, 300, 600].map((begin) => ({ ...data, data: data.data.subarray(begin * 4, (begin + 300) * 4), rows: 300 })),
    );
    const model = await new KMeans({ nClusters: 5, init }).fitSource(source);
    expect(model.clusterSizes).toEqual(whole.clusterSizes);
    expect(model.clusterInertia).toEqual(whole.clusterInertia);
  });

  it('a PushdownSource gives the sizes its passes count, not the inertia', async () => {
    const init = X.slice(0, 5);
    const whole = new KMeans({ nClusters: 5, init }).fit(X);
    const model = await new KMeans({ nClusters: 5, init }).fitSource(memoryPushdown(matrix(X)));
    expect(model.clusterSizes).toEqual(whole.clusterSizes);
    expect(model.clusterInertia.length).toBe(0);
  });

  it('model files keep them; files without them load with none; bad ones are refused', () => {
    for (const model of [
      new KMeans({ nClusters: 5, seed: 1 }).fit(X),
      new MiniBatchKMeans({ nClusters: 5, batchSize: 100, seed: 1 }).fit(X),
    ]) {
      const json = model.toJSON();
      expect(json.extra.clusterSizes).toEqual(Array.from(model.clusterSizes));
      const Model = model instanceof KMeans ? KMeans : MiniBatchKMeans;
      const loaded = Model.fromJSON(JSON.stringify(json));
      expect(loaded.clusterSizes).toEqual(model.clusterSizes);
      expect(loaded.clusterInertia).toEqual(model.clusterInertia);
      const { clusterSizes: _s, clusterInertia: _i, ...older } = json.extra;
      const old = Model.fromJSON({ ...json, extra: older });
      expect([old.clusterSizes.length, old.clusterInertia.length]).toEqual([0, 0]);
      expect(old.predict(X)).toEqual(model.predict(X));
      for (const bad of [
        [1, 2],
        [1, 2, 3, 4, -1],
        [1, 2, 3, 4, null],
      ]) {
        expectKMeansError(
          () => Model.fromJSON({ ...json, extra: { ...json.extra, clusterInertia: bad } }),
          'ERR_KMEANS_INVALID_MODEL',
          'Cannot read the model file: "extra.clusterInertia", when present, must hold nClusters = 5 finite numbers >= 0',
        );
      }
    }
  });
});

/** A PushdownSource over rows in memory: each pass computed here, as a database would. */
function memoryPushdown(X: Matrix): PushdownSource {
  const { data, rows: n, cols: d } = X;
  const nearest = (centers: Float64Array, k: number, i: number): [number, number] => {
    let best = 0;
    let bestDistance = Infinity;
    for (let j = 0; j < k; j++) {
      let distance = 0;
      for (let f = 0; f < d; f++) distance += (data[i * d + f]! - centers[j * d + f]!) ** 2;
      if (distance < bestDistance) [best, bestDistance] = [j, distance];
    }
    return [best, bestDistance];
  };
  const means = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) means[f] = means[f]! + data[i * d + f]! / n;
  let variance = 0;
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) variance += (data[i * d + f]! - means[f]!) ** 2 / n / d;
  const pushdown: Pushdown = {
    stats: async () => ({
      rows: n,
      cols: d,
      dtype: 'float64',
      means,
      meanVariance: variance,
      totalWeight: n,
      positiveRows: n,
    }),
    assignPass: async (centers, k) => {
      const sums = new Float64Array(k * d + k);
      const counts = new Float64Array(k);
      const members: number[][] = Array.from({ length: k }, () => []);
      let inertia = 0;
      for (let i = 0; i < n; i++) {
        const [j, distance] = nearest(centers, k, i);
        for (let f = 0; f < d; f++) sums[j * d + f] = sums[j * d + f]! + data[i * d + f]!;
        sums[k * d + j] = sums[k * d + j]! + 1;
        counts[j] = counts[j]! + 1;
        members[j]!.push(i);
        inertia += distance;
      }
      return { sums, counts, inertia, fingerprint: members.map((rows) => rows.join(',')) };
    },
    farthestRows: async () => ({
      values: new Float64Array(0),
      weights: new Float64Array(0),
      labels: new Int32Array(0),
    }),
    weightedDraw: async () => new Float64Array(0),
    sampleRows: async () => new Float64Array(0),
  };
  return { pushdown };
}
