// The internal clustering scores (silhouette, Calinski–Harabasz, Davies–Bouldin) against
// scikit-learn 1.2, from fixtures/make_internal_metrics_fixtures.py; their identities across
// thread counts, call styles and input layouts; their errors.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AbortError, KMeansError, metrics as namespace } from '../../src/index';
import {
  calinskiHarabaszScore,
  daviesBouldinScore,
  silhouetteSamples,
  silhouetteSamplesAsync,
  silhouetteScore,
  silhouetteScoreAsync,
} from '../../src/metrics';
import type { SilhouetteMetric } from '../../src/metrics';
import { Random } from '../../src/rng';
import { hashedRows } from './metrics_internal_data';

type Label = number | string;
interface Scores {
  samples: number[];
  score: number;
}
interface Case {
  dataset: string;
  euclidean?: Scores;
  sqeuclidean?: Scores;
  cosine?: Scores;
  manhattan?: Scores;
  calinskiHarabasz: number;
  daviesBouldin: number;
}
interface Fixtures {
  sklearnVersion: string;
  datasets: { name: string; dtype: 'float64' | 'float32'; x: number[][]; labels: Label[] }[];
  cases: Case[];
  hashed: (Case & { n: number; d: number; k: number })[];
  errors: { name: string; x: number[][]; labels: number[] }[];
}

const fixtures: Fixtures = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'internal_metrics_reference.json'), 'utf8'),
);
const metricNames: SilhouetteMetric[] = ['euclidean', 'sqeuclidean', 'cosine', 'manhattan'];

/** Relative agreement 1e-9 (with a 1e-12 floor for values near zero). */
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected) + 1e-12);
}

function expectAllClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expectClose(actual[i]!, expected[i]!);
}

function inputs(name: string) {
  const set = fixtures.datasets.find((entry) => entry.name === name)!;
  const rows = set.x.length;
  const cols = set.x[0]!.length;
  const data = set.dtype === 'float32' ? Float32Array.from(set.x.flat()) : Float64Array.from(set.x.flat());
  return { X: { data, rows, cols }, labels: set.labels as number[] | string[] };
}

const bits = (values: Float64Array) => Array.from(new Uint32Array(values.buffer));

describe('internal scores against scikit-learn', () => {
  it('records the scikit-learn version', () => {
    expect(fixtures.sklearnVersion).toBe('1.2.1');
    expect(namespace.silhouetteScore).toBe(silhouetteScore);
  });

  for (const entry of fixtures.cases) {
    describe(entry.dataset, () => {
      for (const metric of metricNames) {
        const expected = entry[metric];
        if (!expected) continue;
        it(`silhouette (${metric})`, () => {
          const { X, labels } = inputs(entry.dataset);
          expectAllClose(silhouetteSamples(X, labels, { metric }), expected.samples);
          expectClose(silhouetteScore(X, labels, { metric }), expected.score);
        });
      }
      it('Calinski–Harabasz and Davies–Bouldin', () => {
        const { X, labels } = inputs(entry.dataset);
        expectClose(calinskiHarabaszScore(X, labels), entry.calinskiHarabasz);
        expectClose(daviesBouldinScore(X, labels), entry.daviesBouldin);
      });
    });
  }

  for (const entry of fixtures.hashed) {
    it(`${entry.dataset}: the hashed rows, every score`, () => {
      const { X, labels } = hashedRows(entry.n, entry.d, entry.k);
      for (const metric of ['euclidean', 'manhattan'] as const) {
        expectAllClose(silhouetteSamples(X, labels, { metric }), entry[metric]!.samples);
        expectClose(silhouetteScore(X, labels, { metric }), entry[metric]!.score);
      }
      expectClose(calinskiHarabaszScore(X, labels), entry.calinskiHarabasz);
      expectClose(daviesBouldinScore(X, labels), entry.daviesBouldin);
    });
  }

  it('gives 0 to samples alone in their cluster, as scikit-learn does', () => {
    const { X, labels } = inputs('singletons-24x3');
    const samples = silhouetteSamples(X, labels);
    expect(samples[22]).toBe(0);
    expect(samples[23]).toBe(0);
  });

  it('returns the special values of the degenerate dispersions', () => {
    expect(calinskiHarabaszScore(inputs('repeated-points').X, inputs('repeated-points').labels)).toBe(1);
    expect(daviesBouldinScore(inputs('one-centroid').X, inputs('one-centroid').labels)).toBe(0);
  });
});

