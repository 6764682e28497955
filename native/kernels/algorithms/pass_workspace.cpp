#include <algorithm>

#include "pass.hpp"

namespace kmn {

template <typename T, typename K>
PassWorkspace<T, K>::PassWorkspace(const Dataset<T>& data, int64_t k_, int requested_threads, bool gathers)
    : assign_plan(BlockPlan::fixed(data.n)),
      threads(effective_threads(requested_threads, assign_plan, k_ * data.d)),
      k(k_),
      d(data.d),
      row_buffers(data, threads) {
  scratch.reserve(static_cast<size_t>(threads));
  for (int t = 0; t < threads; ++t) scratch.emplace_back(d, gathers);
  pass_stats.reset(assign_plan.n_blocks, 3);
  const int64_t width = k * d + k, width_bytes = width * static_cast<int64_t>(sizeof(double));
  // Slots for the sums: one per block when they are all small together, else enough for every
  // thread to have a block in hand and one done, within the budget (but never fewer than two).
  constexpr int64_t kFewestSlots = 2, kAllSlotsBytes = int64_t{2} << 20;
  const int64_t blocks = assign_plan.n_blocks;
  const int64_t slots = blocks * width_bytes <= kAllSlotsBytes
                            ? blocks
                            : std::max(kFewestSlots, std::min({blocks, int64_t{2} * threads + 2,
                                                               kPartialsBudgetBytes / width_bytes}));
  ordered_sums.resize(blocks, width, slots);
}

template struct PassWorkspace<float, float>;
template struct PassWorkspace<double, double>;
template struct PassWorkspace<double, float>;

}  // namespace kmn
