// Results against scikit-learn, from fixtures made by fixtures/make_fixtures.py (see there).
import { describe, expect, it } from 'vitest';
import { KMeans, kmeansPlusPlus } from '../../src/index';
import { matrix, maxRelativeError, reference } from '../helpers';

// Centers: max |ours - sklearn| relative to the largest center coordinate. float64 to 1e-9;
// float32 to a few float32 ulps (scikit-learn sums in float32, we sum in double).
const centerTolerance = { float64: 1e-9, float32: 1e-5 };
const inertiaTolerance = { float64: 1e-9, float32: 1e-5 };

describe.each(reference.cases)('KMeans matches scikit-learn: $name', (c) => {
  const X = matrix(reference.datasets[c.dataset]!.X, c.dtype);
  const fit = () =>
    new KMeans({ nClusters: c.nClusters, init: matrix(c.init, c.dtype), maxIter: c.maxIter, tol: c.tol }).fit(X, {
      sampleWeight: c.sampleWeight ?? undefined,
    });

  it('gives the same labels, centers, inertia and nIter', () => {
    const km = fit();
    expect(Array.from(km.labels)).toEqual(c.expected.labels);
    expect(km.nIter).toBe(c.expected.nIter);
    expect(km.clusterCenters.data).toBeInstanceOf(c.dtype === 'float32' ? Float32Array : Float64Array);
    expect(km.clusterCenters.rows).toBe(c.nClusters);
    expect(maxRelativeError(km.clusterCenters.data, c.expected.centers.flat())).toBeLessThan(centerTolerance[c.dtype]);
    expect(Math.abs(km.inertia - c.expected.inertia) / c.expected.inertia).toBeLessThan(inertiaTolerance[c.dtype]);
    expect(km.converged).toBe(true);
  });
});

const withPredict = reference.cases.filter((c) => c.predict);

describe.each(withPredict)('predict, transform and score match scikit-learn: $name', (c) => {
  const X = matrix(reference.datasets[c.dataset]!.X, c.dtype);
  const query = matrix(c.predict!.X, c.dtype);
  const km = new KMeans({ nClusters: c.nClusters, init: matrix(c.init, c.dtype), maxIter: c.maxIter, tol: c.tol });

  it('gives the same labels, distances and score', () => {
    km.fit(X, { sampleWeight: c.sampleWeight ?? undefined });
    expect(Array.from(km.predict(query))).toEqual(c.predict!.labels);
    const distances = km.transform(query);
    expect([distances.rows, distances.cols]).toEqual([c.predict!.X.length, c.nClusters]);
    expect(distances.data).toBeInstanceOf(c.dtype === 'float32' ? Float32Array : Float64Array);
    expect(maxRelativeError(distances.data, c.predict!.transform.flat())).toBeLessThan(centerTolerance[c.dtype]);
    expect(Math.abs(km.score(query) - c.predict!.score) / Math.abs(c.predict!.score)).toBeLessThan(
      inertiaTolerance[c.dtype],
    );
  });
});

describe.each(reference.plusPlus)('k-means++ quality against scikit-learn: $name', (r) => {
  const X = matrix(reference.datasets[r.dataset]!.X);
  const seeds = Array.from({ length: 100 }, (_, seed) => seed);

  it('mean seeding potential over 100 seeds is within 2% of scikit-learn over 200', () => {
    const potential = (centers: Float64Array) => {
      let total = 0;
      for (let i = 0; i < X.rows; i++) {
        let best = Infinity;
        for (let j = 0; j < r.nClusters; j++) {
          let dist = 0;
          for (let f = 0; f < X.cols; f++) dist += (X.data[i * X.cols + f]! - centers[j * X.cols + f]!) ** 2;
          best = Math.min(best, dist);
        }
        total += best;
      }
      return total;
    };
    const mean =
      seeds.reduce(
        (sum, seed) => sum + potential(kmeansPlusPlus(X, r.nClusters, { seed }).centers.data as Float64Array),
        0,
      ) / seeds.length;
    expect(Math.abs(mean / r.meanPotential - 1)).toBeLessThan(0.02);
  });

  it('mean KMeans inertia from k-means++ over 100 seeds is within 2% of scikit-learn over 200', () => {
    const mean =
      seeds.reduce((sum, seed) => sum + new KMeans({ nClusters: r.nClusters, seed }).fit(X).inertia, 0) / seeds.length;
    expect(Math.abs(mean / r.meanFitInertia - 1)).toBeLessThan(0.02);
  });
});
