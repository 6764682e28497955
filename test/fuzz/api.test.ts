// Property-based tests of the public API: generated matrices (shapes, containers, dtypes,
// NaN/Infinity placement, magnitudes), option values, sample weights and init matrices go to
// KMeans, MiniBatchKMeans, kmeansPlusPlus and the vq functions, in sync and async calls. Every
// call must end in a typed error with the code the input calls for, or in a result that passes
// the checks of a correct one; no input is ever modified. The number of inputs of each
// property is in its name (times KMEANS_FUZZ_SCALE).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  KMeans,
  type KMeansErrorCode,
  MiniBatchKMeans,
  kmeansPlusPlus,
  kmeansPlusPlusAsync,
  vq,
} from '../../src/index';
import type { MatrixLike } from '../../src/matrix';
import {
  type DType,
  type Expected,
  type MatrixCase,
  type Reference,
  expectClose,
  expectMatrix,
  expectNearest,
  goodNumber,
  magnitudeLimit,
  matrixCase,
  squaredDistance,
} from './data';
import {
  type Outcome,
  awkwardNumber,
  expectUnchanged,
  fuzzParameters,
  outcome,
  outcomeAsync,
  snapshot,
} from './helpers';

// Small problems run on one thread unless told otherwise: these tests compare thread counts.
process.env.KMEANS_NATIVE_WORK_PER_THREAD = '1';

// The library reports duplicate points, empty clusters and the like as process warnings; here
// they are only counted, and each must carry one of the library's codes.
const warningCodes = new Set<string>();
beforeAll(() => {
  vi.spyOn(process, 'emitWarning').mockImplementation((_warning: string | Error, options?: unknown) => {
    const code = typeof options === 'object' && options !== null ? (options as { code?: string }).code : undefined;
    expect(code, 'a warning without a code').toMatch(/^KMEANS_/);
    warningCodes.add(code!);
  });
});
afterAll(() => {
  vi.restoreAllMocks();
});

/** The outcome must be the expected error, or a success handed to `check`. */
function expectOutcome<T>(result: Outcome<T>, code: KMeansErrorCode | undefined, check: (value: T) => void): void {
  if (code !== undefined) {
    expect(result.ok ? 'a result' : (result.error as { code: string }).code).toBe(code);
    return;
  }
  if (!result.ok) throw new Error(`expected a result, got ${result.error.message}`, { cause: result.error });
  check(result.value);
}

function firstError(...expected: (KMeansErrorCode | undefined)[]): KMeansErrorCode | undefined {
  return expected.find((code) => code !== undefined);
}

function errorOf(expected: Expected): KMeansErrorCode | undefined {
  return expected.ok ? undefined : expected.code;
}

/** Checks a fitted KMeans or MiniBatchKMeans against the data it was fitted on. */
function expectFitted(
  model: KMeans | MiniBatchKMeans,
  X: Reference,
  input: unknown,
  k: number,
  weights: ArrayLike<number> | null,
  withLabels = true,
): void {
  const centers = model.clusterCenters;
  expectMatrix(centers, k, X.cols, X.dtype);
  if (withLabels) {
    const inertia = expectNearest(X, centers.data, k, model.labels, weights);
    expectClose(model.inertia, inertia, 1e-9, 'inertia');
  }
  const predicted = model.predict(input as MatrixLike);
  const inertia = expectNearest(X, centers.data, k, predicted, weights);
  if (withLabels) expect(predicted).toEqual(model.labels);
  const options = weights ? { sampleWeight: weights as number[] } : {};
  expectClose(-model.score(input as MatrixLike, options), inertia, 1e-9, 'score');
  const distances = model.transform(input as MatrixLike);
  expect([distances.rows, distances.cols, distances.data.length]).toEqual([X.rows, k, X.rows * k]);
  expect(distances.data).toBeInstanceOf(X.dtype === 'float32' ? Float32Array : Float64Array);
  for (let i = 0; i < X.rows; i++)
    for (let j = 0; j < k; j++) {
      const exact = Math.sqrt(squaredDistance(X.values, i * X.cols, centers.data, j * X.cols, X.cols));
      const value = distances.data[i * k + j]!;
      // A float32 distance beyond float32's range is Infinity, as the rounding of any such value.
      if (X.dtype === 'float32' && Math.fround(exact) === Infinity) expect(value).toBe(Infinity);
      else
        expectClose(
          value,
          X.dtype === 'float32' ? Math.fround(exact) : exact,
          X.dtype === 'float32' ? 1e-7 : 1e-12,
          'transform',
        );
    }
}

function hasZeroRow(X: Reference): boolean {
  for (let i = 0; i < X.rows; i++)
    if (X.values.subarray(i * X.cols, (i + 1) * X.cols).every((v) => v === 0)) return true;
  return false;
}

