// One step of mini-batch k-means (Sculley 2010; scikit-learn's _mini_batch_step): label the
// batch against the current centers, then move each center toward the weighted mean of its
// batch members with a per-center learning rate of (batch weight) / (all weight it has seen),
// so that a center is the running mean of every sample ever assigned to it. The random
// reassignment of small clusters is the caller's (it owns the random generator).
#pragma once

#include <cstdint>

#include "../common/dataset.hpp"
#include "../common/status.hpp"

namespace kmn {

struct MiniBatchStep {
  double inertia = 0;  // weighted sum of squared distances of the batch to the centers before the step
};

template <typename T>
Status minibatch_step(const Dataset<T>& data, const int32_t* indices /* IN b row indices, or null: all n rows */,
                      int64_t b, int64_t k, int threads, bool mixed, bool spherical,
                      T* centers /* INOUT k*d */, double* counts /* INOUT k: weight seen per center */,
                      int32_t* labels /* OUT b */, double* batch_weights /* OUT k */, MiniBatchStep* step);

}  // namespace kmn
