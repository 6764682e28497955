// scipy.cluster.vq semantics, against fixtures made by fixtures/make_vq_fixtures.py.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KMeansError, vq as namespace } from '../../src/index';
import { kmeans, kmeans2, vq, whiten } from '../../src/vq';
import type { Shaped } from '../../src/vq';
import { blobs, matrix } from '../helpers';

type Values = number[] | number[][];
interface VqFixtures {
  whiten: { name: string; obs: Values; expected: Values; zeroStdColumns: number[] }[];
  vq: { name: string; dtype: 'float64' | 'float32'; obs: Values; codeBook: Values; codes: number[]; dist: number[] }[];
  kmeans: {
    name: string;
    obs: number[][];
    guess: number[][];
    thresh: number;
    expected: { codebook: number[][]; distortion: number };
    scipy110: { codebook: number[][]; distortion: number };
  }[];
  kmeansRestarts: { name: string; obs: number[][]; k: number; iter: number; bestDistortion: number; seeds: number[] }[];
  kmeans2: {
    name: string;
    data: Values;
    k: Values;
    iter: number;
    missing: 'warn' | 'raise';
    expected: { centroids: Values; labels: number[] } | { error: string };
    emptyClusterWarning: boolean;
  }[];
}

const fixtures: VqFixtures = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'vq_reference.json'), 'utf8'),
);

/** A 2-D fixture as a typed matrix, a 1-D one as a typed array, in the dtype. */
function typed(values: Values, dtype: 'float64' | 'float32' = 'float64') {
  const Type = dtype === 'float32' ? Float32Array : Float64Array;
  return Array.isArray(values[0]) ? matrix(values as number[][], dtype) : Type.from(values as number[]);
}

function values(result: Shaped): number[] {
  return Array.from('data' in result ? result.data : result);
}

function maxAbsDiff(actual: number[], expected: Values): number {
  const flat = (expected as number[][]).flat() as number[];
  expect(actual.length).toBe(flat.length);
  return Math.max(0, ...actual.map((v, i) => Math.abs(v - flat[i]!)));
}

afterEach(() => vi.restoreAllMocks());

describe.each(fixtures.whiten)('whiten matches SciPy: $name', (c) => {
  it('divides each column by its population standard deviation', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const result = whiten(c.obs);
    expect(Array.isArray(c.obs[0]) ? 'rows' in result : result instanceof Float64Array).toBe(true);
    expect(maxAbsDiff(values(result), c.expected)).toBeLessThan(1e-14);
    expect(warn).toHaveBeenCalledTimes(c.zeroStdColumns.length > 0 ? 1 : 0);
    if (c.zeroStdColumns.length) expect(warn.mock.calls[0]![1]).toMatchObject({ code: 'KMEANS_WHITEN_ZERO_STD' });
  });
});

describe.each(fixtures.vq)('vq matches SciPy: $name', (c) => {
  it('gives the same codes and distances', () => {
    const result = vq(typed(c.obs, c.dtype), typed(c.codeBook, c.dtype));
    expect(Array.from(result.code)).toEqual(c.codes);
    expect(result.dist).toBeInstanceOf(c.dtype === 'float32' ? Float32Array : Float64Array);
    // SciPy sums float32 distances in float32; this library sums in double, then rounds.
    const tolerance = c.dtype === 'float32' ? 1e-6 : 1e-14;
    expect(
      Math.max(...Array.from(result.dist, (d, i) => Math.abs(d - c.dist[i]!) / Math.max(1, c.dist[i]!))),
    ).toBeLessThan(tolerance);
  });
});

describe.each(fixtures.kmeans)('kmeans with an initial codebook matches current SciPy: $name', (c) => {
  it('gives the same codebook and distortion', () => {
    const result = kmeans(c.obs, c.guess, { thresh: c.thresh });
    expect(maxAbsDiff(values(result.codebook), c.expected.codebook)).toBeLessThan(1e-12);
    expect(Math.abs(result.distortion - c.expected.distortion)).toBeLessThan(1e-12);
  });
});

