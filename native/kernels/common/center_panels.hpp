// Centers and rows laid out for the tile kernels (tile_kernel.hpp).
//
// Both sides are shifted by a common vector s before the dot products: the argmin of
// ||c'||^2 - 2 x'.c' over c' = c - s, x' = x - s is the nearest center, and with s near the
// data (the mean of the centers) the values stay small, which keeps float32 accurate.
// Centers stay row-major, padded to a multiple of kTileCenters with zero centers whose norm
// is +inf, so padding never wins the argmin. Rows are packed transposed, one chunk at a time.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "chunking.hpp"
#include "tile_kernel.hpp"

namespace kmn {

// From how many features the wide-row kernel (wide_tile.cpp) labels rows instead of the
// transposed tile: below it, the tile's vectors of rows need no sum across lanes.
constexpr int64_t kWideFromFeatures = 128;

template <typename K>
inline bool use_wide_kernel(int64_t d) {
  return d >= kWideFromFeatures;
}

// Sizes of the wide kernel's buffers (tile_kernel.hpp's WideKernel).
template <typename K>
inline int64_t wide_blocks(const WideKernel<K>& kernel, int64_t d) {
  return (d + kernel.lanes - 1) / kernel.lanes;
}
template <typename K>
inline int64_t wide_packed_size(const WideKernel<K>& kernel, int64_t rows, int64_t d) {
  const int64_t groups = (rows + kernel.row_group - 1) / kernel.row_group;
  return groups * kernel.row_group * wide_blocks(kernel, d) * kernel.lanes;
}
template <typename K>
inline int64_t wide_work_size(const WideKernel<K>& kernel, int64_t rows) {
  const int64_t groups = (rows + kernel.row_group - 1) / kernel.row_group;
  return groups * (kernel.block_groups + 3) * kernel.sum_lanes;
}

// Feature blocks summed at a time: equal ranges, each small enough that a center micro-panel's
// range stays in L1 while rows stream past it.
template <typename K>
inline int64_t wide_range_blocks(const WideKernel<K>& kernel, int64_t d) {
  const int64_t blocks = wide_blocks(kernel, d);
  const int64_t most = std::max<int64_t>(1, kernel.panel_bytes / (kernel.center_group * kernel.lanes * static_cast<int64_t>(sizeof(K))));
  const int64_t ranges = (blocks + most - 1) / most;
  return (blocks + ranges - 1) / ranges;
}

// The wide kernel's roundings: per lane, one multiply-add per block of a range; then log2(lanes)
// additions across lanes; then one per range after the first.
template <typename K>
inline KernelRounding wide_rounding(const WideKernel<K>& kernel, int64_t d) {
  const int64_t range_blocks = wide_range_blocks(kernel, d);
  const int64_t ranges = (wide_blocks(kernel, d) + range_blocks - 1) / range_blocks;
  int64_t tree = 0;
  while ((int64_t{1} << tree) < kernel.lanes) ++tree;
  return KernelRounding{range_blocks + tree + ranges, d + kernel.lanes + ranges};
}

// Rows packed and labelled at a time by the wide kernel: their packed copy stays in L2, with
// the rows themselves for the update that follows. A function of d and the data's type only (a
// multiple of every variant's row group), so that the inertia, which the update adds up step by
// step, is the same bits on every instruction set and in mixed precision.
template <typename T>
inline int64_t wide_rows_per_step(int64_t d) {
  constexpr int64_t kTargetBytes = 192 << 10, kUnit = 12, kWidestBlock = 16;
  const int64_t row_bytes = (d + kWidestBlock - 1) / kWidestBlock * kWidestBlock * 2 * static_cast<int64_t>(sizeof(T));
  const int64_t fit = kTargetBytes / row_bytes / kUnit * kUnit;
  return fit < kUnit ? kUnit : (fit > kChunkSize ? kChunkSize : fit);
}

// The mean of k centers: a shift close to the data.
template <typename S>
std::vector<double> center_mean(const S* centers /* IN k*d */, int64_t k, int64_t d) {
  std::vector<double> mean(static_cast<size_t>(d), 0.0);
  for (int64_t j = 0; j < k; ++j)
    for (int64_t f = 0; f < d; ++f) mean[f] += centers[j * d + f];
  for (double& m : mean) m /= static_cast<double>(k);
  return mean;
}

template <typename T>
struct CenterPanels {
  int64_t k = 0, d = 0, k_padded = 0;
  std::vector<double> shift;  // d, each value representable in T
  std::vector<T> shift_t;     // the same, as T
  std::vector<T> centers;     // k_padded*d: c' = c - s, rounded to T
  std::vector<T> norms;       // k_padded: ||c'||^2 of the rounded c', +inf for padding
  double max_norm = 0;        // largest ||c'||^2 over real centers
  KernelRounding rounding;    // of the kernel that labels against these centers
  // The same centers for the wide kernel, when d calls for it (use_wide_kernel).
  bool wide = false;
  int64_t wide_groups = 0;
  std::vector<T> wide_panel, wide_lane_norms, wide_lane_labels;

