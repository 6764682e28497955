// The library's pseudo-random generator, the same stream as src/rng.ts bit for bit:
// xoshiro128** on 32-bit words, seeded from an integer 0 <= seed < 2^53 whose low and high
// 32-bit words each seed two state words through SplitMix32. The four state words travel
// between the facade and the kernels (IN/OUT), so one run's stream continues across both.
// Normal deviates stay in the facade: they need log and cos, whose last bit differs between
// JavaScript engines and C libraries.
#pragma once

#include <cmath>
#include <cstdint>

namespace kmn {

class Random {
 public:
  static constexpr int kStateWords = 4;

  // As `new Random(seed)` in rng.ts.
  explicit Random(uint64_t seed) {
    uint32_t low = static_cast<uint32_t>(seed), high = static_cast<uint32_t>(seed >> 32) ^ 0x6a09e667u;
    s_[0] = split_mix32(low);
    s_[1] = split_mix32(low);
    s_[2] = split_mix32(high);
    s_[3] = split_mix32(high);
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;  // the one forbidden state
  }

  // Continues the stream whose state is `state` (rng.ts's saveState()).
  explicit Random(const uint32_t* state /* IN 4 */) {
    for (int i = 0; i < kStateWords; ++i) s_[i] = state[i];
  }

  void save(uint32_t* state /* OUT 4 */) const {
    for (int i = 0; i < kStateWords; ++i) state[i] = s_[i];
  }

  uint32_t next_uint32() {
    const uint32_t result = rotl(s_[1] * 5u, 7) * 9u;
    const uint32_t t = s_[1] << 9;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 11);
    return result;
  }

  // A double in [0, 1) with 53 random bits: 27 from one output, 26 from the next. Every step is
  // exact in double, as in rng.ts.
  double next_double() {
    const uint32_t high = next_uint32() >> 5;
    const uint32_t low = next_uint32() >> 6;
    return (static_cast<double>(high) * 67108864.0 + static_cast<double>(low)) / 9007199254740992.0;
  }

  // An integer in [0, n) for 1 <= n <= 2^31: floor(next_double() * n), as rng.ts's nextInt.
  int64_t next_int(int64_t n) { return static_cast<int64_t>(std::floor(next_double() * static_cast<double>(n))); }

 private:
  static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

  // One SplitMix32 output; advances `state`.
  static uint32_t split_mix32(uint32_t& state) {
    state += 0x9e3779b9u;
    uint32_t z = state;
    z = (z ^ (z >> 16)) * 0x85ebca6bu;
    z = (z ^ (z >> 13)) * 0xc2b2ae35u;
    return z ^ (z >> 16);
  }

  uint32_t s_[kStateWords];
};

}  // namespace kmn