/** Spherical k-means: unit centers, and each label a center of largest cosine similarity. */
function expectCosineFitted(model: KMeans, X: Reference, input: unknown, k: number): void {
  const centers = model.clusterCenters;
  expectMatrix(centers, k, X.cols, X.dtype);
  const cosine = (i: number, j: number) => {
    let dot = 0;
    let rowNorm = 0;
    let centerNorm = 0;
    // Each vector divided by its largest magnitude first, so that tiny rows keep their direction.
    const row = Array.from(X.values.subarray(i * X.cols, (i + 1) * X.cols));
    const rowScale = Math.max(...row.map(Math.abs));
    const center = Array.from(centers.data.subarray(j * X.cols, (j + 1) * X.cols));
    const centerScale = Math.max(...center.map(Math.abs)) || 1;
    for (let f = 0; f < X.cols; f++) {
      const a = row[f]! / rowScale;
      const b = center[f]! / centerScale;
      dot += a * b;
      rowNorm += a * a;
      centerNorm += b * b;
    }
    return dot / Math.sqrt(rowNorm * centerNorm || 1);
  };
  for (let j = 0; j < k; j++) {
    let norm = 0;
    for (let f = 0; f < X.cols; f++) norm += centers.data[j * X.cols + f]! ** 2;
    expect(Math.abs(Math.sqrt(norm) - 1) < 1e-5, `center ${j} has length ${Math.sqrt(norm)}`).toBe(true);
  }
  let inertia = 0;
  model.labels.forEach((label, i) => {
    expect(label >= 0 && label < k).toBe(true);
    const chosen = cosine(i, label);
    for (let j = 0; j < k; j++)
      expect(cosine(i, j) <= chosen + 1e-6, `row ${i}: center ${j} is more similar than ${label}`).toBe(true);
    inertia += 1 - chosen;
  });
  expect(Math.abs(model.inertia - inertia) <= 1e-5 * X.rows).toBe(true);
  expect(model.predict(input as MatrixLike)).toEqual(model.labels);
}

const algorithm = fc.constantFrom('lloyd', 'hamerly', 'elkan', 'auto') as fc.Arbitrary<
  'lloyd' | 'hamerly' | 'elkan' | 'auto'
>;
const initMethod = fc.constantFrom('k-means++', 'random') as fc.Arbitrary<'k-means++' | 'random'>;
const seed = fc.integer({ min: 0, max: 2 ** 31 });
const smallValues = fc.oneof(fc.double({ min: -50, max: 50, noNaN: true }), fc.integer({ min: -2, max: 2 }));

describe('fuzz: matrices', () => {
  it('KMeans fit, predict, score and transform on 15,000 generated X', () => {
    const settings = fc.record({
      k: fc.integer({ min: 1, max: 4 }),
      algorithm,
      init: initMethod,
      seed,
      maxIter: fc.integer({ min: 1, max: 30 }),
      mixed: fc.boolean(),
      compare: fc.nat(4),
      cosine: fc.nat(4),
    });
    fc.assert(
      fc.property(matrixCase(), settings, ({ input, expected }, s) => {
        const before = [snapshot(input)];
        const metric = s.cosine === 0 ? 'cosine' : 'euclidean';
        const options = {
          nClusters: s.k,
          algorithm: s.algorithm,
          init: s.init,
          seed: s.seed,
          maxIter: s.maxIter,
          mixedPrecision: s.mixed ? 'auto' : false,
          metric,
        } as const;
        const model = new KMeans(options);
        const result = outcome(() => model.fit(input as MatrixLike));
        expectUnchanged([input], before);
        const tooFew = expected.ok && s.k > expected.matrix.rows ? 'ERR_KMEANS_TOO_FEW_SAMPLES' : undefined;
        const zeroRow =
          expected.ok && metric === 'cosine' && hasZeroRow(expected.matrix) ? 'ERR_KMEANS_ZERO_VECTOR' : undefined;
        expectOutcome(result, firstError(errorOf(expected), tooFew, zeroRow), () => {
          if (!expected.ok) return;
          if (metric === 'cosine') expectCosineFitted(model, expected.matrix, input, s.k);
          else expectFitted(model, expected.matrix, input, s.k, null);
          expect(model.nIter >= 1 && model.nIter <= s.maxIter).toBe(true);
          if (s.compare === 0) {
            // Thread count changes no bit.
            const single = new KMeans({ ...options, threads: 1 }).fit(input as MatrixLike);
            expect(single.labels).toEqual(model.labels);
            expect(single.clusterCenters.data).toEqual(model.clusterCenters.data);
            expect(single.inertia).toBe(model.inertia);
          }
        });
        expectUnchanged([input], before);
      }),
      fuzzParameters(15_000),
    );
  });

  it('predict, score and transform of a fitted model on 5,000 generated X', () => {
    const model = new KMeans({ nClusters: 3, seed: 1 }).fit([
      [0, 0, 0],
      [1, 1, 1],
      [5, 5, 5],
      [9, 0, 9],
    ]);
    fc.assert(
      fc.property(matrixCase({ maxCols: 4 }), ({ input, expected }) => {
        const before = [snapshot(input)];
        const shape = expected.ok && expected.matrix.cols !== 3 ? 'ERR_KMEANS_SHAPE_MISMATCH' : undefined;
        const code = firstError(errorOf(expected), shape);
        expectOutcome(
          outcome(() => model.predict(input as MatrixLike)),
          code,
          (labels) => {
            if (expected.ok) expectNearest(expected.matrix, model.clusterCenters.data, 3, labels);
          },
        );
        expectOutcome(
          outcome(() => model.score(input as MatrixLike)),
          code,
          (score) => expect(score <= 0).toBe(true),
        );
        expectOutcome(
          outcome(() => model.transform(input as MatrixLike)),
          code,
          (out) => expect(out.rows * out.cols).toBe(out.data.length),
        );
        expectUnchanged([input], before);
      }),
      fuzzParameters(5_000),
    );
  });
});

// --- options ------------------------------------------------------------------------------------

interface Tagged {
  value: unknown;
  valid: boolean;
}

