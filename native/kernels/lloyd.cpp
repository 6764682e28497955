#include "lloyd.hpp"

#include <new>

#include "empty_clusters.hpp"

namespace kmn {

template <typename T>
LloydWorkspace<T>::LloydWorkspace(int64_t n, int64_t k_, int64_t d_, int requested_threads) : k(k_), d(d_) {
  plan = BlockPlan::make(n, (k * d + k + 2) * static_cast<int64_t>(sizeof(double)));
  threads = effective_threads(requested_threads, plan);
  scratch.reserve(static_cast<size_t>(threads));
  for (int t = 0; t < threads; ++t) scratch.emplace_back(d);
  merged.resize(static_cast<size_t>(partial_width()));
}

template <typename T>
Status lloyd_pass(const Dataset<T>& data, const T* centers, T* centers_new, int32_t* labels, LloydWorkspace<T>& ws,
                  IterationStats* stats) {
  const int64_t k = ws.k, d = ws.d;
  const bool update = centers_new != nullptr;
  const TileKernel<T>& kernel = tile_kernel<T>();
  try {
    ws.panels.prepare_centered(centers, k, d);
    ws.partials.reset(ws.plan.n_blocks, ws.partial_width());
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }

  parallel_for_blocks(ws.plan, ws.threads, [&](int64_t b, int thread) {
    ChunkScratch<T>& scratch = ws.scratch[thread];
    double* sums = ws.partials.block(b);
    double* weights = sums + k * d;
    double changes = 0, inertia = 0;
    for_each_chunk_in_block(ws.plan, b, [&](int64_t, int64_t begin, int64_t end) {
      assign_chunk(data, begin, end, centers, ws.panels, kernel, scratch);
      for (int64_t r = 0; r < end - begin; ++r) {
        const int64_t i = begin + r;
        const int32_t label = scratch.label[r];
        const double w = data.weight(i);
        changes += label != labels[i];
        labels[i] = label;
        inertia += w * scratch.sq_dist[r];
        if (!update) continue;
        double* sum = sums + label * d;
        const T* row = data.row(i);
        for (int64_t f = 0; f < d; ++f) sum[f] += w * static_cast<double>(row[f]);
        weights[label] += w;
      }
    });
    weights[k] = changes;
    weights[k + 1] = inertia;
  });
  ws.partials.merge(ws.merged.data(), ws.threads);

  double* sums = ws.merged.data();
  double* weights = sums + k * d;
  stats->label_changes = static_cast<int64_t>(weights[k]);
  stats->inertia = weights[k + 1];
  stats->relocated = 0;
  stats->center_shift = 0;
  if (!update) return Status::kOk;

  const Status status = relocate_empty_clusters(data, centers, labels, k, ws.threads, sums, weights, &stats->relocated);
  if (status != Status::kOk) return status;
  double shift = 0;
  for (int64_t j = 0; j < k; ++j) {
    // Multiply by the reciprocal, as scikit-learn's _average_centers does.
    const double scale = weights[j] > 0 ? 1.0 / weights[j] : 1.0;
    for (int64_t f = 0; f < d; ++f) {
      const T value = static_cast<T>(sums[j * d + f] * scale);
      const double diff = static_cast<double>(value) - static_cast<double>(centers[j * d + f]);
      centers_new[j * d + f] = value;
      shift += diff * diff;
    }
  }
  stats->center_shift = shift;
  return Status::kOk;
}

template <typename T>
Status assign_nearest(const Dataset<T>& data, const T* centers, int64_t k, int threads, int32_t* labels, double* sq_dist,
                      double* weighted_sum) {
  try {
    const int64_t d = data.d;
    const TileKernel<T>& kernel = tile_kernel<T>();
    const BlockPlan plan = BlockPlan::make(data.n);
    const int t = effective_threads(threads, plan);
    CenterPanels<T> panels;
    panels.prepare_centered(centers, k, d);
    std::vector<ChunkScratch<T>> scratch;
    scratch.reserve(static_cast<size_t>(t));
    for (int i = 0; i < t; ++i) scratch.emplace_back(d);
    BlockPartials partials;
    partials.reset(plan.n_blocks, 1);
    parallel_for_blocks(plan, t, [&](int64_t b, int thread) {
      double sum = 0;
      for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
        assign_chunk(data, begin, end, centers, panels, kernel, scratch[thread]);
        for (int64_t i = begin; i < end; ++i) {
          const int32_t label = scratch[thread].label[i - begin];
          const double dist = squared_distance(data.row(i), centers + label * d, d);
          labels[i] = label;
          if (sq_dist) sq_dist[i] = dist;
          sum += data.weight(i) * dist;
        }
      });
      *partials.block(b) = sum;
    });
    partials.merge(weighted_sum, 1);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

#define KMN_INSTANTIATE(T)                                                                                   \
  template struct LloydWorkspace<T>;                                                                        \
  template Status lloyd_pass<T>(const Dataset<T>&, const T*, T*, int32_t*, LloydWorkspace<T>&, IterationStats*); \
  template Status assign_nearest<T>(const Dataset<T>&, const T*, int64_t, int, int32_t*, double*, double*);
KMN_INSTANTIATE(float)
KMN_INSTANTIATE(double)
#undef KMN_INSTANTIATE

}  // namespace kmn
