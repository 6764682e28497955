// BisectingKMeans's surface: option and input validation (typed errors that name the option),
// inputs never modified, fitAsync's progress and abort, and model files with the tree.
import { describe, expect, it } from 'vitest';
import { AbortError, BisectingKMeans, KMeans, type FitProgress } from '../../src/index';
import { blobs, matrix } from '../helpers';
import { X, bytes, expectKMeansError, untyped } from './validation_helpers';

const data = blobs(600, 4, 6, 5, 10, 1.5);
const weights = Float64Array.from(data, (_, i) => 0.5 + (i % 4));

describe('BisectingKMeans options', () => {
  const invalid: [Record<string, unknown>, string | RegExp][] = [
    [{ nClusters: 0 }, 'nClusters must be an integer >= 1 (got 0)'],
    [{ nClusters: 2.5 }, 'nClusters must be an integer >= 1 (got 2.5)'],
    [{ init: 'k-means||' }, 'init must be "random" or "k-means++" (got "k-means||")'],
    [{ init: [[0, 0]] }, 'init must be "random" or "k-means++" (got an array of length 1)'],
    [{ nInit: 'auto' }, 'nInit must be an integer >= 1 (got "auto")'],
    [{ nInit: 0 }, 'nInit must be an integer >= 1 (got 0)'],
    [{ maxIter: 0 }, 'maxIter must be an integer >= 1 (got 0)'],
    [{ tol: -1 }, 'tol must be a finite number >= 0 (got -1)'],
    [{ tol: NaN }, 'tol must be a finite number >= 0 (got NaN)'],
    [{ seed: -1 }, 'seed must be an integer >= 0 (got -1)'],
    [{ algorithm: 'full' }, 'algorithm must be "lloyd", "elkan", "hamerly" or "auto" (got "full")'],
    [
      { bisectingStrategy: 'largest' },
      'bisectingStrategy must be "biggest_inertia" or "largest_cluster" (got "largest")',
    ],
    [{ threads: 0 }, 'threads must be an integer between 1 and 4096 (got 0)'],
    [{ mixedPrecision: 'yes' }, 'mixedPrecision must be true, false or "auto" (got "yes")'],
    [{ metric: 'manhattan' }, 'metric must be "euclidean" or "cosine" (got "manhattan")'],
    [
      { bisecting_strategy: 'largest_cluster' },
      'Unknown BisectingKMeans option "bisecting_strategy"; did you mean "bisectingStrategy"?',
    ],
    [{ random_state: 1 }, 'Unknown BisectingKMeans option "random_state"; did you mean "seed"?'],
    [{ initSteps: 2 }, /^Unknown BisectingKMeans option "initSteps"; valid options: nClusters, init, nInit/],
  ];
  it.each(invalid)('refuses %j', (options, message) => {
    expectKMeansError(() => new BisectingKMeans(untyped(options)), 'ERR_KMEANS_INVALID_OPTION', message);
  });

  it('fills in scikit-learn 1.2s defaults', () => {
    expect(new BisectingKMeans().params).toEqual({
      nClusters: 8,
      init: 'random',
      nInit: 1,
      maxIter: 300,
      tol: 1e-4,
      seed: undefined,
      algorithm: 'lloyd',
      bisectingStrategy: 'biggest_inertia',
      threads: undefined,
      mixedPrecision: 'auto',
      metric: 'euclidean',
    });
    expectKMeansError(
      () => new BisectingKMeans(untyped(null)),
      'ERR_KMEANS_INVALID_OPTION',
      'BisectingKMeans options must be an object (got null)',
    );
  });

  it('gives the same clustering with every algorithm', () => {
    const lloyd = new BisectingKMeans({ nClusters: 6, seed: 3, algorithm: 'lloyd' }).fit(data);
    for (const algorithm of ['elkan', 'hamerly', 'auto'] as const) {
      const other = new BisectingKMeans({ nClusters: 6, seed: 3, algorithm }).fit(data);
      expect(other.labels).toEqual(lloyd.labels);
      expect(other.tree).toEqual(lloyd.tree);
    }
    const exact = new BisectingKMeans({ nClusters: 6, seed: 3, mixedPrecision: false }).fit(data);
    expect(exact.tree).toEqual(lloyd.tree);
  });
});