const valid = (arbitrary: fc.Arbitrary<unknown>): fc.Arbitrary<Tagged> =>
  arbitrary.map((value) => ({ value, valid: true }));
const invalid = (...values: unknown[]): fc.Arbitrary<Tagged> =>
  fc.constantFrom(...values).map((value) => ({ value, valid: false }));
/** A value of either kind, or now and then anything at all (judged by `accepts`). */
function optionValue(
  good: fc.Arbitrary<unknown>,
  bad: fc.Arbitrary<Tagged>,
  accepts?: (value: unknown) => boolean,
): fc.Arbitrary<Tagged> {
  if (!accepts) return fc.oneof({ weight: 2, arbitrary: valid(good) }, { weight: 1, arbitrary: bad });
  return fc.oneof(
    { weight: 6, arbitrary: valid(good) },
    { weight: 3, arbitrary: bad },
    { weight: 1, arbitrary: fc.oneof(fc.anything(), awkwardNumber).map((value) => ({ value, valid: accepts(value) })) },
  );
}

const isInteger =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (value: unknown) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
const isOneOf =
  (...choices: unknown[]) =>
  (value: unknown) =>
    choices.includes(value);
const isTolerance = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0;

const trainingRows = [
  [0.5, 0],
  [0, 1],
  [1, 0],
  [5, 5],
  [5, 6],
  [6, 5],
  [-4, 9],
  [-5, 9],
  [3, -3],
  [2, 2],
];

const kmeansOptionValues: Record<string, fc.Arbitrary<Tagged>> = {
  nClusters: optionValue(
    fc.integer({ min: 1, max: 12 }),
    invalid(0, -1, 1.5, NaN, '3', null, Infinity, 2 ** 53 + 2, {}),
    isInteger(1),
  ),
  nInit: optionValue(
    fc.constantFrom('auto', 1, 2, 3),
    invalid(0, -1, 1.5, 'AUTO', null, NaN),
    (v) => v === 'auto' || isInteger(1)(v),
  ),
  maxIter: optionValue(fc.integer({ min: 1, max: 400 }), invalid(0, -1, 1.5, '10', null, NaN, Infinity), isInteger(1)),
  tol: optionValue(
    fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(0)),
    invalid(-1, -1e-9, NaN, Infinity, '0.1', null),
    isTolerance,
  ),
  seed: optionValue(
    fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    invalid(-1, 1.5, 2 ** 53, '1', null, NaN),
    isInteger(0),
  ),
  algorithm: optionValue(
    algorithm,
    invalid('full', 'Lloyd', '', null, 1),
    isOneOf('lloyd', 'hamerly', 'elkan', 'auto'),
  ),
  threads: optionValue(fc.integer({ min: 1, max: 4096 }), invalid(0, 4097, 1.5, -1, '2', null), isInteger(1, 4096)),
  mixedPrecision: optionValue(
    fc.constantFrom(true, false, 'auto'),
    invalid('true', 1, 0, null),
    isOneOf(true, false, 'auto'),
  ),
  metric: optionValue(
    fc.constantFrom('euclidean', 'cosine'),
    invalid('l2', 'cos', '', null, 1),
    isOneOf('euclidean', 'cosine'),
  ),
  // Not anything at all: an array of arrays of numbers would be a valid matrix of centers.
  init: optionValue(initMethod, invalid('kmeans++', 'k-means', '', 5, null, true)),
};

const unknownKeys = fc.constantFrom(
  'n_clusters',
  'random_state',
  'nclusters',
  'maxIterations',
  'constructor',
  'toString',
  'n_init',
  'seeds',
  'verbose',
);

/** Options objects: a random subset of the keys with tagged values, and sometimes an unknown key. */
function optionsObject(
  values: Record<string, fc.Arbitrary<Tagged>>,
): fc.Arbitrary<{ options: Record<string, unknown>; valid: boolean }> {
  return fc
    .tuple(fc.record(values, { requiredKeys: [] }), fc.option(unknownKeys, { freq: 8 }))
    .map(([tagged, unknown]) => {
      const options: Record<string, unknown> = {};
      let allValid = true;
      for (const [key, { value, valid: ok }] of Object.entries(tagged as Record<string, Tagged>)) {
        options[key] = value;
        // undefined is the same as absent.
        if (!ok && value !== undefined) allValid = false;
      }
      if (unknown !== null) {
        options[unknown] = 1;
        allValid = false;
      }
      return { options, valid: allValid };
    });
}

