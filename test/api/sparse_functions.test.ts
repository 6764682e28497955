// kmeansPlusPlus and vq on CSR input: the same rows and centers as the dense seeding with the
// same seed, options and weights; vq's codes equal the dense ones and its distances agree within
// rounding; whiten, kmeans and kmeans2 refuse CSR with a typed error; bad CSR is refused; the
// caller's arrays are left as they were.
import { describe, expect, it } from 'vitest';
import { type CsrMatrix, kmeansPlusPlus, kmeansPlusPlusAsync } from '../../src/index';
import type { Matrix } from '../../src/matrix';
import { kmeans, kmeans2, vq, whiten } from '../../src/vq';
import { generator, refusal, sameBits, smallCsr, snapshot, sparseBlobs, tfidf } from './sparse_helpers';

process.env.KMEANS_NATIVE_WORK_PER_THREAD = '1';

const small = smallCsr;

/** The refusals of bad CSR matrices, shared by every entry point. */
const badMatrices = [
  ['a decreasing indptr', { indptr: Int32Array.of(0, 3, 2, 5) }, 'ERR_KMEANS_INVALID_DATA', /must not decrease/],
  ['a column out of range', { indices: Int32Array.of(0, 2, 3, 0, 2) }, 'ERR_KMEANS_INVALID_DATA', /column indices/],
  ['a NaN value', { data: Float64Array.of(1, NaN, 3, 4, 5) }, 'ERR_KMEANS_NON_FINITE', /row 0/],
  ['Int16 data', { data: Int16Array.of(1, 2, 3, 4, 5) }, 'ERR_KMEANS_INVALID_DATA', /Float64Array or a Float32Array/],
  ['a short indptr', { indptr: Int32Array.of(0, 2, 5) }, 'ERR_KMEANS_INVALID_DATA', /rows \+ 1 = 4/],
] as const;

function bad(change: object): CsrMatrix {
  return { ...small(), ...change } as unknown as CsrMatrix;
}

function expectSameSeeding(dense: Matrix, csr: CsrMatrix, k: number, options: Parameters<typeof kmeansPlusPlus>[2]) {
  const expected = kmeansPlusPlus(dense, k, options);
  const actual = kmeansPlusPlus(csr, k, options);
  expect(Array.from(actual.indices)).toEqual(Array.from(expected.indices));
  expect(actual.centers.rows).toBe(k);
  expect(actual.centers.cols).toBe(dense.cols);
  expect(actual.centers.data.constructor).toBe(expected.centers.data.constructor);
  expect(sameBits(actual.centers.data, expected.centers.data)).toBe(true);
  return actual;
}

describe.each(['float64', 'float32'] as const)('kmeansPlusPlus on CSR picks the dense rows (%s)', (dtype) => {
  const problem = sparseBlobs(1200, 30, 6, 17, dtype);

  it('with a seed, and the default and explicit local trials', () => {
    for (const seed of [1, 2, 3]) expectSameSeeding(problem.dense, problem.csr, 8, { seed, threads: 2 });
    expectSameSeeding(problem.dense, problem.csr, 5, { seed: 4, nLocalTrials: 1 });
    expectSameSeeding(problem.dense, problem.csr, 5, { seed: 4, nLocalTrials: 7 });
  });

  it('with sample weights, zeros among them', () => {
    const uniform = generator(8);
    const sampleWeight = Float64Array.from({ length: 1200 }, () => (uniform() < 0.2 ? 0 : 0.5 + uniform() * 3));
    const seeding = expectSameSeeding(problem.dense, problem.csr, 9, { seed: 6, sampleWeight });
    for (const row of seeding.indices) expect(sampleWeight[row]).toBeGreaterThan(0);
    expectSameSeeding(problem.dense, problem.csr, 9, { seed: 6, sampleWeight: Array.from(sampleWeight) });
  });

  it('on the TF-IDF matrix', () => {
    const { dense, csr } = tfidf(dtype);
    expectSameSeeding(dense, csr, 12, { seed: 5 });
  });

  it('async gives the sync result, on any thread count', async () => {
    const sync = kmeansPlusPlus(problem.csr, 7, { seed: 9, threads: 1 });
    const async = await kmeansPlusPlusAsync(problem.csr, 7, { seed: 9, threads: 3 });
    expect(Array.from(async.indices)).toEqual(Array.from(sync.indices));
    expect(sameBits(async.centers.data, sync.centers.data)).toBe(true);
  });
});

describe.each(['float64', 'float32'] as const)('vq on CSR observations (%s)', (dtype) => {
  const problem = sparseBlobs(1500, 40, 6, 23, dtype);
  const book = kmeansPlusPlus(problem.dense, 10, { seed: 2 }).centers;

  function expectSameCodes(obs: CsrMatrix, dense: Matrix, codeBook: Matrix) {
    const expected = vq(dense, codeBook);
    const actual = vq(obs, codeBook);
    expect(Array.from(actual.code)).toEqual(Array.from(expected.code));
    expect(actual.dist.constructor).toBe(expected.dist.constructor);
    let scale = 0;
    for (const value of codeBook.data) scale = Math.max(scale, Math.abs(value));
    // The distance from the row's entries errs within rounding of the code's length.
    const tolerance = (expected.dist instanceof Float32Array ? 1e-5 : 1e-7) * scale * Math.sqrt(codeBook.cols);
    for (let i = 0; i < expected.dist.length; i++) {
      expect(Math.abs(actual.dist[i]! - expected.dist[i]!)).toBeLessThanOrEqual(tolerance);
    }
    return actual;
  }

  it('gives the dense codes and the Euclidean (not squared) distances', () => {
    const result = expectSameCodes(problem.csr, problem.dense, book);
    // A code that is an observation is at distance zero (within rounding) from it.
    const { indices } = kmeansPlusPlus(problem.dense, 10, { seed: 2 });
    for (const row of indices) expect(result.dist[row]!).toBeLessThan(1e-6);
  });

  it('on the TF-IDF matrix, with a code book from KMeans++', () => {
    const { dense, csr } = tfidf(dtype);
    expectSameCodes(csr, dense, kmeansPlusPlus(csr, 15, { seed: 3 }).centers);
  });

  it('works in float32 only when both are float32, as numpy', () => {
    const other = dtype === 'float32' ? Float64Array : Float32Array;
    const mixedBook = { ...book, data: other.from(book.data) };
    const result = expectSameCodes(problem.csr, problem.dense, mixedBook);
    expect(result.dist).toBeInstanceOf(Float64Array);
  });
});

