// The silhouette's inner loop: the distances from a group's rows to a tile of members, added to
// those rows' sums for each member's cluster. It is compiled for the baseline and, on x86-64 with
// GCC or Clang, for AVX and AVX-512, and the widest the CPU has is chosen at run time
// (KMEANS_NATIVE_SIMD=portable or avx2 narrows the choice, as for the distance tiles). Lanes
// never mix and multiply-adds are not fused (silhouette.cpp is built with -ffp-contract=off),
// so every variant gives the same bits. Included by silhouette.cpp alone.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "../common/cpu_features.hpp"
#include "silhouette.hpp"

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#define KMN_SILHOUETTE_X86 1
#define KMN_SILHOUETTE_INLINE inline __attribute__((always_inline))
#else
#define KMN_SILHOUETTE_X86 0
#define KMN_SILHOUETTE_INLINE inline
#endif

namespace kmn::silhouette_tile {

constexpr int64_t kGroupRows = 64;  // rows per group (the stride of block and sums)
// Vectors of rows computed side by side against one member: independent accumulators, enough to
// hide the latency of the additions, few enough to stay in registers (8 of SSE2's 16).
constexpr int kVectors = 8;

// kBytes of doubles as one vector register of the variant (16: SSE2 or NEON, 32: AVX, 64: AVX-512).
// (Spelled out per size: the attribute is not reliably applied through a dependent alias.)
template <int kBytes>
struct VectorOf;
template <>
struct VectorOf<16> {
  typedef double type __attribute__((vector_size(16)));
};
template <>
struct VectorOf<32> {
  typedef double type __attribute__((vector_size(32)));
};
template <>
struct VectorOf<64> {
  typedef double type __attribute__((vector_size(64)));
};
template <int kBytes>
using Vector = typename VectorOf<kBytes>::type;

// Loads kBytes of doubles (through a reference: a vector returned by value would change the ABI
// of a function compiled for the baseline).
template <int kBytes>
KMN_SILHOUETTE_INLINE void load(Vector<kBytes>& vector, const double* values) {
  std::memcpy(&vector, values, sizeof vector);
}

// The rows of one call of add_distances: kVectors vectors of kBytes (16, 32 or 64 rows).
template <int kBytes>
constexpr int64_t kLanes = kVectors * kBytes / static_cast<int>(sizeof(double));

// Adds the distance from each of kLanes rows (block: feature-major, stride kGroupRows) to
// `member` (d values) into sums[lane].
template <PairDistance kMetric, int kBytes>
KMN_SILHOUETTE_INLINE void add_distances(const double* block, const double* member, int64_t d, double* sums) {
  constexpr int kWidth = kBytes / static_cast<int>(sizeof(double));
  Vector<kBytes> acc[kVectors] = {};
  for (int64_t f = 0; f < d; ++f) {
    const double y = member[f];
    for (int v = 0; v < kVectors; ++v) {
      Vector<kBytes> diff;
      load<kBytes>(diff, block + f * kGroupRows + v * kWidth);
      diff -= y;
      if constexpr (kMetric == PairDistance::kManhattan) {
        for (int e = 0; e < kWidth; ++e) diff[e] = std::fabs(diff[e]);  // (no vector ?: on every compiler)
        acc[v] += diff;
      } else {
        acc[v] += diff * diff;
      }
    }
  }
  if constexpr (kMetric == PairDistance::kEuclidean) {
    static_assert(sizeof acc == kLanes<kBytes> * sizeof(double), "one accumulator per lane");
    double values[kLanes<kBytes>];
    std::memcpy(values, acc, sizeof values);
    for (int64_t lane = 0; lane < kLanes<kBytes>; ++lane) values[lane] = std::sqrt(values[lane]);
    std::memcpy(acc, values, sizeof values);
  }
  for (int v = 0; v < kVectors; ++v) {
    Vector<kBytes> value = acc[v];
    if constexpr (kMetric == PairDistance::kCosine) {
      value *= 0.5;
      for (int e = 0; e < kWidth; ++e) value[e] = std::min(value[e], 2.0);
    }
    Vector<kBytes> total;
    load<kBytes>(total, sums + v * kWidth);
    total += value;
    std::memcpy(sums + v * kWidth, &total, sizeof total);
  }
}

// block: the group's rows (d * kGroupRows, feature-major), `rows` of them used; tile: `count`
// members (row-major, d values each) and their clusters; sums: k * kGroupRows, by cluster.
// Each row's sums receive the members in tile order.
template <PairDistance kMetric, int kBytes>
KMN_SILHOUETTE_INLINE void add_tile(const double* block, int64_t rows, const double* tile, const int32_t* clusters,
                                    int64_t count, int64_t d, double* sums) {
  static_assert(kGroupRows % kLanes<kBytes> == 0, "a group is whole calls");
  for (int64_t lane0 = 0; lane0 < rows; lane0 += kLanes<kBytes>) {
    for (int64_t q = 0; q < count; ++q) {
      add_distances<kMetric, kBytes>(block + lane0, tile + q * d, d, sums + clusters[q] * kGroupRows + lane0);
    }
  }
}

using AddTileFn = void (*)(const double*, int64_t, const double*, const int32_t*, int64_t, int64_t, double*);

template <PairDistance kMetric>
void add_tile_baseline(const double* block, int64_t rows, const double* tile, const int32_t* clusters, int64_t count,
                       int64_t d, double* sums) {
  add_tile<kMetric, 16>(block, rows, tile, clusters, count, d, sums);
}

#if KMN_SILHOUETTE_X86
template <PairDistance kMetric>
__attribute__((target("avx"))) void add_tile_avx(const double* block, int64_t rows, const double* tile,
                                                 const int32_t* clusters, int64_t count, int64_t d, double* sums) {
  add_tile<kMetric, 32>(block, rows, tile, clusters, count, d, sums);
}

template <PairDistance kMetric>
__attribute__((target("avx512f"))) void add_tile_avx512(const double* block, int64_t rows, const double* tile,
                                                       const int32_t* clusters, int64_t count, int64_t d,
                                                       double* sums) {
  add_tile<kMetric, 64>(block, rows, tile, clusters, count, d, sums);
}
#endif

// 0: baseline, 1: AVX, 2: AVX-512; the widest the CPU has, narrowed by KMEANS_NATIVE_SIMD.
inline int vector_level() {
  static const int level = [] {
    int widest = 0;
#if KMN_SILHOUETTE_X86
    const X86Features& cpu = x86_features();
    if (cpu.avx) widest = cpu.avx512f ? 2 : 1;
#endif
    const char* forced = std::getenv("KMEANS_NATIVE_SIMD");
    if (forced != nullptr && std::strcmp(forced, "portable") == 0) return 0;
    if (forced != nullptr && std::strcmp(forced, "avx2") == 0) return std::min(widest, 1);
    return widest;
  }();
  return level;
}

template <PairDistance kMetric>
AddTileFn add_tile_for_cpu() {
#if KMN_SILHOUETTE_X86
  if (vector_level() == 2) return add_tile_avx512<kMetric>;
  if (vector_level() == 1) return add_tile_avx<kMetric>;
#endif
  return add_tile_baseline<kMetric>;
}

}  // namespace kmn::silhouette_tile
