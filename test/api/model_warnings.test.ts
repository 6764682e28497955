// model.warnings: every warning a model emits is kept on it (options' and last fit's), sync and
// async alike, cleared by the next fit, and never mixed between concurrent fits.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BisectingKMeans,
  type CsrMatrix,
  KMeans,
  type KMeansWarning,
  MiniBatchKMeans,
  chooseK,
  chunkSource,
} from '../../src/index';
import { blobs } from '../helpers';

const X = blobs(300, 3, 4, 11);
/** Two distinct points, ten times each: three clusters leave one empty. */
const twoPoints = [...Array<number[]>(10).fill([1, 1]), ...Array<number[]>(10).fill([2, 2])];
const bisectingDupes = [
  [1, 1],
  [1, 1],
  [1, 1],
  [2, 2],
];

const fewer = (distinct: number, k: number): KMeansWarning => ({
  code: 'KMEANS_FEWER_DISTINCT_CLUSTERS',
  message: `Number of distinct clusters (${distinct}) found smaller than nClusters (${k}). Possibly due to duplicate points in X.`,
});
const elkan: KMeansWarning = {
  code: 'KMEANS_ELKAN_SINGLE_CLUSTER',
  message: "algorithm='elkan' doesn't make sense for a single cluster. Using 'lloyd' instead.",
};
const explicitInit: KMeansWarning = {
  code: 'KMEANS_EXPLICIT_INIT_NINIT',
  message: 'Explicit initial centers: performing only one init instead of nInit=3',
};
const initSize: KMeansWarning = {
  code: 'KMEANS_INIT_SIZE_ADJUSTED',
  message: 'initSize=2 should be larger than nClusters=4. Setting it to min(3 * nClusters, number of samples)',
};

function csrOf(rows: number[][]): CsrMatrix {
  const cols = rows[0]!.length;
  return {
    format: 'csr',
    indptr: Int32Array.from({ length: rows.length + 1 }, (_, i) => i * cols),
    indices: Int32Array.from({ length: rows.length * cols }, (_, i) => i % cols),
    data: Float64Array.from(rows.flat()),
    rows: rows.length,
    cols,
  };
}

let emitWarning: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
});
afterEach(() => {
  emitWarning.mockRestore();
});

/** The codes process.emitWarning was called with. */
function emittedCodes(): unknown[] {
  return emitWarning.mock.calls.map((call: unknown[]) => (call[1] as { code?: string }).code);
}

