// BisectingKMeans: its results against scikit-learn's (fixtures/bisecting_reference.json, as
// distributions over seeds, and exactly where every seed finds the same clustering), the
// algorithm's rules (which leaf is split, the 2-means of each split, predict's walk down the
// tree), the tree's invariants and the clusterings of its levels.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BisectingKMeans, KMeans } from '../../src/index';
import type { BisectingNode, BisectingStrategy, BisectingInit } from '../../src/index';
import { blobs, matrix } from '../helpers';

interface BisectingReference {
  sklearnVersion: string;
  seeds: number;
  datasets: Record<
    string,
    {
      X: number[][];
      sampleWeight: number[] | null;
      nClusters: number;
      inertia: Record<string, { mean: number; std: number; min: number }>;
    }
  >;
  separated: {
    X: number[][];
    nClusters: number;
    runs: { init: BisectingInit; bisectingStrategy: BisectingStrategy; labels: number[]; inertia: number }[];
  };
}

const reference: BisectingReference = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'bisecting_reference.json'), 'utf8'),
);

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Whether two labellings are the same partition, up to the numbering of the clusters. */
function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const forward = new Map<number, number>();
  const backward = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((forward.get(a[i]!) ?? b[i]) !== b[i] || (backward.get(b[i]!) ?? a[i]) !== a[i]) return false;
    forward.set(a[i]!, b[i]!);
    backward.set(b[i]!, a[i]!);
  }
  return true;
}

/** The leaves after the first `bisections` bisections, depth first, from the public tree. */
function leavesAfter(tree: BisectingNode[], bisections: number): number[] {
  const walk = (id: number): number[] => {
    const children = tree[id]!.children;
    return children && children[0] < 2 * bisections + 1 ? [...walk(children[0]), ...walk(children[1])] : [id];
  };
  return walk(0);
}

const SEEDS = 30;

describe('BisectingKMeans against scikit-learn', () => {
  // Both are randomised with different generators: our mean inertia over 30 seeds against
  // scikit-learn's over the fixture's seeds (200). Stated bound 3%; measured within 1% on all
  // sixteen (largest gap 0.8%, iris with 'random'). scikit-learn 1.2 seeds without the sample
  // weights and this library with them, as scikit-learn >= 1.3, which the weighted set allows.
  for (const [name, data] of Object.entries(reference.datasets)) {
    for (const [key, expected] of Object.entries(data.inertia)) {
      const [bisectingStrategy, init] = key.split('/') as [BisectingStrategy, BisectingInit];
      it(`${name}, ${bisectingStrategy}, init ${init}: mean inertia over ${SEEDS} seeds within 3% of scikit-learn's`, () => {
        const options = data.sampleWeight ? { sampleWeight: data.sampleWeight } : {};
        const inertias = Array.from(
          { length: SEEDS },
          (_, seed) =>
            new BisectingKMeans({ nClusters: data.nClusters, init, bisectingStrategy, seed }).fit(data.X, options)
              .inertia,
        );
        expect(Math.abs(mean(inertias) / expected.mean - 1)).toBeLessThan(0.03);
        // No run beats scikit-learn's best by more than the spread between local optima allows.
        expect(Math.min(...inertias)).toBeGreaterThan(expected.min * 0.97);
      });
    }
  }

  const { X, nClusters, runs } = reference.separated;
  for (const run of runs) {
    it(`separated blobs, ${run.bisectingStrategy}, init ${run.init}: scikit-learn's clustering for every seed`, () => {
      for (let seed = 0; seed < 10; seed++) {
        const model = new BisectingKMeans({
          nClusters,
          init: run.init,
          bisectingStrategy: run.bisectingStrategy,
          seed,
        });
        model.fit(X);
        expect(samePartition(model.labels, run.labels)).toBe(true);
        expect(model.inertia).toBeCloseTo(run.inertia, 8);
      }
    });
  }
});

