// The internal clustering scores on CSR input: scikit-learn 1.2.1's sparse silhouettes (and its
// dense Calinski–Harabasz and Davies–Bouldin scores) from fixtures/make_sparse_metrics_fixtures.py;
// equality with the dense scores of the same matrix (every metric, both dtypes, rows out of order
// or with repeated columns, sampled rows); identical bits across call styles and layouts; abort;
// a matrix far too wide to lay out densely; errors and untouched inputs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CsrMatrix, csrRowsOf } from '../../src/csr';
import { AbortError, KMeansError } from '../../src/index';
import {
  calinskiHarabaszScore,
  daviesBouldinScore,
  silhouetteSamples,
  silhouetteSamplesAsync,
  silhouetteScore,
  silhouetteScoreAsync,
  type SilhouetteMetric,
} from '../../src/metrics';
import {
  type DType,
  type FixtureDataset,
  bits,
  densify,
  expectAllClose,
  expectClose,
  fixtureCsr,
  generator,
} from './sparse_helpers';

type SparseMetric = 'euclidean' | 'cosine' | 'manhattan';
interface Scores {
  samples: number[];
  score: number;
  rows?: 'nonEmpty';
}
interface Case {
  dataset: string;
  labelling: string;
  labels: number[];
  euclidean: Scores;
  cosine: Scores;
  manhattan: Scores;
  calinskiHarabasz: number;
  daviesBouldin: number;
}
interface Reference {
  sklearnVersion: string;
  datasets: Record<string, FixtureDataset>;
  cases: Case[];
}

const fixtures = join(__dirname, '..', 'fixtures');
const reference = JSON.parse(readFileSync(join(fixtures, 'sparse_metrics_reference.json'), 'utf8')) as Reference;
const metricNames: SilhouetteMetric[] = ['euclidean', 'sqeuclidean', 'cosine', 'manhattan'];

function datasetMatrix(name: string, dtype: DType = 'float64'): CsrMatrix {
  return fixtureCsr(reference.datasets[name]!, dtype);
}

/** The rows that hold at least one entry. */
function nonEmptyRows(csr: CsrMatrix): number[] {
  const rows: number[] = [];
  for (let i = 0; i < csr.rows; i++) if (Number(csr.indptr[i + 1]) > Number(csr.indptr[i])) rows.push(i);
  return rows;
}

/**
 * An n×d CSR matrix of blobs (cluster i % k on its own columns, values on a 1/64 grid plus
 * noise), each row's entries shuffled, about 5 % of values stored as two halves and a few
 * explicit zeros; every row holds a non-zero value. Returns the labels i % k with it.
 */
function randomCsr(n: number, d: number, k: number, seed: number, dtype: DType) {
  const uniform = generator(seed);
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let i = 0; i < n; i++) {
    const entries: [number, number][] = [];
    for (let f = 0; f < d; f++) {
      const home = f % k === i % k;
      if (uniform() < (home ? 0.5 : 0.05)) {
        const value = Math.round(((home ? 2 : 0) + uniform() * 2 - 1) * 64) / 64 || 1;
        if (uniform() < 0.05) entries.push([f, value / 2], [f, value / 2]);
        else entries.push([f, value]);
      } else if (uniform() < 0.01) {
        entries.push([f, 0]);
      }
    }
    if (!entries.some(([, value]) => value !== 0)) entries.push([i % d, 1]);
    for (let e = entries.length - 1; e > 0; e--) {
      const other = Math.floor(uniform() * (e + 1));
      [entries[e], entries[other]] = [entries[other]!, entries[e]!];
    }
    for (const [f, value] of entries) {
      indices.push(f);
      data.push(value);
    }
    indptr[i + 1] = indices.length;
  }
  const X: CsrMatrix = {
    format: 'csr',
    indptr,
    indices: Int32Array.from(indices),
    data: dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data),
    rows: n,
    cols: d,
  };
  return { X, labels: Int32Array.from({ length: n }, (_, i) => i % k) };
}

