// Empty-cluster repair, as scikit-learn's _relocate_empty_clusters_dense: each cluster with
// zero weight takes the row farthest from its (old) center, farthest first; that row's
// weighted value moves from its cluster's sums to the empty one's. The row keeps its label.
#pragma once

#include <cstdint>

#include "../common/dataset.hpp"
#include "../common/status.hpp"

namespace kmn {

template <typename T>
Status relocate_empty_clusters(const Dataset<T>& data, const T* centers_old /* IN k*d */,
                               const int32_t* labels /* IN n */, int64_t k, int threads,
                               double* sums /* INOUT k*d */, double* weights /* INOUT k */, int64_t* relocated /* OUT */);

}  // namespace kmn
