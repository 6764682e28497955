// Column-major data ({ columns: one typed array per feature }) through the public API: read in
// place, with the bits of the same rows laid out row-major, for fit, predict, transform, score,
// MiniBatchKMeans and kmeansPlusPlus; bad columns give typed errors; and fitting them makes no
// copy of X (a peak-memory check in a child process).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KMeans, KMeansError, MiniBatchKMeans, kmeansPlusPlus, vq } from '../../src/index';
import type { FloatArray } from '../../src/binding';
import { blobs } from '../helpers';

process.env.KMEANS_NATIVE_WORK_PER_THREAD = '1';

function layouts(rows: number[][], dtype: 'float64' | 'float32') {
  const Type = dtype === 'float64' ? Float64Array : Float32Array;
  const d = rows[0]!.length;
  const byRows = { data: Type.from(rows.flat()) as FloatArray, rows: rows.length, cols: d };
  const byColumns = {
    columns: Array.from({ length: d }, (_, f) => Type.from(rows.map((row) => row[f]!)) as FloatArray),
  };
  return { byRows, byColumns };
}

const fitted = (model: KMeans | MiniBatchKMeans) => ({
  centers: model.clusterCenters.data,
  labels: model.labels,
  inertia: model.inertia,
  nIter: model.nIter,
});

describe.each(['float64', 'float32'] as const)('column-major %s data', (dtype) => {
  const { byRows, byColumns } = layouts(blobs(1500, 12, 7, 5), dtype);
  const { byRows: wideRows, byColumns: wideColumns } = layouts(blobs(400, 200, 5, 6), dtype);
  const weights = Float64Array.from({ length: 1500 }, (_, i) => 0.25 + (i % 5));

  it.each([
    { algorithm: 'lloyd', init: 'k-means++', metric: 'euclidean' },
    { algorithm: 'hamerly', init: 'random', metric: 'euclidean' },
    { algorithm: 'elkan', init: 'k-means++', metric: 'cosine' },
    { algorithm: 'auto', init: 'random', metric: 'cosine' },
  ] as const)('KMeans $algorithm, $init, $metric: the fit and every query of row-major data', (options) => {
    const make = () => new KMeans({ nClusters: 7, seed: 3, nInit: 2, ...options });
    const rows = make().fit(byRows, { sampleWeight: weights });
    const columns = make().fit(byColumns, { sampleWeight: weights });
    expect(fitted(columns)).toEqual(fitted(rows));
    expect(columns.predict(byColumns)).toEqual(rows.predict(byRows));
    expect(columns.transform(byColumns).data).toEqual(rows.transform(byRows).data);
    expect(columns.score(byColumns, { sampleWeight: weights })).toBe(rows.score(byRows, { sampleWeight: weights }));
    // A model fitted on rows answers column queries with the same bits, and the other way round.
    expect(rows.predict(byColumns)).toEqual(rows.predict(byRows));
  });

  it('KMeans on wide rows, sync and async', async () => {
    const rows = new KMeans({ nClusters: 5, seed: 1 }).fit(wideRows);
    const columns = await new KMeans({ nClusters: 5, seed: 1 }).fitAsync(wideColumns);
    expect(fitted(columns)).toEqual(fitted(rows));
    expect(columns.fitTransform(wideColumns).data).toEqual(rows.transform(wideRows).data);
  });

  it('MiniBatchKMeans fit and partialFit', () => {
    const make = () => new MiniBatchKMeans({ nClusters: 7, seed: 2, batchSize: 256, maxIter: 5 });
    expect(fitted(make().fit(byColumns, { sampleWeight: weights }))).toEqual(
      fitted(make().fit(byRows, { sampleWeight: weights })),
    );
    const rows = make().partialFit(byRows).partialFit(byRows);
    const columns = make().partialFit(byColumns).partialFit(byColumns);
    expect(columns.clusterCenters.data).toEqual(rows.clusterCenters.data);
    expect(columns.predict(byColumns)).toEqual(rows.predict(byRows));
  });

  it('kmeansPlusPlus', () => {
    const rows = kmeansPlusPlus(byRows, 7, { seed: 9, sampleWeight: weights });
    const columns = kmeansPlusPlus(byColumns, 7, { seed: 9, sampleWeight: weights });
    expect(columns.indices).toEqual(rows.indices);
    expect(columns.centers.data).toEqual(rows.centers.data);
  });

  it("scipy.cluster.vq's functions take them as rows (copied: observations are rows)", () => {
    const book = { data: byRows.data.slice(0, 7 * 12), rows: 7, cols: 12 };
    expect(vq.vq(byColumns, book)).toEqual(vq.vq(byRows, book));
    expect(vq.whiten(byColumns)).toEqual(vq.whiten(byRows));
    expect(vq.kmeans2(byColumns, 7, { seed: 4, minit: '++' })).toEqual(vq.kmeans2(byRows, 7, { seed: 4, minit: '++' }));
  });

  it('leaves the columns as they were', () => {
    const before = byColumns.columns.map((column) => column.slice());
    new KMeans({ nClusters: 7, seed: 1, metric: 'cosine' }).fit(byColumns).transform(byColumns);
    expect(byColumns.columns).toEqual(before);
  });
});

