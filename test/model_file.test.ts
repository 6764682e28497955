// Model files: toJSON / fromJSON round trips predict exactly; anything else is a typed error.
import { describe, expect, it } from 'vitest';
import { KMeans, KMeansError, MiniBatchKMeans } from '../src/index';
import { blobs, matrix } from './helpers';

const X = blobs(600, 5, 4, 3);
const queries = blobs(200, 5, 4, 4);

function throughText<T>(model: { toJSON(): unknown }, read: (text: string) => T): T {
  return read(JSON.stringify(model));
}

describe('KMeans model files', () => {
  for (const [label, data, options] of [
    ['float64', X, {}],
    ['float32', matrix(X, 'float32'), {}],
    ['cosine', X, { metric: 'cosine' as const }],
    ['explicit init', X, { init: X.slice(0, 4) }],
  ] as const) {
    it(`round trip reproduces predict, transform and score exactly (${label})`, () => {
      const model = new KMeans({ nClusters: 4, seed: 1, ...options }).fit(data);
      const loaded = throughText(model, (text) => KMeans.fromJSON(text));
      const query = label === 'float32' ? matrix(queries, 'float32') : queries;
      expect(loaded.predict(query)).toEqual(model.predict(query));
      expect(loaded.transform(query).data).toEqual(model.transform(query).data);
      expect(loaded.score(query)).toBe(model.score(query));
      expect(loaded.clusterCenters.data).toEqual(model.clusterCenters.data);
      expect(loaded.params).toEqual(model.params);
      expect(loaded.inertia).toBe(model.inertia);
      expect(loaded.nIter).toBe(model.nIter);
      expect(loaded.algorithmUsed).toBe(model.algorithmUsed);
      expect(loaded.labels.length).toBe(0);
    });
  }

  it('accepts the object as well as its text', () => {
    const model = new KMeans({ nClusters: 3, seed: 2 }).fit(X);
    expect(KMeans.fromJSON(model.toJSON()).predict(queries)).toEqual(model.predict(queries));
  });

  it('refuses anything but a model file of this version and class, saying why', () => {
    const good = new KMeans({ nClusters: 2, seed: 1 }).fit(X).toJSON();
    const cases: [unknown, string][] = [
      ['{not json', 'it is not valid JSON'],
      [[1, 2], 'it is not an object'],
      [{ ...good, format: 'other' }, 'its "format" is not "kmeans-native-model"'],
      [{ ...good, version: 2 }, 'it has version 2; this library reads version 1'],
      [{ ...good, model: 'MiniBatchKMeans' }, 'it holds a MiniBatchKMeans, not a KMeans'],
      [{ ...good, dtype: 'int8' }, 'its "dtype" is not "float64" or "float32"'],
      [{ ...good, nClusters: 0 }, '"nClusters" and "nFeatures" must be integers >= 1'],
      [{ ...good, clusterCenters: [1, 2] }, '"clusterCenters" must hold nClusters × nFeatures = 10 numbers'],
      [{ ...good, clusterCenters: good.clusterCenters.map(() => NaN) }, '"clusterCenters" must hold finite numbers only'],
      [{ ...good, params: { ...good.params, maxIter: -1 } }, 'its "params" are not valid options: maxIter must be an integer >= 1'],
    ];
    for (const [file, message] of cases) {
      let error: unknown;
      try {
        KMeans.fromJSON(file);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(KMeansError);
      expect((error as KMeansError).code).toBe('ERR_KMEANS_INVALID_MODEL');
      expect((error as KMeansError).message).toContain(`Cannot read the model file: ${message}`);
    }
  });
});

describe('MiniBatchKMeans model files', () => {
  it('round trip reproduces predict exactly, and partialFit goes on from where it was', () => {
    const options = { nClusters: 4, seed: 5, batchSize: 64, reassignmentRatio: 0 };
    const model = new MiniBatchKMeans(options).fit(X);
    const loaded = throughText(model, (text) => MiniBatchKMeans.fromJSON(text));
    expect(loaded.predict(queries)).toEqual(model.predict(queries));
    expect(loaded.transform(queries).data).toEqual(model.transform(queries).data);
    expect(loaded.nSteps).toBe(model.nSteps);
    model.partialFit(queries);
    loaded.partialFit(queries);
    expect(loaded.clusterCenters.data).toEqual(model.clusterCenters.data);
    expect(() => KMeans.fromJSON(model.toJSON())).toThrow('it holds a MiniBatchKMeans, not a KMeans');
  });
});