describe('against scikit-learn 1.2.1 on CSR input', () => {
  it('records the scikit-learn version', () => {
    expect(reference.sklearnVersion).toBe('1.2.1');
  });

  for (const entry of reference.cases) {
    describe(`${entry.dataset}, ${entry.labelling}`, () => {
      const X = datasetMatrix(entry.dataset);
      for (const metric of ['euclidean', 'cosine', 'manhattan'] as SparseMetric[]) {
        it(`silhouette (${metric})`, () => {
          const expected = entry[metric];
          let rows = X;
          let labels = entry.labels;
          if (expected.rows === 'nonEmpty') {
            const kept = nonEmptyRows(X);
            rows = csrRowsOf(X, kept);
            labels = kept.map((i) => entry.labels[i]!);
          }
          expectAllClose(silhouetteSamples(rows, labels, { metric }), expected.samples);
          expectClose(silhouetteScore(rows, labels, { metric }), expected.score);
        });
      }
      it('Calinski–Harabasz and Davies–Bouldin (scikit-learn on the dense copy)', () => {
        expectClose(calinskiHarabaszScore(X, entry.labels), entry.calinskiHarabasz);
        expectClose(daviesBouldinScore(X, entry.labels), entry.daviesBouldin);
      });
    });
  }
});

describe('equal to the dense scores', () => {
  const tfidf = reference.cases.find((entry) => entry.dataset === 'tfidf-debian')!;
  for (const dtype of ['float64', 'float32'] as DType[]) {
    const full = datasetMatrix('tfidf-debian', dtype);
    const kept = nonEmptyRows(full);
    const X = csrRowsOf(full, kept);
    const labels = kept.map((i) => tfidf.labels[i]!);
    const dense = densify(X);

    it(`TF-IDF, ${dtype}: the silhouette under every metric`, () => {
      for (const metric of metricNames) {
        expectAllClose(silhouetteSamples(X, labels, { metric }), silhouetteSamples(dense, labels, { metric }));
        expectClose(silhouetteScore(X, labels, { metric }), silhouetteScore(dense, labels, { metric }));
      }
    });

    it(`TF-IDF, ${dtype}: Calinski–Harabasz and Davies–Bouldin`, () => {
      expectClose(calinskiHarabaszScore(full, tfidf.labels), calinskiHarabaszScore(densify(full), tfidf.labels));
      expectClose(daviesBouldinScore(full, tfidf.labels), daviesBouldinScore(densify(full), tfidf.labels));
    });

    it(`random blobs with shuffled, repeated and zero entries, ${dtype}`, () => {
      const { X: blobs, labels: blobLabels } = randomCsr(400, 60, 5, dtype === 'float64' ? 1 : 2, dtype);
      const blobsDense = densify(blobs);
      for (const metric of metricNames) {
        const sparse = silhouetteSamples(blobs, blobLabels, { metric });
        expectAllClose(sparse, silhouetteSamples(blobsDense, blobLabels, { metric }));
        expect(Math.min(...sparse)).toBeLessThan(Math.max(...sparse));
      }
      expectClose(calinskiHarabaszScore(blobs, blobLabels), calinskiHarabaszScore(blobsDense, blobLabels));
      expectClose(daviesBouldinScore(blobs, blobLabels), daviesBouldinScore(blobsDense, blobLabels));
    });
  }

  it('scores the same sampled rows as the dense call (sampleSize, seed)', () => {
    const { X, labels } = randomCsr(900, 40, 4, 3, 'float64');
    const dense = densify(X);
    for (const metric of metricNames) {
      for (const seed of [0, 17]) {
        const options = { metric, sampleSize: 250, seed };
        expectClose(silhouetteScore(X, labels, options), silhouetteScore(dense, labels, options));
      }
    }
    expect(silhouetteScore(X, labels, { sampleSize: 250, seed: 1 })).not.toBe(
      silhouetteScore(X, labels, { sampleSize: 250, seed: 2 }),
    );
    // sampleSize at least the row count scores every row.
    expect(silhouetteScore(X, labels, { sampleSize: 900, seed: 4 })).toBe(silhouetteScore(X, labels));
  });

  it('keeps the special cases of the dispersion scores', () => {
    const csrOf = (rows: number[][]): CsrMatrix => {
      const indptr = [0];
      const indices: number[] = [];
      const data: number[] = [];
      for (const row of rows) {
        row.forEach((value, f) => {
          if (value !== 0) {
            indices.push(f);
            data.push(value);
          }
        });
        indptr.push(indices.length);
      }
      const cols = rows[0]!.length;
      const X = { indptr: Int32Array.from(indptr), indices: Int32Array.from(indices), rows: rows.length, cols };
      return { format: 'csr', ...X, data: Float64Array.from(data) };
    };
    // Every cluster one point repeated: CH 1.0, DB 0.
    const repeated = csrOf([
      [1, 1],
      [1, 1],
      [1, 2],
      [1, 2],
      [4, -1],
    ]);
    expect(calinskiHarabaszScore(repeated, [0, 0, 1, 1, 2])).toBe(1.0);
    expect(daviesBouldinScore(repeated, [0, 0, 1, 1, 2])).toBe(0.0);
    // Every centroid at the origin: DB 0.
    const centred = csrOf([
      [-1, 0],
      [1, 0],
      [0, -1],
      [0, 1],
      [2, 2],
      [-2, -2],
    ]);
    expect(daviesBouldinScore(centred, [0, 0, 1, 1, 2, 2])).toBe(0.0);
    // A row at exactly its centroid adds exactly 0, however large the centroid.
    const far = csrOf([
      [1e8, 3],
      [1e8, 3],
      [0, 1],
      [0, 2],
    ]);
    expect(daviesBouldinScore(far, [0, 0, 1, 1])).toBe(daviesBouldinScore(densify(far), [0, 0, 1, 1]));
  });
});

