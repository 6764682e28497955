// Per-block partial results, merged in block order (see chunking.hpp): the one place where
// sums over samples are reduced, so their order never depends on the thread count.
#pragma once

#include <cstdint>
#include <vector>

#include "chunking.hpp"

namespace kmn {

// `width` doubles per block; merge() adds them block by block in a fixed order.
struct BlockPartials {
  int64_t blocks = 0, width = 0;
  std::vector<double> values;  // blocks*width

  void reset(int64_t blocks_, int64_t width_) {
    blocks = blocks_;
    width = width_;
    values.assign(static_cast<size_t>(blocks * width), 0.0);
  }
  double* block(int64_t b) { return values.data() + b * width; }

  // out[e] = sum over blocks b (in order) of block(b)[e], split over threads by element.
  void merge(double* out /* OUT width */, int threads) const {
    parallel_for_range(width, threads, [&](int64_t lo, int64_t hi) {
      for (int64_t e = lo; e < hi; ++e) {
        double sum = 0;
        for (int64_t b = 0; b < blocks; ++b) sum += values[static_cast<size_t>(b * width + e)];
        out[e] = sum;
      }
    });
  }
};

}  // namespace kmn
