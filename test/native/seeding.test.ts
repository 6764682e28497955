// k-means++ runs natively, screening candidate distances with the float32 labelling kernels and
// computing exact distances only where they can matter. Its choices must be those of the plain
// algorithm computing every distance exactly, from the same draws of the library's generator:
// a reference written here in JavaScript, float64 throughout.
import { describe, expect, it } from 'vitest';
import { kmeansPlusPlus, kmeansPlusPlusAsync } from '../../src/index';
import type { Matrix } from '../../src/matrix';
import { Random } from '../../src/rng';
import { blobs, matrix } from '../helpers';

// Small problems run on one thread unless told otherwise: these tests compare thread counts.
process.env.KMEANS_NATIVE_WORK_PER_THREAD = '1';

/** Greedy k-means++ with every distance computed: the rows scikit-learn's algorithm chooses. */
function referencePlusPlus(X: Matrix, k: number, seed: number, trials: number, weights?: number[]): number[] {
  const n = X.rows;
  const d = X.cols;
  const rng = new Random(seed);
  const weight = (i: number) => (weights ? weights[i]! : 1);
  const distance = (i: number, j: number) => {
    let sum = 0;
    for (let f = 0; f < d; f++) sum += (X.data[i * d + f]! - X.data[j * d + f]!) ** 2;
    return sum;
  };
  const draw = (value: (i: number) => number, u: number) => {
    const totals = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) totals[i] = sum += value(i);
    const target = u * sum;
    let row = totals.findIndex((total) => total > target);
    if (row < 0) row = n - 1;
    while (row > 0 && totals[row] === totals[row - 1]) row--;
    return row;
  };
  const closest = new Float64Array(n).fill(Infinity);
  const chosen = [draw(weight, rng.nextDouble())];
  for (let i = 0; i < n; i++) closest[i] = distance(i, chosen[0]!);
  for (let c = 1; c < k; c++) {
    const potential = closest.reduce((sum, value, i) => sum + weight(i) * value, 0);
    const candidates = Array.from({ length: trials }, () => {
      const u = rng.nextDouble();
      return potential > 0 ? draw((i) => weight(i) * closest[i]!, u) : draw(weight, u);
    });
    const potentials = candidates.map((row) =>
      closest.reduce((sum, value, i) => sum + weight(i) * Math.min(value, distance(i, row)), 0),
    );
    const best = potentials.indexOf(Math.min(...potentials));
    chosen.push(candidates[best]!);
    for (let i = 0; i < n; i++) closest[i] = Math.min(closest[i]!, distance(i, candidates[best]!));
  }
  return chosen;
}

describe('k-means++ chooses the rows the exact algorithm chooses', () => {
  const cases = [
    { n: 500, d: 2, k: 12, blobs: 12, spread: 10 },
    { n: 800, d: 16, k: 20, blobs: 5, spread: 3 },
    { n: 300, d: 64, k: 9, blobs: 30, spread: 1 },
    { n: 400, d: 200, k: 15, blobs: 15, spread: 10 },
    { n: 257, d: 784, k: 10, blobs: 4, spread: 0.5 },
  ];
  it.each(cases)('n=$n d=$d k=$k ($blobs blobs, spread $spread)', (p) => {
    const rows = blobs(p.n, p.d, p.blobs, p.n + p.d, p.spread, 1);
    // Exact duplicates, which give ties between candidates and zero distances.
    for (let i = 0; i < 20; i++) rows[i + 20] = rows[i]!.slice();
    const weights = rows.map((_, i) => (i % 7 === 0 ? 0 : 1 + (i % 3)));
    for (const dtype of ['float64', 'float32'] as const) {
      const X = matrix(rows, dtype);
      for (const seed of [0, 1, 2]) {
        const trials = 2 + Math.floor(Math.log(p.k));
        const expected = referencePlusPlus(X, p.k, seed, trials);
        expect(Array.from(kmeansPlusPlus(X, p.k, { seed }).indices)).toEqual(expected);
        expect(Array.from(kmeansPlusPlus(X, p.k, { seed, threads: 1 }).indices)).toEqual(expected);
        const weighted = referencePlusPlus(X, p.k, seed, 1, weights);
        expect(Array.from(kmeansPlusPlus(X, p.k, { seed, nLocalTrials: 1, sampleWeight: weights }).indices)).toEqual(
          weighted,
        );
      }
    }
  });

  it('is the same in an async call', async () => {
    const X = matrix(blobs(2000, 300, 20, 7, 10, 1), 'float32');
    const sync = kmeansPlusPlus(X, 40, { seed: 5 });
    expect(await kmeansPlusPlusAsync(X, 40, { seed: 5 })).toEqual(sync);
  });
});