  // Allocates; may throw std::bad_alloc (callers prepare outside parallel regions). S is the
  // type of the centers: T, or float64 when T is float in mixed precision.
  template <typename S>
  void prepare(const S* source /* IN k*d */, int64_t k_, int64_t d_, const double* shift_ /* IN d */) {
    k = k_;
    d = d_;
    k_padded = (k + kTileCenters - 1) / kTileCenters * kTileCenters;
    // A shift representable in T makes c - s and x - s single roundings of exact differences.
    shift_t.resize(static_cast<size_t>(d));
    shift.resize(static_cast<size_t>(d));
    for (int64_t f = 0; f < d; ++f) {
      shift_t[f] = static_cast<T>(shift_[f]);
      shift[f] = shift_t[f];
    }
    centers.assign(static_cast<size_t>(k_padded * d), T(0));
    norms.assign(static_cast<size_t>(k_padded), std::numeric_limits<T>::infinity());
    max_norm = 0;
    for (int64_t j = 0; j < k; ++j) {
      double norm = 0;
      for (int64_t f = 0; f < d; ++f) {
        const T value = static_cast<T>(static_cast<double>(source[j * d + f]) - shift[f]);
        centers[j * d + f] = value;
        norm += static_cast<double>(value) * value;
      }
      norms[j] = static_cast<T>(norm);
      if (norm > max_norm) max_norm = norm;
    }
    wide = use_wide_kernel<T>(d);
    rounding = KernelRounding{d, d};
    if (wide) {
      const WideKernel<T>& kernel = tile_kernel<T>().wide;
      wide_groups = (k + kernel.center_group - 1) / kernel.center_group;
      wide_panel.resize(static_cast<size_t>(wide_groups * wide_blocks(kernel, d) * kernel.center_group * kernel.lanes));
      wide_lane_norms.resize(static_cast<size_t>(wide_groups * kernel.sum_lanes));
      wide_lane_labels.resize(static_cast<size_t>(wide_groups * kernel.sum_lanes));
      kernel.pack_centers(centers.data(), norms.data(), k, d, wide_panel.data(), wide_lane_norms.data(),
                          wide_lane_labels.data());
      rounding = wide_rounding(kernel, d);
    }
  }

  // Shift = mean of the centers: close to the data, and a function of the centers alone, so
  // a row's label never depends on which other rows are in the same call.
  template <typename S>
  void prepare_centered(const S* source /* IN k*d */, int64_t k_, int64_t d_) {
    prepare(source, k_, d_, center_mean(source, k_, d_).data());
  }
};

// Packs rows [begin, end) of x, shifted, transposed: feature f of row r at
// [f * kChunkSize + r]; rows up to the next multiple of tile_rows are zero. Also gives the
// squared norms ||x'||^2 (in double, from the rounded values). The transpose goes in 8x8
// blocks so that both the rows read and the feature lines written stay in a few cache lines.
template <typename T, typename U>
void pack_rows(const T* x /* IN n*d */, int64_t d, int64_t begin, int64_t end, const double* shift /* IN d */,
               int64_t tile_rows, U* packed /* OUT d*kChunkSize */, double* norms /* OUT kChunkSize */) {
  constexpr int64_t kBlock = 8;
  const int64_t rows = end - begin;
  const int64_t padded = (rows + tile_rows - 1) / tile_rows * tile_rows;
  const T* source = x + begin * d;
  // Ask for the next chunk's rows while this one is packed: the data streams from memory, and
  // without the hint a pass waits on it.
  const char* ahead = reinterpret_cast<const char*>(source + kChunkSize * d);
  const int64_t ahead_bytes = rows * d * static_cast<int64_t>(sizeof(T));
  for (int64_t r0 = 0; r0 < rows; r0 += kBlock) {
    for (int64_t byte = r0 * d * static_cast<int64_t>(sizeof(T)); byte < (r0 + kBlock) * d * static_cast<int64_t>(sizeof(T)) && byte < ahead_bytes; byte += 64)
      __builtin_prefetch(ahead + byte);
    const int64_t r1 = r0 + kBlock < rows ? r0 + kBlock : rows;
    for (int64_t f0 = 0; f0 < d; f0 += kBlock) {
      const int64_t f1 = f0 + kBlock < d ? f0 + kBlock : d;
      for (int64_t r = r0; r < r1; ++r)
        for (int64_t f = f0; f < f1; ++f)
          packed[f * kChunkSize + r] = static_cast<U>(static_cast<double>(source[r * d + f]) - shift[f]);
    }
  }
  for (int64_t r = 0; r < rows; ++r) norms[r] = 0;
  for (int64_t f = 0; f < d; ++f) {
    const U* line = packed + f * kChunkSize;
    for (int64_t r = 0; r < rows; ++r) norms[r] += static_cast<double>(line[r]) * static_cast<double>(line[r]);
  }
  for (int64_t f = 0; f < d; ++f)
    for (int64_t r = rows; r < padded; ++r) packed[f * kChunkSize + r] = U(0);
}

}  // namespace kmn