describe('BisectingKMeans inputs', () => {
  it('refuses bad data and weights with typed errors', () => {
    const model = new BisectingKMeans({ nClusters: 3 });
    expectKMeansError(
      () => model.fit([[0], [1]]),
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      'nClusters must be <= the number of samples: n_samples = 2, nClusters = 3',
    );
    expectKMeansError(
      () => model.fit(X, { sampleWeight: [1, 0, 0, 0, 0, 1] }),
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      'nClusters must be <= the number of samples with positive weight: 2 samples, nClusters = 3',
    );
    expectKMeansError(
      () =>
        model.fit([
          [0, NaN],
          [1, 1],
          [2, 2],
        ]),
      'ERR_KMEANS_NON_FINITE',
      /^X must contain only finite numbers/,
    );
    expectKMeansError(() => model.fit(X, { sampleWeight: [1, 2] }), 'ERR_KMEANS_INVALID_WEIGHTS', /sampleWeight/);
    expectKMeansError(
      () => model.fit(X, untyped({ weights: [1] })),
      'ERR_KMEANS_INVALID_OPTION',
      /Unknown fit option "weights"/,
    );
    expectKMeansError(
      () =>
        new BisectingKMeans({ nClusters: 2, metric: 'cosine' }).fit([
          [0, 0],
          [1, 0],
          [0, 1],
        ]),
      'ERR_KMEANS_ZERO_VECTOR',
      /X row 0 has length zero/,
    );
  });

  it('refuses queries before fit, of another width, and levels out of range', () => {
    const notFitted = 'This BisectingKMeans instance is not fitted yet: call fit(X) or await fitAsync(X) first';
    const empty = new BisectingKMeans();
    for (const call of [() => empty.predict(X), () => empty.tree, () => empty.labelsAt(1), () => empty.toJSON()]) {
      expectKMeansError(call, 'ERR_KMEANS_NOT_FITTED', notFitted);
    }
    const model = new BisectingKMeans({ nClusters: 3, seed: 1 }).fit(X);
    expectKMeansError(
      () => model.predict([[1, 2, 3]]),
      'ERR_KMEANS_SHAPE_MISMATCH',
      'X has 3 features, but this BisectingKMeans was fitted with 2 features',
    );
    for (const k of [0, 4, 1.5, '2']) {
      expectKMeansError(
        () => model.labelsAt(untyped(k)),
        'ERR_KMEANS_INVALID_OPTION',
        `k must be an integer between 1 and nClusters = 3 (got ${typeof k === 'string' ? '"2"' : k})`,
      );
      expectKMeansError(
        () => model.centersAt(untyped(k)),
        'ERR_KMEANS_INVALID_OPTION',
        /^k must be an integer between 1 and nClusters = 3/,
      );
    }
  });

  it("never modifies the caller's arrays, and hands out copies of its tree", async () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const typed = matrix(data, dtype);
      const sampleWeight = weights.slice();
      const before = [bytes(typed.data), bytes(sampleWeight)];
      const model = new BisectingKMeans({
        nClusters: 5,
        seed: 2,
        metric: dtype === 'float32' ? 'cosine' : 'euclidean',
      });
      model.fit(typed, { sampleWeight });
      await model.fitAsync(typed, { sampleWeight });
      model.fitPredict(typed, { sampleWeight });
      model.fitTransform(typed, { sampleWeight });
      model.predict(typed);
      model.transform(typed);
      model.score(typed, { sampleWeight });
      expect([bytes(typed.data), bytes(sampleWeight)]).toStrictEqual(before);
      expect(model.clusterCenters.data).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);

      const tree = model.tree;
      const labels = model.labels.slice();
      tree[1]!.center.fill(1e6);
      tree[1]!.size = -1;
      model.labelsAt(3).fill(9);
      model.centersAt(3).data.fill(9);
      expect(model.tree).not.toEqual(tree);
      expect(model.labels).toEqual(labels);
      expect(model.predict(typed)).toEqual(labels);
    }
  });
});

