#include "reductions.hpp"

#include <cmath>
#include <new>

#include "assign.hpp"
#include "block_partials.hpp"
#include "chunking.hpp"
#include "tile_kernel.hpp"

namespace kmn {

template <typename T>
Status column_stats(const Dataset<T>& data, int threads, double* means, double* mean_variance) {
  const int64_t d = data.d;
  try {
    const BlockPlan plan = BlockPlan::make(data.n, d * 8);
    const int t = effective_threads(threads, plan);
    BlockPartials partials;
    // Two passes, as numpy: the means, then the squared deviations from them.
    partials.reset(plan.n_blocks, d);
    parallel_for_blocks(plan, t, [&](int64_t b, int) {
      double* sums = partials.block(b);
      for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
          for (int64_t f = 0; f < d; ++f) sums[f] += data.row(i)[f];
      });
    });
    partials.merge(means, t);
    for (int64_t f = 0; f < d; ++f) means[f] /= static_cast<double>(data.n);

    partials.reset(plan.n_blocks, d);
    parallel_for_blocks(plan, t, [&](int64_t b, int) {
      double* sums = partials.block(b);
      for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
          for (int64_t f = 0; f < d; ++f) {
            const double dev = data.row(i)[f] - means[f];
            sums[f] += dev * dev;
          }
      });
    });
    std::vector<double> squares(static_cast<size_t>(d));
    partials.merge(squares.data(), t);
    double total = 0;
    for (int64_t f = 0; f < d; ++f) total += squares[f] / static_cast<double>(data.n);
    *mean_variance = total / static_cast<double>(d);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

template <typename T>
Status inertia(const Dataset<T>& data, const T* centers, const int32_t* labels, int threads, double* out) {
  try {
    const BlockPlan plan = BlockPlan::make(data.n);
    const int t = effective_threads(threads, plan);
    const AccumulateRowsFn<T> accumulate = tile_kernel<T>().accumulate;
    BlockPartials partials;
    partials.reset(plan.n_blocks, 1);
    parallel_for_blocks(plan, t, [&](int64_t b, int) {
      double sum = 0;
      for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
        const double* weights = data.weights ? data.weights + begin : nullptr;
        sum += accumulate(data.row(begin), end - begin, data.d, labels + begin, weights, centers, nullptr, nullptr);
      });
      *partials.block(b) = sum;
    });
    partials.merge(out, 1);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

template <typename T>
Status transform(const Dataset<T>& data, const T* centers, int64_t k, int threads, T* out) {
  const BlockPlan plan = BlockPlan::make(data.n);
  parallel_for_blocks(plan, effective_threads(threads, plan), [&](int64_t b, int) {
    for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i)
        for (int64_t j = 0; j < k; ++j)
          out[i * k + j] = static_cast<T>(std::sqrt(squared_distance(data.row(i), centers + j * data.d, data.d)));
    });
  });
  return Status::kOk;
}

#define KMN_INSTANTIATE(T)                                                                                  \
  template Status column_stats<T>(const Dataset<T>&, int, double*, double*);                                \
  template Status inertia<T>(const Dataset<T>&, const T*, const int32_t*, int, double*);                    \
  template Status transform<T>(const Dataset<T>&, const T*, int64_t, int, T*);
KMN_INSTANTIATE(float)
KMN_INSTANTIATE(double)
#undef KMN_INSTANTIATE

}  // namespace kmn
