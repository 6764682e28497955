// The wide-row nearest-center kernel (tile_kernel.hpp's WideKernel), for rows of
// kWideFromFeatures (128) features and more, blocked as a good matrix product is (Goto & van de
// Geijn, "Anatomy of high-performance matrix multiplication", TOMS 2008; the BLIS microkernels):
//  - rows are packed row-major in micro-panels of kRowGroup rows: feature blocks of one vector
//    each, the group's rows side by side ([block][row][lane]), zero-padded to whole blocks;
//  - centers likewise in micro-panels of kCenterGroup centers, once per pass;
//  - the microkernel holds kRowGroup x kCenterGroup vector accumulators in registers over a
//    range of feature blocks: each step loads kRowGroup + kCenterGroup vectors for
//    kRowGroup * kCenterGroup fused multiply-adds, from two sequential streams;
//  - feature blocks are split so that one center micro-panel stays in L1 while the rows stream
//    from L2, and centers into blocks of kBlockGroups groups so that the partial sums stay small;
//  - lanes are summed by a tree of shuffles at the end of each feature range, and the argmin is
//    kept per (row, center slot) lane, merged per row at the end.
// The values are ||c'||^2 - 2 x'.c' as for the transposed kernel (nearest_tile.cpp), in another
// order of additions, whose depth (center_panels.hpp's wide_rounding) sets the rounding bound of
// tie_margin.hpp; rows it cannot decide are re-checked exactly, so labels do not depend on which
// kernel ran. A row's values depend only on the instruction set, never on the rows packed with
// it. values_wide writes every value out, for seeding.
//
// Compiled once per instruction set, like nearest_tile.cpp; no header with inline code.
#include <type_traits>  // type aliases only

#include "../common/tile_kernel.hpp"

#if defined(__AVX__)
#include <immintrin.h>  // only always-inline intrinsics: nothing the linker could share between variants
#endif

