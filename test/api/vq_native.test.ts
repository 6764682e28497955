// The vq module's native work: the threads option (checked, passed to every native call, and
// without effect on the bits) and the covariance operation behind kmeans2's Gaussian start.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KMeansError } from '../../src/index';
import { native } from '../../src/binding';
import { kmeans, kmeans2, vq, whiten } from '../../src/vq';
import { blobs, matrix } from '../helpers';

afterEach(() => vi.restoreAllMocks());

/** Runs fn with as many threads as there are blocks of rows, whatever the amount of work. */
function everyThread<R>(fn: () => R): R {
  const saved = process.env.KMEANS_NATIVE_WORK_PER_THREAD;
  process.env.KMEANS_NATIVE_WORK_PER_THREAD = '1';
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.KMEANS_NATIVE_WORK_PER_THREAD;
    else process.env.KMEANS_NATIVE_WORK_PER_THREAD = saved;
  }
}

/** n×d values of very different scales per column, from a fixed linear congruential sequence. */
function spread(n: number, d: number, seed: number): Float64Array {
  const values = new Float64Array(n * d);
  let state = seed;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const f = i % d;
    values[i] = (state / 2 ** 32 - 0.5) * 10 ** ((f % 5) - 2) + (f === 1 ? 1e5 : 0);
  }
  return values;
}

const X = matrix(blobs(1500, 5, 4, 11, 12, 1.5));
const X32 = matrix(blobs(1500, 5, 4, 11, 12, 1.5), 'float32');
const book = matrix([
  [0, 0, 0, 0, 0],
  [5, 5, 5, 5, 5],
  [-5, 0, 5, 0, -5],
]);

describe('the threads option', () => {
  it('gives the same bits on 1 and 2 threads', () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    for (const data of [X, X32]) {
      const run = (threads: number) =>
        everyThread(() => ({
          whitened: whiten(data, { threads }),
          codes: vq(data, book, { threads }),
          kmeans: kmeans(data, 4, { iter: 3, seed: 5, threads }),
          guess: kmeans(data, book, { threads }),
          random: kmeans2(data, 4, { minit: 'random', seed: 2, threads }),
          points: kmeans2(data, 4, { minit: 'points', seed: 2, threads }),
          plusPlus: kmeans2(data, 4, { minit: '++', seed: 2, threads }),
          matrix: kmeans2(data, book, { minit: 'matrix', threads }),
        }));
      expect(run(2)).toEqual(run(1));
    }
  });

  it('reaches every native call', () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const addon = native() as unknown as Record<string, (request: { threads: number }) => unknown>;
    const seen: [string, number][] = [];
    for (const name of ['whiten', 'assign', 'clusterMeans', 'columnStats', 'seedCenters', 'covariance']) {
      const original = addon[name]!;
      vi.spyOn(addon, name).mockImplementation((request) => {
        seen.push([name, request.threads]);
        return original(request);
      });
    }
    whiten(X, { threads: 3 });
    vq(X, book, { threads: 3 });
    kmeans(X, 3, { iter: 2, seed: 1, threads: 3 });
    kmeans(X, book, { threads: 3 });
    for (const minit of ['random', 'points', '++'] as const) kmeans2(X, 3, { minit, iter: 2, seed: 1, threads: 3 });
    kmeans2(X, book, { minit: 'matrix', threads: 3 });
    expect(new Set(seen.map(([name]) => name))).toEqual(
      new Set(['whiten', 'assign', 'clusterMeans', 'columnStats', 'seedCenters', 'covariance']),
    );
    expect(seen.filter(([, threads]) => threads !== 3)).toEqual([]);
  });

  it('is checked as KMeans checks it', () => {
    const message = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(KMeansError);
        expect((error as KMeansError).code).toBe('ERR_KMEANS_INVALID_OPTION');
        return (error as Error).message;
      }
      throw new Error('expected a KMeansError');
    };
    expect(message(() => whiten(X, { threads: 0 }))).toBe('threads must be an integer between 1 and 4096 (got 0)');
    expect(message(() => vq(X, book, { threads: 1.5 }))).toBe(
      'threads must be an integer between 1 and 4096 (got 1.5)',
    );
    expect(message(() => kmeans(X, 2, { threads: 5000 }))).toBe(
      'threads must be an integer between 1 and 4096 (got 5000)',
    );
    expect(message(() => kmeans2(X, 2, { threads: '2' as never }))).toMatch(/^threads must be an integer/);
    expect(message(() => kmeans2(X, 2, { n_jobs: 2 } as never))).toBe(
      'Unknown kmeans2 option "n_jobs"; did you mean "threads"?',
    );
  });
});

