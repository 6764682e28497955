// What a fitted model asks of data: the nearest center of each row (predict, vq) and the
// weighted means of labelled rows (SciPy's update_cluster_means).
#pragma once

#include <cstdint>

#include "../common/dataset.hpp"
#include "../common/status.hpp"

namespace kmn {

// Labels and exact squared distances of each row to its nearest center; with mixed (float64
// data only), the kernel computes in float and near-ties are re-checked. The weighted sum of
// squared distances is added up in fixed-block order from `base` (the total of the pieces of
// the data before this one, for data read in pieces).
template <typename T>
Status assign_nearest(const Dataset<T>& data, const T* centers /* IN k*d */, int64_t k, int threads, bool mixed,
                      int32_t* labels /* OUT n */, double* sq_dist /* OUT n, or null */, double* weighted_sum /* OUT */,
                      double base = 0.0);

// Weighted means of the rows of each cluster: clusters with positive weight get their mean in
// `centers`, the others keep the center already there.
template <typename T>
Status cluster_means(const Dataset<T>& data, const int32_t* labels /* IN n, each in [0, k) */, int64_t k, int threads,
                     T* centers /* INOUT k*d */, double* weights /* OUT k: total weight per cluster */);

}  // namespace kmn