describe('whiten in native code', () => {
  // Column by column in row order, with the power-of-four scaling that keeps squares in range:
  // the order of operations the native pass must keep, written out in JavaScript.
  function whitenReference(data: Float64Array | Float32Array, rows: number, cols: number): number[] {
    const out: number[] = new Array(data.length);
    for (let f = 0; f < cols; f++) {
      let largest = 0;
      for (let i = 0; i < rows; i++) largest = Math.max(largest, Math.abs(data[i * cols + f]!));
      const exponent =
        Number.isFinite(largest) && largest > 0 ? Math.min(511, Math.max(-511, Math.round(Math.log2(largest) / 2))) : 0;
      const scale = 4 ** -exponent;
      let mean = 0;
      for (let i = 0; i < rows; i++) mean += data[i * cols + f]! * scale;
      mean /= rows;
      let variance = 0;
      for (let i = 0; i < rows; i++) variance += (data[i * cols + f]! * scale - mean) ** 2;
      const std = Math.sqrt(variance / rows);
      for (let i = 0; i < rows; i++)
        out[i * cols + f] = std === 0 ? data[i * cols + f]! : (data[i * cols + f]! * scale) / std;
    }
    return out;
  }

  it('gives the bits of the reference order, in float64 and float32, on any thread count', () => {
    const rows = 3001;
    const cols = 37;
    const values64 = new Float64Array(rows * cols);
    let state = 12345;
    for (let i = 0; i < values64.length; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      // Columns of very different magnitudes, one constant column.
      const f = i % cols;
      values64[i] = f === 5 ? 3 : (state / 2 ** 32 - 0.5) * 10 ** ((f % 9) - 4) * (f % 2 ? 1e120 : 1);
    }
    for (const data of [values64, Float32Array.from(values64, (v) => (Math.abs(v) > 1e30 ? v / 1e100 : v))]) {
      const expected = whitenReference(data, rows, cols);
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      const many = whiten({ data, rows, cols }) as { data: Float64Array | Float32Array };
      const saved = process.env.KMEANS_NATIVE_WORK_PER_THREAD;
      process.env.KMEANS_NATIVE_WORK_PER_THREAD = '1';
      try {
        const spread = whiten({ data, rows, cols }) as { data: Float64Array | Float32Array };
        expect(spread.data).toEqual(many.data);
      } finally {
        if (saved === undefined) delete process.env.KMEANS_NATIVE_WORK_PER_THREAD;
        else process.env.KMEANS_NATIVE_WORK_PER_THREAD = saved;
      }
      expect(many.data.constructor).toBe(data.constructor);
      const typed = data instanceof Float32Array ? Float32Array.from(expected) : Float64Array.from(expected);
      expect(many.data).toEqual(typed);
      // One warning per call, for the constant column.
      expect(warn).toHaveBeenCalledTimes(2);
      warn.mockRestore();
    }
  });
});

describe("SciPy's docstring examples", () => {
  it('whiten', () => {
    const result = whiten([
      [1.9, 2.3, 1.7],
      [1.5, 2.5, 2.2],
      [0.8, 0.6, 1.7],
    ]);
    expect(values(result).map((v) => +v.toFixed(8))).toEqual([
      4.17944278, 2.69811351, 7.21248917, 3.29956009, 2.93273208, 9.33380951, 1.75976538, 0.7038557, 7.21248917,
    ]);
  });

  it('vq', () => {
    const { code, dist } = vq(
      [
        [1.9, 2.3, 1.7],
        [1.5, 2.5, 2.2],
        [0.8, 0.6, 1.7],
      ],
      [
        [1, 1, 1],
        [2, 2, 2],
      ],
    );
    expect(Array.from(code)).toEqual([1, 1, 0]);
    expect(Array.from(dist, (v) => +v.toFixed(8))).toEqual([0.43588989, 0.73484692, 0.83066239]);
  });
});

