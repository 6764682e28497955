#include "sparse_fit.hpp"

#include <algorithm>
#include <new>
#include <utility>
#include <vector>

namespace kmn {

namespace {

template <typename T>
Status fit_with(const CsrRows<T>& data, int64_t k, T* centers, int32_t* labels, const SparseFitOptions& options,
                SparseWorkspace<T>& ws, SparseFitResult* result) {
  const int64_t d = data.d;
  std::vector<T> spare(static_cast<size_t>(k * d));
  std::fill(labels, labels + data.n, -1);  // every label counts as changed in the first pass

  T* current = centers;
  T* next = spare.data();
  bool labels_stable = false;
  SparsePassStats last;
  const auto cancelled = [&] { return options.cancel && __atomic_load_n(options.cancel, __ATOMIC_RELAXED) != 0; };
  for (int64_t iter = 0; iter < options.max_iter; ++iter) {
    if (cancelled()) return Status::kCancelled;
    const Status status = sparse_pass(data, current, next, labels, ws, &last);
    if (status != Status::kOk) return status;
    std::swap(current, next);
    result->n_iter = iter + 1;
    if (options.on_iteration) options.on_iteration(iter + 1, last);
    if (last.label_changes == 0) {
      labels_stable = true;
      break;
    }
    if (last.center_shift <= options.tol) break;
  }
  result->converged = labels_stable || (result->n_iter > 0 && last.center_shift <= options.tol);
  if (cancelled()) return Status::kCancelled;
  // As the dense driver: stable labels belong to the returned centers unless that last pass
  // moved an empty cluster's center onto a row; otherwise one assign-only pass.
  Status status = Status::kOk;
  result->inertia = 0;
  if (labels_stable && last.relocated == 0) {
    status = sparse_inertia(data, current, labels, ws, &result->inertia);
  } else {
    SparsePassStats final_pass;
    status = sparse_pass<T>(data, current, nullptr, labels, ws, &final_pass);
    result->inertia = final_pass.inertia;
  }
  if (current != centers) std::copy(current, current + k * d, centers);
  return status;
}

}  // namespace

template <typename T>
Status sparse_fit(const CsrRows<T>& data, int64_t k, T* centers, int32_t* labels, const SparseFitOptions& options,
                  SparseFitResult* result) {
  try {
    SparseWorkspace<T> ws(data, k, options.threads, true);
    ws.spherical = options.spherical;
    return fit_with(data, k, centers, labels, options, ws, result);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
}

template <typename T>
Status sparse_assign(const CsrRows<T>& data, const T* centers, int64_t k, int threads, int32_t* labels,
                     double* inertia) {
  try {
    SparseWorkspace<T> ws(data, k, threads, false);
    SparsePassStats stats;
    const Status status = sparse_pass<T>(data, centers, nullptr, labels, ws, &stats);
    *inertia = stats.inertia;
    return status;
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
}

#define KMN_INSTANTIATE(T)                                                                                     \
  template Status sparse_fit<T>(const CsrRows<T>&, int64_t, T*, int32_t*, const SparseFitOptions&,             \
                                SparseFitResult*);                                                             \
  template Status sparse_assign<T>(const CsrRows<T>&, const T*, int64_t, int, int32_t*, double*);
KMN_INSTANTIATE(float)
KMN_INSTANTIATE(double)
#undef KMN_INSTANTIATE

}  // namespace kmn
