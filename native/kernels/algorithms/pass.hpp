// One k-means pass (Lloyd 1982) over the data, written once for every algorithm: label every
// row, and unless only labels are wanted, accumulate the weighted per-cluster sums that give
// the new centers. How a chunk of rows is labelled is the algorithm's step (see step.hpp);
// the blocks, the sums merged in block order, the empty-cluster repair and the update are the
// same for all, so the bits never depend on the thread count or the algorithm.
// Cost per pass: what the step computes, n*d for the sums, and blocks*k*d for merging; extra
// memory O(threads*chunk*d + blocks*k*d), never n*k.
#pragma once

#include <cstdint>
#include <new>
#include <vector>

#include "../common/assign.hpp"
#include "../common/block_partials.hpp"
#include "../common/center_panels.hpp"
#include "../common/chunking.hpp"
#include "../common/cluster_sums.hpp"
#include "../common/dataset.hpp"
#include "../common/status.hpp"
#include "../common/unit_rows.hpp"
#include "empty_clusters.hpp"
#include "step.hpp"

namespace kmn {

struct IterationStats {
  double inertia = 0;          // weighted sum of squared distances to the centers used for assignment (exact)
  double center_shift = 0;     // sum over clusters of ||new - old||^2
  int64_t label_changes = 0;   // rows whose label changed in this pass
  int64_t relocated = 0;       // empty clusters given a new center
  int64_t distance_evals = 0;  // sample-to-center distances computed (n*k per Lloyd pass)
};

// Buffers for all passes of one fit, allocated once (may throw std::bad_alloc). T is the data's
// type; K the type distances are computed in: T, or float for float64 data in mixed precision
// (labels are unchanged: rows the float values cannot decide are re-checked exactly).
template <typename T, typename K = T>
struct PassWorkspace {
  // Labels are computed over as many blocks as the data has (that sets the parallelism). The
  // per-cluster sums of a block are added up in the same pass, in block order as the blocks
  // finish (OrderedPartials), unless a few slots of k*d sums exceed the memory budget: then a
  // second pass sums over fewer blocks (sum_plan), whose partial sums fit it. The choice depends
  // on k and d only, never on the thread count.
  BlockPlan assign_plan, sum_plan;
  bool fused = true;
  int threads = 1;
  int64_t k = 0, d = 0;
  CenterPanels<K> panels;
  std::vector<ChunkScratch<T, K>> scratch;  // one per thread
  BlockPartials pass_stats;                 // per assign block: label changes, inertia, distance evaluations
  OrderedPartials ordered_sums;             // fused: per assign block, k*d sums then k weights
  BlockPartials cluster_sums;               // otherwise: the same per sum block
  std::vector<double> merged_stats, merged_sums;
  bool spherical = false;    // cosine k-means: new centers scaled to unit length
  std::vector<double> shift;  // d: the first pass's center mean (packed rows depend on it)
  RowBuffers<T> row_buffers;  // column-major data: each thread's chunk of rows

  // `gathers`: the step labels rows that fail its bounds gathered into a block of their own.
  PassWorkspace(const Dataset<T>& data, int64_t k_, int requested_threads, bool gathers);
};

namespace pass_detail {

// Labels the rows of one assign block with the step; adds label changes, exact inertia (when
// update) and distance evaluations to stats, and, when sums is not null, the rows to their
// clusters' sums.
template <typename T, typename K, typename Step>
void assign_block(const Dataset<T>& data, const T* centers, int32_t* labels, PassWorkspace<T, K>& ws, Step& step,
                  int thread, int64_t block, bool update, double* stats, double* sums) {
  ChunkScratch<T, K>& scratch = ws.scratch[thread];
  const int64_t k = ws.k, d = ws.d;
  const PassContext<T, K> context{centers, ws.panels, tile_kernel<K>()};
  const AccumulateRowsFn<T> accumulate = tile_kernel<T>().accumulate;
  double inertia = 0;
  int64_t changes = 0, evals = 0;
  for_each_chunk_in_block(ws.assign_plan, block, [&](int64_t, int64_t begin, int64_t end) {
    const Dataset<T> rows = data.rows(begin, end, ws.row_buffers.get(thread));
    const int32_t* chunk_labels = Step::chunk_labels(scratch);
    const auto on_rows = [&](int64_t first, int64_t last) {
      for (int64_t r = first; r < last; ++r) {
        changes += chunk_labels[r] != labels[begin + r];
        labels[begin + r] = chunk_labels[r];
      }
      if (!update) return;
      const int64_t i0 = begin + first;
      // With sums null (summed in a second pass), the inertia alone, with the same bits.
      const double* weights = data.weights ? data.weights + i0 : nullptr;
      inertia += accumulate(rows.row(i0), last - first, d, chunk_labels + first, weights, centers, sums,
                            sums ? sums + k * d : nullptr);
    };
    step.label_chunk(rows, begin, end, context, scratch, labels, &evals, on_rows);
  });
  stats[0] = static_cast<double>(changes);
  stats[1] = inertia;
  stats[2] = static_cast<double>(evals);
}

}  // namespace pass_detail

// Assigns labels against `centers`; with update (centers_new not null), also writes the new
// centers (empty clusters relocated as scikit-learn does). The passes of one fit follow one
// another on the same workspace and step (bounds and packed rows carry over).
template <typename T, typename K, typename Step>
Status run_pass(const Dataset<T>& data, const T* centers /* IN k*d */, T* centers_new /* OUT k*d, or null */,
                int32_t* labels /* INOUT n */, PassWorkspace<T, K>& ws, Step& step, IterationStats* stats) {
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
  step.before_pass(centers, k, d);
  const bool fused = update && ws.fused;
  if (fused) ws.ordered_sums.begin();
  if (update && !fused) ws.cluster_sums.reset(ws.sum_plan.n_blocks, k * d + k);

  parallel_for_blocks(ws.assign_plan, ws.threads, [&](int64_t b, int thread) {
    double* sums = fused ? ws.ordered_sums.acquire(b) : nullptr;
    pass_detail::assign_block(data, centers, labels, ws, step, thread, b, update, ws.pass_stats.block(b), sums);
    if (fused) ws.ordered_sums.release(b);
  });
  if (update && !fused) {
    // k*d too large for one partial sum per assign block: sum over the fewer sum blocks.
    parallel_for_blocks(ws.sum_plan, effective_threads(ws.threads, ws.sum_plan, d), [&](int64_t b, int thread) {
      double* sums = ws.cluster_sums.block(b);
      for_each_chunk_in_block(ws.sum_plan, b, [&](int64_t, int64_t begin, int64_t end) {
        const Dataset<T> rows = data.rows(begin, end, ws.row_buffers.get(thread));
        for (int64_t i = begin; i < end; ++i) add_to_cluster(rows.row(i), d, data.weight(i), labels[i], sums, sums + k * d);
      });
    });
  }
  ws.pass_stats.merge(ws.merged_stats.data(), 1);
  stats->label_changes = static_cast<int64_t>(ws.merged_stats[0]);
  stats->inertia = ws.merged_stats[1];
  stats->distance_evals = static_cast<int64_t>(ws.merged_stats[2]);
  step.after_pass();
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
  step.after_update(centers, centers_new, k, d);
  return Status::kOk;
}

}  // namespace kmn
