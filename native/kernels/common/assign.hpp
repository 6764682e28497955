// Assignment of one chunk: the tile kernel's argmin, then an exact re-check of the rows whose
// two best values are closer than the kernel's rounding error can explain. Those rows are
// decided by the exact squared Euclidean distance in double, lowest center index on a tie,
// so every label is the nearest center (a direct argmin) whatever the instruction set.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "center_panels.hpp"
#include "chunking.hpp"
#include "dataset.hpp"
#include "packed_rows.hpp"
#include "scratch_buffer.hpp"
#include "tie_margin.hpp"
#include "tile_kernel.hpp"

namespace kmn {

// Per-thread buffers for one chunk, allocated once per call (each written before it is read).
// T is the data's type, K the type the kernel computes in (T, or float for float64 data in mixed
// precision).
template <typename T, typename K = T>
struct ChunkScratch {
  ScratchBuffer<K> packed;        // d*kChunkSize, transposed (or the wide kernel's micro-panels)
  ScratchBuffer<double> x_norm;   // kChunkSize
  ScratchBuffer<int32_t> label;   // kChunkSize
  ScratchBuffer<K> best, second;  // kChunkSize
  ScratchBuffer<uint8_t> recheck;  // kChunkSize: rows decided by the exact distance
  ScratchBuffer<double> second_sq_lower;  // kChunkSize: a lower bound of the squared distance to the second nearest
  ScratchBuffer<int32_t> pending;         // kChunkSize: rows an accelerated pass must label in full
  ScratchBuffer<int32_t> final_label;     // kChunkSize: the labels of an accelerated pass
  ScratchBuffer<T> gathered;              // kChunkSize*d, Hamerly only: those rows, gathered
  ScratchBuffer<K> wide_work;             // the wide kernel's partial sums and argmin state

