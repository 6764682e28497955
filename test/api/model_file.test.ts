// Model files: toJSON / fromJSON round trips predict exactly; anything else is a typed error.
import { describe, expect, it } from 'vitest';
import { KMeans, KMeansError, MiniBatchKMeans } from '../../src/index';
import { blobs, matrix } from '../helpers';

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
      [
        { ...good, clusterCenters: good.clusterCenters.map(() => NaN) },
        '"clusterCenters" must hold finite numbers only',
      ],
      [
        { ...good, params: { ...good.params, maxIter: -1 } },
        'its "params" are not valid options: maxIter must be an integer >= 1',
      ],
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

describe('model files that do not hold together', () => {
  const kmeans = new KMeans({ nClusters: 4, seed: 1 }).fit(X);
  const good = kmeans.toJSON();
  const miniBatch = new MiniBatchKMeans({ nClusters: 4, seed: 5, batchSize: 64 }).fit(X).toJSON();

  function refusal(read: () => unknown): KMeansError {
    let error: unknown;
    try {
      read();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(KMeansError);
    expect((error as KMeansError).code).toBe('ERR_KMEANS_INVALID_MODEL');
    expect((error as KMeansError).message).not.toMatch(/[\n\r\u2028]/);
    return error as KMeansError;
  }

  it('reports a JSON syntax error on one line where the text has line breaks', () => {
    const text = JSON.stringify(good, null, 2).replace('"dtype": "float64"', '"dtype": x');
    expect(refusal(() => KMeans.fromJSON(text)).message).toMatch(
      /^Cannot read the model file: it is not valid JSON \(.*\\u000a/,
    );
  });

  it('reports a params key with a line break on one line', () => {
    const file = { ...good, params: { ...good.params, 'n\nClusters': 4 } };
    expect(refusal(() => KMeans.fromJSON(file)).message).toContain(
      'its "params" are not valid options: Unknown KMeans option',
    );
  });

  it('refuses a version or model of any type with a typed error', () => {
    expect(refusal(() => KMeans.fromJSON({ ...good, version: 1n })).message).toContain('it has version 1n;');
    expect(refusal(() => KMeans.fromJSON({ ...good, model: Object.create(null) })).message).toContain(
      'it holds an object, not a KMeans',
    );
    expect(refusal(() => KMeans.fromJSON({ ...good, model: 'a\nb' })).message).toContain(
      'it holds "a\\nb", not a KMeans',
    );
  });

  it('refuses clusterCenters or init data with holes, at once even for a huge length', () => {
    const holes = [...good.clusterCenters];
    delete holes[3];
    const withHoles = { ...good, clusterCenters: holes };
    expect(refusal(() => KMeans.fromJSON(withHoles)).message).toContain(
      '"clusterCenters" must hold finite numbers only',
    );
    const huge: number[] = [];
    huge.length = 2 ** 32 - 1; // 65535 × 65537, no element set
    huge[0] = 1;
    const start = performance.now();
    refusal(() => KMeans.fromJSON({ ...good, nClusters: 65535, nFeatures: 65537, clusterCenters: huge }));
    const init = { rows: 65535, cols: 65537, data: huge };
    const { nClusters: _, ...params } = good.params;
    expect(refusal(() => KMeans.fromJSON({ ...good, params: { ...params, init } })).message).toContain(
      '"params.init" must be',
    );
    expect(performance.now() - start).toBeLessThan(1000);
    const names = Array.from({ length: 5 }, (_, j) => `x${j}`);
    delete names[2];
    refusal(() => KMeans.fromJSON({ ...good, featureNames: names }));
  });

  it('refuses featureNames that name a column twice (predict picks columns by them)', () => {
    const good = new KMeans({ nClusters: 2, seed: 0 })
      .fit([
        [0, 0],
        [1, 1],
        [9, 9],
        [8, 8],
      ])
      .toJSON();
    expect(refusal(() => KMeans.fromJSON({ ...good, featureNames: ['a', 'a'] })).message).toBe(
      'Cannot read the model file: "featureNames" names "a" twice',
    );
    expect(KMeans.fromJSON({ ...good, featureNames: ['a', 'b'] }).toJSON().featureNames).toBeUndefined();
  });

  it('reads params.init data from an array with an own "constructor" key', () => {
    const init = new KMeans({ init: X.slice(0, 4), seed: 1 }).fit(X).toJSON();
    const data = [...(init.params.init as { data: number[] }).data];
    Object.defineProperty(data, 'constructor', { value: 5, enumerable: true });
    const file = { ...init, params: { ...init.params, init: { rows: 4, cols: 5, data } } };
    expect(KMeans.fromJSON(file).params.init).toEqual(KMeans.fromJSON(init).params.init);
  });

  it('refuses centers that predict could not use: beyond float32, or too large to square', () => {
    const f32 = { ...good, dtype: 'float32', clusterCenters: good.clusterCenters.map((v, i) => (i === 7 ? 1e39 : v)) };
    expect(refusal(() => KMeans.fromJSON(f32)).message).toContain(
      '"clusterCenters" row 1, column 2 is 1e+39, beyond the float32 range',
    );
    const f64 = { ...good, clusterCenters: good.clusterCenters.map((v, i) => (i === 0 ? 1e300 : v)) };
    expect(refusal(() => KMeans.fromJSON(f64)).message).toContain(
      '"clusterCenters" row 0, column 0 is 1e+300: sums of squared distances would overflow',
    );
  });

  it('refuses params that do not fit the centers: nClusters, init columns, unit length for cosine', () => {
    const { nClusters: _, ...unset } = miniBatch.params;
    // With nClusters at its default (8) for 4 centers, partialFit would fail with ERR_KMEANS_INTERNAL.
    expect(refusal(() => MiniBatchKMeans.fromJSON({ ...miniBatch, params: unset })).message).toContain(
      'its "params" give nClusters = 8, but "nClusters" is 4',
    );
    const two = { ...miniBatch, params: { ...miniBatch.params, nClusters: 2 }, extra: { nSteps: 1, counts: [1, 2] } };
    refusal(() => MiniBatchKMeans.fromJSON(two)); // else partialFit would keep 2 of the 4 centers
    const init = { rows: 4, cols: 2, data: [1, 2, 3, 4, 5, 6, 7, 8] };
    expect(refusal(() => KMeans.fromJSON({ ...good, params: { ...good.params, init } })).message).toContain(
      '"params.init" has 2 columns, but "nFeatures" is 5',
    );
    const cosine = new KMeans({ nClusters: 4, seed: 1, metric: 'cosine' }).fit(X).toJSON();
    expect(KMeans.fromJSON(cosine).predict(queries)).toEqual(KMeans.fromJSON(JSON.stringify(cosine)).predict(queries));
    const doubled = { ...cosine, clusterCenters: cosine.clusterCenters.map((v) => 2 * v) };
    expect(refusal(() => KMeans.fromJSON(doubled)).message).toContain(
      'metric "cosine" needs centers of length 1, but row 0',
    );
  });

  it('reads back a MiniBatchKMeans whose inertia was not computed (null in JSON)', () => {
    const model = new MiniBatchKMeans({ nClusters: 4, seed: 5, computeLabels: false }).partialFit(X);
    const loaded = MiniBatchKMeans.fromJSON(JSON.stringify(model));
    expect(loaded.inertia).toBeNaN();
    expect(loaded.predict(queries)).toEqual(model.predict(queries));
  });

  it('refuses inertia, nIter, params and extra unlike those toJSON writes', () => {
    const cases: [unknown, string][] = [
      [{ ...good, inertia: -1 }, '"inertia" must be a finite number >= 0 or null (got -1)'],
      [{ ...good, inertia: Infinity }, '"inertia" must be a finite number >= 0 or null (got Infinity)'],
      [{ ...good, nIter: 1.5 }, '"nIter" must be an integer >= 0 (got 1.5)'],
      [{ ...good, params: [] }, '"params" must be an object'],
      [{ ...good, extra: null }, '"extra", when present, must be an object'],
      [
        { ...good, extra: { algorithmUsed: 'lloid', converged: true } },
        '"extra.algorithmUsed" must be "lloyd", "elkan" or "hamerly"',
      ],
      [
        { ...good, extra: { algorithmUsed: 'lloyd', converged: 'yes' } },
        '"extra.converged" must be true or false (got "yes")',
      ],
    ];
    for (const [file, message] of cases) expect(refusal(() => KMeans.fromJSON(file)).message).toContain(message);
    // Counts that partialFit cannot use would make it start afresh, dropping the stored centers.
    const counts = { ...miniBatch, extra: { ...miniBatch.extra, counts: [1, -1, 2, 3] } };
    expect(refusal(() => MiniBatchKMeans.fromJSON(counts)).message).toContain(
      '"extra.counts" must be null or nClusters = 4 finite numbers >= 0',
    );
    // Counts this large would overflow partialFit's center × count, to centers of ±Infinity.
    const huge = { ...miniBatch, extra: { ...miniBatch.extra, counts: [1.7e308, 1, 1, 1] } };
    expect(refusal(() => MiniBatchKMeans.fromJSON(huge)).message).toContain(
      '"extra.counts" holds 1.7e+308 for center 0',
    );
    const steps = { ...miniBatch, extra: { ...miniBatch.extra, nSteps: -1 } };
    expect(refusal(() => MiniBatchKMeans.fromJSON(steps)).message).toContain(
      '"extra.nSteps" must be an integer >= 0 (got -1)',
    );
  });
});