describe('BisectingKMeans algorithm', () => {
  const X = blobs(900, 3, 7, 21, 8, 1.5);
  const weights = X.map((_, i) => 0.25 + (i % 7) * 0.5);

  it('makes its first bisection as KMeans with k = 2, nInit = 1 and the same seed and init', () => {
    for (const init of ['random', 'k-means++'] as const) {
      for (const metric of ['euclidean', 'cosine'] as const) {
        const bisecting = new BisectingKMeans({ nClusters: 2, init, seed: 4, tol: 0, metric }).fit(X, {
          sampleWeight: weights,
        });
        const kmeans = new KMeans({ nClusters: 2, init, nInit: 1, seed: 4, tol: 0, metric }).fit(X, {
          sampleWeight: weights,
        });
        expect(bisecting.labels).toEqual(kmeans.labels);
        expect(bisecting.clusterCenters.data).toEqual(kmeans.clusterCenters.data);
        expect(bisecting.inertia).toBe(kmeans.inertia);
      }
    }
  });

  for (const bisectingStrategy of ['biggest_inertia', 'largest_cluster'] as const) {
    it(`splits the leaf of ${bisectingStrategy === 'biggest_inertia' ? 'largest weighted inertia' : 'most rows (not weight)'} each time`, () => {
      const model = new BisectingKMeans({ nClusters: 9, bisectingStrategy, seed: 2 }).fit(X, { sampleWeight: weights });
      const tree = model.tree;
      for (let b = 0; b < 8; b++) {
        const split = tree[2 * b + 1]!.parent!;
        const score = (id: number) => (bisectingStrategy === 'biggest_inertia' ? tree[id]!.inertia : tree[id]!.size);
        const leaves = leavesAfter(tree, b);
        const first = leaves.find((id) => score(id) === Math.max(...leaves.map(score)));
        expect(split).toBe(first);
      }
    });
  }

  it('keeps a consistent tree: sizes, weights and inertias add up, a center is the weighted mean of its rows', () => {
    for (const metric of ['euclidean', 'cosine'] as const) {
      const model = new BisectingKMeans({ nClusters: 8, seed: 7, tol: 0, metric }).fit(X, { sampleWeight: weights });
      const tree = model.tree;
      expect(tree).toHaveLength(15);
      expect(tree[0]!.parent).toBeNull();
      expect(tree[0]!.size).toBe(900);
      expect(tree[0]!.weight).toBeCloseTo(mean(weights) * 900, 9);
      const leaves = tree.filter((node) => node.children === null);
      expect(leaves.map((node) => node.label).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(tree.filter((node) => node.children !== null).every((node) => node.label === -1)).toBe(true);
      expect(mean(leaves.map((node) => node.inertia)) * 8).toBeCloseTo(model.inertia, 6);
      for (const leaf of leaves) {
        expect(leaf.size).toBe(model.labels.filter((label) => label === leaf.label).length);
        expect(Array.from(leaf.center)).toEqual(
          Array.from(model.clusterCenters.data.subarray(leaf.label * 3, leaf.label * 3 + 3)),
        );
      }
      for (const node of tree.filter((candidate) => candidate.children !== null)) {
        const [a, b] = node.children!.map((id) => tree[id]!);
        expect(a!.parent).toBe(node.id);
        expect(b!.size + a!.size).toBe(node.size);
        expect(a!.weight + b!.weight).toBeCloseTo(node.weight, 9);
        expect(node.inertia).toBeGreaterThanOrEqual(a!.inertia + b!.inertia);
        if (metric === 'cosine') {
          for (const child of [a!, b!]) expect(Math.hypot(...child.center)).toBeCloseTo(1, 12);
          continue;
        }
        for (let f = 0; f < 3; f++) {
          const combined = (a!.center[f]! * a!.weight + b!.center[f]! * b!.weight) / node.weight;
          expect(combined).toBeCloseTo(node.center[f]!, 9);
        }
      }
    }
  });

  it('gives the clustering of every level: labelsAt and centersAt', () => {
    const model = new BisectingKMeans({ nClusters: 7, seed: 3, tol: 0 }).fit(X);
    expect(model.labelsAt(7)).toEqual(model.labels);
    expect(model.centersAt(7)).toEqual(model.clusterCenters);
    expect(model.labelsAt(1)).toEqual(new Int32Array(900));
    for (let k = 1; k <= 7; k++) {
      const labels = model.labelsAt(k);
      const centers = model.centersAt(k);
      expect(centers.rows).toBe(k);
      expect(new Set(labels).size).toBe(k);
      // Numbered left to right: each label first appears in the order of the leaves.
      const leaves = leavesAfter(model.tree, k - 1);
      leaves.forEach((id, label) => {
        const center = Array.from(centers.data.subarray(label * 3, label * 3 + 3));
        expect(center).toEqual(Array.from(model.tree[id]!.center));
        const rows = X.filter((_, i) => labels[i] === label);
        expect(rows).toHaveLength(model.tree[id]!.size);
        for (let f = 0; f < 3; f++) expect(mean(rows.map((row) => row[f]!))).toBeCloseTo(center[f]!, 9);
      });
      // Each level refines the one before.
      if (k > 1) {
        const coarser = model.labelsAt(k - 1);
        const parentOf = new Map<number, number>();
        labels.forEach((label, i) => {
          expect(parentOf.get(label) ?? coarser[i]).toBe(coarser[i]);
          parentOf.set(label, coarser[i]!);
        });
      }
    }
  });

  it('predicts the training labels for the training rows', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      for (const metric of ['euclidean', 'cosine'] as const) {
        const data = matrix(X, dtype);
        const model = new BisectingKMeans({ nClusters: 10, seed: 9, metric }).fit(data, { sampleWeight: weights });
        expect(model.predict(data)).toEqual(model.labels);
        expect(model.fitPredict(data, { sampleWeight: weights })).toEqual(model.labels);
      }
    }
  });

  it('predicts by walking down the tree, which is not always the nearest leaf center (as scikit-learn)', () => {
    // Wide cluster around 0, two tight ones at 7 and 13: the first split puts a row at 4.2 with
    // the wide cluster (4.2 from its center, 5.8 from the right one's), though the leaf at 7 is nearer.
    const rows = [
      ...Array.from({ length: 40 }, (_, i) => [-3 + (6 * i) / 39, (i % 5) * 0.1]),
      ...Array.from({ length: 20 }, (_, i) => [7 + (i % 4) * 0.05, (i % 3) * 0.1]),
      ...Array.from({ length: 20 }, (_, i) => [13 + (i % 4) * 0.05, (i % 3) * 0.1]),
    ];
    const model = new BisectingKMeans({ nClusters: 3, seed: 1 }).fit(rows);
    const query = [[4.2, 0.1]];
    const wide = model.predict([[0, 0]])[0]!;
    expect(model.predict(query)[0]).toBe(wide);
    const distances = model.transform(query).data;
    const nearest = distances.indexOf(Math.min(...distances));
    expect(nearest).not.toBe(wide);
    // transform and score use the leaf centers, as scikit-learn: score is the nearest center's.
    expect(-model.score(query)).toBeCloseTo(distances[nearest]! ** 2, 12);
  });

  it('gives the same bits on any thread count, sync or async', async () => {
    const data = matrix(X, 'float32');
    const options = { nClusters: 6, seed: 11, nInit: 3, init: 'k-means++' } as const;
    const reference = new BisectingKMeans({ ...options, threads: 1 }).fit(data, { sampleWeight: weights });
    const others = [
      new BisectingKMeans({ ...options, threads: 2 }).fit(data, { sampleWeight: weights }),
      new BisectingKMeans({ ...options, threads: 3 }).fit(data, { sampleWeight: weights }),
      await new BisectingKMeans({ ...options, threads: 2 }).fitAsync(data, { sampleWeight: weights }),
    ];
    for (const other of others) {
      expect(other.labels).toEqual(reference.labels);
      expect(other.clusterCenters.data).toEqual(reference.clusterCenters.data);
      expect(Object.is(other.inertia, reference.inertia)).toBe(true);
      expect(other.tree).toEqual(reference.tree);
      expect(other.nIter).toBe(reference.nIter);
    }
    expect(await reference.predictAsync(data)).toEqual(reference.predict(data));
  });

  it('reads typed columns as the same rows laid out row-major', () => {
    const data = matrix(X);
    const columns = { columns: [0, 1, 2].map((f) => Float64Array.from(X, (row) => row[f]!)) };
    const rows = new BisectingKMeans({ nClusters: 5, seed: 1 }).fit(data);
    const cols = new BisectingKMeans({ nClusters: 5, seed: 1 }).fit(columns);
    expect(cols.labels).toEqual(rows.labels);
    expect(cols.tree).toEqual(rows.tree);
    expect(cols.predict(columns)).toEqual(rows.predict(data));
  });

  it('handles one cluster, one row per cluster, and duplicate points', async () => {
    const small = [
      [0, 0],
      [1, 0],
      [5, 5],
      [6, 5],
      [9, 9],
    ];
    const one = new BisectingKMeans({ nClusters: 1 }).fit(small, { sampleWeight: [1, 1, 1, 1, 6] });
    expect(Array.from(one.clusterCenters.data)).toEqual([6.6000000000000005, 6.4]);
    expect(one.inertia).toBeCloseTo(238.8, 10);
    expect(one.labels).toEqual(new Int32Array(5));
    const each = new BisectingKMeans({ nClusters: 5, seed: 1 }).fit(small);
    expect(new Set(each.labels).size).toBe(5);
    expect(each.inertia).toBe(0);
    const warnings: string[] = [];
    const listener = (warning: Error) => warnings.push(warning.message);
    process.on('warning', listener);
    try {
      // Three equal rows cannot make two clusters: one leaf stays empty, as KMeans warns.
      const same = new BisectingKMeans({ nClusters: 3, seed: 1 }).fit([
        [1, 1],
        [1, 1],
        [1, 1],
        [2, 2],
      ]);
      expect(
        same.tree
          .filter((node) => node.label >= 0)
          .map((node) => node.size)
          .sort(),
      ).toEqual([0, 1, 3]);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listener);
    }
    expect(warnings).toEqual([
      'Number of distinct clusters (2) found smaller than nClusters (3). Possibly due to duplicate points in X.',
    ]);
  });
});
