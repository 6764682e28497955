// Property-based tests of CSR input (csr_data.ts): generated sparse matrices, valid and with
// defects, go to KMeans fit and fitAsync and to predict, predictAsync, transform and score of
// fitted models. Every call must end in a typed error with the code the input calls for, or in
// the result of the same computation on the dense rows the CSR stands for (laid out here, the
// sizes being small): the same labels, iterations and centers, and distances and inertia within
// the rounding of the entry-wise sums. No input is ever modified. The number of inputs of each
// property is in its name (times KMEANS_FUZZ_SCALE).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KMeans, type KMeansErrorCode, type KMeansOptions } from '../../src/index';
import type { Matrix, MatrixLike } from '../../src/matrix';
import { type CsrExpected, csrCase } from './csr_data';
import {
  type Valid,
  denseOf,
  expectDenseLabels,
  expectTransform,
  expectWithin,
  hasZeroRow,
  inertiaOf,
  inertiaSlack,
  sameBits,
  squaredDistance,
  tiedInDense,
} from './csr_results';
import { magnitudeLimit } from './data';
import { type Outcome, expectUnchanged, fuzzParameters, outcome, outcomeAsync, snapshot } from './helpers';

// Small problems run on one thread unless told otherwise.
process.env.KMEANS_NATIVE_WORK_PER_THREAD = '1';

// Duplicate points, empty clusters and the like are reported as process warnings: only counted here.
beforeAll(() => {
  vi.spyOn(process, 'emitWarning').mockImplementation((_warning: string | Error, options?: unknown) => {
    const code = typeof options === 'object' && options !== null ? (options as { code?: string }).code : undefined;
    expect(code, 'a warning without a code').toMatch(/^KMEANS_/);
  });
});
afterAll(() => {
  vi.restoreAllMocks();
});

/** The outcome must be the expected error, or a success handed to `check`. */
function expectOutcome<T>(result: Outcome<T>, code: KMeansErrorCode | undefined, check: (value: T) => void): void {
  if (code !== undefined) {
    const got = result.ok ? 'a result' : (result.error as { code: string }).code;
    expect(got, result.ok ? '' : result.error.message).toBe(code);
    return;
  }
  if (!result.ok) throw new Error(`expected a result, got ${result.error.message}`, { cause: result.error });
  check(result.value);
}

// --- fit ------------------------------------------------------------------------------------

type InitKind = 'k-means++' | 'random' | 'explicit' | 'k-means||';

const fitSettings = fc.record({
  k: fc.integer({ min: 1, max: 4 }),
  algorithm: fc.constantFrom('lloyd', 'hamerly', 'elkan', 'auto') as fc.Arbitrary<KMeansOptions['algorithm']>,
  init: fc.constantFrom<InitKind>('k-means++', 'k-means++', 'random', 'random', 'explicit', 'k-means||'),
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
  maxIter: fc.integer({ min: 1, max: 30 }),
  nInit: fc.integer({ min: 1, max: 2 }),
  mixed: fc.boolean(),
  cosine: fc.nat(4),
  weights: fc.option(fc.array(fc.constantFrom(0, 0.5, 1, 2, 3.5), { minLength: 8, maxLength: 8 }), { freq: 3 }),
});
type FitSettings = typeof fitSettings extends fc.Arbitrary<infer S> ? S : never;

/** The explicit init: k rows of small values, none zero, over the data's columns (2 where X is invalid). */
function initMatrix(k: number, cols: number, seed: number): Matrix {
  const data = Float64Array.from({ length: k * cols }, (_, e) => (((seed + 7 * e) % 11) - 5) / 2 + 0.25);
  return { data, rows: k, cols };
}

/** After the data's own checks: the weights' limit, zero rows, too few rows, then init. */
function fitExpected(expected: CsrExpected, s: FitSettings, weights: Float64Array | null): KMeansErrorCode | undefined {
  if (!expected.ok) return expected.code;
  const m = expected.matrix;
  const total = weights ? weights.reduce((sum, w) => sum + w, 0) : 0;
  if (weights && total > m.rows) {
    const limit = magnitudeLimit(m.dtype, total, m.cols);
    if (m.values.some((value) => !(Math.abs(value) < limit))) return 'ERR_KMEANS_OVERFLOW';
  }
  if (s.cosine === 0 && hasZeroRow(m)) return 'ERR_KMEANS_ZERO_VECTOR';
  if (s.k > m.rows) return 'ERR_KMEANS_TOO_FEW_SAMPLES';
  if (s.init === 'k-means||') return 'ERR_KMEANS_INVALID_OPTION';
  if (s.init !== 'explicit' && weights && weights.filter((w) => w > 0).length < s.k)
    return 'ERR_KMEANS_TOO_FEW_SAMPLES';
  return undefined;
}