describe('the native covariance', () => {
  type Result = { means: Float64Array; covariance: Float64Array; factor: Float64Array; positiveDefinite: boolean };

  function covariance(data: Float64Array | Float32Array, n: number, d: number, threads: number): Result {
    const means = new Float64Array(d);
    const out = { covariance: new Float64Array(d * d), factor: new Float64Array(d * d) };
    const positiveDefinite = native().covariance({ x: data, n, d, sampleWeight: null, threads, means, ...out });
    return { means, ...out, positiveDefinite };
  }

  // Each sum in row order, then the Cholesky-Banachiewicz order: what the kernel must keep.
  function reference(data: Float64Array | Float32Array, n: number, d: number): Result {
    const means = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) means[f]! += data[i * d + f]! / n;
    const cov = new Float64Array(d * d);
    for (let a = 0; a < d; a++)
      for (let b = 0; b <= a; b++) {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += (data[i * d + a]! - means[a]!) * (data[i * d + b]! - means[b]!);
        cov[a * d + b] = cov[b * d + a] = sum / (n - 1);
      }
    const lower = new Float64Array(d * d);
    let positiveDefinite = true;
    for (let a = 0; a < d && positiveDefinite; a++)
      for (let b = 0; b <= a; b++) {
        let sum = cov[a * d + b]!;
        for (let c = 0; c < b; c++) sum -= lower[a * d + c]! * lower[b * d + c]!;
        if (a !== b) lower[a * d + b] = sum / lower[b * d + b]!;
        else if (sum > 1e-12 * cov[a * d + a]!) lower[a * d + a] = Math.sqrt(sum);
        else positiveDefinite = false;
      }
    const factor = new Float64Array(d * d);
    if (positiveDefinite)
      for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) factor[b * d + a] = lower[a * d + b]!;
    return { means, covariance: cov, factor, positiveDefinite };
  }

  it("gives numpy's mean, cov and Cholesky factor", () => {
    const data = matrix([
      [1.9, 2.3, 1.7],
      [1.5, 2.5, 2.2],
      [0.8, 0.6, 1.7],
      [0.4, 1.8, 0.3],
      [0.1, 0.1, 2.0],
    ]).data;
    const result = covariance(data, 5, 3, 1);
    // numpy 2.4: X.mean(axis=0), np.cov(X, rowvar=False), np.linalg.cholesky(cov).T
    const close = (actual: Float64Array, expected: number[]) =>
      Array.from(actual).forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-15));
    close(result.means, [0.9400000000000001, 1.4599999999999997, 1.58]);
    close(result.covariance, [0.563, 0.617, 0.196, 0.617, 1.123, -0.091, 0.196, -0.091, 0.557]);
    close(
      result.factor,
      [
        0.7503332592921628, 0.8223012806097058, 0.2612172625599714, 0, 0.6684464106475835, -0.45747764465392404, 0, 0,
        0.5286584401885333,
      ],
    );
    expect(result.positiveDefinite).toBe(true);
  });

  it('gives the bits of the row order on any thread count, in float64 and float32', () => {
    for (const [n, d] of [
      [3001, 9],
      [700, 61],
    ] as const) {
      const values = spread(n, d, n + d);
      for (const data of [values, Float32Array.from(values)]) {
        const expected = reference(data, n, d);
        expect(expected.positiveDefinite).toBe(true);
        expect(covariance(data, n, d, 1)).toEqual(expected);
        expect(everyThread(() => covariance(data, n, d, 2))).toEqual(expected);
        expect(everyThread(() => covariance(data, n, d, 7))).toEqual(expected);
      }
    }
  });

  it('reports a singular covariance, and gives the means alone without the d×d outputs', () => {
    const values = spread(600, 4, 3);
    for (let i = 0; i < 600; i++) values[i * 4 + 2] = values[i * 4]!; // a repeated column
    const result = covariance(values, 600, 4, 2);
    expect(result.positiveDefinite).toBe(false);
    expect(result.factor.every((v) => v === 0)).toBe(true);
    expect(result.covariance).toEqual(reference(values, 600, 4).covariance);

    const means = new Float64Array(4);
    expect(native().covariance({ x: values, n: 600, d: 4, sampleWeight: null, threads: 2, means })).toBe(false);
    expect(means).toEqual(reference(values, 600, 4).means);
  });
});
