/**
 * The label-agreement scores of the metrics namespace against scikit-learn 1.2's (fixtures made
 * by test/fixtures/make_label_metrics_fixtures.py), their validation, and the properties that
 * follow from their definitions: invariance under renaming labels or reordering samples, and
 * symmetry where the definition is symmetric.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as metrics from '../../src/metrics';
import type { Labels } from '../../src/metrics';
import { stirlingError } from '../../src/metrics/stirling_error';
import { logGamma } from './log_gamma_reference';
import { expectKMeansError, untyped } from './validation_helpers';

type Score = number | null | { error: string };
interface Formula {
  multiplier: number;
  offset: number;
  modulus: number;
  clusters: number;
}
interface Case {
  name: string;
  labelsTrue?: (number | string)[];
  labelsPred?: (number | string)[];
  formula?: { n: number; true: Formula; pred: Formula };
  exactAdjustedMutualInfo: Record<metrics.AverageMethod, number | null>;
  scores: {
    adjustedRandScore: Score;
    randScore: Score;
    fowlkesMallowsScore: Score;
    mutualInfoScore: Score;
    normalizedMutualInfoScore: Record<metrics.AverageMethod, Score>;
    adjustedMutualInfoScore: Record<metrics.AverageMethod, Score>;
    homogeneityScore: Score;
    completenessScore: Score;
    vMeasureScore: Record<string, Score>;
  };
}

const reference: { versions: Record<string, string>; cases: Case[]; logGamma: [number, number][] } = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'label_metrics_reference.json'), 'utf8'),
);

/** The fixture script's formula_labels: ((i · multiplier + offset) mod modulus) mod clusters. */
function formulaLabels(spec: Formula, n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => ((i * spec.multiplier + spec.offset) % spec.modulus) % spec.clusters);
}

function labelsOf(c: Case): [Labels, Labels] {
  if (c.formula) return [formulaLabels(c.formula.true, c.formula.n), formulaLabels(c.formula.pred, c.formula.n)];
  return [c.labelsTrue as Labels, c.labelsPred as Labels];
}

