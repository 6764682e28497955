// The update half of a Lloyd pass over one chunk, vectorised: each row's weighted values go to
// its cluster's sums, and its exact squared distance to its center to the inertia. Built like
// nearest_tile.cpp, once per instruction set, but with -ffp-contract=off and a vector type of
// fixed width (8 doubles, split by the compiler into what the instruction set has), so every
// CPU rounds the same operations in the same order: the centers a fit returns are the same bits
// everywhere.
#include "tile_kernel.hpp"

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
    typedef T Narrow __attribute__((vector_size(kLanes * sizeof(T))));
    Narrow narrow;
    __builtin_memcpy(&narrow, p, sizeof(narrow));
    return __builtin_convertvector(narrow, Lanes8);
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
  typename ShortRow<D>::type v = {};
  for (int f = 0; f < D; ++f) v[f] = static_cast<double>(p[f]);
  return v;
}

template <typename T, int D>
double accumulate_short_rows(const T* x, int64_t rows, const int32_t* labels, const double* weights,
                             const T* centers, double* sums, double* cluster_weights) {
  using V = typename ShortRow<D>::type;
  double inertia = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const int32_t label = labels[r];
    const double w = weights ? weights[r] : 1.0;
    const V value = load_short<T, D>(x + r * D);
    const V diff = value - load_short<T, D>(centers + static_cast<int64_t>(label) * D);
    const V squares = diff * diff;
    double dist = 0;
    for (int f = 0; f < D; ++f) dist += squares[f];
    double* sum = sums + static_cast<int64_t>(label) * D;
    V total = load_short<double, D>(sum) + value * w;
    for (int f = 0; f < D; ++f) sum[f] = total[f];
    inertia += w * dist;
    cluster_weights[label] += w;
  }
  return inertia;
}

// The inertia alone, in the same order of operations as accumulate_rows.
template <typename T>
double inertia_of_rows(const T* x, int64_t rows, int64_t d, const int32_t* labels, const double* weights,
                       const T* centers) {
  double inertia = 0;
  const int64_t full = d < kLanes ? 0 : d / kLanes * kLanes;
  for (int64_t r = 0; r < rows; ++r) {
    const T* row = x + r * d;
    const T* center = centers + static_cast<int64_t>(labels[r]) * d;
    double dist = 0;
    if (d < kLanes) {
      for (int64_t f = 0; f < d; ++f) {
        const double diff = static_cast<double>(row[f]) - static_cast<double>(center[f]);
        dist += diff * diff;
      }
    } else {
      Lanes8 squares = {};
      for (int64_t f = 0; f < full; f += kLanes) {
        const Lanes8 diff = load_full(row + f) - load_full(center + f);
        squares += diff * diff;
      }
      if (full < d) {
        const Lanes8 diff = load_lanes(row + full, d - full) - load_lanes(center + full, d - full);
        squares += diff * diff;
      }
      for (int64_t lane = 0; lane < kLanes; ++lane) dist += squares[lane];
    }
    inertia += (weights ? weights[r] : 1.0) * dist;
  }
  return inertia;
}

template <typename T>
double accumulate_rows(const T* x, int64_t rows, int64_t d, const int32_t* labels, const double* weights,
                       const T* centers, double* sums, double* cluster_weights) {
  if (sums == nullptr) return inertia_of_rows(x, rows, d, labels, weights, centers);
  switch (d) {
#define KMN_SHORT(D) \
  case D: return accumulate_short_rows<T, D>(x, rows, labels, weights, centers, sums, cluster_weights);
    KMN_SHORT(1) KMN_SHORT(2) KMN_SHORT(3) KMN_SHORT(4) KMN_SHORT(5) KMN_SHORT(6) KMN_SHORT(7)
#undef KMN_SHORT
    default: break;
  }
  double inertia = 0;
  const int64_t full = d / kLanes * kLanes;
  for (int64_t r = 0; r < rows; ++r) {
    const T* row = x + r * d;
    const int32_t label = labels[r];
    const T* center = centers + static_cast<int64_t>(label) * d;
    double* sum = sums + static_cast<int64_t>(label) * d;
    const double w = weights ? weights[r] : 1.0;
    Lanes8 squares = {};
    for (int64_t f = 0; f < full; f += kLanes) {
      const Lanes8 value = load_full(row + f);
      const Lanes8 diff = value - load_full(center + f);
      squares += diff * diff;
      Lanes8 total;
      __builtin_memcpy(&total, sum + f, sizeof(total));
      total += value * w;
      __builtin_memcpy(sum + f, &total, sizeof(total));
    }
    if (full < d) {
      const Lanes8 value = load_lanes(row + full, d - full);
      const Lanes8 diff = value - load_lanes(center + full, d - full);
      squares += diff * diff;
      for (int64_t f = full; f < d; ++f) sum[f] += value[f - full] * w;
    }
    double dist = 0;
    for (int64_t lane = 0; lane < kLanes; ++lane) dist += squares[lane];
    inertia += w * dist;
    cluster_weights[label] += w;
  }
  return inertia;
}

}  // namespace

AccumulateRowsFn<double> accumulate_rows_f64() { return &accumulate_rows<double>; }
AccumulateRowsFn<float> accumulate_rows_f32() { return &accumulate_rows<float>; }

}  // namespace KMN_ISA
}  // namespace kmn