describe('fuzz: options', () => {
  it('new KMeans(options) and fit with 15,000 generated option objects', () => {
    fc.assert(
      fc.property(optionsObject(kmeansOptionValues), ({ options, valid: allValid }) => {
        const before = [snapshot(options)];
        const built = outcome(() => new KMeans(options));
        expectUnchanged([options], before);
        if (!allValid) {
          expect(built.ok, `accepted ${JSON.stringify(snapshot(options))}`).toBe(false);
          return;
        }
        if (!built.ok) throw built.error;
        const model = built.value;
        for (const [key, value] of Object.entries(options))
          if (value !== undefined) expect((model.params as Record<string, unknown>)[key]).toBe(value);
        const k = model.params.nClusters;
        // Valid, but a long wait: that many runs.
        if (typeof model.params.nInit === 'number' && model.params.nInit > 10) return;
        const fitted = outcome(() => model.fit(trainingRows));
        expectOutcome(fitted, k > trainingRows.length ? 'ERR_KMEANS_TOO_FEW_SAMPLES' : undefined, () => {
          const X: Reference = {
            values: Float64Array.from(trainingRows.flat()),
            rows: trainingRows.length,
            cols: 2,
            dtype: 'float64',
          };
          if (model.params.metric === 'cosine') {
            expect(model.predict(trainingRows)).toHaveLength(trainingRows.length);
            expect(Number.isFinite(model.inertia)).toBe(true);
          } else {
            expectFitted(model, X, trainingRows, k, null);
          }
        });
      }),
      fuzzParameters(15_000),
    );
  });

  it('arguments that are not option objects are refused (1,000 generated)', () => {
    const notObjects = fc.oneof(
      fc.constantFrom(null, [], [1], 'options', 5, true, () => ({})),
      fc.anything().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
    );
    fc.assert(
      fc.property(notObjects, (value) => {
        if (value === undefined) return;
        for (const call of [
          () => new KMeans(value as never),
          () => new MiniBatchKMeans(value as never),
          () => new KMeans({ nClusters: 1 }).fit([[1]], value as never),
        ] as (() => unknown)[]) {
          const result = outcome(call);
          expect(result.ok ? 'accepted' : (result.error as { code: string }).code).toBe('ERR_KMEANS_INVALID_OPTION');
        }
      }),
      fuzzParameters(1_000),
    );
  });
});

// --- sample weights -----------------------------------------------------------------------------

const weightValue = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(0, 1, 2, 0.5, 3, 1e-3, 1e3, 7.25) },
  { weight: 1, arbitrary: fc.constantFrom(1e-300, 1e300, 5e-324, 1e150) },
);

/** Weights and the code they must be refused with, if any. */
function weightsCase(n: number): fc.Arbitrary<{ weights: unknown; code: KMeansErrorCode | undefined }> {
  const ok = (weights: unknown) => ({ weights, code: undefined });
  const bad = (weights: unknown) => ({ weights, code: 'ERR_KMEANS_INVALID_WEIGHTS' as const });
  const values = fc.array(weightValue, { minLength: n, maxLength: n });
  const judge = (list: number[]) => {
    const sum = list.reduce((a, b) => a + b, 0);
    return sum > 0 && Number.isFinite(sum) ? undefined : ('ERR_KMEANS_INVALID_WEIGHTS' as const);
  };
  return fc.oneof(
    { weight: 5, arbitrary: values.map((list) => ({ weights: list, code: judge(list) })) },
    { weight: 2, arbitrary: values.map((list) => ({ weights: Float64Array.from(list), code: judge(list) })) },
    {
      weight: 1,
      arbitrary: values.map((list) => ({
        weights: Float32Array.from(list),
        code: judge(Array.from(Float32Array.from(list))),
      })),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          values,
          fc.nat(n - 1),
          fc.constantFrom<unknown>(-1, -1e-300, NaN, Infinity, -Infinity, '1', null, undefined, {}, [1]),
        )
        .map(([list, at, value]) => bad(list.map((w, i) => (i === at ? value : w)))),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(n + 1, Math.max(0, n - 1)).map((length) => bad(new Array(length).fill(1))),
    },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(5, 'w', {}, new Int32Array(n), new Uint8Array(n), true).map(bad) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(0, Number.MAX_VALUE)
        .map((w) => ({ weights: new Array(n).fill(w), code: judge(new Array(n).fill(w)) })),
    },
    { weight: 1, arbitrary: fc.constant(ok(undefined)) },
  );
}

describe('fuzz: sample weights', () => {
  const data = matrixCase({ valid: true, maxRows: 10, values: smallValues });
  it('KMeans fit and score, kmeansPlusPlus, MiniBatchKMeans with 10,000 generated weights', () => {
    const cases = data.chain((X) =>
      fc.tuple(
        fc.constant(X),
        weightsCase((X.expected as { matrix: Reference }).matrix.rows),
        fc.integer({ min: 1, max: 3 }),
        seed,
      ),
    );
    fc.assert(
      fc.property(cases, ([{ input, expected }, { weights, code }, k, s]) => {
        const X = (expected as { matrix: Reference }).matrix;
        const before = [snapshot(input), snapshot(weights)];
        const positive =
          code === undefined && weights !== undefined
            ? Array.from(weights as ArrayLike<number>).filter((w) => w > 0).length
            : X.rows;
        const tooFew = k > X.rows || (code === undefined && k > positive) ? 'ERR_KMEANS_TOO_FEW_SAMPLES' : undefined;
        const w = weights === undefined || code !== undefined ? null : Float64Array.from(weights as ArrayLike<number>);
        const options = { sampleWeight: weights as number[] };
        // Weights adding up to W > n: the limit is that of W rows.
        const total = w ? w.reduce((a, b) => a + b, 0) : 0;
        const overflow =
          total > X.rows && X.values.some((v) => !(Math.abs(v) < magnitudeLimit(X.dtype, total, X.cols)))
            ? 'ERR_KMEANS_OVERFLOW'
            : undefined;

        const model = new KMeans({ nClusters: k, seed: s });
        expectOutcome(
          outcome(() => model.fit(input as MatrixLike, options)),
          firstError(code, overflow, tooFew),
          () => expectFitted(model, X, input, k, w),
        );
        const seeding = outcome(() =>
          kmeansPlusPlus(input as MatrixLike, k, { seed: s, sampleWeight: weights as number[] }),
        );
        expectOutcome(seeding, firstError(code, overflow, tooFew), ({ centers, indices }) => {
          expect(indices).toHaveLength(k);
          for (let c = 0; c < k; c++) {
            expect(w === null || w[indices[c]!]! > 0, 'a center drawn from a row of weight 0').toBe(true);
          }
          expectSeedRows(X, centers.data, indices);
        });
        const minibatch = new MiniBatchKMeans({ nClusters: k, seed: s, batchSize: 4, maxIter: 3 });
        expectOutcome(
          outcome(() => minibatch.fit(input as MatrixLike, options)),
          firstError(code, overflow, tooFew),
          () => expectFitted(minibatch, X, input, k, w),
        );
        expectUnchanged([input, weights], before);
      }),
      fuzzParameters(10_000),
    );
  });
});