/** Agreement with scikit-learn: 1e-9 relative, or 1e-12 absolute near 0; null is NaN. */
function expectScore(actual: () => number, expected: Score, what: string): void {
  if (expected !== null && typeof expected === 'object') {
    expectKMeansError(actual, 'ERR_KMEANS_INVALID_LABELS', /.+/);
    return;
  }
  const value = actual();
  if (expected === null) {
    expect(value, what).toBeNaN();
    return;
  }
  const tolerance = Math.max(1e-9 * Math.abs(expected), 1e-12);
  expect(Math.abs(value - expected), `${what}: ${value} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

/**
 * The AMI against its exact value (to 1e-9 relative, 1e-12 absolute) and against scikit-learn's,
 * allowing also for scikit-learn's own distance from the exact value: its expected mutual
 * information sums ln Γ values of size n ln n, which costs it up to a few 1e-9 when MI is close
 * to EMI. Where the exact value is 0/0 (null), the score is 1.
 */
function expectAdjustedMutualInfo(actual: number, sklearn: number, exact: number | null, what: string): void {
  if (exact === null) {
    expect(actual, what).toBe(1);
    return;
  }
  const tolerance = (value: number) => Math.max(1e-9 * Math.abs(value), 1e-12);
  expect(Math.abs(actual - exact), `${what}: ${actual} vs exact ${exact}`).toBeLessThanOrEqual(tolerance(exact));
  const allowance = tolerance(sklearn) + Math.abs(sklearn - exact);
  expect(Math.abs(actual - sklearn), `${what}: ${actual} vs ${sklearn}`).toBeLessThanOrEqual(allowance);
}

const methods: metrics.AverageMethod[] = ['min', 'geometric', 'arithmetic', 'max'];

describe('label-agreement scores match scikit-learn', () => {
  it('has fixtures made with scikit-learn 1.2', () => {
    expect(reference.versions.sklearn).toMatch(/^1\.2\./);
    expect(reference.cases.length).toBeGreaterThan(100);
  });

  for (const c of reference.cases) {
    it(c.name, () => {
      const [t, p] = labelsOf(c);
      const s = c.scores;
      expectScore(() => metrics.adjustedRandScore(t, p), s.adjustedRandScore, 'ARI');
      expectScore(() => metrics.randScore(t, p), s.randScore, 'RI');
      expectScore(() => metrics.fowlkesMallowsScore(t, p), s.fowlkesMallowsScore, 'FMI');
      expectScore(() => metrics.mutualInfoScore(t, p), s.mutualInfoScore, 'MI');
      for (const averageMethod of methods) {
        expectScore(
          () => metrics.normalizedMutualInfoScore(t, p, { averageMethod }),
          s.normalizedMutualInfoScore[averageMethod],
          `NMI ${averageMethod}`,
        );
        expectAdjustedMutualInfo(
          metrics.adjustedMutualInfoScore(t, p, { averageMethod }),
          s.adjustedMutualInfoScore[averageMethod] as number,
          c.exactAdjustedMutualInfo[averageMethod],
          `AMI ${averageMethod}`,
        );
      }
      expectScore(() => metrics.homogeneityScore(t, p), s.homogeneityScore, 'homogeneity');
      expectScore(() => metrics.completenessScore(t, p), s.completenessScore, 'completeness');
      for (const [beta, expected] of Object.entries(s.vMeasureScore)) {
        expectScore(() => metrics.vMeasureScore(t, p, { beta: Number(beta) }), expected, `V beta=${beta}`);
      }
      const all = metrics.homogeneityCompletenessVMeasure(t, p);
      expectScore(() => all.homogeneity, s.homogeneityScore, 'h of hcv');
      expectScore(() => all.completeness, s.completenessScore, 'c of hcv');
      expectScore(() => all.vMeasure, s.vMeasureScore['1.0']!, 'v of hcv');
    });
  }
});

describe('logGamma', () => {
  it('matches ln Γ to 2e-15 relative (mpmath values), and is exactly 0 at 1 and 2', () => {
    for (const [x, expected] of reference.logGamma) {
      const value = logGamma(x);
      if (expected === 0) expect(value, `lnΓ(${x})`).toBe(0);
      else expect(Math.abs(value - expected) / Math.abs(expected), `lnΓ(${x})`).toBeLessThanOrEqual(2e-15);
    }
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 15);
  });

  it('is +Infinity at 0 and +Infinity, NaN below 0 and for NaN', () => {
    expect(logGamma(0)).toBe(Infinity);
    expect(logGamma(Infinity)).toBe(Infinity);
    expect(logGamma(-1)).toBeNaN();
    expect(logGamma(-0.5)).toBeNaN();
    expect(logGamma(NaN)).toBeNaN();
  });

  it("gives Stirling's error for ln k! without cancellation", () => {
    const halfLogTwoPi = 0.5 * Math.log(2 * Math.PI);
    for (let k = 1; k <= 200; k++) {
      const byDifference = logGamma(k + 1) - ((k + 0.5) * Math.log(k) - k + halfLogTwoPi);
      // The difference of two numbers near k ln k is good to a few of their units in the last place.
      expect(Math.abs(stirlingError(k) - byDifference), `k = ${k}`).toBeLessThanOrEqual(8e-16 * (k * Math.log(k) + 1));
      expect(stirlingError(k)).toBeGreaterThan(1 / (12 * k + 1));
      expect(stirlingError(k)).toBeLessThan(1 / (12 * k));
    }
  });
});

type Scorer = (t: Labels, p: Labels) => number;
const scorers: Record<string, Scorer> = {
  adjustedRandScore: metrics.adjustedRandScore,
  randScore: metrics.randScore,
  fowlkesMallowsScore: metrics.fowlkesMallowsScore,
  mutualInfoScore: metrics.mutualInfoScore,
  normalizedMutualInfoScore: (t, p) => metrics.normalizedMutualInfoScore(t, p),
  adjustedMutualInfoScore: (t, p) => metrics.adjustedMutualInfoScore(t, p),
  homogeneityScore: metrics.homogeneityScore,
  completenessScore: metrics.completenessScore,
  vMeasureScore: (t, p) => metrics.vMeasureScore(t, p),
  homogeneityCompletenessVMeasure: (t, p) => metrics.homogeneityCompletenessVMeasure(t, p).vMeasure,
};

describe('validation', () => {
  for (const [name, score] of Object.entries(scorers)) {
    it(`${name} refuses bad labels with ERR_KMEANS_INVALID_LABELS`, () => {
      const code = 'ERR_KMEANS_INVALID_LABELS';
      expectKMeansError(
        () => score(untyped('abc'), [0]),
        code,
        'labelsTrue must be an array or typed array of labels (got "abc")',
      );
      expectKMeansError(
        () => score([0], untyped(null)),
        code,
        'labelsPred must be an array or typed array of labels (got null)',
      );
      const mismatch = expectKMeansError(
        () => score([0, 1, 2], [0, 1]),
        code,
        'labelsPred must have 3 entries, one per sample (got 2)',
      );
      expect(mismatch.details).toEqual({ argument: 'labelsPred', expected: 3, actual: 2 });
      expectKMeansError(
        () => score([NaN, 0], [0, 1]),
        code,
        'labelsTrue[0] must be a finite number, a string or a bigint (got NaN)',
      );
      expectKMeansError(
        () => score([0, 1], untyped([0, 'a'])),
        code,
        'labelsPred[1] must be a number like the others (got "a")',
      );
      expectKMeansError(
        () => score(untyped([0, undefined]), [0, 1]),
        code,
        'labelsTrue[1] must be a number like the others (got undefined)',
      );
    });
  }

  it('mutualInfoScore refuses empty labellings, as scikit-learn raises for them', () => {
    const error = expectKMeansError(
      () => metrics.mutualInfoScore([], []),
      'ERR_KMEANS_INVALID_LABELS',
      'mutualInfoScore needs at least one sample (got none)',
    );
    expect(error.details).toEqual({ argument: 'labelsTrue', actual: 0 });
  });

  for (const fn of ['normalizedMutualInfoScore', 'adjustedMutualInfoScore'] as const) {
    it(`${fn} checks its options with ERR_KMEANS_INVALID_OPTION`, () => {
      const score = metrics[fn];
      const code = 'ERR_KMEANS_INVALID_OPTION';
      expectKMeansError(
        () => score([0, 1], [0, 1], untyped({ average_method: 'min' })),
        code,
        `Unknown ${fn} option "average_method"; did you mean "averageMethod"?`,
      );
      expectKMeansError(
        () => score([0, 1], [0, 1], untyped({ averageMethod: 'mean' })),
        code,
        'averageMethod must be "min", "geometric", "arithmetic" or "max" (got "mean")',
      );
      expectKMeansError(() => score([0, 1], [0, 1], untyped(null)), code, `${fn} options must be an object (got null)`);
      // Checked even where the labels alone decide the score.
      expectKMeansError(() => score([0, 0], [1, 1], untyped({ averageMethod: 3 })), code, /averageMethod must be/);
      expect(score([0, 0, 1], [0, 1, 1], { averageMethod: undefined })).toBe(score([0, 0, 1], [0, 1, 1]));
    });
  }

  for (const fn of ['vMeasureScore', 'homogeneityCompletenessVMeasure'] as const) {
    it(`${fn} checks beta with ERR_KMEANS_INVALID_OPTION`, () => {
      const score = metrics[fn] as (t: Labels, p: Labels, options?: metrics.VMeasureOptions) => unknown;
      const code = 'ERR_KMEANS_INVALID_OPTION';
      for (const beta of [-1, NaN, Infinity, '2', null]) {
        expectKMeansError(
          () => score([0, 1], [0, 1], untyped({ beta })),
          code,
          `beta must be a finite number >= 0 (got ${beta === '2' ? '"2"' : String(beta)})`,
        );
      }
      expectKMeansError(
        () => score([0, 1], [0, 1], untyped({ betta: 2 })),
        code,
        `Unknown ${fn} option "betta"; did you mean "beta"?`,
      );
      expectKMeansError(
        () => score([0, 1], [0, 1], untyped([])),
        code,
        `${fn} options must be an object (got an array of length 0)`,
      );
    });
  }
});

describe('label kinds and inputs', () => {
  const t = [3, 3, -1, 7, 7, 7, -1, 3];
  const p = [0, 1, 1, 2, 2, 0, 1, 1];

  it('gives the same bits for number arrays, typed arrays and bigints', () => {
    for (const score of Object.values(scorers)) {
      const expected = score(t, p);
      expect(score(Int32Array.from(t), Float64Array.from(p))).toBe(expected);
      expect(score(Float32Array.from(t), Int8Array.from(p))).toBe(expected);
      expect(score(BigInt64Array.from(t.map(BigInt)), p.map(BigInt))).toBe(expected);
    }
  });

  it('leaves its inputs unchanged', () => {
    const inputs = (): Labels[] => [
      [...t],
      Float64Array.from([-0, 0, 1.5, 1.5, -2, -0, 0, 1.5]),
      ['b', 'a', 'b', 'c', 'c', 'a', 'a', 'b'],
      BigInt64Array.from(p.map(BigInt)),
    ];
    const given = inputs();
    const before = given.map((labels) => Array.from(labels as ArrayLike<unknown>));
    for (const score of Object.values(scorers)) for (const a of given) for (const b of given) score(a, b);
    given.forEach((labels, i) => {
      expect(Array.from(labels as ArrayLike<unknown>)).toEqual(before[i]);
      expect(labels.constructor).toBe(inputs()[i]!.constructor);
    });
    // -0 keeps its sign bit.
    expect(Object.is((given[1] as Float64Array)[0], -0)).toBe(true);
  });
});

describe('properties', () => {
  const parameters = { numRuns: 300, seed: 20261203 };
  /** Two labellings of the same n samples, with few distinct labels so that clusters repeat. */
  const labellings = fc
    .integer({ min: 0, max: 40 })
    .chain((n) =>
      fc.tuple(
        fc.array(fc.integer({ min: -2, max: 3 }), { minLength: n, maxLength: n }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }),
        fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
      ),
    );
  const symmetric: Record<string, Scorer> = {
    ...Object.fromEntries(
      ['adjustedRandScore', 'randScore', 'fowlkesMallowsScore', 'vMeasureScore'].map((name) => [name, scorers[name]!]),
    ),
    mutualInfoScore: (t, p) => (t.length === 0 ? 0 : metrics.mutualInfoScore(t, p)),
    ...Object.fromEntries(
      methods.flatMap((averageMethod) => [
        [`nmi-${averageMethod}`, (t: Labels, p: Labels) => metrics.normalizedMutualInfoScore(t, p, { averageMethod })],
        [`ami-${averageMethod}`, (t: Labels, p: Labels) => metrics.adjustedMutualInfoScore(t, p, { averageMethod })],
      ]),
    ),
  };
  const close = (a: number, b: number, what: string) =>
    expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-12);

  it('are symmetric where the definition is, and invariant under renaming labels and reordering samples', () => {
    fc.assert(
      fc.property(labellings, ([t, p, order]) => {
        const renamed = t.map((x) => `class ${5 - x}`);
        const reordered = [order.map((i) => t[i]!), order.map((i) => p[i]!)] as const;
        for (const [name, score] of Object.entries(symmetric)) {
          const value = score(t, p);
          close(score(p, t), value, `${name} swapped`);
          close(score(renamed, p), value, `${name} renamed`);
          // The contingency table is the same, so the bits are too.
          expect(score(...reordered), `${name} reordered`).toBe(value);
        }
        const h = metrics.homogeneityCompletenessVMeasure(t, p, { beta: 0.5 });
        const swapped = metrics.homogeneityCompletenessVMeasure(p, t, { beta: 2 });
        close(h.homogeneity, swapped.completeness, 'homogeneity vs completeness swapped');
        if (!Number.isNaN(h.vMeasure)) close(h.vMeasure, swapped.vMeasure, 'V(beta) vs swapped V(1/beta)');
      }),
      parameters,
    );
  });

  it('stay in their ranges, and score identical labellings 1', () => {
    fc.assert(
      fc.property(labellings, ([t, p]) => {
        const ari = metrics.adjustedRandScore(t, p);
        expect(ari).toBeLessThanOrEqual(1 + 1e-12);
        expect(ari).toBeGreaterThanOrEqual(-1);
        for (const score of [metrics.randScore, metrics.fowlkesMallowsScore, metrics.homogeneityScore])
          expect(Math.abs(score(t, p) - 0.5)).toBeLessThanOrEqual(0.5 + 1e-12);
        for (const averageMethod of methods) {
          expect(metrics.normalizedMutualInfoScore(t, p, { averageMethod })).toBeLessThanOrEqual(1 + 1e-12);
          expect(metrics.adjustedMutualInfoScore(t, p, { averageMethod })).toBeLessThanOrEqual(1 + 1e-12);
          close(metrics.adjustedMutualInfoScore(t, t, { averageMethod }), 1, 'AMI of identical labellings');
          close(metrics.normalizedMutualInfoScore(t, t, { averageMethod }), 1, 'NMI of identical labellings');
        }
        if (t.length > 0) expect(metrics.mutualInfoScore(t, p)).toBeGreaterThanOrEqual(0);
        expect(metrics.adjustedRandScore(t, t)).toBe(1);
        expect(metrics.randScore(t, t)).toBe(1);
        close(metrics.vMeasureScore(t, t), 1, 'V of identical labellings');
      }),
      parameters,
    );
  });
});

describe('large inputs', () => {
  it('counts the pairs of 10⁷ samples exactly (ARI of two independent halvings is −1/(n − 2))', () => {
    const n = 10_000_000;
    const halves = new Int8Array(n);
    const alternate = new Int8Array(n);
    for (let i = 0; i < n; i++) {
      halves[i] = i < n / 2 ? 0 : 1;
      alternate[i] = i % 2;
    }
    const ari = metrics.adjustedRandScore(halves, alternate);
    expect(Math.abs(ari * (n - 2) + 1)).toBeLessThanOrEqual(1e-14);
  });

  it('scores 10⁵ singletons without a table of 10¹⁰ cells', () => {
    const n = 100_000;
    const singletons = Int32Array.from({ length: n }, (_, i) => i);
    const pairs = Int32Array.from({ length: n }, (_, i) => i >> 1);
    expect(metrics.adjustedMutualInfoScore(singletons, singletons)).toBe(1);
    expect(metrics.adjustedRandScore(singletons, singletons)).toBe(1);
    expect(metrics.adjustedMutualInfoScore(pairs, singletons, { averageMethod: 'max' })).toBe(0);
    close(metrics.normalizedMutualInfoScore(singletons, pairs, { averageMethod: 'min' }), 1);
    close(metrics.homogeneityScore(singletons, pairs), Math.log(n / 2) / Math.log(n));
  });
});

function close(a: number, b: number): void {
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(1e-12);
}

describe('contingencyMatrix options', () => {
  it('adds eps to every entry, and refuses a bad or unknown option', () => {
    expect(metrics.contingencyMatrix(['a', 'b', 'b'], [1, 1, 0], { eps: 0.5 })).toEqual([
      [0.5, 1.5],
      [1.5, 1.5],
    ]);
    expect(() => metrics.contingencyMatrix([0], [0], { eps: 'x' as never })).toThrow(
      /eps must be a finite number \(got "x"\)/,
    );
    expect(() => metrics.contingencyMatrix([0], [0], { epsilon: 1 } as never)).toThrow(
      /Unknown contingencyMatrix option "epsilon"/,
    );
    expect(() => metrics.contingencyMatrix([0], [0], null as never)).toThrow(
      /contingencyMatrix options must be an object/,
    );
  });
});