describe('column-major input checks', () => {
  const column = (values: number[]) => Float64Array.from(values);
  const error = (X: unknown) => {
    try {
      new KMeans({ nClusters: 1 }).fit(X as never);
    } catch (caught) {
      expect(caught).toBeInstanceOf(KMeansError);
      return caught as KMeansError;
    }
    throw new Error('fit did not throw');
  };

  it('refuses columns of another type or length, or none, with the column named', () => {
    expect(error({ columns: [] }).code).toBe('ERR_KMEANS_INVALID_DATA');
    const mixed = error({ columns: [column([1, 2]), Float32Array.from([1, 2])] });
    expect(mixed.message).toMatch(/columns\[1\] must be a Float64Array/);
    expect(mixed.details).toMatchObject({ argument: 'X', column: 1 });
    const short = error({ columns: [column([1, 2, 3]), column([1, 2])] });
    expect(short.details).toMatchObject({ column: 1, expected: 3, actual: 2 });
    expect(error({ columns: [[1, 2]] }).code).toBe('ERR_KMEANS_INVALID_DATA');
    expect(error({ columns: [new Float64Array(0)] }).code).toBe('ERR_KMEANS_EMPTY_DATA');
  });

  it('reports the first non-finite value in row order, by row and column', () => {
    const caught = error({ columns: [column([1, 2, 3, 4]), column([1, 2, NaN, 4]), column([1, Infinity, 3, 4])] });
    expect(caught.code).toBe('ERR_KMEANS_NON_FINITE');
    expect(caught.details).toMatchObject({ row: 1, column: 2 });
    expect(error({ columns: [column([1, 1e300])] }).code).toBe('ERR_KMEANS_OVERFLOW');
  });

  it('weights adding up to beyond double range leave no value in range, in either layout', () => {
    // 40,000 values: large enough that row-major data is scanned natively too.
    const n = 10_000;
    const columns = Array.from({ length: 4 }, (_, f) => Float64Array.from({ length: n }, (_, i) => (i % 7) + f));
    const data = Float64Array.from({ length: n * 4 }, (_, j) => columns[j % 4]![Math.floor(j / 4)]!);
    const sampleWeight = new Float64Array(n).fill(1.7e304);
    for (const X of [{ columns }, { data, rows: n, cols: 4 }]) {
      const caught = (() => {
        try {
          new KMeans({ nClusters: 2 }).fit(X, { sampleWeight });
        } catch (error) {
          return error as KMeansError;
        }
      })();
      expect(caught).toBeInstanceOf(KMeansError);
      expect(caught!.code).toBe('ERR_KMEANS_OVERFLOW');
      expect(caught!.details).toMatchObject({ row: 0, column: 0, limit: 0 });
    }
  });

  it('checks a query as a fit', () => {
    const model = new KMeans({ nClusters: 2, seed: 1 }).fit({
      columns: [column([0, 1, 10, 11]), column([0, 0, 5, 5])],
    });
    expect(() => model.predict({ columns: [column([0, 1])] })).toThrow(
      /X has 1 features, but this KMeans was fitted with 2/,
    );
  });
});

describe('memory', () => {
  // In a child process per layout, so that its peak resident size tells: X takes 192 MB, and a
  // copy of it would add as much.
  const peakGrowth = (layout: 'rows' | 'columns') => {
    const script = `
      const { KMeans } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'index.js'))});
      const n = 2_000_000, d = 12;
      const value = (i, f) => ((i * 7919 + f * 104729) % 1000) / 100 + (i % 4) * 20;
      let X;
      if (${JSON.stringify(layout)} === 'columns') {
        const columns = Array.from({ length: d }, () => new Float64Array(n));
        for (let f = 0; f < d; f++) for (let i = 0; i < n; i++) columns[f][i] = value(i, f);
        X = { columns };
      } else {
        const data = new Float64Array(n * d);
        for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) data[i * d + f] = value(i, f);
        X = { data, rows: n, cols: d };
      }
      new KMeans({ nClusters: 2, seed: 1, init: 'random', maxIter: 1 }).fit([[0], [1], [2]]);
      const before = process.resourceUsage().maxRSS;
      const model = new KMeans({ nClusters: 8, seed: 1, init: 'random', maxIter: 3, algorithm: 'lloyd' }).fit(X);
      model.predict(X);
      model.score(X);
      process.stdout.write(JSON.stringify({ grown: (process.resourceUsage().maxRSS - before) * 1024, xBytes: n * d * 8 }));
    `;
    // Under the sanitizers (npm run test:sanitize), freed native buffers would wait in ASan's
    // quarantine and count in the peak: the child runs without one.
    const asan = process.env.ASAN_OPTIONS;
    const env = asan === undefined ? process.env : { ...process.env, ASAN_OPTIONS: `${asan}:quarantine_size_mb=0` };
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env });
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as { grown: number; xBytes: number };
  };

  it('a fit and the queries of column-major data make no copy of X', { timeout: 240_000 }, () => {
    const columns = peakGrowth('columns');
    const rows = peakGrowth('rows');
    // What a fit needs besides X (labels, the random init's keys) is the same for both layouts.
    // A copy of X would add xBytes; the rest (labels, garbage the collector has not taken yet
    // on a busy machine) has been measured up to about half of it.
    expect(columns.grown).toBeLessThan(0.75 * columns.xBytes);
    expect(columns.grown).toBeLessThan(rows.grown + 16 * 2 ** 20);
  });
});