function expectSeedRows(X: Reference, centers: ArrayLike<number>, indices: Int32Array): void {
  for (let c = 0; c < indices.length; c++) {
    const row = indices[c]!;
    expect(row >= 0 && row < X.rows).toBe(true);
    for (let f = 0; f < X.cols; f++) expect(centers[c * X.cols + f]).toBe(X.values[row * X.cols + f]);
  }
}

// --- init matrices ------------------------------------------------------------------------------

describe('fuzz: init matrices', () => {
  it('KMeans with 10,000 generated init matrices', () => {
    const cases = fc.tuple(
      matrixCase({ valid: true, maxRows: 10, maxCols: 3, values: smallValues }),
      // Not-a-matrix values are other options' business (init: 'random', ...).
      matrixCase({ maxRows: 4, maxCols: 4 }).filter((c) => typeof c.input === 'object' && c.input !== null),
      fc.option(fc.integer({ min: 1, max: 4 }), { freq: 2 }),
      fc.integer({ min: 1, max: 20 }),
    );
    fc.assert(
      fc.property(cases, ([data, init, nClusters, maxIter]) => {
        const X = (data.expected as { matrix: Reference }).matrix;
        const before = [snapshot(data.input), snapshot(init.input)];
        const options = { init: init.input as MatrixLike, maxIter, ...(nClusters === null ? {} : { nClusters }) };
        const built = outcome(() => new KMeans(options));
        expectUnchanged([data.input, init.input], before);
        let code = errorOf(init.expected);
        if (
          code === undefined &&
          nClusters !== null &&
          nClusters !== (init.expected as { matrix: Reference }).matrix.rows
        )
          code = 'ERR_KMEANS_SHAPE_MISMATCH';
        expectOutcome(built, code, (model) => {
          const centers = (init.expected as { matrix: Reference }).matrix;
          const k = centers.rows;
          let fitCode: KMeansErrorCode | undefined =
            k > X.rows
              ? 'ERR_KMEANS_TOO_FEW_SAMPLES'
              : centers.cols !== X.cols
                ? 'ERR_KMEANS_SHAPE_MISMATCH'
                : undefined;
          if (
            fitCode === undefined &&
            X.dtype === 'float32' &&
            centers.values.some((v) => Math.abs(v) > 3.4028234663852886e38)
          )
            fitCode = 'ERR_KMEANS_NON_FINITE';
          // The model holds a copy: changing the caller's init afterwards changes nothing.
          scribble(init.input);
          expectOutcome(
            outcome(() => model.fit(data.input as MatrixLike)),
            fitCode,
            () => {
              expectFitted(model, X, data.input, k, null);
              if (maxIter === 1 || model.nIter === 0) return;
              const again = new KMeans({ init: toRows(centers), maxIter }).fit(data.input as MatrixLike);
              expect(again.clusterCenters.data).toEqual(model.clusterCenters.data);
            },
          );
        });
      }),
      fuzzParameters(10_000),
    );
  });
});

/** Overwrites a matrix argument's values (after the model was built from it). */
function scribble(input: unknown): void {
  if (Array.isArray(input))
    for (const row of input) if (Array.isArray(row) || ArrayBuffer.isView(row)) (row as number[]).fill(1e9);
  const data = (input as { data?: unknown })?.data;
  if (data instanceof Float64Array || data instanceof Float32Array) data.fill(1e9);
  const columns = (input as { columns?: unknown })?.columns;
  if (Array.isArray(columns))
    for (const column of columns)
      if (column instanceof Float64Array || column instanceof Float32Array) column.fill(1e9);
}

function toRows(matrix: Reference): number[][] {
  return Array.from({ length: matrix.rows }, (_, i) =>
    Array.from(matrix.values.subarray(i * matrix.cols, (i + 1) * matrix.cols)),
  );
}

// --- MiniBatchKMeans and kmeansPlusPlus --------------------------------------------------------