describe('identical results', () => {
  const { X, labels } = randomCsr(300, 30, 3, 5, 'float64');

  it('sync and async, any thread count, every call', async () => {
    for (const metric of metricNames) {
      const first = silhouetteSamples(X, labels, { metric, threads: 1 });
      expect(bits(silhouetteSamples(X, labels, { metric, threads: 4 }))).toEqual(bits(first));
      expect(bits(await silhouetteSamplesAsync(X, labels, { metric }))).toEqual(bits(first));
      const score = silhouetteScore(X, labels, { metric, sampleSize: 120, seed: 9 });
      expect(await silhouetteScoreAsync(X, labels, { metric, sampleSize: 120, seed: 9 })).toBe(score);
    }
  });

  it('rows in order or shuffled, Int32Array or BigInt64Array row pointers', () => {
    // The same matrix with each row's entries in column order (repeats kept).
    const sorted: CsrMatrix = { ...X, indices: X.indices.slice(), data: X.data.slice() };
    for (let i = 0; i < X.rows; i++) {
      const start = X.indptr[i] as number;
      const end = X.indptr[i + 1] as number;
      const order = Array.from({ length: end - start }, (_, e) => start + e).sort(
        (a, b) => X.indices[a]! - X.indices[b]! || a - b,
      );
      order.forEach((position, e) => {
        sorted.indices[start + e] = X.indices[position]!;
        sorted.data[start + e] = X.data[position]!;
      });
    }
    const big: CsrMatrix = { ...X, indptr: BigInt64Array.from(X.indptr as Int32Array, BigInt) };
    for (const metric of metricNames) {
      const expected = bits(silhouetteSamples(X, labels, { metric }));
      expect(bits(silhouetteSamples(sorted, labels, { metric }))).toEqual(expected);
      expect(bits(silhouetteSamples(big, labels, { metric }))).toEqual(expected);
    }
    expect(calinskiHarabaszScore(big, labels)).toBe(calinskiHarabaszScore(X, labels));
    expect(daviesBouldinScore(sorted, labels)).toBe(daviesBouldinScore(X, labels));
  });

  it('identical rows are exactly 0 apart', () => {
    // Two copies of each of two rows (entries stored in different orders), one cluster per pair.
    const X: CsrMatrix = {
      format: 'csr',
      indptr: Int32Array.from([0, 3, 6, 8, 10]),
      indices: Int32Array.from([0, 3, 7, 7, 0, 3, 1, 5, 5, 1]),
      data: Float64Array.from([0.1, 0.7, 1 / 3, 1 / 3, 0.1, 0.7, 0.3, 2.9, 2.9, 0.3]),
      rows: 4,
      cols: 8,
    };
    for (const metric of metricNames)
      expect(Array.from(silhouetteSamples(X, [0, 0, 1, 1], { metric }))).toEqual([1, 1, 1, 1]);
  });
});