/**
 * Whether the dense and sparse fits must agree bit for bit: unless the magnitudes of the values
 * and of an explicit init span more than 2^20 (stored and summed, zeros aside). Where they do, a row can dwarf the
 * difference of two centers so that its dense distances to them are the same double (the dense
 * fit then takes the lower index) while the sparse values ||c||^2 - 2 x.c still tell the nearer
 * one apart (tiedInDense); from there the two fits go separate ways, each a correct fit.
 */
function narrowRange(input: unknown, m: Valid['matrix'], init: KMeansOptions['init']): boolean {
  const stored = (input as { data: ArrayLike<number> }).data;
  const initial: number[] = typeof init === 'object' ? Array.from((init as Matrix).data) : [];
  const magnitudes = [...Array.from(stored), ...m.values, ...initial].map(Math.abs).filter((v) => v > 0);
  return magnitudes.length === 0 || Math.max(...magnitudes) < 2 ** 20 * Math.min(...magnitudes);
}

/** The sparse fit against the dense fit of the same rows, and the queries of the fitted model. */
function expectSameAsDense(
  sparse: KMeans,
  v: Valid,
  input: unknown,
  options: KMeansOptions,
  weights: Float64Array | null,
): void {
  const m = v.matrix;
  const fitOptions = weights ? { sampleWeight: weights } : {};
  const dense = new KMeans(options).fit(denseOf(m), fitOptions);
  const centers = sparse.clusterCenters;
  expect(centers.data.constructor).toBe(dense.clusterCenters.data.constructor);
  const cosine = options.metric === 'cosine';
  if (narrowRange(input, m, options.init)) {
    expect(Array.from(sparse.labels), 'labels').toEqual(Array.from(dense.labels));
    expect(sparse.nIter, 'nIter').toBe(dense.nIter);
    expect(sparse.converged, 'converged').toBe(dense.converged);
    if (!cosine) expect(sameBits(centers.data, dense.clusterCenters.data), 'centers').toBe(true);
  }
  const k = centers.rows;
  expect(Array.from(sparse.predict(input as MatrixLike)), 'predict').toEqual(Array.from(sparse.labels));
  if (cosine) {
    if (!narrowRange(input, m, options.init)) return;
    expectWithin(sparse.inertia, dense.inertia, 1e-5 * m.rows, 'inertia');
    const score = sparse.score(input as MatrixLike, fitOptions);
    expectWithin(score, dense.score(denseOf(m), fitOptions), 1e-5 * m.rows, 'score');
    return;
  }
  // The sparse model on its own: labels nearest to its centers (within a dense tie), its inertia.
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < k; j++) {
      const nearer = squaredDistance(m, i, centers.data, j) < squaredDistance(m, i, centers.data, sparse.labels[i]!);
      if (nearer)
        expect(tiedInDense(m, i, centers.data, j, sparse.labels[i]!), `row ${i}: center ${j} is nearer`).toBe(true);
    }
  const inertia = inertiaOf(m, centers.data, sparse.labels, weights);
  const slack = inertiaSlack(v, centers.data, sparse.labels, weights) + 1e-12 * inertia;
  expectWithin(sparse.inertia, inertia, slack, 'inertia');
  expectWithin(-sparse.score(input as MatrixLike, fitOptions), inertia, slack, 'score');
  expectTransform(v, sparse.transform(input as MatrixLike), centers.data, k);
}