describe('fuzz: MiniBatchKMeans and kmeansPlusPlus', () => {
  it('MiniBatchKMeans fit and partialFit on 8,000 generated X', () => {
    const settings = fc.record({
      k: fc.integer({ min: 1, max: 4 }),
      batchSize: fc.integer({ min: 1, max: 16 }),
      maxIter: fc.integer({ min: 1, max: 4 }),
      computeLabels: fc.boolean(),
      init: initMethod,
      seed,
      partial: fc.boolean(),
    });
    fc.assert(
      fc.property(matrixCase({ values: smallValues }), settings, ({ input, expected }, s) => {
        const before = [snapshot(input)];
        const model = new MiniBatchKMeans({
          nClusters: s.k,
          batchSize: s.batchSize,
          maxIter: s.maxIter,
          computeLabels: s.computeLabels,
          init: s.init,
          seed: s.seed,
        });
        const tooFew = expected.ok && s.k > expected.matrix.rows ? 'ERR_KMEANS_TOO_FEW_SAMPLES' : undefined;
        const call = s.partial
          ? () => model.partialFit(input as MatrixLike).partialFit(input as MatrixLike)
          : () => model.fit(input as MatrixLike);
        expectOutcome(outcome(call), firstError(errorOf(expected), tooFew), () => {
          if (expected.ok) expectFitted(model, expected.matrix, input, s.k, null, s.computeLabels);
        });
        expectUnchanged([input], before);
      }),
      fuzzParameters(8_000),
    );
  });

  it('kmeansPlusPlus on 6,000 generated X, nClusters and options', () => {
    const clusters = fc.oneof(valid(fc.integer({ min: 1, max: 5 })), invalid(0, -1, 1.5, '2', null, NaN, undefined));
    const trials = fc.oneof(valid(fc.constantFrom(undefined, 1, 2, 5)), invalid(0, -1, 1.5, '2', null));
    fc.assert(
      fc.property(matrixCase(), clusters, trials, seed, ({ input, expected }, k, nLocalTrials, s) => {
        const before = [snapshot(input)];
        const result = outcome(() =>
          kmeansPlusPlus(input as MatrixLike, k.value as number, {
            seed: s,
            nLocalTrials: nLocalTrials.value as number,
          }),
        );
        expectUnchanged([input], before);
        if (!k.valid || !nLocalTrials.valid) {
          expect(result.ok).toBe(false);
          return;
        }
        const rows = expected.ok ? expected.matrix.rows : 0;
        const tooFew = expected.ok && (k.value as number) > rows ? 'ERR_KMEANS_TOO_FEW_SAMPLES' : undefined;
        // More local trials than rows would only repeat rows: refused.
        const trials =
          expected.ok && ((nLocalTrials.value as number | undefined) ?? 0) > rows
            ? 'ERR_KMEANS_INVALID_OPTION'
            : undefined;
        expectOutcome(result, firstError(errorOf(expected), tooFew, trials), ({ centers, indices }) => {
          const X = (expected as { matrix: Reference }).matrix;
          expectMatrix(centers, k.value as number, X.cols, X.dtype);
          expectSeedRows(X, centers.data, indices);
        });
      }),
      fuzzParameters(6_000),
    );
  });
});

// --- scipy.cluster.vq ---------------------------------------------------------------------------

/** 1-D observations (number[], Float64Array, Float32Array) as well as matrices. */
function observations(shape: Parameters<typeof matrixCase>[0] = {}): fc.Arbitrary<MatrixCase & { oneD: boolean }> {
  const oneD = fc
    .tuple(
      fc.array(fc.oneof({ weight: 9, arbitrary: goodNumber }, { weight: 1, arbitrary: awkwardNumber }), {
        minLength: 1,
        maxLength: 12,
      }),
      fc.constantFrom('array', 'float64', 'float32'),
    )
    .map(([values, kind]) => {
      const input =
        kind === 'array' ? values : kind === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
      const dtype: DType = kind === 'float32' ? 'float32' : 'float64';
      const stored = Float64Array.from(input);
      const limit = magnitudeLimit(dtype, stored.length, 1);
      // number[] is packed into a Float64Array first, so all three are scanned as typed data.
      const bad = stored.find((v) => !(Math.abs(v) < limit));
      const expected: Expected =
        bad === undefined
          ? { ok: true, matrix: { values: stored, rows: stored.length, cols: 1, dtype } }
          : { ok: false, code: Number.isFinite(bad) ? 'ERR_KMEANS_OVERFLOW' : 'ERR_KMEANS_NON_FINITE' };
      return { input, expected, oneD: true };
    });
  // An array of numbers is 1-D observations here, not a flawed matrix.
  const matrices = matrixCase(shape).filter(
    (c) => !(Array.isArray(c.input) && c.input.length > 0 && c.input.every((v) => typeof v === 'number')),
  );
  return fc.oneof(
    oneD,
    matrices.map((c) => ({ ...c, oneD: false })),
  );
}

function rowsOf(result: unknown, oneD: boolean): { data: Float64Array | Float32Array; rows: number; cols: number } {
  if (oneD) {
    expect(ArrayBuffer.isView(result)).toBe(true);
    const data = result as Float64Array | Float32Array;
    return { data, rows: data.length, cols: 1 };
  }
  return result as { data: Float64Array | Float32Array; rows: number; cols: number };
}

/**
 * Observations with no rows and at least one feature, which whiten and vq take as SciPy does:
 * [] (cols undefined: it has no rank of its own) or a typed matrix of no rows.
 */
function noRows(input: unknown): { cols: number | undefined } | undefined {
  if (Array.isArray(input)) return input.length === 0 ? { cols: undefined } : undefined;
  const { data, rows, cols } = (input ?? {}) as { data?: unknown; rows?: unknown; cols?: unknown };
  const typed = data instanceof Float64Array || data instanceof Float32Array;
  return typed && data.length === 0 && rows === 0 && typeof cols === 'number' && cols >= 1 ? { cols } : undefined;
}

