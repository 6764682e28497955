// The update half of a Lloyd step: weighted per-cluster sums, and the centers they give.
// Shared by the fused pass (algorithms/pass.hpp) and by cluster_means (SciPy's
// update_cluster_means), so both update centers the same way.
#pragma once

#include <cmath>
#include <cstdint>

namespace kmn {

template <typename T>
inline void add_to_cluster(const T* row /* IN d */, int64_t d, double weight, int32_t label,
                           double* sums /* INOUT k*d */, double* weights /* INOUT k */) {
  double* sum = sums + static_cast<int64_t>(label) * d;
  for (int64_t f = 0; f < d; ++f) sum[f] += weight * static_cast<double>(row[f]);
  weights[label] += weight;
}

enum class EmptyCluster {
  kZero,      // an empty cluster's center becomes its (zero) sum, as scikit-learn's _average_centers
  kUnchanged, // an empty cluster keeps the center it had, as SciPy's kmeans2
};

// centers[j] = sums[j] / weights[j] for every cluster with positive weight (multiplying by the
// reciprocal, as scikit-learn, unless a weight below 1 / DBL_MAX makes it overflow); empty ones
// as `empty` says. Returns sum_j ||new - old||^2.
template <typename T>
inline double average_centers(const double* sums /* IN k*d */, const double* weights /* IN k */, int64_t k, int64_t d,
                              EmptyCluster empty, const T* previous /* IN k*d */, T* centers /* OUT k*d */) {
  double shift = 0;
  for (int64_t j = 0; j < k; ++j) {
    if (!(weights[j] > 0) && empty == EmptyCluster::kUnchanged) {
      for (int64_t f = 0; f < d; ++f) centers[j * d + f] = previous[j * d + f];
      continue;
    }
    const double scale = weights[j] > 0 ? 1.0 / weights[j] : 1.0;
    const bool divide = std::isinf(scale);
    for (int64_t f = 0; f < d; ++f) {
      const T value = static_cast<T>(divide ? sums[j * d + f] / weights[j] : sums[j * d + f] * scale);
      const double diff = static_cast<double>(value) - static_cast<double>(previous[j * d + f]);
      centers[j * d + f] = value;
      shift += diff * diff;
    }
  }
  return shift;
}

}  // namespace kmn