describe('identities', () => {
  const { X, labels } = hashedRows(3001, 3, 5);

  it('gives the same bits on 1, 2, 3 and 7 threads, for every metric', () => {
    for (const metric of metricNames) {
      const one = bits(silhouetteSamples(X, labels, { metric, threads: 1 }));
      for (const threads of [2, 3, 7]) expect(bits(silhouetteSamples(X, labels, { metric, threads }))).toEqual(one);
    }
  });

  it('gives the same bits sync and async', async () => {
    for (const metric of metricNames) {
      expect(bits(await silhouetteSamplesAsync(X, labels, { metric }))).toEqual(
        bits(silhouetteSamples(X, labels, { metric })),
      );
      expect(await silhouetteScoreAsync(X, labels, { metric, sampleSize: 500, seed: 3 })).toBe(
        silhouetteScore(X, labels, { metric, sampleSize: 500, seed: 3 }),
      );
    }
  });

  it('gives the same bits from rows, typed columns, number[][] and float32 widened', () => {
    const rows = Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));
    const columns = Array.from({ length: X.cols }, (_, f) => Float64Array.from(rows, (row) => row[f]!));
    const expected = bits(silhouetteSamples(X, labels));
    expect(bits(silhouetteSamples(rows, labels))).toEqual(expected);
    expect(bits(silhouetteSamples({ columns }, labels))).toEqual(expected);
    // The hashed values are exact in float32 too, and the sums are in double either way.
    expect(bits(silhouetteSamples({ ...X, data: Float32Array.from(X.data) }, labels))).toEqual(expected);
    expect(calinskiHarabaszScore({ columns }, labels)).toBe(calinskiHarabaszScore(X, labels));
    expect(daviesBouldinScore(rows, labels)).toBe(daviesBouldinScore(X, labels));
  });

  it('scores a sampleSize subset as silhouetteSamples scores those rows alone', () => {
    const score = silhouetteScore(X, labels, { sampleSize: 400, seed: 11 });
    expect(silhouetteScore(X, labels, { sampleSize: 400, seed: 11 })).toBe(score);
    expect(silhouetteScore(X, labels, { sampleSize: 400, seed: 12 })).not.toBe(score);
    // The same draw, made here (a partial Fisher–Yates shuffle of the library's generator), and
    // those rows scored on their own.
    const random = new Random(11);
    const order = Int32Array.from({ length: X.rows }, (_, i) => i);
    for (let t = 0; t < 400; t++) {
      const j = t + random.nextInt(X.rows - t);
      [order[t], order[j]] = [order[j]!, order[t]!];
    }
    const drawn = order.slice(0, 400).sort();
    const subset = {
      data: Float64Array.from(
        { length: 400 * X.cols },
        (_, e) => X.data[drawn[Math.floor(e / X.cols)]! * X.cols + (e % X.cols)]!,
      ),
      rows: 400,
      cols: X.cols,
    };
    const values = silhouetteSamples(
      subset,
      Array.from(drawn, (row) => labels[row]!),
    );
    expect(score).toBe(values.reduce((sum, value) => sum + value, 0) / 400);
    expect(silhouetteScore(X, labels, { sampleSize: X.rows })).toBe(silhouetteScore(X, labels));
    expect(silhouetteScore(X, labels, { sampleSize: X.rows + 5, seed: 1 })).toBe(silhouetteScore(X, labels));
  });

  it('leaves its inputs unmodified', () => {
    const data = X.data.slice();
    const codes = labels.slice();
    silhouetteSamples(X, labels, { metric: 'cosine' });
    silhouetteScore(X, labels, { sampleSize: 100, seed: 0 });
    calinskiHarabaszScore(X, labels);
    daviesBouldinScore(X, labels);
    expect(X.data).toEqual(data);
    expect(labels).toEqual(codes);
  });

  it('takes string labels in any order', () => {
    const names = ['e', 'b', 'd', 'a', 'c'];
    const strings = Array.from(labels, (code) => names[code]!);
    expect(bits(silhouetteSamples(X, strings))).toEqual(bits(silhouetteSamples(X, labels)));
    // The dispersions add the clusters up in the order of their labels: the same to rounding.
    expectClose(calinskiHarabaszScore(X, strings), calinskiHarabaszScore(X, labels));
    expectClose(daviesBouldinScore(X, strings), daviesBouldinScore(X, labels));
  });
});

describe('instruction-set variants', () => {
  it('give the same bits (baseline, AVX, AVX-512: whichever this CPU has)', () => {
    const script = `
      const { silhouetteSamples } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'metrics.js'))});
      let s = 7; const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
      const n = 1500, d = 13;
      const labels = Int32Array.from({ length: n }, () => Math.floor(rand() * 6));
      for (const Type of [Float64Array, Float32Array]) {
        const data = Type.from({ length: n * d }, (_, i) => rand() * 10 + labels[Math.floor(i / d)]);
        for (const metric of ['euclidean', 'sqeuclidean', 'cosine', 'manhattan']) {
          const out = silhouetteSamples({ data, rows: n, cols: d }, labels, { metric });
          console.log(Buffer.from(out.buffer).toString('base64'));
        }
      }`;
    const outputs = ['portable', 'avx2', 'avx512'].map((simd) =>
      execFileSync(process.execPath, ['-e', script], {
        env: { ...process.env, KMEANS_NATIVE_SIMD: simd },
        encoding: 'utf8',
      }),
    );
    expect(outputs[0]!.trim().split('\n')).toHaveLength(8);
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).toBe(outputs[0]);
  });
});