describe('fuzz: vq', () => {
  it('whiten on 3,000 generated observations', () => {
    fc.assert(
      fc.property(observations(), fc.boolean(), ({ input, expected, oneD }, checkFinite) => {
        const before = [snapshot(input)];
        const result = outcome(() => vq.whiten(input as MatrixLike, { checkFinite }));
        expectUnchanged([input], before);
        const none = noRows(input);
        if (none) {
          // No observations: an empty result of the input's shape ([] is 1-D, as numpy reads it).
          expectOutcome(result, undefined, (out) => {
            expect(out).toEqual(none.cols === undefined ? new Float64Array(0) : { ...(input as object), rows: 0 });
          });
          return;
        }
        // Without the finiteness check, NaN and infinities pass through as numbers do.
        const code = checkFinite
          ? errorOf(expected)
          : expected.ok || expected.code === 'ERR_KMEANS_NON_FINITE' || expected.code === 'ERR_KMEANS_OVERFLOW'
            ? undefined
            : expected.code;
        expectOutcome(result, code, (out) => {
          if (!expected.ok) return;
          const X = expected.matrix;
          const white = rowsOf(out, oneD);
          expectMatrix(white, X.rows, X.cols, X.dtype);
          for (let f = 0; f < X.cols; f++) {
            // The deviation in long double's place: the column scaled to magnitudes near 1.
            const column = Array.from({ length: X.rows }, (_, i) => X.values[i * X.cols + f]!);
            const largest = Math.max(...column.map(Math.abs));
            const scaled = largest > 0 ? column.map((v) => v / largest) : column;
            const mean = scaled.reduce((a, b) => a + b, 0) / X.rows;
            const scaledStd = Math.sqrt(scaled.reduce((a, v) => a + (v - mean) ** 2, 0) / X.rows);
            for (let i = 0; i < X.rows; i++) {
              const value = column[i]!;
              const actual = white.data[i * X.cols + f]!;
              // Zero deviation leaves the column as it is (a deviation below the rounding of the mean counts as zero).
              if (actual === value && scaledStd <= 1e-15) continue;
              const exact = scaled[i]! / scaledStd;
              // float32 results: one rounding, and subnormals hold fewer digits.
              const tolerance =
                X.dtype === 'float32' ? 1e-6 * Math.abs(exact) + 2 ** -148 : 1e-9 * Math.abs(exact) + 2 ** -1070;
              expect(Math.abs(actual - exact) <= tolerance, `whiten: ${actual} vs ${exact}`).toBe(true);
            }
          }
        });
      }),
      fuzzParameters(3_000),
    );
  });

  it('vq on 4,000 generated observations and code books', () => {
    fc.assert(
      fc.property(
        observations({ maxCols: 3 }),
        observations({ maxRows: 4, maxCols: 3 }),
        ({ input, expected, oneD }, book) => {
          const before = [snapshot(input), snapshot(book.input)];
          const result = outcome(() => vq.vq(input as MatrixLike, book.input as MatrixLike));
          expectUnchanged([input, book.input], before);
          const none = noRows(input);
          if (none) {
            // No observations: no codes, once the code book is checked ([] takes its rank and features).
            const bookMatrix = book.expected.ok ? book.expected.matrix : undefined;
            const mismatch = none.cols !== undefined && bookMatrix && (book.oneD || bookMatrix.cols !== none.cols);
            const noneCode = errorOf(book.expected) ?? (mismatch ? 'ERR_KMEANS_SHAPE_MISMATCH' : undefined);
            expectOutcome(result, noneCode, ({ code: labels, dist }) => {
              expect(labels).toEqual(new Int32Array(0));
              expect(dist).toEqual(new Float64Array(0));
            });
            return;
          }
          let code = firstError(errorOf(expected), errorOf(book.expected));
          if (
            code === undefined &&
            (oneD !== book.oneD ||
              (expected as { matrix: Reference }).matrix.cols !== (book.expected as { matrix: Reference }).matrix.cols)
          )
            code = 'ERR_KMEANS_SHAPE_MISMATCH';
          const X = expected.ok ? expected.matrix : undefined;
          const codes = book.expected.ok ? book.expected.matrix : undefined;
          const dtype: DType = X?.dtype === 'float32' && codes?.dtype === 'float32' ? 'float32' : 'float64';
          expectOutcome(result, code, ({ code: labels, dist }) => {
            const book64 = codes!;
            expectNearest(X!, book64.values, book64.rows, labels);
            expect(dist).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
            for (let i = 0; i < X!.rows; i++) {
              const exact = Math.sqrt(
                squaredDistance(X!.values, i * X!.cols, book64.values, labels[i]! * X!.cols, X!.cols),
              );
              expectClose(
                dist[i]!,
                dtype === 'float32' ? Math.fround(exact) : exact,
                dtype === 'float32' ? 1e-7 : 1e-12,
                'vq distance',
              );
            }
          });
        },
      ),
      fuzzParameters(4_000),
    );
  });

  it('kmeans and kmeans2 on 5,000 generated observations', () => {
    const settings = fc.record({
      k: fc.integer({ min: 1, max: 4 }),
      iter: fc.integer({ min: 1, max: 3 }),
      seed,
      minit: fc.constantFrom('random', 'points', '++') as fc.Arbitrary<'random' | 'points' | '++'>,
      missing: fc.constantFrom('warn', 'raise') as fc.Arbitrary<'warn' | 'raise'>,
    });
    fc.assert(
      fc.property(observations({ values: smallValues }), settings, ({ input, expected, oneD }, s) => {
        const before = [snapshot(input)];
        const tooFew = expected.ok && s.k > expected.matrix.rows ? 'ERR_KMEANS_TOO_FEW_SAMPLES' : undefined;
        expectOutcome(
          outcome(() => vq.kmeans(input as MatrixLike, s.k, { iter: s.iter, seed: s.seed })),
          firstError(errorOf(expected), tooFew),
          ({ codebook, distortion }) => {
            const X = (expected as { matrix: Reference }).matrix;
            const book = rowsOf(codebook, oneD);
            expect(book.rows >= 1 && book.rows <= s.k).toBe(true);
            expectMatrix(book, book.rows, X.cols, X.dtype);
            let total = 0;
            for (let i = 0; i < X.rows; i++) {
              let best = Infinity;
              for (let j = 0; j < book.rows; j++)
                best = Math.min(best, squaredDistance(X.values, i * X.cols, book.data, j * X.cols, X.cols));
              total += Math.sqrt(best);
            }
            expectClose(distortion, total / X.rows, 1e-7, 'distortion');
          },
        );

        const minitRows = s.minit === 'random' ? 2 : s.k;
        const few = expected.ok && minitRows > expected.matrix.rows ? 'ERR_KMEANS_TOO_FEW_SAMPLES' : undefined;
        const second = outcome(() =>
          vq.kmeans2(input as MatrixLike, s.k, { iter: s.iter, seed: s.seed, minit: s.minit, missing: s.missing }),
        );
        if (second.ok === false && second.error.code === 'ERR_KMEANS_EMPTY_CLUSTER') {
          expect(s.missing).toBe('raise');
        } else {
          expectOutcome(second, firstError(errorOf(expected), few), ({ centroids, label }) => {
            const X = (expected as { matrix: Reference }).matrix;
            const book = rowsOf(centroids, oneD);
            expectMatrix(book, s.k, X.cols, X.dtype);
            expectMeansOfLabels(X, book.data, s.k, label);
          });
        }
        expectUnchanged([input], before);
      }),
      fuzzParameters(5_000),
    );
  });
});

