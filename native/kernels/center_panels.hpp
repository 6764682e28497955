// Centers laid out for the tile kernels, and rows packed to meet them.
//
// Both sides are shifted by a common vector s before the dot products: the argmin of
// ||c'||^2 - 2 x'.c' over c' = c - s, x' = x - s is the nearest center, and with s near the
// data (the mean of the centers) the values stay small, which keeps float32 accurate.
// Centers are transposed into panels of `width` centers (panel p, feature f, lane j at
// [(p*d + f)*width + j]); the last panel is padded with zero centers whose norm is +inf, so
// padding never wins the argmin.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "chunking.hpp"
#include "tile_kernel.hpp"

namespace kmn {

template <typename T>
struct CenterPanels {
  int64_t k = 0, d = 0, width = 0, k_padded = 0;
  std::vector<double> shift;  // d
  std::vector<T> panels;      // k_padded*d
  std::vector<T> norms;       // k_padded: ||c'||^2 of the rounded c', +inf for padding
  double max_norm = 0;        // largest ||c'||^2 over real centers

  // Allocates; may throw std::bad_alloc (callers prepare outside parallel regions).
  void prepare(const T* centers /* IN k*d */, int64_t k_, int64_t d_, int64_t width_, const double* shift_ /* IN d */) {
    k = k_;
    d = d_;
    width = width_;
    k_padded = (k + width - 1) / width * width;
    shift.assign(shift_, shift_ + d);
    panels.assign(static_cast<size_t>(k_padded * d), T(0));
    norms.assign(static_cast<size_t>(k_padded), std::numeric_limits<T>::infinity());
    max_norm = 0;
    for (int64_t j = 0; j < k; ++j) {
      const int64_t panel = j / width, lane = j % width;
      double norm = 0;
      for (int64_t f = 0; f < d; ++f) {
        const T value = static_cast<T>(static_cast<double>(centers[j * d + f]) - shift[f]);
        panels[(panel * d + f) * width + lane] = value;
        norm += static_cast<double>(value) * value;
      }
      norms[j] = static_cast<T>(norm);
      if (norm > max_norm) max_norm = norm;
    }
  }

  // Shift = mean of the centers: close to the data, and a function of the centers alone, so
  // a row's label never depends on which other rows are in the same call.
  void prepare_centered(const T* centers /* IN k*d */, int64_t k_, int64_t d_, int64_t width_) {
    std::vector<double> mean(static_cast<size_t>(d_), 0.0);
    for (int64_t j = 0; j < k_; ++j)
      for (int64_t f = 0; f < d_; ++f) mean[f] += centers[j * d_ + f];
    for (double& m : mean) m /= static_cast<double>(k_);
    prepare(centers, k_, d_, width_, mean.data());
  }
};

// Packs rows [begin, end) of x, shifted, into kChunkSize rows (padding rows are zero), and
// their squared norms ||x'||^2 (computed in double from the rounded values).
template <typename T, typename U>
void pack_rows(const T* x /* IN n*d */, int64_t d, int64_t begin, int64_t end, const double* shift /* IN d */,
               U* packed /* OUT kChunkSize*d */, double* norms /* OUT kChunkSize */) {
  const int64_t rows = end - begin;
  const int64_t padded = (rows + kTileRows - 1) / kTileRows * kTileRows;
  for (int64_t r = 0; r < rows; ++r) {
    const T* row = x + (begin + r) * d;
    U* out = packed + r * d;
    double norm = 0;
    for (int64_t f = 0; f < d; ++f) {
      const U value = static_cast<U>(static_cast<double>(row[f]) - shift[f]);
      out[f] = value;
      norm += static_cast<double>(value) * value;
    }
    norms[r] = norm;
  }
  for (int64_t i = rows * d; i < padded * d; ++i) packed[i] = U(0);
}

}  // namespace kmn