describe('kmeans', () => {
  it("reproduces SciPy's documentation example (with the numbers SciPy computes)", () => {
    const features = [
      [1.9, 2.3],
      [1.5, 2.5],
      [0.8, 0.6],
      [0.4, 1.8],
      [0.1, 0.1],
      [0.2, 1.8],
      [2.0, 0.5],
      [0.3, 1.5],
      [1.0, 1.0],
    ];
    const whitened = whiten(features) as { data: Float64Array; rows: number; cols: number };
    const book = [Array.from(whitened.data.subarray(0, 2)), Array.from(whitened.data.subarray(4, 6))];
    const { codebook, distortion } = kmeans(whitened, book);
    expect(values(codebook).map((v) => +v.toFixed(8))).toEqual([2.45121811, 3.03653641, 0.98872663, 1.31944737]);
    expect(distortion).toBeCloseTo(0.9088234961964715, 14);
  });

  it('differs from SciPy 1.10 exactly where current SciPy fixed it', () => {
    const differing = fixtures.kmeans.filter((c) => c.scipy110.distortion !== c.expected.distortion);
    expect(differing.map((c) => c.name)).toEqual(['distortion-rises-column', 'iris-whitened-distortion-rises']);
    for (const c of differing) {
      const ours = kmeans(c.obs, c.guess, { thresh: c.thresh });
      expect(Math.abs(ours.distortion - c.scipy110.distortion)).toBeGreaterThan(1e-7);
      // The distortion returned is that of the codebook returned.
      const recomputed = vq(c.obs, ours.codebook as never).dist;
      expect(ours.distortion).toBeCloseTo(Array.from(recomputed).reduce((a, b) => a + b, 0) / recomputed.length, 14);
    }
  });

  it.each(fixtures.kmeansRestarts)('finds the best distortion with restarts: $name', (c) => {
    for (const seed of c.seeds) {
      const { codebook, distortion } = kmeans(c.obs, c.k, { iter: c.iter, seed });
      expect(Math.abs(distortion - c.bestDistortion)).toBeLessThan(1e-12);
      expect((codebook as { rows: number }).rows).toBe(c.k);
    }
  });

  it('keeps the best of iter restarts, and repeats with the same seed', () => {
    const obs = blobs(400, 2, 6, 3, 8, 1.5);
    const one = kmeans(obs, 6, { iter: 1, seed: 4 });
    const many = kmeans(obs, 6, { iter: 20, seed: 4 });
    expect(many.distortion).toBeLessThanOrEqual(one.distortion);
    expect(kmeans(obs, 6, { iter: 20, seed: 4 })).toEqual(many);
  });

  it('takes 1-D observations and returns a 1-D codebook', () => {
    const { codebook, distortion } = kmeans([1, 1.2, 0.8, 10, 10.5, 9.5], [0, 5]);
    expect(codebook).toBeInstanceOf(Float64Array);
    expect(Array.from(codebook as Float64Array)).toEqual([1, 10]);
    expect(distortion).toBeCloseTo((0 + 0.2 + 0.2 + 0 + 0.5 + 0.5) / 6, 14);
  });
});

describe.each(fixtures.kmeans2)('kmeans2 with minit "matrix" matches SciPy: $name', (c) => {
  it('gives the same centroids and labels, and the same empty-cluster behaviour', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const run = () => kmeans2(c.data, c.k, { iter: c.iter, minit: 'matrix', missing: c.missing });
    if ('error' in c.expected) {
      expect(run).toThrow(KMeansError);
      expect(run).toThrow(expect.objectContaining({ code: 'ERR_KMEANS_EMPTY_CLUSTER' }));
      return;
    }
    const { centroids, label } = run();
    expect(maxAbsDiff(values(centroids), c.expected.centroids)).toBeLessThan(1e-12);
    expect(Array.from(label)).toEqual(c.expected.labels);
    expect(warn).toHaveBeenCalledTimes(c.emptyClusterWarning ? 1 : 0);
  });
});