describe('vq on CSR: refusals', () => {
  const book = { data: Float64Array.of(1, 0, 2, 0, 3, 4), rows: 2, cols: 3 };

  it.each(badMatrices)('refuses obs with %s', (_, change, code, message) => {
    expect(() => vq(bad(change), book)).toThrow(
      expect.objectContaining({ code, message: expect.stringMatching(message) }),
    );
  });

  it('takes NaN with checkFinite false, as the dense vq, and checks the shapes', () => {
    expect(() => vq(bad({ data: Float64Array.of(1, NaN, 3, 4, 5) }), book, { checkFinite: false })).not.toThrow();
    expect(() => vq(small(), { data: new Float64Array(4), rows: 2, cols: 2 })).toThrow(
      expect.objectContaining({
        code: 'ERR_KMEANS_SHAPE_MISMATCH',
        message: expect.stringMatching(/obs has 3 features/),
      }),
    );
    expect(() => vq(small(), Float64Array.of(1, 2))).toThrow(
      expect.objectContaining({ code: 'ERR_KMEANS_SHAPE_MISMATCH', message: expect.stringMatching(/same rank/) }),
    );
    expect(() => vq(small(), book, { threads: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_KMEANS_INVALID_OPTION' }),
    );
  });

  it('refuses a CSR code book, and CSR input to whiten, kmeans and kmeans2', () => {
    const csrRefusal = (name: string) =>
      expect.objectContaining({
        code: 'ERR_KMEANS_INVALID_DATA',
        message: expect.stringMatching(
          new RegExp(`^${name} is a CSR matrix, which only vq reads, as its obs: pass ${name} dense`),
        ),
      });
    expect(() => vq(small(), small())).toThrow(csrRefusal('codeBook'));
    expect(() => vq(book, small())).toThrow(csrRefusal('codeBook'));
    expect(() => whiten(small())).toThrow(csrRefusal('obs'));
    expect(() => kmeans(small(), 2, { seed: 1 })).toThrow(csrRefusal('obs'));
    expect(() => kmeans(small(), book)).toThrow(csrRefusal('obs'));
    expect(() => kmeans(book, small())).toThrow(csrRefusal('kOrGuess'));
    expect(() => kmeans2(small(), 2, { seed: 1 })).toThrow(csrRefusal('data'));
    // A CSR matrix of no rows is refused too, not read as an empty dense matrix.
    const empty = {
      format: 'csr',
      indptr: Int32Array.of(0),
      indices: new Int32Array(0),
      data: new Float64Array(0),
      rows: 0,
      cols: 3,
    };
    expect(() => whiten(empty as CsrMatrix)).toThrow(csrRefusal('obs'));
    expect(() => vq(empty as CsrMatrix, book)).toThrow(expect.objectContaining({ code: 'ERR_KMEANS_EMPTY_DATA' }));
  });
});

describe('kmeansPlusPlus on CSR: refusals and the caller arrays', () => {
  it.each(badMatrices)('refuses %s', (_, change, code, message) => {
    expect(() => kmeansPlusPlus(bad(change), 2, { seed: 1 })).toThrow(
      expect.objectContaining({ code, message: expect.stringMatching(message) }),
    );
  });

  it('refuses too many clusters, bad weights and bad trials as the dense call', () => {
    const dense = { data: Float64Array.of(1, 0, 2, 0, 3, 0, 4, 0, 5), rows: 3, cols: 3 };
    for (const [k, options] of [
      [4, {}],
      [2, { sampleWeight: [1, 2] }],
      [2, { sampleWeight: [1, -1, 2] }],
      [3, { sampleWeight: [1, 0, 2] }],
      [2, { nLocalTrials: 4 }],
      [2, { nLocalTrials: 0 }],
      [2, { seed: -1 }],
      [2, { unknown: 1 }],
    ] as const) {
      const message = refusal(() => kmeansPlusPlus(small(), k, options as never));
      expect(message).toMatch(/^ERR_KMEANS_/);
      expect(message).toBe(refusal(() => kmeansPlusPlus(dense, k, options as never)));
    }
  });

  it('leaves the caller arrays as they were', async () => {
    const problem = sparseBlobs(600, 20, 4, 31, 'float32');
    const unchanged = snapshot(problem.csr);
    const sampleWeight = new Float64Array(600).fill(2);
    kmeansPlusPlus(problem.csr, 5, { seed: 1, sampleWeight });
    await kmeansPlusPlusAsync(problem.csr, 5, { seed: 1 });
    const book = { data: new Float64Array(3 * 20).fill(0.5), rows: 3, cols: 20 };
    vq(problem.csr, book);
    expect(unchanged()).toBe(true);
    expect(sampleWeight.every((w) => w === 2)).toBe(true);
    expect(book.data.every((v) => v === 0.5)).toBe(true);
  });
});