/** Each centroid with members is the mean of its members (kmeans2's last update), to rounding. */
function expectMeansOfLabels(X: Reference, centroids: ArrayLike<number>, k: number, labels: Int32Array): void {
  expect(labels).toHaveLength(X.rows);
  let scale = 0;
  for (const value of X.values) scale = Math.max(scale, Math.abs(value));
  for (let j = 0; j < k; j++) {
    const members: number[] = [];
    labels.forEach((label, i) => label === j && members.push(i));
    if (members.length === 0) continue;
    for (let f = 0; f < X.cols; f++) {
      const mean = members.reduce((sum, i) => sum + X.values[i * X.cols + f]!, 0) / members.length;
      // float32: one rounding to float32, whose subnormals hold fewer digits.
      const tolerance = X.dtype === 'float32' ? 1e-6 * scale + 2 ** -148 : 1e-12 * scale + 1e-300;
      expect(
        Math.abs(centroids[j * X.cols + f]! - mean) <= tolerance,
        `centroid ${j}, feature ${f}: ${centroids[j * X.cols + f]} vs ${mean}`,
      ).toBe(true);
    }
  }
}

// --- async calls --------------------------------------------------------------------------------

describe('fuzz: async calls', () => {
  it('fitAsync, predictAsync and kmeansPlusPlusAsync settle as their sync twins (2,000 generated, some aborted)', async () => {
    const settings = fc.record({
      k: fc.integer({ min: 1, max: 3 }),
      seed,
      abort: fc.constantFrom('none', 'none', 'before', 'soon'),
    });
    await fc.assert(
      fc.asyncProperty(matrixCase({ values: smallValues }), settings, async ({ input }, s) => {
        const before = [snapshot(input)];
        const controller = new AbortController();
        if (s.abort === 'before') controller.abort();
        if (s.abort === 'soon') setImmediate(() => controller.abort());
        const sync = outcome(() => new KMeans({ nClusters: s.k, seed: s.seed }).fit(input as MatrixLike));
        const async = await outcomeAsync(
          () =>
            new KMeans({ nClusters: s.k, seed: s.seed }).fitAsync(input as MatrixLike, { signal: controller.signal }),
          true,
        );
        if (!async.ok && async.error.name === 'AbortError') {
          expect(s.abort).not.toBe('none');
        } else {
          expectSameOutcome(sync, async, (a, b) => {
            expect(b.labels).toEqual(a.labels);
            expect(b.clusterCenters.data).toEqual(a.clusterCenters.data);
            expect(b.inertia).toBe(a.inertia);
          });
          if (sync.ok) expect(await sync.value.predictAsync(input as MatrixLike)).toEqual(sync.value.labels);
        }
        const seedingSync = outcome(() => kmeansPlusPlus(input as MatrixLike, s.k, { seed: s.seed }));
        const seedingAsync = await outcomeAsync(() => kmeansPlusPlusAsync(input as MatrixLike, s.k, { seed: s.seed }));
        expectSameOutcome(seedingSync, seedingAsync, (a, b) => expect(b.indices).toEqual(a.indices));
        expectUnchanged([input], before);
      }),
      fuzzParameters(2_000),
    );
  });
});

function expectSameOutcome<T>(a: Outcome<T>, b: Outcome<T>, same: (a: T, b: T) => void): void {
  if (!a.ok || !b.ok) {
    expect(b.ok ? 'a result' : (b.error as { code: string }).code).toBe(
      a.ok ? 'a result' : (a.error as { code: string }).code,
    );
    return;
  }
  same(a.value, b.value);
}
