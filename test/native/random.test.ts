// The native generator (native/kernels/common/random.hpp) against rng.ts: the same seeding,
// the same doubles and integers bit for bit, and one stream that runs on across the two sides
// through the state words.
import { describe, expect, it } from 'vitest';
import { native } from '../../src/binding';
import { Random } from '../../src/rng';

const fixedSeeds = [0, 1, 2, 0x6a09e667, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 52, 2 ** 53 - 1];
// Seeds spread over [0, 2^53), from a generator of their own.
const spreadSeeds = (() => {
  const rng = new Random(20240601);
  return Array.from({ length: 40 }, () => Math.floor(rng.nextDouble() * 2 ** 53));
})();
const seeds = [...fixedSeeds, ...spreadSeeds];

/** Native doubles from `state` (or from `seed`), with the state after them. */
function nativeDoubles(count: number, from: { seed: number } | { state: Uint32Array }) {
  const state = 'state' in from ? from.state.slice() : new Uint32Array(4);
  const doubles = new Float64Array(count);
  native().randomDraws({ state, doubles, threads: 1, ...('seed' in from ? { seed: from.seed } : {}) });
  return { doubles, state };
}

function nativeIntegers(count: number, below: number, state: Uint32Array) {
  const after = state.slice();
  const integers = new Int32Array(count);
  native().randomDraws({ state: after, integers, below, threads: 1 });
  return { integers, state: after };
}

describe('the native generator draws rng.ts stream', () => {
  it.each(seeds)('seed %d: the same state, doubles and state after them', (seed) => {
    const rng = new Random(seed);
    const seededState = new Uint32Array(4);
    native().randomDraws({ state: seededState, seed, doubles: new Float64Array(0), threads: 1 });
    expect(seededState).toEqual(rng.saveState());

    const { doubles, state } = nativeDoubles(1000, { seed });
    const expected = Float64Array.from({ length: 1000 }, () => rng.nextDouble());
    expect(doubles).toEqual(expected);
    expect(state).toEqual(rng.saveState());
  });

  const bounds = [1, 2, 3, 7, 10, 1000, 65_537, 2 ** 30 + 3, 2 ** 31 - 1, 2 ** 31];
  it.each(seeds.slice(0, 12))('seed %d: the same integers for every bound', (seed) => {
    const rng = new Random(seed);
    for (const below of bounds) {
      const { integers, state } = nativeIntegers(300, below, rng.saveState());
      const expected = Int32Array.from({ length: 300 }, () => rng.nextInt(below));
      expect(integers).toEqual(expected);
      expect(state).toEqual(rng.saveState());
    }
  });

  it('continues one stream across TypeScript and native draws', () => {
    for (const seed of [0, 2 ** 32, 123_456_789_012]) {
      const alone = new Random(seed);
      const expected = Array.from({ length: 40 }, () => alone.nextDouble());
      const shared = new Random(seed);
      const drawn: number[] = [];
      for (let round = 0; round < 4; round++) {
        for (let i = 0; i < 5; i++) drawn.push(shared.nextDouble());
        const { doubles, state } = nativeDoubles(5, { state: shared.saveState() });
        drawn.push(...doubles);
        shared.restoreState(state);
      }
      expect(drawn).toEqual(expected);
      expect(shared.nextUint32()).toBe(alone.nextUint32());
      expect(shared.nextNormal()).toBe(alone.nextNormal());
    }
  });

  it('keeps every output bit: the state after n draws is the TypeScript one', () => {
    // Each double uses two 32-bit outputs, and the state words determine every later output.
    const rng = new Random(99);
    let state = rng.saveState();
    for (let step = 0; step < 50; step++) {
      state = nativeDoubles(step, { state }).state;
      for (let i = 0; i < step; i++) rng.nextDouble();
      expect(state).toEqual(rng.saveState());
    }
    for (let i = 0; i < 100; i++) expect(nativeIntegers(1, 2 ** 31, rng.saveState()).integers[0]).toBe(rng.nextInt(2 ** 31));
  });

  it('refuses malformed requests', () => {
    const state = new Uint32Array(4);
    expect(() => native().randomDraws({ state: new Uint32Array(3), doubles: new Float64Array(1), threads: 1 })).toThrow(
      /state has the wrong length/,
    );
    expect(() => native().randomDraws({ state, threads: 1 })).toThrow(/one of doubles and integers/);
    expect(() => native().randomDraws({ state, integers: new Int32Array(1), below: 2 ** 31 + 1, threads: 1 })).toThrow(
      /below must be at most 2\^31/,
    );
    expect(() => native().randomDraws({ state, doubles: new Float64Array(1), seed: -1, threads: 1 })).toThrow(/seed/);
  });

  it('is the same on the thread pool', async () => {
    const state = new Random(5).saveState();
    const doubles = new Float64Array(64);
    await native().randomDrawsAsync({ state, doubles, threads: 1 });
    expect({ doubles, state }).toEqual(nativeDoubles(64, { seed: 5 }));
  });
});

// Unweighted random init ranks rows by u instead of by log(1 - u) (seeding.cpp). That is the
// same order wherever Math.log is strictly increasing on the multiples of 2^-53 below 1; the
// neighbours closest to colliding are those just below 1/e and just below e^-2, e^-4, ...
describe('Math.log is strictly increasing on 1 - u where its neighbours are closest', () => {
  it.each([Math.exp(-1), Math.exp(-2), Math.exp(-4), Math.exp(-8), Math.exp(-16), Math.exp(-32), 0.5, 1])(
    'below %d',
    (top) => {
      const step = 2 ** -53;
      const multiple = Math.floor(top / step);
      let x = multiple * step;
      let previous = Math.log(x);
      for (let i = 0; i < Math.min(200_000, multiple - 1); i++) {
        x -= step;
        const value = Math.log(x);
        if (!(value < previous)) expect.fail(`Math.log(${x}) = ${value} is not below Math.log(${x + step}) = ${previous}`);
        previous = value;
      }
    },
  );
});