describe('fuzz: CSR input to fit', () => {
  it('KMeans fit and fitAsync on 1,500 generated CSR X, against the dense fit', async () => {
    await fc.assert(
      fc.asyncProperty(csrCase({ values: 'fit', maxDefects: 2 }), fitSettings, async (c, s) => {
        fc.pre(c.expected !== null);
        const expected = c.expected!;
        if (c.defects.length > 0) expect(expected.ok, `defects ${c.defects.join(', ')} were accepted`).toBe(false);
        const cols = expected.ok ? expected.matrix.cols : 2;
        const weights = expected.ok && s.weights ? Float64Array.from(s.weights.slice(0, expected.matrix.rows)) : null;
        if (weights && weights.every((w) => w === 0)) weights[0] = 1;
        const options: KMeansOptions = {
          nClusters: s.k,
          algorithm: s.algorithm,
          init: s.init === 'explicit' ? initMatrix(s.k, cols, s.seed) : s.init,
          seed: s.seed,
          maxIter: s.maxIter,
          nInit: s.nInit,
          mixedPrecision: s.mixed ? 'auto' : false,
          metric: s.cosine === 0 ? 'cosine' : 'euclidean',
        };
        const fitOptions = weights ? { sampleWeight: weights } : {};
        const inputs = [c.input, weights];
        const before = inputs.map(snapshot);
        const code = fitExpected(expected, s, weights);

        const sync = outcome(() => new KMeans(options).fit(c.input as MatrixLike, fitOptions));
        expectUnchanged(inputs, before);
        const async = await outcomeAsync(() => new KMeans(options).fitAsync(c.input as MatrixLike, fitOptions));
        expectUnchanged(inputs, before);
        expectOutcome(sync, code, (model) => {
          if (!expected.ok) return;
          expectSameAsDense(model, expected, c.input, options, weights);
          expectUnchanged(inputs, before);
        });
        expectOutcome(async, code, (model) => {
          if (!sync.ok) return;
          expect(Array.from(model.labels)).toEqual(Array.from(sync.value.labels));
          expect(sameBits(model.clusterCenters.data, sync.value.clusterCenters.data)).toBe(true);
          expect(model.inertia).toBe(sync.value.inertia);
        });
      }),
      fuzzParameters(1500),
    );
  });
});

// --- queries of a fitted model ----------------------------------------------------------------

const training: Matrix = {
  data: Float64Array.of(0, 0, 1, 1, 1, 0, 5, 5, 4, -3, 0.5, 2, 9, 0, 9, 0.25, -1, 0),
  rows: 6,
  cols: 3,
};

describe('fuzz: CSR input to the queries of a fitted model', () => {
  const models = {
    euclidean: new KMeans({ nClusters: 3, seed: 1 }).fit(training),
    cosine: new KMeans({ nClusters: 3, seed: 1, metric: 'cosine' }).fit(training),
  };

  it('predict, predictAsync, transform and score on 3,000 generated CSR X', async () => {
    await fc.assert(
      fc.asyncProperty(csrCase({ maxCols: 4, values: 'any' }), fc.nat(3), async (c, which) => {
        fc.pre(c.expected !== null);
        const expected = c.expected!;
        if (c.defects.length > 0) expect(expected.ok, `defects ${c.defects.join(', ')} were accepted`).toBe(false);
        const metric = which === 0 ? 'cosine' : 'euclidean';
        const model = models[metric];
        const X = c.input as MatrixLike;
        const before = [snapshot(c.input)];
        const code = !expected.ok
          ? expected.code
          : metric === 'cosine' && hasZeroRow(expected.matrix)
            ? 'ERR_KMEANS_ZERO_VECTOR'
            : expected.matrix.cols !== 3
              ? 'ERR_KMEANS_SHAPE_MISMATCH'
              : undefined;
        const dense = expected.ok && code === undefined ? denseOf(expected.matrix) : null;
        const expectQueryLabels = (labels: Int32Array) => {
          if (!expected.ok) return;
          const denseLabels = model.predict(dense!);
          if (metric === 'cosine') return expect(Array.from(labels)).toEqual(Array.from(denseLabels));
          const centers = model.clusterCenters.data;
          const typed = expected.matrix.dtype === 'float32' ? Float32Array.from(centers) : centers;
          expectDenseLabels(expected.matrix, typed, labels, denseLabels);
        };

        expectOutcome(
          outcome(() => model.predict(X)),
          code,
          expectQueryLabels,
        );
        expectOutcome(await outcomeAsync(() => model.predictAsync(X)), code, expectQueryLabels);
        expectOutcome(
          outcome(() => model.score(X)),
          code,
          (score) => {
            if (!expected.ok) return;
            const denseScore = model.score(dense!);
            if (metric === 'cosine') return expectWithin(score, denseScore, 1e-5 * expected.matrix.rows, 'score');
            const centers = model.clusterCenters.data;
            const typed = expected.matrix.dtype === 'float32' ? Float32Array.from(centers) : centers;
            const labels = model.predict(dense!);
            const rounding = (expected.matrix.dtype === 'float32' ? 1e-6 : 1e-12) * Math.abs(denseScore);
            expectWithin(-score, -denseScore, inertiaSlack(expected, typed, labels, null) + rounding, 'score');
          },
        );
        expectOutcome(
          outcome(() => model.transform(X)),
          code,
          (out) => {
            if (!expected.ok) return;
            if (metric === 'euclidean') return expectTransform(expected, out, model.clusterCenters.data, 3);
            const denseOut = model.transform(dense!);
            out.data.forEach((value, e) => expectWithin(value, denseOut.data[e]!, 1e-6, 'cosine transform'));
          },
        );
        expectUnchanged([c.input], before);
      }),
      fuzzParameters(3000),
    );
  });
});
