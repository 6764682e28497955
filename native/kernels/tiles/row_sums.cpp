// The update half of a Lloyd pass over one chunk, vectorised: each row's weighted values go to
// its cluster's sums, and its exact squared distance to its center to the inertia. Also the
// exact (double) squared distance that decides the labels the tile kernel cannot. Built like
// nearest_tile.cpp, once per instruction set, but with -ffp-contract=off and a vector type of
// fixed width (8 doubles, split by the compiler into what the instruction set has), so every
// CPU rounds the same operations in the same order: the centers a fit returns are the same bits
// everywhere.
#include <type_traits>

#include "../common/tile_kernel.hpp"

#if defined(__SSE2__)
#include <immintrin.h>  // only always-inline intrinsics: nothing the linker could share between variants
#endif

namespace kmn {
namespace KMN_ISA {
namespace {

typedef double Lanes8 __attribute__((vector_size(64)));
constexpr int64_t kLanes = 8;

template <typename T>
inline Lanes8 load_lanes(const T* p, int64_t count) {
  Lanes8 v = {};
  for (int64_t i = 0; i < count; ++i) v[i] = static_cast<double>(p[i]);
  return v;
}

template <typename T>
inline Lanes8 load_full(const T* p) {
  if constexpr (sizeof(T) == sizeof(double)) {
    Lanes8 v;
    __builtin_memcpy(&v, p, sizeof(v));
    return v;
  } else {
    // The instruction set's own widening where there is one (GCC splits the generic one into
    // quarters); the values are the same, widening float to double is exact.
#if KMN_VECTOR_BYTES == 64 && defined(__AVX512F__)
    return reinterpret_cast<Lanes8>(_mm512_maskz_cvtps_pd(0xFF, _mm256_loadu_ps(p)));
#elif KMN_VECTOR_BYTES == 32 && defined(__AVX__)
    const __m256d low = _mm256_cvtps_pd(_mm_loadu_ps(p)), high = _mm256_cvtps_pd(_mm_loadu_ps(p + 4));
    Lanes8 v;
    __builtin_memcpy(&v, &low, sizeof(low));
    __builtin_memcpy(reinterpret_cast<char*>(&v) + sizeof(low), &high, sizeof(high));
    return v;
#else
    typedef T Narrow __attribute__((vector_size(kLanes * sizeof(T))));
    Narrow narrow;
    __builtin_memcpy(&narrow, p, sizeof(narrow));
    return __builtin_convertvector(narrow, Lanes8);
#endif
  }
}

// d < 8: the whole row is the tail of one 8-lane vector, whose lanes would be summed in order.
// A vector of the row's own width (2, 4 or 8 doubles) adds the same products in the same
// order, with the padding lanes zero, and keeps the row in one register.
template <int D> struct ShortRow;
template <> struct ShortRow<1> { typedef double type __attribute__((vector_size(16))); };
template <> struct ShortRow<2> { typedef double type __attribute__((vector_size(16))); };
template <> struct ShortRow<3> { typedef double type __attribute__((vector_size(32))); };
template <> struct ShortRow<4> { typedef double type __attribute__((vector_size(32))); };
template <> struct ShortRow<5> { typedef double type __attribute__((vector_size(64))); };
template <> struct ShortRow<6> { typedef double type __attribute__((vector_size(64))); };
template <> struct ShortRow<7> { typedef double type __attribute__((vector_size(64))); };

template <typename T, int D>
inline typename ShortRow<D>::type load_short(const T* p) {
  using V = typename ShortRow<D>::type;
  if constexpr (sizeof(V) == D * sizeof(T)) {  // a whole vector of doubles
    V v;
    __builtin_memcpy(&v, p, sizeof(v));
    return v;
  }
#if defined(__SSE2__)
  if constexpr (std::is_same_v<T, float> && D == 2) {
    return reinterpret_cast<V>(_mm_cvtps_pd(_mm_castpd_ps(_mm_load_sd(reinterpret_cast<const double*>(p)))));
  }
#endif
#if defined(__AVX__)
  if constexpr (std::is_same_v<T, float> && D == 4) return reinterpret_cast<V>(_mm256_cvtps_pd(_mm_loadu_ps(p)));
#endif
  // Other lengths value by value (the compiler widens them one at a time).
  V v = {};
  for (int f = 0; f < D; ++f) v[f] = static_cast<double>(p[f]);
  return v;
}

template <int D>
inline void store_short(double* p, const typename ShortRow<D>::type& v) {
  if constexpr (sizeof(v) == D * sizeof(double)) {
    __builtin_memcpy(p, &v, sizeof(v));
  } else {
    for (int f = 0; f < D; ++f) p[f] = v[f];
  }
}

// The inertia is kept in vector lanes, one accumulator for even rows and one for odd rows (so
// consecutive rows do not wait on each other's addition), and summed across lanes once at the
// end: no per-row horizontal sum. The lanes are added in index order.
template <typename V, int Lanes>
inline double lane_sum(const V& even, const V& odd) {
  const V both = even + odd;
  double total = 0;
  for (int lane = 0; lane < Lanes; ++lane) total += both[lane];
  return total;
}

// With kSums false, only the inertia: the same operations in the same order.
template <bool kSums, bool kWeighted, typename T, int D>
double accumulate_short_rows(const T* x, int64_t rows, const int32_t* labels, const double* weights,
                             const T* centers, double* sums, double* cluster_weights) {
  using V = typename ShortRow<D>::type;
  // The weighted squared differences of row r (and, with kSums, r added to its cluster).
  // Inlined at each of its three calls (a call per row would cost more than a short row).
  const auto row_inertia = [&](int64_t r) __attribute__((always_inline)) {
    const int32_t label = labels[r];
    const double w = kWeighted ? weights[r] : 1.0;
    const V value = load_short<T, D>(x + r * D);
    const V diff = value - load_short<T, D>(centers + static_cast<int64_t>(label) * D);
    if constexpr (kSums) {
      double* sum = sums + static_cast<int64_t>(label) * D;
      store_short<D>(sum, load_short<double, D>(sum) + (kWeighted ? value * w : value));
      cluster_weights[label] += w;
    }
    return kWeighted ? diff * diff * w : diff * diff;
  };
  V even = {}, odd = {};
  int64_t r = 0;
  for (; r + 1 < rows; r += 2) {
    even += row_inertia(r);
    odd += row_inertia(r + 1);
  }
  if (r < rows) even += row_inertia(r);
  return lane_sum<V, D>(even, odd);
}

// The squares of a row go to four sums, of its blocks of eight in turn (added at the end), so
// that consecutive blocks do not wait on each other's addition. Without weights, no
// multiplication by one (which would change nothing).
template <bool kSums, bool kWeighted, typename T>
double accumulate_wide_rows(const T* x, int64_t rows, int64_t d, const int32_t* labels, const double* weights,
                            const T* centers, double* sums, double* cluster_weights) {
  const int64_t full = d / kLanes * kLanes;
  // Inlined at each of its three calls: not inlined, it reads its captures through memory.
  const auto row_inertia = [&](int64_t r) __attribute__((always_inline)) {
    const T* row = x + r * d;
    const int32_t label = labels[r];
    const T* center = centers + static_cast<int64_t>(label) * d;
    double* sum = kSums ? sums + static_cast<int64_t>(label) * d : nullptr;  // no arithmetic on a null sums
    const double w = kWeighted ? weights[r] : 1.0;
    Lanes8 squares[4] = {};
    const auto add_block = [&](int64_t f, Lanes8& block_squares) __attribute__((always_inline)) {
      const Lanes8 value = load_full(row + f);
      const Lanes8 diff = value - load_full(center + f);
      block_squares += diff * diff;
      if constexpr (kSums) {
        Lanes8 total;
        __builtin_memcpy(&total, sum + f, sizeof(total));
        total += kWeighted ? value * w : value;
        __builtin_memcpy(sum + f, &total, sizeof(total));
      }
    };
    int64_t f = 0;
    for (; f + 4 * kLanes <= full; f += 4 * kLanes) {
      add_block(f, squares[0]);
      add_block(f + kLanes, squares[1]);
      add_block(f + 2 * kLanes, squares[2]);
      add_block(f + 3 * kLanes, squares[3]);
    }
    if (f < full) add_block(f, squares[0]), f += kLanes;
    if (f < full) add_block(f, squares[1]), f += kLanes;
    if (f < full) add_block(f, squares[2]), f += kLanes;
    if (full < d) {
      const Lanes8 value = load_lanes(row + full, d - full);
      const Lanes8 diff = value - load_lanes(center + full, d - full);
      squares[3] += diff * diff;
      if constexpr (kSums) {
        for (int64_t g = full; g < d; ++g) sum[g] += kWeighted ? value[g - full] * w : value[g - full];
      }
    }
    if constexpr (kSums) cluster_weights[label] += w;
    const Lanes8 all = (squares[0] + squares[1]) + (squares[2] + squares[3]);
    return kWeighted ? all * w : all;
  };
  Lanes8 even = {}, odd = {};
  int64_t r = 0;
  for (; r + 1 < rows; r += 2) {
    even += row_inertia(r);
    odd += row_inertia(r + 1);
  }
  if (r < rows) even += row_inertia(r);
  return lane_sum<Lanes8, kLanes>(even, odd);
}

template <bool kSums, typename T>
double accumulate_any_rows(const T* x, int64_t rows, int64_t d, const int32_t* labels, const double* weights,
                           const T* centers, double* sums, double* cluster_weights) {
  switch (d) {
#define KMN_SHORT(D)                                                                                      \
  case D:                                                                                                 \
    if (weights) return accumulate_short_rows<kSums, true, T, D>(x, rows, labels, weights, centers, sums, cluster_weights); \
    return accumulate_short_rows<kSums, false, T, D>(x, rows, labels, weights, centers, sums, cluster_weights);
    KMN_SHORT(1) KMN_SHORT(2) KMN_SHORT(3) KMN_SHORT(4) KMN_SHORT(5) KMN_SHORT(6) KMN_SHORT(7)
#undef KMN_SHORT
    default:
      if (weights) return accumulate_wide_rows<kSums, true, T>(x, rows, d, labels, weights, centers, sums, cluster_weights);
      return accumulate_wide_rows<kSums, false, T>(x, rows, d, labels, weights, centers, sums, cluster_weights);
  }
}

template <typename T>
double accumulate_rows(const T* x, int64_t rows, int64_t d, const int32_t* labels, const double* weights,
                       const T* centers, double* sums, double* cluster_weights) {
  if (sums == nullptr) return accumulate_any_rows<false>(x, rows, d, labels, weights, centers, sums, cluster_weights);
  return accumulate_any_rows<true>(x, rows, d, labels, weights, centers, sums, cluster_weights);
}

// sum over f of (a_f - b_f)^2 in double: eight lanes of partial sums, added in lane order.
template <typename T>
double exact_squared_distance(const T* a, const T* b, int64_t d) {
  const int64_t full = d / kLanes * kLanes;
  Lanes8 squares = {};
  for (int64_t f = 0; f < full; f += kLanes) {
    const Lanes8 diff = load_full(a + f) - load_full(b + f);
    squares += diff * diff;
  }
  if (full < d) {
    const Lanes8 diff = load_lanes(a + full, d - full) - load_lanes(b + full, d - full);
    squares += diff * diff;
  }
  double total = 0;
  for (int64_t lane = 0; lane < kLanes; ++lane) total += squares[lane];
  return total;
}

}  // namespace

ExactDistanceFn<double> exact_distance_f64() { return &exact_squared_distance<double>; }
ExactDistanceFn<float> exact_distance_f32() { return &exact_squared_distance<float>; }
AccumulateRowsFn<double> accumulate_rows_f64() { return &accumulate_rows<double>; }
AccumulateRowsFn<float> accumulate_rows_f32() { return &accumulate_rows<float>; }

}  // namespace KMN_ISA
}  // namespace kmn
