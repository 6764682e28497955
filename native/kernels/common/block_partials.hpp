// Per-block partial results, merged in block order (see chunking.hpp): the one place where
// sums over samples are reduced, so their order never depends on the thread count.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
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

  // out[e] = sum over blocks b (in order) of block(b)[e], split over threads by element; with
  // `base`, the sum starts from base[e] (the total of earlier pieces of the data).
  void merge(double* out /* OUT width */, int threads, const double* base = nullptr) const {
    parallel_for_range(width, threads, [&](int64_t lo, int64_t hi) {
      for (int64_t e = lo; e < hi; ++e) {
        double sum = base ? base[e] : 0.0;
        for (int64_t b = 0; b < blocks; ++b) sum += values[static_cast<size_t>(b * width + e)];
        out[e] = sum;
      }
    });
  }
};

// The same merge, in block order, but as the blocks finish: a block's partial results go to one
// of a few slots and are added to the total once every block before it has been, so the total is
// bitwise BlockPartials::merge's while only `slots` partials exist at a time (and stay in cache).
// A block whose slot still holds an unmerged earlier block waits for it. With a slot for every
// block, nothing waits or locks: the blocks are merged at the end, as BlockPartials does. Blocks
// must be acquired in increasing order (parallel_for_blocks hands them out so), each by one
// thread. The total is the caller's: it may already hold earlier pieces' sums.
class OrderedPartials {
 public:
  // Allocates (may throw std::bad_alloc): call outside parallel regions.
  void resize(int64_t blocks, int64_t width, int64_t slots) {
    blocks_ = blocks;
    width_ = width;
    slots_ = slots < 1 ? 1 : (slots > blocks ? blocks : slots);
    values_.resize(static_cast<size_t>(slots_ * width_));
    holds_.resize(static_cast<size_t>(slots_));
  }

  // Before the blocks: they will be added to `total` (width values).
  void begin(double* total) {
    total_ = total;
    std::fill(holds_.begin(), holds_.end(), int64_t{-1});
    merged_.store(0, std::memory_order_relaxed);
  }

  // The zeroed partial results of `block`, once its slot is free.
  double* acquire(int64_t block) {
    if (slots_ < blocks_) {
      while (merged_.load(std::memory_order_acquire) <= block - slots_) std::this_thread::yield();
    }
    double* values = slot(block);
    std::fill(values, values + width_, 0.0);
    return values;
  }

  // `block` is done: adds it, and any done blocks after it, to the total in block order.
  void release(int64_t block) {
    if (slots_ == blocks_) return;  // merged by finish()
    const std::lock_guard<std::mutex> lock(mutex_);
    holds_[static_cast<size_t>(block % slots_)] = block;
    int64_t next = merged_.load(std::memory_order_relaxed);
    while (next < blocks_ && holds_[static_cast<size_t>(next % slots_)] == next) {
      add(slot(next), 0, width_);
      holds_[static_cast<size_t>(next % slots_)] = -1;
      merged_.store(++next, std::memory_order_release);
    }
  }

  // After every block was released: the total holds them all.
  void finish(int threads) {
    if (slots_ == blocks_) {
      parallel_for_range(width_, threads, [&](int64_t lo, int64_t hi) {
        for (int64_t b = 0; b < blocks_; ++b) add(slot(b), lo, hi);
      });
    }
  }

 private:
  double* slot(int64_t block) { return values_.data() + (block % slots_) * width_; }
  void add(const double* values, int64_t lo, int64_t hi) {
    for (int64_t e = lo; e < hi; ++e) total_[e] += values[e];
  }

  int64_t blocks_ = 0, width_ = 0, slots_ = 1;
  std::vector<double> values_;   // slots*width
  double* total_ = nullptr;     // width, the caller's
  std::vector<int64_t> holds_;   // per slot: the done block it holds, or -1
  std::atomic<int64_t> merged_{0};
  std::mutex mutex_;
};

}  // namespace kmn
