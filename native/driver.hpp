// The k-means loop of every algorithm (scikit-learn's _kmeans_single_lloyd and _elkan): passes until the labels stop
// changing (strict convergence) or the total squared center shift is within the tolerance,
// then, unless convergence was strict (stable labels, and no empty cluster moved in that last
// pass), one assign-only pass so that the labels belong to the returned centers; finally the
// exact inertia.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kernels/algorithms/pass.hpp"
#include "kernels/common/dataset.hpp"
#include "kernels/common/status.hpp"

namespace kmn {

struct FitOptions {
  int64_t max_iter = 300;
  double tol = 0;      // absolute: the caller has already scaled it by the data's variance
  int threads = 1;
  std::string algorithm = "lloyd";  // a name of algorithms.hpp's table, or "auto"
  bool mixed_precision = false;  // float64 data: distances in float, near-ties re-checked exactly
  bool spherical = false;        // cosine k-means on unit rows: centers scaled to unit length
  // Checked before every pass: a non-zero value stops the fit with Status::kCancelled. Written
  // by another thread (an aborted async call), so it is read atomically.
  const int32_t* cancel = nullptr;
  // Called after every pass that updated the centers (iteration counted from 1); must not block.
  std::function<void(int64_t iteration, const IterationStats& stats)> on_iteration;
};

struct FitResult {
  int64_t n_iter = 0;
  bool converged = false;  // strict, or within tol before max_iter ran out
  double inertia = 0;
  std::vector<IterationStats> history;  // one entry per pass that updated the centers
  std::string algorithm;  // the one that ran: 'auto' resolved, memory fallbacks applied
};

// Status::kInvalidArgument for an algorithm name the table does not have.
template <typename T>
Status fit_kmeans(const Dataset<T>& data, int64_t k, T* centers /* INOUT k*d: initial, then final */,
                 int32_t* labels /* OUT n */, const FitOptions& options, FitResult* result);

}  // namespace kmn