describe('abort', () => {
  it('rejects with an AbortError when the signal is aborted first or while it runs', async () => {
    const { X, labels } = randomCsr(6000, 400, 8, 7, 'float64');
    const before = new AbortController();
    before.abort();
    await expect(silhouetteScoreAsync(X, labels, { signal: before.signal })).rejects.toBeInstanceOf(AbortError);
    const during = new AbortController();
    const pending = silhouetteSamplesAsync(X, labels, { signal: during.signal, metric: 'manhattan' });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    setTimeout(() => during.abort(), 30);
    const started = performance.now();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('a matrix too wide to lay out densely', () => {
  it('scores 2000 rows × 10^6 columns (16 GB dense) from the entries', () => {
    const rows = 2000;
    const cols = 1_000_000;
    const uniform = generator(11);
    const perRow = 5;
    const indptr = Int32Array.from({ length: rows + 1 }, (_, i) => i * perRow);
    // Cluster c uses columns c·1000 + 0..49; a column map packs the used columns densely.
    const labels = Int32Array.from({ length: rows }, (_, i) => i % 4);
    const indices = new Int32Array(rows * perRow);
    const data = Float64Array.from({ length: rows * perRow }, () => 1 + Math.floor(uniform() * 64) / 16);
    for (let i = 0; i < rows; i++) {
      const picked = new Set<number>();
      while (picked.size < perRow)
        picked.add(labels[i]! * 1000 + Math.floor(uniform() * 50) + (uniform() < 0.1 ? 500_000 : 0));
      indices.set(
        [...picked].sort((a, b) => a - b),
        i * perRow,
      );
    }
    const X: CsrMatrix = { format: 'csr', indptr, indices, data, rows, cols };
    const used = [...new Set(indices)].sort((a, b) => a - b);
    const packed: CsrMatrix = { ...X, indices: indices.map((f) => used.indexOf(f)), cols: used.length };
    const before = process.memoryUsage().rss;
    const samples = silhouetteSamples(X, labels);
    const ch = calinskiHarabaszScore(X, labels);
    const db = daviesBouldinScore(X, labels);
    expect(process.memoryUsage().rss - before).toBeLessThan(400e6);
    const dense = densify(packed);
    expectAllClose(samples, silhouetteSamples(dense, labels));
    expectClose(ch, calinskiHarabaszScore(dense, labels));
    expectClose(db, daviesBouldinScore(dense, labels));
  });
});

describe('errors and inputs', () => {
  const { X, labels } = randomCsr(60, 12, 3, 13, 'float64');

  /** A call's result, or its error's message. */
  function outcome(run: () => number): number | string {
    try {
      return run();
    } catch (error) {
      expect(error).toBeInstanceOf(KMeansError);
      return (error as KMeansError).message;
    }
  }

  /** The error of a call, sync or async. */
  async function failure(run: () => unknown): Promise<KMeansError> {
    try {
      await run();
    } catch (error) {
      expect(error).toBeInstanceOf(KMeansError);
      return error as KMeansError;
    }
    throw new Error('no error');
  }

  const calls: [string, (X: unknown, labels: unknown, options?: object) => unknown][] = [
    ['silhouetteSamples', silhouetteSamples as never],
    ['silhouetteScore', silhouetteScore as never],
    ['silhouetteSamplesAsync', silhouetteSamplesAsync as never],
    ['silhouetteScoreAsync', silhouetteScoreAsync as never],
    ['calinskiHarabaszScore', calinskiHarabaszScore as never],
    ['daviesBouldinScore', daviesBouldinScore as never],
  ];

  it('refuses a bad CSR matrix with the typed errors of the other CSR inputs', async () => {
    const bad: [Partial<CsrMatrix>, string][] = [
      [{ indptr: Int32Array.from([1, ...Array.from(X.indptr as Int32Array).slice(1)]) }, 'ERR_KMEANS_INVALID_DATA'],
      [{ indptr: (X.indptr as Int32Array).slice(0, 10) }, 'ERR_KMEANS_INVALID_DATA'],
      [{ indices: X.indices.map((f, e) => (e === 7 ? 12 : f)) }, 'ERR_KMEANS_INVALID_DATA'],
      [{ data: X.data.map((v, e) => (e === 3 ? NaN : v)) }, 'ERR_KMEANS_NON_FINITE'],
      [{ data: Array.from(X.data) as never }, 'ERR_KMEANS_INVALID_DATA'],
    ];
    for (const [change, code] of bad) {
      for (const [name, run] of calls) {
        const error = await failure(() => run({ ...X, ...change }, labels));
        expect([name, error.code]).toEqual([name, code]);
      }
    }
  });

  it('refuses labels as for dense X, with the same errors', async () => {
    const dense = densify(X);
    for (const [name, run] of calls) {
      for (const wrong of [labels.slice(1), new Int32Array(60), Int32Array.from({ length: 60 }, (_, i) => i)]) {
        const sparse = await failure(() => run(X, wrong));
        const expected = await failure(() => run(dense, wrong));
        expect([name, sparse.code, sparse.message]).toEqual([name, expected.code, expected.message]);
      }
    }
    // Among the rows drawn, one cluster alone: refused as for dense X.
    const mostlyOne = new Int32Array(60).fill(1).fill(0, 0, 1);
    const options = { sampleSize: 3, seed: 0 };
    expect(outcome(() => silhouetteScore(X, mostlyOne, options))).toBe(
      outcome(() => silhouetteScore(dense, mostlyOne, options)),
    );
    expect(outcome(() => silhouetteScore(X, mostlyOne, options))).toMatch(/rows drawn/);
    const metric = await failure(() => silhouetteSamples(X, labels, { metric: 'chebyshev' as never }));
    expect(metric.message).toBe(
      (await failure(() => silhouetteSamples(dense, labels, { metric: 'chebyshev' as never }))).message,
    );
  });

  it('refuses rows of length zero under cosine, naming the first as for dense X', async () => {
    const tfidf = datasetMatrix('tfidf-debian');
    const { labels: tfidfLabels } = reference.cases[0]!;
    const sparse = await failure(() => silhouetteSamples(tfidf, tfidfLabels, { metric: 'cosine' }));
    const expected = await failure(() => silhouetteSamples(densify(tfidf), tfidfLabels, { metric: 'cosine' }));
    expect(sparse.code).toBe('ERR_KMEANS_ZERO_VECTOR');
    expect([sparse.message, sparse.details]).toEqual([expected.message, expected.details]);
    const async = await failure(() => silhouetteScoreAsync(tfidf, tfidfLabels, { metric: 'cosine' }));
    expect(async.message).toBe(expected.message);
    // Zero rows left out by sampleSize do not count (an explicit zero is no direction either).
    const zeros: CsrMatrix = { ...X, data: X.data.map((v, e) => (e < (X.indptr[1] as number) ? 0 : v)) };
    expect((await failure(() => silhouetteSamples(zeros, labels, { metric: 'cosine' }))).details).toMatchObject({
      row: 0,
    });
    const outcomes = [0, 1, 2, 3, 4, 5].map((seed) => {
      const options = { metric: 'cosine' as const, sampleSize: 20, seed };
      const sparseOutcome = outcome(() => silhouetteScore(zeros, labels, options));
      const denseOutcome = outcome(() => silhouetteScore(densify(zeros), labels, options));
      if (typeof denseOutcome === 'number') expectClose(sparseOutcome as number, denseOutcome);
      else expect(sparseOutcome).toBe(denseOutcome);
      return typeof denseOutcome;
    });
    expect(new Set(outcomes)).toEqual(new Set(['number', 'string']));
  });

  it('leaves the caller arrays as they were', async () => {
    const copy = { indptr: X.indptr.slice(), indices: X.indices.slice(), data: X.data.slice(), labels: labels.slice() };
    for (const metric of metricNames) {
      silhouetteSamples(X, labels, { metric });
      await silhouetteScoreAsync(X, labels, { metric, sampleSize: 30, seed: 1 });
    }
    calinskiHarabaszScore(X, labels);
    daviesBouldinScore(X, labels);
    expect([X.indptr, X.indices, X.data, labels]).toEqual([copy.indptr, copy.indices, copy.data, copy.labels]);
  });
});
