// The passes of k-means|| seeding over one piece of the rows: see parallel_seeding.hpp.
#include "parallel_seeding.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <new>
#include <vector>

#include "../common/assign.hpp"
#include "../common/block_partials.hpp"
#include "../common/center_panels.hpp"
#include "../common/chunking.hpp"
#include "../common/tile_kernel.hpp"

namespace kmn {
namespace {

// Labels every row of the fixed blocks of `data` with its nearest candidate and hands it to the
// visitor: visitor.begin(block, thread), visitor.row(thread, i, label, x) for each row i of the
// block in order (x its values), visitor.end(block, thread). Allocates before the parallel
// region (may throw std::bad_alloc); the visitor must not throw.
template <typename T, typename K, typename Visitor>
void visit_nearest(const Dataset<T>& data, const T* candidates, int64_t m, const BlockPlan& plan, int threads,
                   Visitor& visitor) {
  const int64_t d = data.d;
  const TileKernel<K>& kernel = tile_kernel<K>();
  // Shifted by the candidates' mean: a function of the candidates alone, so no label depends
  // on which other rows share the call.
  CenterPanels<K> panels;
  panels.prepare_centered(candidates, m, d);
  std::vector<ChunkScratch<T, K>> scratch;
  scratch.reserve(static_cast<size_t>(threads));
  for (int t = 0; t < threads; ++t) scratch.emplace_back(d);
  RowBuffers<T> buffers(data, threads);
  parallel_for_blocks(plan, threads, [&](int64_t b, int thread) {
    visitor.begin(b, thread);
    for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
      const Dataset<T> rows = data.rows(begin, end, buffers.get(thread));
      ChunkScratch<T, K>& chunk = scratch[thread];
      assign_chunk(rows, begin, end, candidates, panels, kernel, chunk, [&](int64_t first, int64_t last) {
        for (int64_t r = first; r < last; ++r) visitor.row(thread, begin + r, chunk.label[r], rows.row(begin + r));
      });
    });
    visitor.end(b, thread);
  });
}

// visit_nearest in the precision asked for: float distances for float64 data when mixed (the
// labels are the same: rows the float values cannot decide are re-checked exactly).
template <typename T, typename Visitor>
int visit_nearest_rows(const Dataset<T>& data, const T* candidates, int64_t m, int threads, bool mixed,
                       const BlockPlan& plan, Visitor& visitor) {
  const int t = effective_threads(threads, plan, m * data.d);
  visitor.prepare(t);
  if constexpr (sizeof(T) == sizeof(double)) {
    if (mixed) {
      visit_nearest<T, float>(data, candidates, m, plan, t, visitor);
      return t;
    }
  }
  visit_nearest<T, T>(data, candidates, m, plan, t, visitor);
  return t;
}

// The squared distance of row x to its candidate, exact (the same bits on every instruction set).
template <typename T>
struct ExactToCandidate {
  const T* candidates;
  int64_t d;
  ExactDistanceFn<T> exact = tile_kernel<T>().exact_distance;
  double operator()(const T* x, int32_t label) const { return exact(x, candidates + label * d, d); }
};

// A running sum of one thread's, on a cache line of its own.
struct alignas(64) ThreadSum {
  double value = 0;
};

template <typename T>
struct CostVisitor {
  const Dataset<T>& data;
  ExactToCandidate<T> distance;
  BlockPartials partials;
  std::vector<ThreadSum> sums;  // per thread: the block in hand's

  void prepare(int threads) { sums.assign(static_cast<size_t>(threads), ThreadSum{}); }
  void begin(int64_t, int thread) { sums[thread].value = 0; }
  void row(int thread, int64_t i, int32_t label, const T* x) { sums[thread].value += data.weight(i) * distance(x, label); }
  void end(int64_t b, int thread) { *partials.block(b) = sums[thread].value; }
};

template <typename T>
struct SampleVisitor {
  const Dataset<T>& data;
  ExactToCandidate<T> distance;
  uint64_t key;
  int64_t first_row;
  double oversampling, cost;
  std::vector<std::vector<int64_t>> chosen;  // per block, ascending
  std::vector<std::vector<int64_t>*> in_hand;  // per thread: the block in hand's rows
  std::atomic<bool> out_of_memory{false};

  void prepare(int threads) { in_hand.assign(static_cast<size_t>(threads), nullptr); }
  void begin(int64_t b, int thread) { in_hand[thread] = &chosen[static_cast<size_t>(b)]; }
  void row(int thread, int64_t i, int32_t label, const T* x) {
    const double w = data.weight(i);
    if (!(w > 0)) return;
    const double share = oversampling * (w * distance(x, label)) / cost;
    if (!(row_uniform(key, first_row + i) < share)) return;
    try {
      in_hand[thread]->push_back(i);
    } catch (const std::bad_alloc&) {
      out_of_memory = true;  // nothing may leave the parallel region
    }
  }
  void end(int64_t, int) {}
};

