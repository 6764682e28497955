/**
 * The one pseudo-random generator behind every random choice the library makes:
 * xoshiro128** (Blackman & Vigna, 2018) on 32-bit words, so it needs no BigInt and gives the
 * same stream on every platform. A seed (an integer 0 <= seed < 2^53) is split into its low
 * and high 32-bit words, and each word seeds two state words through SplitMix32.
 * Doubles in [0, 1) take 53 random bits from two outputs; normal deviates take two doubles
 * (Box–Muller).
 *
 * native/kernels/common/random.hpp is the same generator in C++, bit for bit: native operations
 * that draw (seedCenters, randomDraws) take the four state words (saveState) and hand back the
 * state after their draws (restoreState), so one stream runs on across both sides. Normal
 * deviates are drawn here only, since log and cos may round differently in the C library.
 * Weighted random init computes its keys log(1 - u) / w with the C library's log; V8's Math.log
 * may round a key differently in its last bit, which matters only where two keys tie or nearly
 * tie (see native/kernels/algorithms/seeding.cpp).
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    const low = seed >>> 0;
    const high = Math.floor(seed / 0x1_0000_0000) >>> 0;
    const lowMix = splitMix32(low);
    const highMix = splitMix32(high ^ 0x6a09e667);
    this.s0 = lowMix();
    this.s1 = lowMix();
    this.s2 = highMix();
    this.s3 = highMix();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the one forbidden state
  }

  /** The four state words, for a native operation that continues the stream. */
  saveState(): Uint32Array {
    return Uint32Array.of(this.s0, this.s1, this.s2, this.s3);
  }

  /** Continues from a state saveState gave (and a native operation may have advanced). */
  restoreState(state: Uint32Array): void {
    [this.s0, this.s1, this.s2, this.s3] = [state[0]!, state[1]!, state[2]!, state[3]!];
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniformly distributed double in [0, 1), with 53 random bits. */
  nextDouble(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** A uniformly distributed integer in [0, n), for n <= 2^31 (floor of nextDouble() * n). */
  nextInt(n: number): number {
    return Math.floor(this.nextDouble() * n);
  }

  /** A standard normal deviate (Box–Muller, the cosine branch; two doubles per deviate). */
  nextNormal(): number {
    const radius = Math.sqrt(-2 * Math.log(1 - this.nextDouble()));
    return radius * Math.cos(2 * Math.PI * this.nextDouble());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function splitMix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A fresh random seed, for calls that were given none. */
export function randomSeed(): number {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return (words[0]! >>> 11) * 0x1_0000_0000 + words[1]!;
}
