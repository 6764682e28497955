// Lloyd's k-means on sparse rows: the driver's loop (driver.hpp) around sparse_pass. Passes
// until the labels stop changing (strict convergence) or the total squared center shift is
// within the tolerance; then, unless convergence was strict (stable labels, and no empty cluster
// moved in that last pass), one assign-only pass so that the labels belong to the returned
// centers; the inertia is that of the returned labels and centers.
#pragma once

#include <cstdint>
#include <functional>

#include "../common/status.hpp"
#include "csr.hpp"
#include "sparse_lloyd.hpp"

namespace kmn {

struct SparseFitOptions {
  int64_t max_iter = 300;
  double tol = 0;  // absolute: the caller has already scaled it by the data's variance
  int threads = 1;
  bool spherical = false;  // cosine k-means on unit rows: new centers scaled to unit length
  // Checked before every pass: a non-zero value stops the fit with Status::kCancelled. Written
  // by another thread, so it is read atomically.
  const int32_t* cancel = nullptr;
  // Called after every pass that updated the centers (iteration counted from 1); must not block.
  std::function<void(int64_t iteration, const SparsePassStats& stats)> on_iteration;
};

struct SparseFitResult {
  int64_t n_iter = 0;
  bool converged = false;  // strict, or within tol before max_iter ran out
  double inertia = 0;
};

template <typename T>
Status sparse_fit(const CsrRows<T>& data, int64_t k, T* centers /* INOUT k*d: initial, then final */,
                  int32_t* labels /* OUT n */, const SparseFitOptions& options, SparseFitResult* result);

// The nearest center of every row, and the weighted sum of the rows' squared distances to them.
template <typename T>
Status sparse_assign(const CsrRows<T>& data, const T* centers /* IN k*d */, int64_t k, int threads,
                     int32_t* labels /* OUT n */, double* inertia /* OUT */);

}  // namespace kmn