describe('abort', () => {
  it('rejects with an AbortError when the signal is aborted first or while it runs', async () => {
    const { X, labels } = hashedRows(20_000, 4, 8);
    const before = new AbortController();
    before.abort();
    await expect(silhouetteScoreAsync(X, labels, { signal: before.signal })).rejects.toBeInstanceOf(AbortError);
    const during = new AbortController();
    const pending = silhouetteSamplesAsync(X, labels, { signal: during.signal, threads: 1 });
    setTimeout(() => during.abort(), 20);
    const started = performance.now();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('errors', () => {
  const code = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(KMeansError);
      return (error as KMeansError).code;
    }
    throw new Error('no error');
  };

  for (const entry of fixtures.errors) {
    it(`refuses ${entry.name}, which scikit-learn refuses`, () => {
      const expected = entry.x.length === 0 ? 'ERR_KMEANS_EMPTY_DATA' : 'ERR_KMEANS_INVALID_LABELS';
      const runs: ((X: number[][], labels: number[]) => unknown)[] = [
        silhouetteSamples,
        silhouetteScore,
        calinskiHarabaszScore,
        daviesBouldinScore,
      ];
      for (const run of runs) {
        expect(code(() => run(entry.x, entry.labels))).toBe(expected);
      }
    });
  }

  it('refuses bad labels, bad options and bad data with typed errors', () => {
    const X = [
      [0, 1],
      [1, 0],
      [2, 2],
      [3, 1],
    ];
    expect(code(() => silhouetteScore(X, [0, 1, 0]))).toBe('ERR_KMEANS_INVALID_LABELS');
    expect(code(() => silhouetteScore(X, [0, 1, 0, Number.NaN]))).toBe('ERR_KMEANS_INVALID_LABELS');
    expect(code(() => daviesBouldinScore(X, 'abcd' as unknown as number[]))).toBe('ERR_KMEANS_INVALID_LABELS');
    expect(code(() => silhouetteScore(X, [0, 1, 0, 1], { metric: 'chebyshev' as SilhouetteMetric }))).toBe(
      'ERR_KMEANS_INVALID_OPTION',
    );
    expect(code(() => silhouetteScore(X, [0, 1, 0, 1], { sampleSize: 0 }))).toBe('ERR_KMEANS_INVALID_OPTION');
    expect(code(() => silhouetteScore(X, [0, 1, 0, 1], { seed: -1 }))).toBe('ERR_KMEANS_INVALID_OPTION');
    expect(code(() => silhouetteScore(X, [0, 1, 0, 1], { threads: 0 }))).toBe('ERR_KMEANS_INVALID_OPTION');
    expect(code(() => silhouetteSamples(X, [0, 1, 0, 1], { sampleSize: 2 } as object))).toBe(
      'ERR_KMEANS_INVALID_OPTION',
    );
    // Two rows drawn can never hold 2 to n - 1 clusters.
    expect(code(() => silhouetteScore(X, [0, 1, 0, 1], { sampleSize: 2, seed: 0 }))).toBe('ERR_KMEANS_INVALID_LABELS');
    expect(
      code(() =>
        silhouetteScore(
          [
            [0, 1],
            [Number.NaN, 1],
            [1, 1],
          ],
          [0, 1, 1],
        ),
      ),
    ).toBe('ERR_KMEANS_NON_FINITE');
    expect(code(() => calinskiHarabaszScore([[1], [2, 3], [4]], [0, 1, 1]))).toBe('ERR_KMEANS_INVALID_DATA');
    expect(
      code(() =>
        silhouetteScore(
          [
            [0, 0],
            [1, 1],
            [2, 0],
          ],
          [0, 1, 1],
          { metric: 'cosine' },
        ),
      ),
    ).toBe('ERR_KMEANS_ZERO_VECTOR');
  });

  it('rejects (not throws) in the async twins', async () => {
    const pending = silhouetteScoreAsync([[0], [1], [2]], [0, 0, 0]);
    await expect(pending).rejects.toMatchObject({ code: 'ERR_KMEANS_INVALID_LABELS' });
    await expect(silhouetteSamplesAsync([[0], [1], [2]], [0, 1, 1], { signal: 'x' as never })).rejects.toMatchObject({
      code: 'ERR_KMEANS_INVALID_OPTION',
    });
  });
});
