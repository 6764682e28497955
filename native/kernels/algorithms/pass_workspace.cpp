#include <algorithm>

#include "pass.hpp"

namespace kmn {

template <typename T, typename K>
PassWorkspace<T, K>::PassWorkspace(const Dataset<T>& data, int64_t k_, int requested_threads, bool gathers)
    : k(k_), d(data.d), row_buffers(data, effective_threads(requested_threads, BlockPlan::make(data.n), k_ * data.d)) {
  const int64_t n = data.n;
  assign_plan = BlockPlan::make(n);
  threads = effective_threads(requested_threads, assign_plan, k * d);
  scratch.reserve(static_cast<size_t>(threads));
  for (int t = 0; t < threads; ++t) scratch.emplace_back(d, gathers);
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
}

template struct PassWorkspace<float, float>;
template struct PassWorkspace<double, double>;
template struct PassWorkspace<double, float>;

}  // namespace kmn