namespace kmn {
namespace KMN_ISA {
namespace {

#include "tile_microkernel.inc"

// Accumulators per microkernel: as many as the registers hold beside one vector per row and
// one center vector (32 registers with AVX-512 and AArch64's Advanced SIMD, 16 otherwise).
#if KMN_VECTOR_BYTES == 64 || KMN_VECTOR_REGISTERS == 32
constexpr int kRowGroup = 4, kCenterGroup = 6;
#elif KMN_VECTOR_BYTES == 32
constexpr int kRowGroup = 3, kCenterGroup = 4;
#else
constexpr int kRowGroup = 2, kCenterGroup = 4;
#endif
constexpr int kPairs = kRowGroup * kCenterGroup;  // (row, center) pairs of one microkernel
// Center groups per center block: the partial sums of a step are rows * kBlockGroups * kCenterGroup.
constexpr int kBlockGroups = 16;
// Bytes of one center micro-panel's feature range (wide_range_blocks): it stays in L1 while rows
// stream past it.
constexpr int64_t kCenterPanelBytes = 24 << 10;

// A vector of N values of E (a dependent vector_size is honoured only inside a class template).
template <typename E, int N> struct VectorOf { typedef E type __attribute__((vector_size(N * sizeof(E)))); };

constexpr int64_t round_up(int64_t value, int64_t unit) { return (value + unit - 1) / unit * unit; }

// Vectors of sums one microkernel gives: its pairs, padded to whole vectors.
template <typename K>
constexpr int sum_vectors() {
  return (kPairs + lanes<K>() - 1) / lanes<K>();
}

// --- Summing the lanes of many vectors ---------------------------------------------------------
// One level of the tree: two vectors, each holding groups of 2*block lanes (each group the
// partial sums of one original vector), become one holding groups of `block` lanes: the first
// half from a, the second from b, each group the sum of its two halves. After log2(lanes)
// levels, lane j of vector q holds the sum of original vector q*lanes + j.

template <int... I> struct Sequence {};
template <int N, int... I> struct MakeSequence : MakeSequence<N - 1, N - 1, I...> {};
template <int... I> struct MakeSequence<0, I...> { using type = Sequence<I...>; };

constexpr int fold_source(int lane, int block, int width, int half) {
  const int groups = width / (2 * block);
  const int group = lane / block;
  return (group < groups ? 0 : width) + (group % groups) * 2 * block + half * block + lane % block;
}

#if defined(__clang__) || __GNUC__ >= 12
#define KMN_FOLD_SHUFFLE(V, a, b, block, width, half, I) __builtin_shufflevector(a, b, fold_source(I, block, width, half)...)
#else
#define KMN_FOLD_SHUFFLE(V, a, b, block, width, half, I) \
  __builtin_shuffle(a, b, typename IndexOf<V>::type{fold_source(I, block, width, half)...})
#endif

template <typename V> struct IndexOf;
template <> struct IndexOf<VecF32> { using type = VecI32; };
template <> struct IndexOf<VecF64> { using type = VecI64; };

template <int Block, typename V, int... I>
inline V fold_pair(const V& a, const V& b, Sequence<I...>) {
  constexpr int width = sizeof...(I);
  return KMN_FOLD_SHUFFLE(V, a, b, Block, width, 0, I) + KMN_FOLD_SHUFFLE(V, a, b, Block, width, 1, I);
}
#undef KMN_FOLD_SHUFFLE

// v[0, count) -> v[0, count/2), one level at block size Block, then the next levels.
template <int Block, int Count, typename V>
inline void fold_levels(V* v) {
  if constexpr (Block >= 1) {
    constexpr int width = static_cast<int>(sizeof(V) / sizeof(v[0][0]));
    using Lanes = typename MakeSequence<width>::type;
    for (int j = 0; j < Count / 2; ++j) v[j] = fold_pair<Block>(v[2 * j], v[2 * j + 1], Lanes{});
    fold_levels<Block / 2, Count / 2>(v);
  }
}

// sums[q] lane j = the lane sum of acc[q * lanes + j] (pairs beyond kPairs are zero).
template <typename K>
inline void sum_lanes(typename VecOf<K>::type (&acc)[kPairs], typename VecOf<K>::type (&sums)[sum_vectors<K>()]) {
  using V = typename VecOf<K>::type;
  constexpr int padded = sum_vectors<K>() * lanes<K>();
  V v[padded];
#pragma GCC unroll 32
  for (int p = 0; p < padded; ++p) v[p] = p < kPairs ? acc[p] : V{};
  fold_levels<lanes<K>() / 2, padded>(v);
  for (int q = 0; q < sum_vectors<K>(); ++q) sums[q] = v[q];
}

// --- The microkernel ---------------------------------------------------------------------------

// acc[r * kCenterGroup + c] += row r . center c over `blocks` feature blocks, lane by lane.
template <typename K>
inline void dot_microkernel(const K* rows /* IN blocks*kRowGroup*lanes */, const K* centers /* IN blocks*kCenterGroup*lanes */,
                            int64_t blocks, typename VecOf<K>::type (&acc)[kPairs]) {
  using V = typename VecOf<K>::type;
  for (int64_t b = 0; b < blocks; ++b) {
    V x[kRowGroup];
#pragma GCC unroll 8
    for (int r = 0; r < kRowGroup; ++r) x[r] = load(rows + (b * kRowGroup + r) * lanes<K>());
#pragma GCC unroll 8
    for (int c = 0; c < kCenterGroup; ++c) {
      V center = load(centers + (b * kCenterGroup + c) * lanes<K>());
      // Keep the center in a register: folded into each multiply-add it would be loaded once per row.
#if defined(__x86_64__)
      __asm__("" : "+v"(center));
#elif defined(__aarch64__) && defined(__ARM_NEON)
      __asm__("" : "+w"(center));
#endif
#pragma GCC unroll 8
      for (int r = 0; r < kRowGroup; ++r) acc[r * kCenterGroup + c] += x[r] * center;
    }
  }
}

// --- Packing -----------------------------------------------------------------------------------

// The sum of squares of vectors of K, in double: float lanes are widened half a vector at a time
// (with the instruction set's own conversion where there is one: GCC splits a generic one into
// quarters), into two sums so that consecutive additions do not wait on each other.
template <typename K>
struct Squares {
  VecF64 low = {}, high = {};

