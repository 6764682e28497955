// Lloyd's step (Lloyd 1982): every distance, every pass, with the tile kernel. On small data the
// rows are packed once for the whole fit (with the shift of the first pass), since packing then
// costs as much as the distances.
#pragma once

#include <cstdint>
#include <memory>

#include "../common/assign.hpp"
#include "../common/dataset.hpp"
#include "../common/packed_rows.hpp"
#include "step.hpp"

namespace kmn {

template <typename T, typename K>
class LloydStep {
 public:
  static constexpr const char* kName = "lloyd";
  static constexpr bool kGathers = false;
  static constexpr const char* kFallback = nullptr;
  static bool fits(int64_t, int64_t) { return true; }

  LloydStep(int64_t n, int64_t, int64_t d) {
    auto rows = std::make_unique<PackedRows<T, K>>(n, d, rows_per_step<T, K>(d));
    if (rows->bytes() <= kPackedRowsBudgetBytes) {
      rows->allocate();
      packed_ = std::move(rows);
    }
  }

  void before_pass(const T*, int64_t, int64_t) {}

  static const int32_t* chunk_labels(const ChunkScratch<T, K>& scratch) { return scratch.label.data(); }

  template <typename OnRows>
  void label_chunk(const Dataset<T>& data, int64_t begin, int64_t end, const PassContext<T, K>& context,
                             ChunkScratch<T, K>& scratch, const int32_t*, int64_t* distance_evals, OnRows&& on_rows) {
    assign_chunk(data, begin, end, context.centers, context.panels, context.kernel, scratch, on_rows, false,
                 packed_.get());
    *distance_evals += (end - begin) * context.panels.k;
  }

  void after_pass() {
    if (packed_) packed_->filled = true;
  }
  void after_update(const T*, const T*, int64_t, int64_t) {}

 private:
  // Packed rows are kept for a fit when the copy takes at most this much: data that stays in cache.
  static constexpr int64_t kPackedRowsBudgetBytes = int64_t{8} << 20;
  std::unique_ptr<PackedRows<T, K>> packed_;
};

}  // namespace kmn