describe('KMeans.warnings', () => {
  it('is empty on a new model and after a fit that warns of nothing', () => {
    const model = new KMeans({ nClusters: 4, seed: 1 });
    expect(model.warnings).toEqual([]);
    expect(model.fit(X).warnings).toEqual([]);
    expect(emitWarning).not.toHaveBeenCalled();
  });

  it('keeps KMEANS_ELKAN_SINGLE_CLUSTER of fit, dense and CSR, and process.emitWarning still hears it', () => {
    const model = new KMeans({ nClusters: 1, algorithm: 'elkan', seed: 1 }).fit(X);
    expect(model.warnings).toEqual([elkan]);
    expect(emitWarning).toHaveBeenCalledWith(elkan.message, { type: 'RuntimeWarning', code: elkan.code });
    expect(model.fit(csrOf(X)).warnings).toEqual([elkan]);
    expect(emittedCodes()).toEqual([elkan.code, elkan.code]);
  });

  it('keeps KMEANS_FEWER_DISTINCT_CLUSTERS, and the next fit clears it', () => {
    const model = new KMeans({ nClusters: 3, seed: 1 }).fit(twoPoints);
    expect(model.warnings).toEqual([fewer(2, 3)]);
    expect(emitWarning).toHaveBeenCalledWith(fewer(2, 3).message, {
      type: 'ConvergenceWarning',
      code: 'KMEANS_FEWER_DISTINCT_CLUSTERS',
    });
    expect(model.fit(X).warnings).toEqual([]);
    expect(model.fit(csrOf(twoPoints)).warnings).toEqual([fewer(2, 3)]);
  });

  it('fitAsync keeps them as fit does, and clears them as fit does', async () => {
    const model = new KMeans({ nClusters: 3, seed: 1 });
    await model.fitAsync(twoPoints);
    expect(model.warnings).toEqual([fewer(2, 3)]);
    await model.fitAsync(X);
    expect(model.warnings).toEqual([]);
    const single = await new KMeans({ nClusters: 1, algorithm: 'elkan', seed: 1 }).fitAsync(X);
    expect(single.warnings).toEqual([elkan]);
    expect(emittedCodes()).toEqual(['KMEANS_FEWER_DISTINCT_CLUSTERS', elkan.code]);
  });

  it("keeps the options' KMEANS_EXPLICIT_INIT_NINIT first, through every fit", async () => {
    const init = [
      [0, 0, 0],
      [10, 10, 10],
      [20, 0, 5],
    ];
    const model = new KMeans({ init, nInit: 3 });
    expect(model.warnings).toEqual([explicitInit]);
    expect(model.fit(X).warnings).toEqual([explicitInit]);
    expect(model.fit(twoPoints.map((row) => [...row, 0])).warnings).toEqual([explicitInit, fewer(2, 3)]);
    expect((await model.fitAsync(X)).warnings).toEqual([explicitInit]);
    // fromJSON builds the model from its options: their warning comes again, the fit's do not.
    expect(KMeans.fromJSON(model.toJSON()).warnings).toEqual([explicitInit]);
  });

  it('fitSource replaces the last fit warnings with its own', async () => {
    const model = new KMeans({ nClusters: 3, seed: 1, init: 'k-means||' }).fit(twoPoints);
    expect(model.warnings).toEqual([fewer(2, 3)]);
    await model.fitSource(chunkSource(() => [X.slice(0, 150), X.slice(150)]));
    expect(model.warnings).toEqual([]);
  });

  it('a fit that fails leaves the warnings as it leaves the model', async () => {
    const model = new KMeans({ nClusters: 3, seed: 1 }).fit(twoPoints);
    const controller = new AbortController();
    const pending = model.fitAsync(X, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(model.warnings).toEqual([fewer(2, 3)]);
  });

  it('is read-only: a frozen copy, and no setter', () => {
    const model = new KMeans({ nClusters: 3, seed: 1 }).fit(twoPoints);
    const warnings = model.warnings;
    expect(Object.isFrozen(warnings)).toBe(true);
    expect(Object.isFrozen(warnings[0])).toBe(true);
    expect(() => {
      (model as unknown as { warnings: unknown }).warnings = [];
    }).toThrow(TypeError);
    expect(model.warnings).toEqual([fewer(2, 3)]);
  });

  it('toJSON does not save them', () => {
    const model = new KMeans({ nClusters: 3, seed: 1 }).fit(twoPoints);
    expect(JSON.stringify(model.toJSON())).not.toContain('KMEANS_');
    expect(KMeans.fromJSON(model.toJSON()).warnings).toEqual([]);
  });

  it("chooseK's models keep the warnings of their own fits", () => {
    const result = chooseK(twoPoints, { kMin: 2, kMax: 3, criteria: [], seed: 1 });
    expect(result.models.map((model) => model.warnings)).toEqual([[], [fewer(2, 3)]]);
  });
});

describe('concurrent fits', () => {
  it('keep each model its own warnings', async () => {
    const warned = new KMeans({ nClusters: 3, seed: 1 });
    const quiet = new KMeans({ nClusters: 4, seed: 1 });
    await Promise.all([warned.fitAsync(twoPoints), quiet.fitAsync(X)]);
    expect(warned.warnings).toEqual([fewer(2, 3)]);
    expect(quiet.warnings).toEqual([]);
    const tree = new BisectingKMeans({ nClusters: 3, seed: 1 });
    const other = new BisectingKMeans({ nClusters: 4, seed: 1 });
    await Promise.all([other.fitAsync(X), tree.fitAsync(bisectingDupes), quiet.fitAsync(X)]);
    expect(tree.warnings).toEqual([fewer(2, 3)]);
    expect(other.warnings).toEqual([]);
    expect(quiet.warnings).toEqual([]);
  });
});

describe('MiniBatchKMeans.warnings', () => {
  it("keeps the options' KMEANS_INIT_SIZE_ADJUSTED through fit, fitAsync, partialFit and fitStream", async () => {
    const model = new MiniBatchKMeans({ nClusters: 4, initSize: 2, batchSize: 50, seed: 2 });
    expect(model.warnings).toEqual([initSize]);
    expect(emitWarning).toHaveBeenCalledWith(initSize.message, { type: 'RuntimeWarning', code: initSize.code });
    expect(model.fit(X).warnings).toEqual([initSize]);
    expect((await model.fitAsync(X)).warnings).toEqual([initSize]);
    expect(model.partialFit(X.slice(0, 50)).warnings).toEqual([initSize]);
    expect((await model.fitStream([X.slice(0, 100), X.slice(100)])).warnings).toEqual([initSize]);
    expect(MiniBatchKMeans.fromJSON(model.toJSON()).warnings).toEqual([initSize]);
  });

  it('keeps KMEANS_EXPLICIT_INIT_NINIT', () => {
    const init = [
      [0, 0, 0],
      [10, 10, 10],
    ];
    const model = new MiniBatchKMeans({ init, nInit: 3, seed: 1 });
    expect(model.warnings).toEqual([explicitInit]);
    expect(model.fit(X).warnings).toEqual([explicitInit]);
    expect(new MiniBatchKMeans({ nClusters: 4 }).fit(X).warnings).toEqual([]);
  });
});

describe('BisectingKMeans.warnings', () => {
  it('keeps KMEANS_FEWER_DISTINCT_CLUSTERS of its bisections, dense and CSR, sync and async', async () => {
    const model = new BisectingKMeans({ nClusters: 3, seed: 1 });
    expect(model.fit(bisectingDupes).warnings).toEqual([fewer(2, 3)]);
    expect(emitWarning).toHaveBeenCalledWith(fewer(2, 3).message, {
      type: 'ConvergenceWarning',
      code: 'KMEANS_FEWER_DISTINCT_CLUSTERS',
    });
    expect(model.fit(X).warnings).toEqual([]);
    expect(model.fit(csrOf(bisectingDupes)).warnings).toEqual([fewer(2, 3)]);
    expect((await model.fitAsync(X)).warnings).toEqual([]);
    expect((await model.fitAsync(bisectingDupes)).warnings).toEqual([fewer(2, 3)]);
    expect(BisectingKMeans.fromJSON(model.toJSON()).warnings).toEqual([]);
  });
});

describe('fromJSON of a model file with a "scaling" entry (the command line\'s fit --scale)', () => {
  const scaling = { method: 'standard', offset: [1, 2, 3], scale: [2, 2, 2] };

  it.each([
    ['KMeans', () => new KMeans({ nClusters: 4, seed: 1 }).fit(X), KMeans],
    ['MiniBatchKMeans', () => new MiniBatchKMeans({ nClusters: 4, seed: 1 }).fit(X), MiniBatchKMeans],
    ['BisectingKMeans', () => new BisectingKMeans({ nClusters: 4, seed: 1 }).fit(X), BisectingKMeans],
  ] as const)('%s: warns KMEANS_SCALED_MODEL_FILE, kept until the next fit', (name, fitted, Model) => {
    const json = { ...fitted().toJSON(), scaling };
    emitWarning.mockClear();
    const loaded = (Model as { fromJSON(json: unknown): KMeans | MiniBatchKMeans | BisectingKMeans }).fromJSON(json);
    expect(loaded.warnings.map((warning) => warning.code)).toEqual(['KMEANS_SCALED_MODEL_FILE']);
    const [warning] = loaded.warnings;
    expect(warning!.message).toContain(`${name}.fromJSON does not apply it`);
    expect(warning!.message).toContain('(x - offset) / scale');
    expect(emitWarning).toHaveBeenCalledWith(warning!.message, { code: 'KMEANS_SCALED_MODEL_FILE' });
    // From the JSON text as well; and without "scaling", no warning.
    expect(Model.fromJSON(JSON.stringify(json)).warnings).toEqual([warning]);
    expect(Model.fromJSON(fitted().toJSON()).warnings).toEqual([]);
    // A new fit is in the units of its own rows.
    expect(loaded.fit(X).warnings).toEqual([]);
  });
});