  void add(const VecF32& value) {
#if KMN_VECTOR_BYTES == 64 && defined(__AVX512F__)
    const __m512 v = reinterpret_cast<const __m512&>(value);
    // The zero-masking forms: the plain ones start from an "undefined" vector that GCC 12 warns about.
    const __m256 lower = _mm256_castpd_ps(_mm512_maskz_extractf64x4_pd(0xF, _mm512_castps_pd(v), 0));
    const __m256 upper = _mm256_castpd_ps(_mm512_maskz_extractf64x4_pd(0xF, _mm512_castps_pd(v), 1));
    const VecF64 a = reinterpret_cast<VecF64>(_mm512_maskz_cvtps_pd(0xFF, lower));
    const VecF64 b = reinterpret_cast<VecF64>(_mm512_maskz_cvtps_pd(0xFF, upper));
#elif KMN_VECTOR_BYTES == 32 && defined(__AVX__)
    const __m256 v = reinterpret_cast<const __m256&>(value);
    const VecF64 a = reinterpret_cast<VecF64>(_mm256_cvtps_pd(_mm256_castps256_ps128(v)));
    const VecF64 b = reinterpret_cast<VecF64>(_mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
#else
    VecF64 a, b;
    for (int lane = 0; lane < lanes<double>(); ++lane) {
      a[lane] = value[lane];
      b[lane] = value[lanes<double>() + lane];
    }
#endif
    low += a * a;
    high += b * b;
  }
  void add(const VecF64& value) {
    low += value * value;
    VecF64 swap = low;  // alternate the two sums
    low = high;
    high = swap;
  }
  double total() const {
    const VecF64 both = low + high;
    double sum = 0;
    for (int lane = 0; lane < lanes<double>(); ++lane) sum += both[lane];
    return sum;
  }
};


// Rows [begin, end) of x, shifted, into micro-panels: value (group, block, r, lane) at
// ((group * blocks + block) * kRowGroup + r) * lanes; missing rows and features are zero.
// norms[r] = ||x'_r||^2 in double, from the packed values.
template <typename T, typename K>
void pack_wide_rows(const T* x, int64_t d, int64_t begin, int64_t end, const K* shift, K* packed, double* norms) {
  using W = typename VecOf<K>::type;
  using Source = typename VectorOf<T, lanes<K>()>::type;
  constexpr int L = lanes<K>();
  const int64_t rows = end - begin, blocks = round_up(d, L) / L, full = d / L;
  const int64_t groups = (rows + kRowGroup - 1) / kRowGroup;
  for (int64_t g = 0; g < groups; ++g) {
    K* panel = packed + g * blocks * kRowGroup * L;
    for (int r = 0; r < kRowGroup; ++r) {
      const int64_t row = g * kRowGroup + r;
      K* out = panel + r * L;
      if (row >= rows) {
        for (int64_t b = 0; b < blocks; ++b) store(out + b * kRowGroup * L, W{});
        continue;
      }
      const T* source = x + (begin + row) * d;
      Squares<K> squares;
      for (int64_t b = 0; b < full; ++b) {
        Source value;
        __builtin_memcpy(&value, source + b * L, sizeof(value));
        const Source offset = __builtin_convertvector(load(shift + b * L), Source);
        const W packed_value = __builtin_convertvector(value - offset, W);
        store(out + b * kRowGroup * L, packed_value);
        squares.add(packed_value);
      }
      if (full < blocks) {
        W tail = {};
        for (int64_t f = full * L; f < d; ++f)
          tail[f - full * L] = static_cast<K>(static_cast<T>(source[f]) - static_cast<T>(shift[f]));
        store(out + full * kRowGroup * L, tail);
        squares.add(tail);
      }
      norms[row] = squares.total();
    }
  }
}

// Centers (row-major k*d, shifted, with their norms) into micro-panels of kCenterGroup, and per
// group the norm and index of the center in each lane of the microkernel's sums (lane
// q * lanes + j is pair q * lanes + j: row (pair / kCenterGroup), center slot (pair %
// kCenterGroup)). Padding centers and padding lanes get an infinite norm.
template <typename K>
void pack_wide_centers(const K* centers, const K* norms, int64_t k, int64_t d, K* panel, K* lane_norms,
                       K* lane_labels) {
  using Index = std::remove_reference_t<decltype(typename VecOf<K>::index{}[0])>;  // element access is an lvalue (a reference under clang)
  constexpr int L = lanes<K>();
  constexpr int sum_lanes_count = sum_vectors<K>() * L;
  const int64_t blocks = round_up(d, L) / L, groups = (k + kCenterGroup - 1) / kCenterGroup;
  const K inf = __builtin_inf();
  for (int64_t g = 0; g < groups; ++g) {
    for (int64_t b = 0; b < blocks; ++b)
      for (int c = 0; c < kCenterGroup; ++c) {
        const int64_t j = g * kCenterGroup + c;
        K* out = panel + ((g * blocks + b) * kCenterGroup + c) * L;
        for (int lane = 0; lane < L; ++lane) {
          const int64_t f = b * L + lane;
          out[lane] = j < k && f < d ? centers[j * d + f] : K(0);
        }
      }
    for (int lane = 0; lane < sum_lanes_count; ++lane) {
      const int64_t j = g * kCenterGroup + lane % kCenterGroup;
      lane_norms[g * sum_lanes_count + lane] = lane < kPairs && j < k ? norms[j] : inf;
      const Index index = static_cast<Index>(j < k ? j : 0);
      __builtin_memcpy(lane_labels + g * sum_lanes_count + lane, &index, sizeof(index));
    }
  }
}

// --- The kernel --------------------------------------------------------------------------------

// The dot products of `rows` packed rows with center groups [g0, g1) (at most kBlockGroups),
// summed over all feature blocks: partial[(i * kBlockGroups + g - g0) * Q * L + lane] for row
// group i, in the lane order of sum_lanes.
template <typename K>
void wide_dots(const K* packed, int64_t rows, int64_t d, const K* panel, int64_t g0, int64_t g1, int64_t range_blocks,
               K* partial) {
  using V = typename VecOf<K>::type;
  constexpr int L = lanes<K>(), Q = sum_vectors<K>();
  const int64_t blocks = round_up(d, L) / L;
  const int64_t row_groups = (rows + kRowGroup - 1) / kRowGroup;
  for (int64_t b0 = 0; b0 < blocks; b0 += range_blocks) {
    const int64_t count = b0 + range_blocks < blocks ? range_blocks : blocks - b0;
    for (int64_t g = g0; g < g1; ++g) {
      const K* centers = panel + (g * blocks + b0) * kCenterGroup * L;
      for (int64_t i = 0; i < row_groups; ++i) {
        V acc[kPairs];
#pragma GCC unroll 32
        for (int p = 0; p < kPairs; ++p) acc[p] = V{};
        dot_microkernel<K>(packed + (i * blocks + b0) * kRowGroup * L, centers, count, acc);
        V sums[Q];
        sum_lanes<K>(acc, sums);
        K* out = partial + (i * kBlockGroups + (g - g0)) * Q * L;
#pragma GCC unroll 8
        for (int q = 0; q < Q; ++q) store(out + q * L, b0 == 0 ? sums[q] : load(out + q * L) + sums[q]);
      }
    }
  }
}

// Labels `rows` packed rows against `groups` packed center groups: label, best and second as
// the transposed kernel gives them. `work` holds the partial sums and the per-lane argmin.
template <typename K>
void nearest_wide(const K* packed, int64_t rows, int64_t d, const K* panel, const K* lane_norms,
                  const K* lane_labels, int64_t groups, int64_t range_blocks, K* work, int32_t* label, K* best,
                  K* second) {
  using V = typename VecOf<K>::type;
  using I = typename VecOf<K>::index;
  using Index = std::remove_reference_t<decltype(I{}[0])>;
  constexpr int L = lanes<K>(), Q = sum_vectors<K>();
  const int64_t row_groups = (rows + kRowGroup - 1) / kRowGroup;
  // work: partial sums [row group][group in block][Q vectors], then the argmin state
  // [row group][best, second, label][Q vectors].
  K* partial = work;
  K* state = work + row_groups * kBlockGroups * Q * L;
  const K inf = __builtin_inf();

  for (int64_t g0 = 0; g0 < groups; g0 += kBlockGroups) {
    const int64_t g1 = g0 + kBlockGroups < groups ? g0 + kBlockGroups : groups;
    wide_dots(packed, rows, d, panel, g0, g1, range_blocks, partial);
    // value = ||c'||^2 - 2 x'.c', per lane: the best and second value, and the best's center.
    for (int64_t i = 0; i < row_groups; ++i) {
      K* lane_state = state + i * 3 * Q * L;
      V lane_best[Q], lane_second[Q];
      I lane_label[Q];
#pragma GCC unroll 8
      for (int q = 0; q < Q; ++q) {
        lane_best[q] = g0 == 0 ? V{} + inf : load(lane_state + q * L);
        lane_second[q] = g0 == 0 ? V{} + inf : load(lane_state + (Q + q) * L);
        if (g0 == 0) {
          lane_label[q] = I{};
        } else {
          __builtin_memcpy(&lane_label[q], lane_state + (2 * Q + q) * L, sizeof(I));
        }
      }
      for (int64_t g = g0; g < g1; ++g) {
        const K* sums = partial + (i * kBlockGroups + (g - g0)) * Q * L;
#pragma GCC unroll 8
        for (int q = 0; q < Q; ++q) {
          const V dot = load(sums + q * L);
          const V value = load(lane_norms + (g * Q + q) * L) - (dot + dot);
          I candidate;
          __builtin_memcpy(&candidate, lane_labels + (g * Q + q) * L, sizeof(I));
          const auto closer = value < lane_best[q];
          const V larger = value < lane_best[q] ? lane_best[q] : value;
          lane_second[q] = larger < lane_second[q] ? larger : lane_second[q];
          lane_best[q] = closer ? value : lane_best[q];
          lane_label[q] = closer ? candidate : lane_label[q];
        }
      }
#pragma GCC unroll 8
      for (int q = 0; q < Q; ++q) {
        store(lane_state + q * L, lane_best[q]);
        store(lane_state + (Q + q) * L, lane_second[q]);
        __builtin_memcpy(lane_state + (2 * Q + q) * L, &lane_label[q], sizeof(I));
      }
    }
  }
  // Per row, its kCenterGroup lanes: the smallest best, and the second smallest of all values.
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t i = r / kRowGroup, first = (r % kRowGroup) * kCenterGroup;
    const K* lane_state = state + i * 3 * Q * L;
    K row_best = inf, row_second = inf;
    int32_t row_label = 0;
    for (int64_t lane = first; lane < first + kCenterGroup; ++lane) {
      const K value = lane_state[lane];
      const K runner_up = lane_state[Q * L + lane];
      Index index;
      __builtin_memcpy(&index, lane_state + 2 * Q * L + lane, sizeof(index));
      if (value < row_best) {
        row_second = row_best < row_second ? row_best : row_second;
        row_best = value;
        row_label = static_cast<int32_t>(index);
      } else {
        row_second = value < row_second ? value : row_second;
      }
      row_second = runner_up < row_second ? runner_up : row_second;
    }
    label[r] = row_label;
    best[r] = row_best;
    second[r] = row_second;
  }
}

// Every value ||c'||^2 - 2 x'.c' of `rows` packed rows against `groups` packed center groups:
// out[j * kChunkSize + r] for center j (padding centers included, as +inf).
template <typename K>
void values_wide(const K* packed, int64_t rows, int64_t d, const K* panel, const K* lane_norms, int64_t groups,
                 int64_t range_blocks, K* work, K* out) {
  constexpr int L = lanes<K>(), Q = sum_vectors<K>();
  const int64_t row_groups = (rows + kRowGroup - 1) / kRowGroup;
  for (int64_t g0 = 0; g0 < groups; g0 += kBlockGroups) {
    const int64_t g1 = g0 + kBlockGroups < groups ? g0 + kBlockGroups : groups;
    wide_dots(packed, rows, d, panel, g0, g1, range_blocks, work);
    for (int64_t i = 0; i < row_groups; ++i)
      for (int64_t g = g0; g < g1; ++g) {
        const K* dots = work + (i * kBlockGroups + (g - g0)) * Q * L;
        for (int pair = 0; pair < kPairs; ++pair) {
          const int64_t r = i * kRowGroup + pair / kCenterGroup, j = g * kCenterGroup + pair % kCenterGroup;
          if (r < rows) out[j * kChunkSize + r] = lane_norms[g * Q * L + pair] - 2 * dots[pair];
        }
      }
  }
}

}  // namespace

WideKernel<double> wide_kernel_f64() {
  return {kRowGroup, kCenterGroup, lanes<double>(), sum_vectors<double>() * lanes<double>(), kBlockGroups,
          kCenterPanelBytes, &pack_wide_centers<double>, &nearest_wide<double>, &values_wide<double>};
}
WideKernel<float> wide_kernel_f32() {
  return {kRowGroup, kCenterGroup, lanes<float>(), sum_vectors<float>() * lanes<float>(), kBlockGroups,
          kCenterPanelBytes, &pack_wide_centers<float>, &nearest_wide<float>, &values_wide<float>};
}
PackWideRowsFn<double, double> pack_wide_rows_f64() { return &pack_wide_rows<double, double>; }
PackWideRowsFn<float, float> pack_wide_rows_f32() { return &pack_wide_rows<float, float>; }
PackWideRowsFn<double, float> pack_wide_rows_f64_to_f32() { return &pack_wide_rows<double, float>; }

}  // namespace KMN_ISA
}  // namespace kmn
