// fitSource with init 'k-means||': the seeding reads the source in passes through the same plan
// as fit, so fitSource gives fit's bits whatever the chunks.
import { describe, expect, it } from 'vitest';
import { KMeans, chunkSource } from '../../src/index';
import type { FloatArray } from '../../src/binding';
import { blobs, matrix } from '../helpers';

describe('fitSource with k-means||', () => {
  const rows = blobs(5000, 5, 12, 21);
  const weights = Float64Array.from({ length: 5000 }, (_, i) => (i % 11 === 0 ? 0 : 1 + (i % 4)));
  const chunks = (X: { data: FloatArray; rows: number; cols: number }, size: number, weighted: boolean) => {
    const out = [];
    for (let begin = 0; begin < X.rows; begin += size) {
      const end = Math.min(X.rows, begin + size);
      const part = { data: X.data.subarray(begin * X.cols, end * X.cols), rows: end - begin, cols: X.cols };
      out.push(weighted ? { X: part, sampleWeight: weights.subarray(begin, end) } : part);
    }
    return out;
  };

  it.each([
    { dtype: 'float64', metric: 'euclidean', weighted: false },
    { dtype: 'float32', metric: 'euclidean', weighted: true },
    { dtype: 'float64', metric: 'cosine', weighted: true },
  ] as const)(
    'gives the bits of fit, whatever the chunks ($dtype, $metric, weighted $weighted)',
    async ({ dtype, metric, weighted }) => {
      const X = matrix(rows, dtype);
      const options = { nClusters: 12, init: 'k-means||', seed: 5, metric } as const;
      const reference = new KMeans(options).fit(X, { sampleWeight: weighted ? weights : undefined });
      // A chunk's weights may not all be zero: the weighted chunks hold a few rows at least.
      for (const size of weighted ? [7, 300, 1024, 5000] : [1, 300, 1024, 1500, 5000]) {
        const source = chunkSource(async function* () {
          yield* chunks(X, size, weighted);
        });
        const model = await new KMeans(options).fitSource(source);
        expect(model.clusterCenters.data).toEqual(reference.clusterCenters.data);
        expect(model.inertia).toBe(reference.inertia);
        expect(model.nIter).toBe(reference.nIter);
      }
    },
  );

  it('needs nClusters rows of positive weight in the source too', async () => {
    const X = matrix(rows.slice(0, 10));
    const source = chunkSource(() => [
      { X, sampleWeight: Float64Array.from({ length: 10 }, (_, i) => (i < 2 ? 1 : 0)) },
    ]);
    await expect(new KMeans({ nClusters: 3, init: 'k-means||' }).fitSource(source)).rejects.toMatchObject({
      code: 'ERR_KMEANS_TOO_FEW_SAMPLES',
      message: 'init "k-means||" needs nClusters = 3 samples with positive weight (got 2)',
    });
  });
});
