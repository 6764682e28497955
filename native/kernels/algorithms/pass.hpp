// One k-means pass (Lloyd 1982) over the data, written once for every algorithm: label every
// row, and unless only labels are wanted, accumulate the weighted per-cluster sums that give
// the new centers. How a chunk of rows is labelled is the algorithm's step (see step.hpp);
// the blocks, the sums merged in block order, the empty-cluster repair and the update are the
// same for all, so the bits never depend on the thread count or the algorithm.
// Cost per pass: what the step computes, n*d for the sums, and blocks*k*d for merging; extra
// memory O(threads*chunk*d + slots*k*d), never n*k. A pass may also be fed its rows in pieces
// (begin_pass, label_rows per piece, update_centers), which gives the same bits.
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

// What one pass adds up over the rows, in fixed-block order (chunking.hpp). The caller keeps it
// across the pieces of a pass: data read piece by piece, each piece starting on a block
// boundary, adds up to the same bits as all the rows at once.
struct PassTotals {
  double* sums = nullptr;   // k*d per-cluster weighted sums, then k weights (update passes)
  double* stats = nullptr;  // label changes, inertia (update passes), distance evaluations
  uint64_t fingerprint = 0;  // the labels' fingerprint (label_fingerprint), added up
};

// A fingerprint of (row, label), summed over the rows: two passes with the same sum gave the
// same labels but for a 2^-64 chance. Lets a fit over data read in pieces, which keeps no
// labels, tell that its labels stopped changing.
inline uint64_t label_fingerprint(int64_t row, int32_t label) {
  uint64_t z = static_cast<uint64_t>(row) * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(label) + 1;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Buffers for the passes over one piece of data (all of it, for a fit in memory), allocated
// once (may throw std::bad_alloc). T is the data's type; K the type distances are computed in:
// T, or float for float64 data in mixed precision (labels are unchanged: rows the float values
// cannot decide are re-checked exactly).
template <typename T, typename K = T>
struct PassWorkspace {
  // Labels are computed over the fixed blocks; the per-cluster sums of a block are added to the
  // total in block order as the blocks finish (OrderedPartials), in as many slots as the memory
  // budget allows (at least two).
  BlockPlan assign_plan;
  int threads = 1;
  int64_t k = 0, d = 0;
  CenterPanels<K> panels;
  std::vector<ChunkScratch<T, K>> scratch;  // one per thread
  BlockPartials pass_stats;                 // per block: label changes, inertia, distance evaluations
  std::vector<uint64_t> fingerprints;       // per block
  OrderedPartials ordered_sums;             // per block, k*d sums then k weights
  bool spherical = false;     // cosine k-means: new centers scaled to unit length
  std::vector<double> shift;  // d: the first pass's center mean (packed rows depend on it)
  RowBuffers<T> row_buffers;  // column-major data: each thread's chunk of rows

  // `gathers`: the step labels rows that fail its bounds gathered into a block of their own.
  PassWorkspace(const Dataset<T>& data, int64_t k_, int requested_threads, bool gathers);
};

namespace pass_detail {

// Labels the rows of one block with the step; adds label changes, exact inertia (when sums is
// not null) and distance evaluations to stats, the labels' fingerprint to *fingerprint, and,
// when sums is not null, the rows to their clusters' sums. Row i of data is row first_row + i
// of all the data.
template <typename T, typename K, typename Step>
void assign_block(const Dataset<T>& data, const T* centers, int32_t* labels, PassWorkspace<T, K>& ws, Step& step,
                  int thread, int64_t block, int64_t first_row, double* stats, uint64_t* fingerprint, double* sums) {
  ChunkScratch<T, K>& scratch = ws.scratch[thread];
  const int64_t k = ws.k, d = ws.d;
  const PassContext<T, K> context{centers, ws.panels, tile_kernel<K>()};
  const AccumulateRowsFn<T> accumulate = tile_kernel<T>().accumulate;
  double inertia = 0;
  int64_t changes = 0, evals = 0;
  uint64_t print = 0;
  for_each_chunk_in_block(ws.assign_plan, block, [&](int64_t, int64_t begin, int64_t end) {
    const Dataset<T> rows = data.rows(begin, end, ws.row_buffers.get(thread));
    const int32_t* chunk_labels = Step::chunk_labels(scratch);
    const auto on_rows = [&](int64_t first, int64_t last) {
      for (int64_t r = first; r < last; ++r) {
        changes += chunk_labels[r] != labels[begin + r];
        labels[begin + r] = chunk_labels[r];
        print += label_fingerprint(first_row + begin + r, chunk_labels[r]);
      }
      if (sums == nullptr) return;
      const int64_t i0 = begin + first;
      const double* weights = data.weights ? data.weights + i0 : nullptr;
      inertia += accumulate(rows.row(i0), last - first, d, chunk_labels + first, weights, centers, sums, sums + k * d);
    };
    step.label_chunk(rows, begin, end, context, scratch, labels, &evals, on_rows);
  });
  stats[0] = static_cast<double>(changes);
  stats[1] = inertia;
  stats[2] = static_cast<double>(evals);
  *fingerprint = print;
}

}  // namespace pass_detail

// Before the rows of a pass: the centers packed for the step. The shift of the first pass stays
// (the packed rows depend on it); a workspace for one piece of data gets it from the caller.
template <typename T, typename K, typename Step>
Status begin_pass(const T* centers /* IN k*d */, PassWorkspace<T, K>& ws, Step& step) {
  try {
    if (ws.shift.empty()) ws.shift = center_mean(centers, ws.k, ws.d);
    ws.panels.prepare(centers, ws.k, ws.d, ws.shift.data());
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  step.before_pass(centers, ws.k, ws.d);
  return Status::kOk;
}

// Labels the rows of `data` (rows first_row.. of all the data; first_row on a block boundary)
// against `centers` and adds them to `totals`: the stats and fingerprint always, the sums when
// `update`.
template <typename T, typename K, typename Step>
void label_rows(const Dataset<T>& data, const T* centers /* IN k*d */, int32_t* labels /* INOUT n */,
                PassWorkspace<T, K>& ws, Step& step, bool update, int64_t first_row, PassTotals& totals) {
  const int64_t blocks = ws.assign_plan.n_blocks;
  ws.pass_stats.reset(blocks, 3);
  ws.fingerprints.assign(static_cast<size_t>(blocks), 0);
  if (update) ws.ordered_sums.begin(totals.sums);
  parallel_for_blocks(ws.assign_plan, ws.threads, [&](int64_t b, int thread) {
    double* sums = update ? ws.ordered_sums.acquire(b) : nullptr;
    pass_detail::assign_block(data, centers, labels, ws, step, thread, b, first_row, ws.pass_stats.block(b),
                              &ws.fingerprints[static_cast<size_t>(b)], sums);
    if (update) ws.ordered_sums.release(b);
  });
  if (update) ws.ordered_sums.finish(ws.threads);
  ws.pass_stats.merge(totals.stats, 1, totals.stats);
  for (const uint64_t print : ws.fingerprints) totals.fingerprint += print;
}

// The end of an updating pass: empty clusters take the rows `moves` lists (farthest first, as
// farthest_rows found them), then the new centers (unit length when spherical).
// Returns the center shift.
template <typename T>
double update_centers(double* sums /* INOUT k*d + k */, const T* centers /* IN k*d */, int64_t k, int64_t d,
                      const RowMoves<T>& moves, bool spherical, T* centers_new /* OUT k*d */) {
  double* weights = sums + k * d;
  apply_row_moves(moves, k, d, sums, weights);
  const double shift = average_centers(sums, weights, k, d, EmptyCluster::kZero, centers, centers_new);
  return spherical ? unit_centers(centers, k, d, centers_new) : shift;
}

// Assigns labels against `centers`; with update (centers_new not null), also writes the new
// centers (empty clusters relocated as scikit-learn does). The passes of one fit follow one
// another on the same workspace and step (bounds and packed rows carry over).
template <typename T, typename K, typename Step>
Status run_pass(const Dataset<T>& data, const T* centers /* IN k*d */, T* centers_new /* OUT k*d, or null */,
                int32_t* labels /* INOUT n */, PassWorkspace<T, K>& ws, Step& step, IterationStats* stats) {
  const int64_t k = ws.k, d = ws.d;
  const bool update = centers_new != nullptr;
  Status status = begin_pass(centers, ws, step);
  if (status != Status::kOk) return status;
  double merged_stats[3] = {0, 0, 0};
  std::vector<double> sums;
  try {
    if (update) sums.assign(static_cast<size_t>(k * d + k), 0.0);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  PassTotals totals{sums.data(), merged_stats, 0};
  label_rows(data, centers, labels, ws, step, update, 0, totals);
  stats->label_changes = static_cast<int64_t>(merged_stats[0]);
  stats->inertia = merged_stats[1];
  stats->distance_evals = static_cast<int64_t>(merged_stats[2]);
  step.after_pass();
  stats->relocated = 0;
  stats->center_shift = 0;
  if (!update) return Status::kOk;

  RowMoves<T> moves;
  status = farthest_rows(data, centers, labels, k, empty_cluster_count(sums.data() + k * d, k), ws.threads, &moves);
  if (status != Status::kOk) return status;
  stats->relocated = moves.count();
  stats->center_shift = update_centers(sums.data(), centers, k, d, moves, ws.spherical, centers_new);
  step.after_update(centers, centers_new, k, d);
  return Status::kOk;
}

}  // namespace kmn
