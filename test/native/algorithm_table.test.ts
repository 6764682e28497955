// The native table of algorithms is the one list: the addon reports its names, TypeScript's
// union matches them, 'auto' is resolved natively by the problem's shape, and every listed
// algorithm gives the same fit.
import { describe, expect, it } from 'vitest';
import { KMeans, info } from '../../src/index';
import { algorithmNames } from '../../src/algorithms';
import { native } from '../../src/binding';
import { blobs } from '../helpers';

describe('the algorithm table', () => {
  it('is what the addon reports, in the same order as the TypeScript union', () => {
    expect(native().info().algorithms).toEqual([...algorithmNames]);
    expect(info().algorithms).toEqual([...algorithmNames]);
  });

  it("resolves 'auto' natively: Hamerly from k = 32 or from k = 9 with 128 features, else Lloyd", () => {
    const cases: [number, number, string][] = [
      [31, 4, 'lloyd'],
      [32, 4, 'hamerly'],
      [8, 128, 'lloyd'],
      [9, 128, 'hamerly'],
      [9, 127, 'lloyd'],
    ];
    for (const [k, d, expected] of cases) {
      const X = blobs(400, d, k, 7);
      const model = new KMeans({ nClusters: k, seed: 1, maxIter: 3 }).fit(X);
      expect(model.algorithmUsed, `k = ${k}, d = ${d}`).toBe(expected);
    }
  });

  it('gives every listed algorithm the same labels, centers and iterations', () => {
    const X = blobs(900, 6, 5, 3);
    const fits = algorithmNames.map((algorithm) => new KMeans({ nClusters: 5, seed: 4, algorithm }).fit(X));
    for (const fit of fits) {
      expect(fit.labels).toEqual(fits[0]!.labels);
      expect(fit.clusterCenters.data).toEqual(fits[0]!.clusterCenters.data);
      expect(fit.nIter).toBe(fits[0]!.nIter);
    }
  });

  it('refuses an algorithm outside the table with the names it has', () => {
    expect(() => new KMeans({ algorithm: 'yinyang' as never })).toThrow(
      /algorithm.*"lloyd", "elkan", "hamerly" or "auto"/,
    );
  });
});
