// The rows as the distance kernels read them (shifted, rounded to K, laid out by
// center_panels.hpp's pack functions), kept for a whole fit when the copy is small: every pass
// after the first then skips the packing, which for small or narrow data costs as much as the
// distances. The shift must then stay the same from pass to pass.
#pragma once

#include <cstdint>

#include "center_panels.hpp"
#include "chunk_size.hpp"
#include "scratch_buffer.hpp"
#include "tile_kernel.hpp"

namespace kmn {

template <typename T, typename K>
class PackedRows {
 public:
  // Steps of `step` rows within each chunk of kChunkSize (the steps assign_chunk packs).
  PackedRows(int64_t n, int64_t d, int64_t step) : step_(step) {
    wide_ = use_wide_kernel<K>(d);
    steps_per_chunk_ = (kChunkSize + step - 1) / step;
    // The transposed layout puts a chunk's steps side by side in one d*kChunkSize block; the
    // wide one gives each step micro-panels of its own.
    chunk_values_ = wide_ ? steps_per_chunk_ * wide_packed_size(tile_kernel<K>().wide, step, d) : d * kChunkSize;
    chunks_ = (n + kChunkSize - 1) / kChunkSize;
  }

  // Bytes the copy takes.
  int64_t bytes() const { return chunks_ * chunk_values_ * static_cast<int64_t>(sizeof(K)) + chunks_ * kChunkSize * 8; }

  // Allocates (may throw std::bad_alloc).
  void allocate() {
    values_.resize(static_cast<size_t>(chunks_ * chunk_values_));
    norms_.resize(static_cast<size_t>(chunks_ * kChunkSize));
  }

  // Where the step of chunk-relative rows from `first` of the chunk that starts at row `begin`
  // is packed, as pack and the kernels take it.
  K* step(int64_t begin, int64_t first) {
    K* chunk = values_.data() + begin / kChunkSize * chunk_values_;
    if (!wide_) return chunk + first;
    return chunk + first / step_ * (chunk_values_ / steps_per_chunk_);
  }
  // ||x'||^2 of the chunk's rows (chunk-relative).
  double* norms(int64_t begin) { return norms_.data() + begin; }

  bool filled = false;  // set once a pass has packed every chunk

 private:
  int64_t step_, steps_per_chunk_ = 1, chunk_values_ = 0, chunks_ = 0;
  bool wide_ = false;
  ScratchBuffer<K> values_;
  ScratchBuffer<double> norms_;
};

}  // namespace kmn
