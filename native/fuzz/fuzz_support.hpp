// What the fuzz target's parts share (fuzz_kernels.cpp, fuzz_sparse.cpp): failure reports that
// print the problem under test and abort, bitwise and tolerance comparisons, and the input bytes
// (ByteSource), extended by splitmix64 once the input runs out.
#pragma once

#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "kernels/common/status.hpp"
#include "splitmix64.hpp"

namespace kmn::fuzz {

using kmn::Status;

// Recomputations are done in long double (64-bit mantissa on x86-64), well beyond the double
// arithmetic of the kernels, and with an exponent range where no sum of squares overflows.
using Exact = long double;

constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kDenormMin = std::numeric_limits<double>::denorm_min();

// --- Failure reports -----------------------------------------------------------------------

inline std::string g_problem;  // one line describing the problem under test, for failure reports

[[noreturn]] inline void fail(const char* format, ...) __attribute__((format(printf, 1, 2)));

inline void fail(const char* format, ...) {
  std::fputs("\nkmn_fuzz_kernels: invariant violated: ", stderr);
  va_list args;
  va_start(args, format);
  std::vfprintf(stderr, format, args);
  va_end(args);
  std::fprintf(stderr, "\n  problem: %s\n", g_problem.c_str());
  std::fflush(stderr);
  std::abort();
}

#define KMN_CHECK(condition, ...)        \
  do {                                   \
    if (!(condition)) fail(__VA_ARGS__); \
  } while (0)

inline void require_ok(Status status, const char* call) {
  KMN_CHECK(status == Status::kOk, "%s returned status %d instead of kOk", call, static_cast<int>(status));
}

template <typename V>
bool same_bits(const V& a, const V& b) {
  return std::memcmp(&a, &b, sizeof(V)) == 0;
}

template <typename V>
bool same_bits(const std::vector<V>& a, const std::vector<V>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(V)) == 0);
}

// The first index where two equally long arrays differ bitwise, or -1.
template <typename V>
int64_t first_difference(const std::vector<V>& a, const std::vector<V>& b) {
  for (size_t i = 0; i < a.size(); ++i)
    if (!same_bits(a[i], b[i])) return static_cast<int64_t>(i);
  return -1;
}

template <typename V>
void require_same(const std::vector<V>& a, const std::vector<V>& b, const char* what) {
  KMN_CHECK(a.size() == b.size(), "%s: %zu values vs %zu", what, a.size(), b.size());
  const int64_t at = first_difference(a, b);
  KMN_CHECK(at < 0, "%s: the two arrays differ at index %" PRId64 " (%.17g vs %.17g)", what, at,
            at >= 0 ? static_cast<double>(a[at]) : 0.0, at >= 0 ? static_cast<double>(b[at]) : 0.0);
}

// Whether a computed value is within `tolerance` of the exact one. Where the exact value is
// beyond the largest finite V, V's infinity is the honest answer.
template <typename V>
bool within(V value, Exact expected, Exact tolerance) {
  if (std::isnan(value)) return false;
  if (std::isinf(value)) return value > 0 && expected + tolerance >= static_cast<Exact>(std::numeric_limits<V>::max());
  return std::fabs(static_cast<Exact>(value) - expected) <= tolerance;
}

// --- Input bytes ---------------------------------------------------------------------------

class ByteSource {
 public:
  ByteSource(const uint8_t* data /* IN size */, size_t size)
      : data_(data), size_(size), state_(kmn::fuzz::fnv1a(data, size)) {}

  uint8_t byte() {
    if (at_ < size_) return data_[at_++];
    return static_cast<uint8_t>(kmn::fuzz::splitmix64(&state_) >> 56);
  }
  // In [0, bound), from two bytes (the modulo bias does not matter here).
  uint32_t below(uint32_t bound) {
    const uint32_t high = byte();
    return ((high << 8) | byte()) % bound;
  }
  // True with probability in256 / 256.
  bool chance(uint32_t in256) { return byte() < in256; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
  uint64_t state_;
};

}  // namespace kmn::fuzz