describe('kmeans2 initialisations', () => {
  const data = blobs(600, 3, 4, 9, 20, 1);
  const distortion = (centroids: Shaped) => {
    const { dist } = vq(data, centroids as never);
    return Array.from(dist).reduce((a, b) => a + b, 0) / dist.length;
  };

  it.each(['points', '++'] as const)(
    'minit "%s" starts from k distinct observations and mostly finds separated blobs',
    (minit) => {
      let found = 0;
      for (let seed = 0; seed < 10; seed++) {
        const { centroids, label } = kmeans2(data, 4, { minit, iter: 20, seed, missing: 'raise' });
        expect((centroids as { rows: number }).rows).toBe(4);
        expect(new Set(label).size).toBe(4);
        if (distortion(centroids) < 2) found++; // the within-blob spread, not between-blob distances
      }
      expect(found).toBeGreaterThanOrEqual(minit === '++' ? 7 : 5);
    },
  );

  it('minit "random" draws from a Gaussian fitted to the data', () => {
    const { centroids } = kmeans2(data, 4, { minit: 'random', iter: 1, seed: 3 });
    expect((centroids as { rows: number }).rows).toBe(4);
    // Starting points lie within a few standard deviations of the data.
    const xs = data.map((row) => row[0]!);
    const spread = Math.max(...xs) - Math.min(...xs);
    for (const v of values(centroids).filter((_, i) => i % 3 === 0)) expect(Math.abs(v)).toBeLessThan(2 * spread);
  });

  it('minit "random" works with more features than observations', () => {
    const wide = blobs(5, 12, 2, 1);
    const { centroids } = kmeans2(wide, 2, { minit: 'random', iter: 2, seed: 1 });
    expect(values(centroids).every(Number.isFinite)).toBe(true);
  });

  it('repeats with the same seed, and labels belong to the last assignment', () => {
    const a = kmeans2(data, 4, { minit: '++', seed: 8 });
    expect(kmeans2(data, 4, { minit: '++', seed: 8 })).toEqual(a);
  });

  it('keeps float32 data in float32', () => {
    const { centroids } = kmeans2(matrix(data, 'float32'), 4, { minit: 'points', seed: 1 });
    expect((centroids as { data: Float32Array }).data).toBeInstanceOf(Float32Array);
  });
});