template <typename T>
struct WeightVisitor {
  const Dataset<T>& data;
  OrderedPartials partials;
  std::vector<double*> sums;  // per thread: the block in hand's totals

  void prepare(int threads) { sums.assign(static_cast<size_t>(threads), nullptr); }
  void begin(int64_t b, int thread) { sums[thread] = partials.acquire(b); }
  void row(int thread, int64_t i, int32_t label, const T*) { sums[thread][label] += data.weight(i); }
  void end(int64_t b, int) { partials.release(b); }
};

}  // namespace

template <typename T>
void draw_weighted_row(const Dataset<T>& data, uint64_t key, int64_t first_row, int threads, RowDraw* best) {
  const BlockPlan plan = BlockPlan::fixed(data.n);
  const int t = effective_threads(threads, plan, 8);
  std::vector<RowDraw> blocks(static_cast<size_t>(plan.n_blocks));
  parallel_for_blocks(plan, t, [&](int64_t b, int) {
    RowDraw found;
    for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const double w = data.weight(i);
        if (!(w > 0)) continue;
        const double row_key = std::log1p(-row_uniform(key, first_row + i)) / w;
        if (row_key > found.key || found.row < 0) found = RowDraw{row_key, first_row + i};
      }
    });
    blocks[static_cast<size_t>(b)] = found;
  });
  for (const RowDraw& found : blocks)
    if (found.row >= 0 && (best->row < 0 || found.key > best->key)) *best = found;
}

template <typename T>
Status candidate_cost(const Dataset<T>& data, const T* candidates, int64_t m, int threads, bool mixed, double* cost) {
  try {
    const BlockPlan plan = BlockPlan::fixed(data.n);
    CostVisitor<T> visitor{data, {candidates, data.d}, {}, {}};
    visitor.partials.reset(plan.n_blocks, 1);
    visit_nearest_rows(data, candidates, m, threads, mixed, plan, visitor);
    visitor.partials.merge(cost, 1, cost);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

template <typename T>
Status sample_candidates(const Dataset<T>& data, const T* candidates, int64_t m, int threads, bool mixed,
                         int64_t first_row, uint64_t key, double oversampling, double cost,
                         std::vector<int64_t>* chosen) {
  try {
    const BlockPlan plan = BlockPlan::fixed(data.n);
    SampleVisitor<T> visitor{data, {candidates, data.d}, key, first_row, oversampling, cost, {}, {}};
    visitor.chosen.resize(static_cast<size_t>(plan.n_blocks));
    visit_nearest_rows(data, candidates, m, threads, mixed, plan, visitor);
    if (visitor.out_of_memory) return Status::kAllocFailed;
    chosen->clear();
    for (const std::vector<int64_t>& rows : visitor.chosen) chosen->insert(chosen->end(), rows.begin(), rows.end());
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

template <typename T>
Status candidate_weights(const Dataset<T>& data, const T* candidates, int64_t m, int threads, bool mixed,
                         double* weights) {
  try {
    const BlockPlan plan = BlockPlan::fixed(data.n);
    const int t = effective_threads(threads, plan, m * data.d);
    // Slots for the blocks' totals: one per block when they are all small together, else enough
    // for every thread to have a block in hand and one done (as the pass's sums, pass_workspace.cpp).
    constexpr int64_t kFewestSlots = 2, kAllSlotsBytes = int64_t{2} << 20;
    const int64_t width_bytes = m * static_cast<int64_t>(sizeof(double));
    const int64_t slots = plan.n_blocks * width_bytes <= kAllSlotsBytes
                              ? plan.n_blocks
                              : std::max(kFewestSlots, std::min({plan.n_blocks, int64_t{2} * t + 2,
                                                                 kPartialsBudgetBytes / width_bytes}));
    WeightVisitor<T> visitor{data, {}, {}};
    visitor.partials.resize(plan.n_blocks, m, slots);
    visitor.partials.begin(weights);
    const int used = visit_nearest_rows(data, candidates, m, t, mixed, plan, visitor);
    visitor.partials.finish(used);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

#define KMN_INSTANTIATE(T)                                                                                     \
  template void draw_weighted_row<T>(const Dataset<T>&, uint64_t, int64_t, int, RowDraw*);                    \
  template Status candidate_cost<T>(const Dataset<T>&, const T*, int64_t, int, bool, double*);               \
  template Status sample_candidates<T>(const Dataset<T>&, const T*, int64_t, int, bool, int64_t, uint64_t,   \
                                       double, double, std::vector<int64_t>*);                               \
  template Status candidate_weights<T>(const Dataset<T>&, const T*, int64_t, int, bool, double*);
KMN_INSTANTIATE(float)
KMN_INSTANTIATE(double)
#undef KMN_INSTANTIATE

}  // namespace kmn