describe('BisectingKMeans.fitAsync', () => {
  it('reports the iterations of every 2-means run, counting runs from 1', async () => {
    const reports: FitProgress[] = [];
    const model = await new BisectingKMeans({ nClusters: 4, nInit: 2, seed: 1 }).fitAsync(data, {
      onProgress: (progress) => reports.push(progress),
    });
    const runs = [...new Set(reports.map((report) => report.run))];
    expect(runs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(reports.filter((report) => report.iteration === 1)).toHaveLength(6);
    expect(model.nIter).toBeGreaterThanOrEqual(3);
  });

  it('rejects with an AbortError and leaves the model as it was', async () => {
    const model = new BisectingKMeans({ nClusters: 4, seed: 1 }).fit(data.slice(0, 50));
    const before = model.toJSON();
    await expect(model.fitAsync(data, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    const controller = new AbortController();
    const error = await model
      .fitAsync(data, {
        signal: controller.signal,
        onProgress: ({ run }) => {
          if (run === 2) controller.abort(new Error('enough'));
        },
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortError);
    expect(((error as AbortError).cause as Error).message).toBe('enough');
    expect(model.toJSON()).toEqual(before);
    const failing = model.fitAsync(data, {
      onProgress: () => {
        throw new RangeError('callback failed');
      },
    });
    await expect(failing).rejects.toThrow('callback failed');
    expect(model.toJSON()).toEqual(before);
  });
});

describe('BisectingKMeans cluster totals', () => {
  it("clusterSizes and clusterInertia are each leaf's weight and inertia, summing to the model's", () => {
    const model = new BisectingKMeans({ nClusters: 5, seed: 3 }).fit(data, { sampleWeight: weights });
    const k = model.clusterCenters.rows;
    for (let c = 0; c < k; c++) {
      const rows = data.filter((_, i) => model.labels[i] === c);
      const w = Array.from(weights).filter((_, i) => model.labels[i] === c);
      expect(model.clusterSizes[c]).toBeCloseTo(
        w.reduce((a, b) => a + b, 0),
        9,
      );
      const center = model.clusterCenters.data.subarray(c * 4, c * 4 + 4);
      const sse = rows.reduce((sum, row, i) => sum + w[i]! * row.reduce((s, v, j) => s + (v - center[j]!) ** 2, 0), 0);
      expect(model.clusterInertia[c]).toBeCloseTo(sse, 6);
    }
    const total = model.clusterInertia.reduce((a, b) => a + b, 0);
    expect(Math.abs(total - model.inertia)).toBeLessThan(1e-9 * model.inertia);
  });
});

describe('BisectingKMeans model files', () => {
  it('round-trip: predict, transform, score, tree and centersAt give what the saved model gave', () => {
    for (const [dtype, metric] of [
      ['float64', 'euclidean'],
      ['float32', 'euclidean'],
      ['float64', 'cosine'],
    ] as const) {
      const typed = matrix(data, dtype);
      const model = new BisectingKMeans({ nClusters: 6, seed: 8, metric, bisectingStrategy: 'largest_cluster' }).fit(
        typed,
        { sampleWeight: weights },
      );
      const text = JSON.stringify(model);
      const loaded = BisectingKMeans.fromJSON(text);
      expect(loaded.params).toEqual(model.params);
      expect(loaded.tree).toEqual(model.tree);
      expect(loaded.clusterCenters).toEqual(model.clusterCenters);
      expect(loaded.centersAt(3)).toEqual(model.centersAt(3));
      expect(loaded.predict(typed)).toEqual(model.predict(typed));
      expect(loaded.transform(typed)).toEqual(model.transform(typed));
      expect(loaded.score(typed)).toBe(model.score(typed));
      expect(loaded.inertia).toBe(model.inertia);
      expect(loaded.clusterSizes).toEqual(model.clusterSizes);
      expect(loaded.clusterInertia).toEqual(model.clusterInertia);
      expect(loaded.labels).toEqual(new Int32Array(0));
      expect(loaded.labelsAt(2)).toEqual(new Int32Array(0));
      expect(JSON.parse(JSON.stringify(loaded))).toEqual(JSON.parse(text));
    }
  });

  it('refuses files of another class, and damaged trees', () => {
    const model = new BisectingKMeans({ nClusters: 3, seed: 1 }).fit(data);
    const json = model.toJSON();
    const invalid = (message: string | RegExp, file: unknown) =>
      expectKMeansError(() => BisectingKMeans.fromJSON(file), 'ERR_KMEANS_INVALID_MODEL', message);
    expectKMeansError(
      () => KMeans.fromJSON(json),
      'ERR_KMEANS_INVALID_MODEL',
      'Cannot read the model file: it holds a BisectingKMeans, not a KMeans',
    );
    invalid(
      'Cannot read the model file: it holds a KMeans, not a BisectingKMeans',
      new KMeans({ nClusters: 2 }).fit(X).toJSON(),
    );
    const tree = json.extra.tree as Record<string, unknown>[];
    const withTree = (nodes: unknown) => ({ ...json, extra: { tree: nodes } });
    invalid('Cannot read the model file: "extra.tree" must hold 2 × nClusters − 1 = 5 nodes', { ...json, extra: {} });
    invalid(/"extra.tree" must hold/, withTree(tree.slice(0, 3)));
    invalid(/node 0 has parent 1: the root's is null/, withTree([{ ...tree[0], parent: 1 }, ...tree.slice(1)]));
    invalid(
      /nodes 3 and 4 must share a parent made before them/,
      withTree([...tree.slice(0, 3), { ...tree[3], parent: 4 }, tree[4]]),
    );
    invalid(
      /node 2 must have a "size" that is an integer >= 0/,
      withTree(tree.map((node, id) => (id === 2 ? { ...node, size: -1 } : node))),
    );
    invalid(
      /node 1 must have a "center" of nFeatures = 4 finite numbers/,
      withTree(tree.map((node, id) => (id === 1 ? { ...node, center: [0, 0] } : node))),
    );
    const moved = tree.map((node, id) =>
      id === 4 ? { ...node, center: (node.center as number[]).map((v) => v + 1) } : node,
    );
    invalid(/"extra.tree" leaf 4 is not row \d of "clusterCenters"/, withTree(moved));
    invalid(/"params" are not valid options: bisectingStrategy must be/, {
      ...json,
      params: { ...json.params, bisectingStrategy: 'x' },
    });
    const cosine = new BisectingKMeans({ nClusters: 2, seed: 1, metric: 'cosine' }).fit(data).toJSON();
    const stretched = (cosine.extra.tree as Record<string, unknown>[]).map((node) => ({
      ...node,
      center: (node.center as number[]).map((v) => v * 2),
    }));
    invalid(/metric "cosine" needs centers of length 1/, { ...cosine, extra: { tree: stretched } });
  });
});