describe('vq errors', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(KMeansError);
      return [(error as KMeansError).code, (error as Error).message];
    }
    throw new Error('expected a KMeansError');
  };

  it('rejects non-finite input unless checkFinite is false', () => {
    expect(code(() => whiten([[1, NaN]]))).toEqual([
      'ERR_KMEANS_NON_FINITE',
      'obs must contain only finite numbers: row 0, column 1 is NaN',
    ]);
    expect(code(() => vq([[1, 2]], [[Infinity, 0]]))[0]).toBe('ERR_KMEANS_NON_FINITE');
    expect(code(() => kmeans([[1], [NaN]], 1))[0]).toBe('ERR_KMEANS_NON_FINITE');
    expect(code(() => kmeans2([1, NaN, 3], 2, { minit: 'points' }))[0]).toBe('ERR_KMEANS_NON_FINITE');
    expect(() =>
      whiten(
        [
          [1, NaN],
          [2, 3],
        ],
        { checkFinite: false },
      ),
    ).not.toThrow();
  });

  it('rejects k larger than the data', () => {
    expect(code(() => kmeans([[1], [2]], 3))).toEqual([
      'ERR_KMEANS_TOO_FEW_SAMPLES',
      'kmeans needs at least k observations: k = 3, but obs has 2',
    ]);
    expect(code(() => kmeans2([[1], [2]], 3, { minit: 'points' }))[0]).toBe('ERR_KMEANS_TOO_FEW_SAMPLES');
    expect(code(() => kmeans2([[1], [2]], 3, { minit: '++' }))[0]).toBe('ERR_KMEANS_TOO_FEW_SAMPLES');
  });

  it('rejects wrong shapes', () => {
    expect(code(() => vq([[1, 2]], [[1, 2, 3]]))).toEqual([
      'ERR_KMEANS_SHAPE_MISMATCH',
      'codeBook must have one column per feature of obs: obs has 2 features, codeBook has 3',
    ]);
    expect(code(() => vq([1, 2], [[1, 2]]))).toEqual([
      'ERR_KMEANS_SHAPE_MISMATCH',
      'obs and codeBook must have the same rank: obs is 1-D, codeBook is 2-D',
    ]);
    expect(code(() => kmeans([[1, 2]], [[1]]))[0]).toBe('ERR_KMEANS_SHAPE_MISMATCH');
    expect(
      code(() =>
        kmeans2(
          [
            [1, 2],
            [3, 4],
          ],
          [1, 2],
          { minit: 'matrix' },
        ),
      )[0],
    ).toBe('ERR_KMEANS_SHAPE_MISMATCH');
  });

  it('rejects empty input where SciPy does, and observations of no features', () => {
    // No observations at all: whiten and vq return empty results, as SciPy (test/api/parity.test.ts).
    expect(code(() => whiten([[]]))[0]).toBe('ERR_KMEANS_EMPTY_DATA');
    expect(code(() => vq([[]], [[1]]))[0]).toBe('ERR_KMEANS_EMPTY_DATA');
    expect(code(() => vq([1], []))[0]).toBe('ERR_KMEANS_EMPTY_DATA');
    expect(code(() => kmeans([[]], 1))[0]).toBe('ERR_KMEANS_EMPTY_DATA');
    expect(code(() => kmeans([], 1))[0]).toBe('ERR_KMEANS_EMPTY_DATA');
    expect(code(() => kmeans2([], 1))[0]).toBe('ERR_KMEANS_EMPTY_DATA');
  });

  it('rejects bad options', () => {
    expect(code(() => kmeans([[1], [2]], 0))).toEqual([
      'ERR_KMEANS_INVALID_OPTION',
      'kOrGuess must be at least 1 cluster (got 0)',
    ]);
    expect(code(() => kmeans([[1], [2]], 1.5))[0]).toBe('ERR_KMEANS_INVALID_OPTION');
    expect(code(() => kmeans([[1], [2]], 1, { iter: 0 }))).toEqual([
      'ERR_KMEANS_INVALID_OPTION',
      'iter must be an integer >= 1 (got 0)',
    ]);
    expect(code(() => kmeans([[1], [2]], 1, { thresh: -1 }))[0]).toBe('ERR_KMEANS_INVALID_OPTION');
    expect(code(() => kmeans2([[1], [2]], 1, { minit: 'kmeans++' as never }))).toEqual([
      'ERR_KMEANS_INVALID_OPTION',
      'minit must be "random", "points", "++" or "matrix" (got "kmeans++")',
    ]);
    expect(code(() => kmeans2([[1], [2]], 1, { missing: 'ignore' as never }))[0]).toBe('ERR_KMEANS_INVALID_OPTION');
    expect(code(() => kmeans2([[1], [2]], 1, { minit: 'matrix' }))[0]).toBe('ERR_KMEANS_INVALID_OPTION');
    expect(code(() => kmeans2([[1], [2]], 0))[0]).toBe('ERR_KMEANS_INVALID_OPTION');
    expect(code(() => vq([[1]], [[1]], { check_finite: false } as never))).toEqual([
      'ERR_KMEANS_INVALID_OPTION',
      'Unknown vq option "check_finite"; did you mean "checkFinite"?',
    ]);
    expect(code(() => kmeans2([[1], [2]], 1, { checkFinite: 'yes' as never }))[0]).toBe('ERR_KMEANS_INVALID_OPTION');
  });

  it('warns when k is not an integer, as SciPy', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const { centroids } = kmeans2([[0], [1], [10], [11]], 2.7, { minit: 'points', seed: 1 });
    expect((centroids as { rows: number }).rows).toBe(2);
    expect(warn).toHaveBeenCalledWith('k was not an integer, was converted.', { code: 'KMEANS_K_CONVERTED' });
  });

  it('never modifies its inputs', () => {
    const obs = matrix(blobs(50, 2, 2, 5));
    const book = matrix([
      [0, 0],
      [1, 1],
    ]);
    const before = [obs.data.slice(), book.data.slice()];
    whiten(obs);
    vq(obs, book);
    kmeans(obs, book);
    kmeans2(obs, book, { minit: 'matrix' });
    expect([obs.data, book.data]).toEqual(before);
  });
});

describe('entry points', () => {
  it('are the same functions from the main entry and from kmeans-native/vq', () => {
    const load = createRequire(__filename);
    const sub = load('kmeans-native/vq') as typeof import('../../src/vq');
    const main = load('kmeans-native') as typeof import('../../src/index');
    expect(Object.keys(sub).sort()).toEqual(['kmeans', 'kmeans2', 'vq', 'whiten']);
    expect(main.vq.kmeans2).toBe(sub.kmeans2);
    expect(Object.keys(namespace).sort()).toEqual(['kmeans', 'kmeans2', 'vq', 'whiten']);
  });
});
