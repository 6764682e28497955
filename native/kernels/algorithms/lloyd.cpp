#include "lloyd.hpp"

#include <algorithm>
#include <new>

#include "../common/cluster_sums.hpp"
#include "../common/unit_rows.hpp"
#include "empty_clusters.hpp"

namespace kmn {

namespace {
// Packed rows are kept for a fit when the copy takes at most this much: data that stays in cache.
constexpr int64_t kPackedRowsBudgetBytes = int64_t{8} << 20;
}  // namespace

template <typename T, typename K>
LloydWorkspace<T, K>::LloydWorkspace(int64_t n, int64_t k_, int64_t d_, int requested_threads, Algorithm algorithm_)
    : k(k_), d(d_), algorithm(algorithm_) {
  assign_plan = BlockPlan::make(n);
  threads = effective_threads(requested_threads, assign_plan, k * d);
  scratch.reserve(static_cast<size_t>(threads));
  for (int t = 0; t < threads; ++t) scratch.emplace_back(d, algorithm == Algorithm::kHamerly || algorithm == Algorithm::kElkan);
  pass_stats.reset(assign_plan.n_blocks, 3);
  const int64_t width = k * d + k, width_bytes = width * static_cast<int64_t>(sizeof(double));
  // Slots for the fused sums: one per block when they are all small together, else enough for
  // every thread to have a block in hand and one done.
  constexpr int64_t kFewestSlots = 4, kAllSlotsBytes = int64_t{2} << 20;
  fused = kFewestSlots * width_bytes <= kPartialsBudgetBytes;
  if (fused) {
    const int64_t slots = assign_plan.n_blocks * width_bytes <= kAllSlotsBytes
                              ? assign_plan.n_blocks
                              : std::min({assign_plan.n_blocks, std::max<int64_t>(kFewestSlots, 2 * threads + 2),
                                          kPartialsBudgetBytes / width_bytes});
    ordered_sums.resize(assign_plan.n_blocks, width, slots);
  } else {
    sum_plan = BlockPlan::make(n, width_bytes);
    cluster_sums.reset(sum_plan.n_blocks, width);
    merged_sums.resize(static_cast<size_t>(width));
  }
  merged_stats.resize(3);
  if (algorithm == Algorithm::kElkan && !elkan_fits(n, k)) algorithm = Algorithm::kHamerly;
  if (algorithm == Algorithm::kHamerly) bounds.resize(n, k);
  if (algorithm == Algorithm::kElkan) elkan.resize(n, k);
  if (algorithm == Algorithm::kLloyd) {
    auto rows = std::make_unique<PackedRows<T, K>>(n, d, rows_per_step<T, K>(d));
    if (rows->bytes() <= kPackedRowsBudgetBytes) {
      rows->allocate();
      packed = std::move(rows);
    }
  }
}

namespace {

// Labels the rows of one assign block; adds label changes, exact inertia (when update) and
// distance evaluations to stats, and, when sums is not null, the rows to their clusters' sums.
template <typename T, typename K>
void assign_block(const Dataset<T>& data, const T* centers, int32_t* labels, LloydWorkspace<T, K>& ws,
                  ChunkScratch<T, K>& scratch, int64_t block, bool update, double* stats, double* sums) {
  const int64_t k = ws.k, d = ws.d;
  const TileKernel<K>& kernel = tile_kernel<K>();
  const AccumulateRowsFn<T> accumulate = tile_kernel<T>().accumulate;
  double inertia = 0;
  int64_t changes = 0, evals = 0;
  for_each_chunk_in_block(ws.assign_plan, block, [&](int64_t, int64_t begin, int64_t end) {
    const int32_t* chunk_labels = nullptr;
    const auto on_rows = [&](int64_t first, int64_t last) {
      for (int64_t r = first; r < last; ++r) {
        changes += chunk_labels[r] != labels[begin + r];
        labels[begin + r] = chunk_labels[r];
      }
      if (!update) return;
      const int64_t i0 = begin + first;
      // With sums null (summed in a second pass), the inertia alone, with the same bits.
      const double* weights = data.weights ? data.weights + i0 : nullptr;
      inertia += accumulate(data.row(i0), last - first, d, chunk_labels + first, weights, centers, sums,
                            sums ? sums + k * d : nullptr);
    };
    if (ws.algorithm == Algorithm::kHamerly) {
      chunk_labels = scratch.final_label.data();
      hamerly_chunk(data, begin, end, centers, ws.panels, kernel, scratch, ws.bounds, labels, &evals, on_rows);
    } else if (ws.algorithm == Algorithm::kElkan) {
      chunk_labels = scratch.final_label.data();
      elkan_chunk(data, begin, end, centers, ws.panels, kernel, scratch, ws.elkan, labels, &evals, on_rows);
    } else {
      chunk_labels = scratch.label.data();
      assign_chunk(data, begin, end, centers, ws.panels, kernel, scratch, on_rows, false, ws.packed.get());
      evals += (end - begin) * k;
    }
  });
  stats[0] = static_cast<double>(changes);
  stats[1] = inertia;
  stats[2] = static_cast<double>(evals);
}

}  // namespace

template <typename T, typename K>
Status lloyd_pass(const Dataset<T>& data, const T* centers, T* centers_new, int32_t* labels, LloydWorkspace<T, K>& ws,
                  IterationStats* stats) {
  const int64_t k = ws.k, d = ws.d;
  const bool update = centers_new != nullptr;
  try {
    // The shift of the first pass stays (the packed rows depend on it).
    if (ws.shift.empty()) ws.shift = center_mean(centers, k, d);
    ws.panels.prepare(centers, k, d, ws.shift.data());
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  ws.pass_stats.reset(ws.assign_plan.n_blocks, 3);
  if (ws.algorithm == Algorithm::kHamerly) ws.bounds.prepare_pass(centers, k, d);
  if (ws.algorithm == Algorithm::kElkan) ws.elkan.prepare_pass(centers, k, d);
  const bool fused = update && ws.fused;
  if (fused) ws.ordered_sums.begin();
  if (update && !fused) ws.cluster_sums.reset(ws.sum_plan.n_blocks, k * d + k);

  parallel_for_blocks(ws.assign_plan, ws.threads, [&](int64_t b, int thread) {
    double* sums = fused ? ws.ordered_sums.acquire(b) : nullptr;
    assign_block(data, centers, labels, ws, ws.scratch[thread], b, update, ws.pass_stats.block(b), sums);
    if (fused) ws.ordered_sums.release(b);
  });
  if (update && !fused) {
    // k*d too large for one partial sum per assign block: sum over the fewer sum blocks.
    parallel_for_blocks(ws.sum_plan, effective_threads(ws.threads, ws.sum_plan, d), [&](int64_t b, int) {
      double* sums = ws.cluster_sums.block(b);
      for_each_chunk_in_block(ws.sum_plan, b, [&](int64_t, int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) add_to_cluster(data.row(i), d, data.weight(i), labels[i], sums, sums + k * d);
      });
    });
  }
  ws.pass_stats.merge(ws.merged_stats.data(), 1);
  stats->label_changes = static_cast<int64_t>(ws.merged_stats[0]);
  stats->inertia = ws.merged_stats[1];
  stats->distance_evals = static_cast<int64_t>(ws.merged_stats[2]);
  ws.bounds.valid = ws.elkan.valid = true;
  if (ws.packed) ws.packed->filled = true;
  stats->relocated = 0;
  stats->center_shift = 0;
  if (!update) return Status::kOk;

  if (!fused) ws.cluster_sums.merge(ws.merged_sums.data(), ws.threads);
  double* sums = fused ? ws.ordered_sums.finish(ws.threads) : ws.merged_sums.data();
  double* weights = sums + k * d;
  const Status status = relocate_empty_clusters(data, centers, labels, k, ws.threads, sums, weights, &stats->relocated);
  if (status != Status::kOk) return status;
  stats->center_shift = average_centers(sums, weights, k, d, EmptyCluster::kZero, centers, centers_new);
  if (ws.spherical) stats->center_shift = unit_centers(centers, k, d, centers_new);
  if (ws.algorithm == Algorithm::kHamerly) ws.bounds.record_moves(centers, centers_new, k, d);
  if (ws.algorithm == Algorithm::kElkan) ws.elkan.record_moves(centers, centers_new, k, d);
  return Status::kOk;
}

template <typename T>
Status cluster_means(const Dataset<T>& data, const int32_t* labels, int64_t k, int threads, T* centers,
                     double* weights) {
  const int64_t d = data.d;
  try {
    const BlockPlan plan = BlockPlan::make(data.n, (k * d + k) * static_cast<int64_t>(sizeof(double)));
    const int t = effective_threads(threads, plan, d);
    BlockPartials partials;
    partials.reset(plan.n_blocks, k * d + k);
    parallel_for_blocks(plan, t, [&](int64_t b, int) {
      double* sums = partials.block(b);
      for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) add_to_cluster(data.row(i), d, data.weight(i), labels[i], sums, sums + k * d);
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
                         double* sq_dist, double* weighted_sum) {
  try {
    const int64_t d = data.d;
    const TileKernel<K>& kernel = tile_kernel<K>();
    const AccumulateRowsFn<T> accumulate = tile_kernel<T>().accumulate;
    const ExactDistanceFn<T> exact_distance = tile_kernel<T>().exact_distance;
    const BlockPlan plan = BlockPlan::make(data.n);
    const int t = effective_threads(threads, plan, k * d);
    CenterPanels<K> panels;
    panels.prepare_centered(centers, k, d);
    std::vector<ChunkScratch<T, K>> scratch;
    scratch.reserve(static_cast<size_t>(t));
    for (int i = 0; i < t; ++i) scratch.emplace_back(d);
    BlockPartials partials;
    partials.reset(plan.n_blocks, 1);
    parallel_for_blocks(plan, t, [&](int64_t b, int thread) {
      double sum = 0;
      for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
        assign_chunk(data, begin, end, centers, panels, kernel, scratch[thread], [&](int64_t first, int64_t last) {
          const int32_t* chunk_labels = scratch[thread].label.data();
          std::copy(chunk_labels + first, chunk_labels + last, labels + begin + first);
          if (sq_dist == nullptr) {
            // The weighted sum alone: the vectorised row kernel, as the inertia of a fit.
            const double* weights = data.weights ? data.weights + begin + first : nullptr;
            sum += accumulate(data.row(begin + first), last - first, d, chunk_labels + first, weights, centers,
                              nullptr, nullptr);
            return;
          }
          for (int64_t i = begin + first; i < begin + last; ++i) {
            sq_dist[i] = exact_distance(data.row(i), centers + labels[i] * d, d);
            sum += data.weight(i) * sq_dist[i];
          }
        });
      });
      *partials.block(b) = sum;
    });
    partials.merge(weighted_sum, 1);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

}  // namespace

template <typename T>
Status assign_nearest(const Dataset<T>& data, const T* centers, int64_t k, int threads, bool mixed, int32_t* labels,
                      double* sq_dist, double* weighted_sum) {
  if constexpr (sizeof(T) == sizeof(double)) {
    if (mixed) return assign_nearest_in<T, float>(data, centers, k, threads, labels, sq_dist, weighted_sum);
  }
  return assign_nearest_in<T, T>(data, centers, k, threads, labels, sq_dist, weighted_sum);
}

#define KMN_INSTANTIATE_PASS(T, K)                                                                    \
  template struct LloydWorkspace<T, K>;                                                               \
  template Status lloyd_pass<T, K>(const Dataset<T>&, const T*, T*, int32_t*, LloydWorkspace<T, K>&, \
                                   IterationStats*);
KMN_INSTANTIATE_PASS(float, float)
KMN_INSTANTIATE_PASS(double, double)
KMN_INSTANTIATE_PASS(double, float)
#undef KMN_INSTANTIATE_PASS

#define KMN_INSTANTIATE(T)                                                                                           \
  template Status assign_nearest<T>(const Dataset<T>&, const T*, int64_t, int, bool, int32_t*, double*, double*); \
  template Status cluster_means<T>(const Dataset<T>&, const int32_t*, int64_t, int, T*, double*);
KMN_INSTANTIATE(float)
KMN_INSTANTIATE(double)
#undef KMN_INSTANTIATE

}  // namespace kmn