  // The label, best and second arrays have room for padding rows up to the next tile.
  explicit ChunkScratch(int64_t d, bool gathers = false)
      : packed(static_cast<size_t>(kChunkSize * d)), x_norm(kChunkSize), label(kChunkSize), best(kChunkSize),
        second(kChunkSize), recheck(kChunkSize), second_sq_lower(kChunkSize), pending(kChunkSize),
        final_label(kChunkSize), gathered(gathers ? static_cast<size_t>(kChunkSize * d) : 0) {
    if (use_wide_kernel<K>(d)) {
      const WideKernel<K>& kernel = tile_kernel<K>().wide;
      const int64_t step = wide_rows_per_step<T>(d);
      packed.resize(static_cast<size_t>(std::max(kChunkSize * d, wide_packed_size(kernel, step, d))));
      wide_work.resize(static_cast<size_t>(wide_work_size(kernel, step)));
    }
  }
};

template <typename T>
inline double squared_distance(const T* a, const T* b, int64_t d) {
  double sum = 0;
  for (int64_t f = 0; f < d; ++f) {
    const double diff = static_cast<double>(a[f]) - static_cast<double>(b[f]);
    sum += diff * diff;
  }
  return sum;
}

// The exact squared distance where no label depends on its last bits (bounds, relocation,
// transform): through the vectorised kernel for long rows, inline for short ones, where a call
// would cost more than the sum. The same bits on every instruction set either way.
template <typename T>
inline double exact_squared(const T* a, const T* b, int64_t d, ExactDistanceFn<T> kernel) {
  return d >= 16 ? kernel(a, b, d) : squared_distance(a, b, d);
}

// Index of the nearest of k centers by exact distance (lowest index on a tie), with the squared
// distance to the second nearest. Every exact label decision goes through the kernel's
// exact_distance, so that all algorithms decide ties alike.
template <typename T>
inline int32_t nearest_exact(const T* x, const T* centers /* IN k*d */, int64_t k, int64_t d,
                             double* second_sq_dist) {
  const ExactDistanceFn<T> squared_distance = tile_kernel<T>().exact_distance;
  int32_t best = 0;
  double best_dist = std::numeric_limits<double>::infinity(), second_dist = best_dist;
  for (int64_t j = 0; j < k; ++j) {
    const double dist = squared_distance(x, centers + j * d, d);
    if (dist < best_dist) {
      second_dist = best_dist;
      best_dist = dist;
      best = static_cast<int32_t>(j);
    } else if (dist < second_dist) {
      second_dist = dist;
    }
  }
  *second_sq_dist = second_dist;
  return best;
}

// Rows packed and labelled at a time: the whole chunk while its packed copy stays small, fewer
// rows for wide data so that the packed rows stay in cache. A function of d and the data's type
// only (a multiple of every variant's tile and of the 8-row transpose), so that the inertia,
// which the update adds up step by step, is the same bits on every instruction set and in mixed
// precision.
template <typename T, typename K>
inline int64_t rows_per_step(int64_t d) {
  if (use_wide_kernel<K>(d)) return wide_rows_per_step<T>(d);
  constexpr int64_t kTargetBytes = 128 << 10, kUnit = 64;
  const int64_t fit = kTargetBytes / (d * static_cast<int64_t>(sizeof(T))) / kUnit * kUnit;
  return fit < kUnit ? kUnit : (fit > kChunkSize ? kChunkSize : fit);
}

// Labels rows [begin, end) of a row-major view into scratch.label (chunk-relative); with want_second, also a lower
// bound of each row's squared distance to its second-nearest center (scratch.second_sq_lower).
// After each step of rows is labelled, on_rows(first, last) is called (chunk-relative bounds),
// while those rows are still in cache. With `packed` (a chunk starting at a multiple of
// kChunkSize), the rows are packed there, or read from there once it is filled.
template <typename T, typename K, typename OnRows>
void assign_chunk(const Dataset<T>& data, int64_t begin, int64_t end, const T* centers /* IN k*d */,
                  const CenterPanels<K>& panels, const TileKernel<K>& kernel, ChunkScratch<T, K>& scratch,
                  OnRows&& on_rows, bool want_second = false, PackedRows<T, K>* packed = nullptr) {
  const int64_t rows = end - begin, d = data.d;
  const int64_t step = rows_per_step<T, K>(d);
  const PackRowsFn<T, K> pack = pack_kernel<T, K>();
  const PackWideRowsFn<T, K> pack_wide = wide_pack_kernel<T, K>();
  double* const x_norm = packed ? packed->norms(begin) : scratch.x_norm.data();  // chunk-relative
  for (int64_t first = 0; first < rows; first += step) {
    const int64_t last = first + step < rows ? first + step : rows;
    const bool pack_now = packed == nullptr || !packed->filled;
    if (panels.wide) {
      K* rows_packed = packed ? packed->step(begin, first) : scratch.packed.data();
      if (pack_now) pack_wide(data.row(begin + first), d, 0, last - first, panels.shift_t.data(), rows_packed, x_norm + first);
      kernel.wide.nearest(rows_packed, last - first, d, panels.wide_panel.data(), panels.wide_lane_norms.data(),
                          panels.wide_lane_labels.data(), panels.wide_groups, wide_range_blocks(kernel.wide, d),
                          scratch.wide_work.data(), scratch.label.data() + first, scratch.best.data() + first,
                          scratch.second.data() + first);
    } else {
      K* rows_packed = packed ? packed->step(begin, first) : scratch.packed.data() + first;
      if (pack_now) {
        pack(data.row(begin + first), d, 0, last - first, panels.shift_t.data(), kernel.tile_rows, rows_packed,
             x_norm + first);
      }
      kernel.nearest(rows_packed, last - first, d, panels.centers.data(), panels.norms.data(), panels.k_padded,
                     scratch.label.data() + first, scratch.best.data() + first, scratch.second.data() + first);
    }
    // Which rows the kernel's rounding cannot decide: usually none, so a count first (a
    // vectorised loop), and the rows themselves only when there are some.
    const int64_t undecided_rows =
        kernel.count_undecided(scratch.best.data() + first, scratch.second.data() + first,
                               x_norm + first, last - first, panels.rounding, panels.max_norm);
    std::fill(scratch.recheck.begin() + first, scratch.recheck.begin() + last, uint8_t{0});
    if (undecided_rows > 0) {
      for (int64_t r = first; r < last; ++r) {
        if (!undecided<K>(scratch.best[r], scratch.second[r], panels.rounding, x_norm[r], panels.max_norm)) continue;
        scratch.recheck[r] = 1;
        scratch.label[r] = nearest_exact(data.row(begin + r), centers, panels.k, d, &scratch.second_sq_lower[r]);
      }
    }
    if (want_second) {
      const double unit_roundoff = std::numeric_limits<K>::epsilon() / 2;
      // A lower bound of the squared distance to the second nearest center: its true value is
      // at least `second - margin`, and ||x - s||^2 is ||x'||^2 up to the rounding of x'
      // (a relative 4 units of K's roundoff, generously).
      for (int64_t r = first; r < last; ++r) {
        if (scratch.recheck[r]) continue;
        const double margin = tie_margin<K>(panels.rounding, x_norm[r], panels.max_norm);
        const double lower = x_norm[r] * (1 - 4 * unit_roundoff) + scratch.second[r] - 2 * margin;
        scratch.second_sq_lower[r] = lower > 0 ? lower : 0;
      }
    }
    on_rows(first, last);
  }
}

}  // namespace kmn
