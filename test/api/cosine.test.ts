// metric: 'cosine' (spherical k-means) against a direct implementation: unit rows, assignment
// by largest cosine similarity, centers re-scaled to unit length.
import { describe, expect, it } from 'vitest';
import { KMeans, KMeansError, MiniBatchKMeans } from '../../src/index';
import { blobs } from '../helpers';

function unit(row: number[]): number[] {
  const norm = Math.sqrt(row.reduce((sum, v) => sum + v * v, 0));
  return row.map((v) => v / norm);
}

const dot = (a: number[], b: number[]) => a.reduce((sum, v, f) => sum + v * b[f]!, 0);

/** Spherical k-means (Dhillon & Modha 2001), written out plainly. */
function sphericalKMeans(X: number[][], init: number[][], maxIter = 300) {
  const rows = X.map(unit);
  let centers = init.map(unit);
  let labels: number[] = [];
  for (let iter = 0; iter < maxIter; iter++) {
    const next = rows.map((row) => {
      let best = 0;
      for (let j = 1; j < centers.length; j++) if (dot(row, centers[j]!) > dot(row, centers[best]!)) best = j;
      return best;
    });
    const stable = next.every((label, i) => label === labels[i]);
    labels = next;
    if (stable) break;
    centers = centers.map((center, j) => {
      const members = rows.filter((_, i) => labels[i] === j);
      if (members.length === 0) return center;
      return unit(center.map((_, f) => members.reduce((sum, row) => sum + row[f]!, 0)));
    });
  }
  const inertia = rows.reduce((sum, row, i) => sum + (1 - dot(row, centers[labels[i]!]!)), 0);
  return { labels, centers, inertia };
}

/** Points spread around a few directions, at very different lengths (cosine ignores length). */
function directions(n: number, d: number, k: number, seed: number): number[][] {
  const points = blobs(n, d, k, seed, 10, 2);
  return points.map((row, i) => row.map((v) => v * (1 + (i % 7) * 3)));
}

describe("metric: 'cosine'", () => {
  for (const [n, d, k, seed] of [
    [500, 5, 4, 1],
    [800, 40, 6, 2],
    [300, 3, 3, 3],
  ] as const) {
    it(`matches a direct spherical k-means (n=${n}, d=${d}, k=${k})`, () => {
      const X = directions(n, d, k, seed);
      const init = X.slice(0, k).map((row) => row.slice());
      const expected = sphericalKMeans(X, init);
      const model = new KMeans({ nClusters: k, init, metric: 'cosine', algorithm: 'lloyd', tol: 0 }).fit(X);
      expect(Array.from(model.labels)).toEqual(expected.labels);
      const centers = model.clusterCenters.data;
      expected.centers.forEach((center, j) =>
        center.forEach((v, f) => expect(Math.abs(centers[j * d + f]! - v)).toBeLessThan(1e-12)),
      );
      expect(model.inertia).toBeCloseTo(expected.inertia, 9);
      // predict is the largest cosine similarity; transform the cosine distance.
      expect(model.predict(X)).toEqual(model.labels);
      const distances = model.transform(X.slice(0, 5));
      const row0 = unit(X[0]!);
      for (let j = 0; j < k; j++) {
        expect(distances.data[j]!).toBeCloseTo(1 - dot(row0, expected.centers[j]!), 12);
      }
      expect(-model.score(X)).toBeCloseTo(model.inertia, 9);
      // Hamerly and Elkan give the same clustering.
      for (const algorithm of ['hamerly', 'elkan'] as const) {
        const other = new KMeans({ nClusters: k, init, metric: 'cosine', algorithm, tol: 0 }).fit(X);
        expect(other.labels).toEqual(model.labels);
        expect(other.clusterCenters.data).toEqual(model.clusterCenters.data);
      }
    });
  }

  it('ignores the length of rows and keeps centers at unit length', () => {
    const X = directions(400, 8, 3, 4);
    const scaled = X.map((row, i) => row.map((v) => v * (i + 1)));
    const a = new KMeans({ nClusters: 3, metric: 'cosine', seed: 5 }).fit(X);
    const b = new KMeans({ nClusters: 3, metric: 'cosine', seed: 5 }).fit(scaled);
    expect(b.labels).toEqual(a.labels);
    for (let j = 0; j < 3; j++) {
      const center = Array.from(a.clusterCenters.data.subarray(j * 8, (j + 1) * 8));
      expect(Math.sqrt(dot(center, center))).toBeCloseTo(1, 12);
    }
  });

  it('works for MiniBatchKMeans, within 5% of full-batch cosine k-means', () => {
    const X = directions(6000, 32, 5, 6);
    const full = new KMeans({ nClusters: 5, metric: 'cosine', seed: 1, nInit: 3 }).fit(X);
    const mini = new MiniBatchKMeans({ nClusters: 5, metric: 'cosine', seed: 1, nInit: 3, batchSize: 512 }).fit(X);
    expect(mini.inertia / full.inertia).toBeLessThan(1.05);
    for (let j = 0; j < 5; j++) {
      const center = Array.from(mini.clusterCenters.data.subarray(j * 32, (j + 1) * 32));
      expect(Math.sqrt(dot(center, center))).toBeCloseTo(1, 6);
    }
  });

  it('rejects rows of length zero with a typed error', () => {
    const X = [
      [1, 0],
      [0, 0],
      [0, 1],
    ];
    for (const fit of [
      () => new KMeans({ nClusters: 2, metric: 'cosine' }).fit(X),
      () => new MiniBatchKMeans({ nClusters: 2, metric: 'cosine' }).fit(X),
    ]) {
      expect(fit).toThrow(KMeansError);
      expect(fit).toThrow('X row 1 has length zero: metric "cosine" needs every row to have a direction');
    }
    const init = [
      [1, 0],
      [0, 0],
    ];
    expect(() =>
      new KMeans({ nClusters: 2, metric: 'cosine', init }).fit([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    ).toThrow('init row 1 has length zero');
    expect(() => new KMeans({ metric: 'manhattan' as never })).toThrow('metric must be "euclidean" or "cosine"');
  });
});
