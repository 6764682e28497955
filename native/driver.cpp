#include "driver.hpp"

#include <algorithm>
#include <new>
#include <utility>

#include "kernels/algorithms/algorithms.hpp"
#include "kernels/common/reductions.hpp"

namespace kmn {

namespace {

template <typename T, typename K, typename Step>
Status fit_with(const Dataset<T>& data, int64_t k, T* centers, int32_t* labels, const FitOptions& options,
                FitResult* result) {
  const int64_t d = data.d;
  PassWorkspace<T, K> ws(data, k, options.threads, Step::kGathers);
  Step step(data.n, k, d);
  ws.spherical = options.spherical;
  std::vector<T> spare(static_cast<size_t>(k * d));
  result->history.reserve(static_cast<size_t>(std::min<int64_t>(options.max_iter, 1024)));
  std::fill(labels, labels + data.n, -1);  // every label counts as changed in the first pass

  T* current = centers;
  T* next = spare.data();
  bool labels_stable = false;
  const auto cancelled = [&] { return options.cancel && __atomic_load_n(options.cancel, __ATOMIC_RELAXED) != 0; };
  for (int64_t iter = 0; iter < options.max_iter; ++iter) {
    if (cancelled()) return Status::kCancelled;
    IterationStats stats;
    const Status status = run_pass(data, current, next, labels, ws, step, &stats);
    if (status != Status::kOk) return status;
    std::swap(current, next);
    result->history.push_back(stats);
    result->n_iter = iter + 1;
    if (options.on_iteration) options.on_iteration(iter + 1, stats);
    if (stats.label_changes == 0) {
      labels_stable = true;
      break;
    }
    if (stats.center_shift <= options.tol) break;
  }
  result->converged = labels_stable || (!result->history.empty() && result->history.back().center_shift <= options.tol);
  if (cancelled()) return Status::kCancelled;
  // Stable labels belong to the returned centers, unless that last pass moved an empty cluster's
  // center onto a sample (which then lies nearer to it): then, as after any other stop, one
  // assign-only pass makes labels and inertia those of the returned centers.
  const bool labels_match = labels_stable && result->history.back().relocated == 0;
  if (!labels_match) {
    IterationStats stats;
    const Status status = run_pass<T, K>(data, current, nullptr, labels, ws, step, &stats);
    if (status != Status::kOk) return status;
  }
  if (current != centers) std::copy(current, current + k * d, centers);
  return inertia(data, centers, labels, ws.threads, &result->inertia);
}

template <typename T, typename K>
Status fit_in(const Dataset<T>& data, int64_t k, T* centers, int32_t* labels, const FitOptions& options,
              FitResult* result) {
  if (options.algorithm != kAutoAlgorithm && !is_algorithm_name(options.algorithm)) return Status::kUnknownAlgorithm;
  result->algorithm = resolve_algorithm(options.algorithm, data.n, k, data.d);
  Status status = Status::kOk;
  try {
    with_algorithm_step<T, K>(result->algorithm, [&](auto* step_type) {
      using Step = std::remove_pointer_t<decltype(step_type)>;
      status = fit_with<T, K, Step>(data, k, centers, labels, options, result);
    });
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return status;
}

}  // namespace

template <typename T>
Status fit_kmeans(const Dataset<T>& data, int64_t k, T* centers, int32_t* labels, const FitOptions& options,
                  FitResult* result) {
  if constexpr (sizeof(T) == sizeof(double)) {
    if (options.mixed_precision) return fit_in<T, float>(data, k, centers, labels, options, result);
  }
  return fit_in<T, T>(data, k, centers, labels, options, result);
}

template Status fit_kmeans<float>(const Dataset<float>&, int64_t, float*, int32_t*, const FitOptions&, FitResult*);
template Status fit_kmeans<double>(const Dataset<double>&, int64_t, double*, int32_t*, const FitOptions&, FitResult*);

}  // namespace kmn
