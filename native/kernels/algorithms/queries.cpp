#include "queries.hpp"

#include <algorithm>
#include <new>
#include <vector>

#include "../common/assign.hpp"
#include "../common/block_partials.hpp"
#include "../common/center_panels.hpp"
#include "../common/chunking.hpp"
#include "../common/cluster_sums.hpp"

namespace kmn {

template <typename T>
Status cluster_means(const Dataset<T>& data, const int32_t* labels, int64_t k, int threads, T* centers,
                     double* weights) {
  const int64_t d = data.d;
  try {
    const BlockPlan plan = BlockPlan::make(data.n, (k * d + k) * static_cast<int64_t>(sizeof(double)));
    const int t = effective_threads(threads, plan, d);
    RowBuffers<T> buffers(data, t);
    BlockPartials partials;
    partials.reset(plan.n_blocks, k * d + k);
    parallel_for_blocks(plan, t, [&](int64_t b, int thread) {
      double* sums = partials.block(b);
      for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
        const Dataset<T> rows = data.rows(begin, end, buffers.get(thread));
        for (int64_t i = begin; i < end; ++i) add_to_cluster(rows.row(i), d, data.weight(i), labels[i], sums, sums + k * d);
      });
    });
    std::vector<double> merged(static_cast<size_t>(k * d + k));
    partials.merge(merged.data(), t);
    for (int64_t j = 0; j < k; ++j) weights[j] = merged[k * d + j];
    average_centers(merged.data(), weights, k, d, EmptyCluster::kUnchanged, centers, centers);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

namespace {

template <typename T, typename K>
Status assign_nearest_in(const Dataset<T>& data, const T* centers, int64_t k, int threads, int32_t* labels,
                         double* sq_dist, double* weighted_sum, double base) {
  try {
    const int64_t d = data.d;
    const TileKernel<K>& kernel = tile_kernel<K>();
    const AccumulateRowsFn<T> accumulate = tile_kernel<T>().accumulate;
    const ExactDistanceFn<T> exact_distance = tile_kernel<T>().exact_distance;
    const BlockPlan plan = BlockPlan::fixed(data.n);
    const int t = effective_threads(threads, plan, k * d);
    CenterPanels<K> panels;
    panels.prepare_centered(centers, k, d);
    std::vector<ChunkScratch<T, K>> scratch;
    scratch.reserve(static_cast<size_t>(t));
    for (int i = 0; i < t; ++i) scratch.emplace_back(d);
    RowBuffers<T> buffers(data, t);
    BlockPartials partials;
    partials.reset(plan.n_blocks, 1);
    parallel_for_blocks(plan, t, [&](int64_t b, int thread) {
      double sum = 0;
      for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
        const Dataset<T> rows = data.rows(begin, end, buffers.get(thread));
        assign_chunk(rows, begin, end, centers, panels, kernel, scratch[thread], [&](int64_t first, int64_t last) {
          const int32_t* chunk_labels = scratch[thread].label.data();
          std::copy(chunk_labels + first, chunk_labels + last, labels + begin + first);
          if (sq_dist == nullptr) {
            // The weighted sum alone: the vectorised row kernel, as the inertia of a fit.
            const double* weights = data.weights ? data.weights + begin + first : nullptr;
            sum += accumulate(rows.row(begin + first), last - first, d, chunk_labels + first, weights, centers,
                              nullptr, nullptr);
            return;
          }
          for (int64_t i = begin + first; i < begin + last; ++i) {
            sq_dist[i] = exact_distance(rows.row(i), centers + labels[i] * d, d);
            sum += data.weight(i) * sq_dist[i];
          }
        });
      });
      *partials.block(b) = sum;
    });
    partials.merge(weighted_sum, 1, &base);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

}  // namespace

template <typename T>
Status assign_nearest(const Dataset<T>& data, const T* centers, int64_t k, int threads, bool mixed, int32_t* labels,
                      double* sq_dist, double* weighted_sum, double base) {
  if constexpr (sizeof(T) == sizeof(double)) {
    if (mixed) return assign_nearest_in<T, float>(data, centers, k, threads, labels, sq_dist, weighted_sum, base);
  }
  return assign_nearest_in<T, T>(data, centers, k, threads, labels, sq_dist, weighted_sum, base);
}

#define KMN_INSTANTIATE(T)                                                                                           \
  template Status assign_nearest<T>(const Dataset<T>&, const T*, int64_t, int, bool, int32_t*, double*, double*, \
                                    double);                                                                    \
  template Status cluster_means<T>(const Dataset<T>&, const int32_t*, int64_t, int, T*, double*);
KMN_INSTANTIATE(float)
KMN_INSTANTIATE(double)
#undef KMN_INSTANTIATE

}  // namespace kmn
