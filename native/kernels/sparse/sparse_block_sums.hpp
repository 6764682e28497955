// The per-cluster sums of sparse rows, per fixed block of rows, added to the total in block
// order: OrderedPartials (common/block_partials.hpp) for sums that touch few of their k*d
// values. A block's sums live in a dense k*d slot that stays zero outside the values the block
// touched, and the block lists those; merging adds only them to the total and sets them back to
// zero. Every other value of the block's sums is zero, and adding zero to a total that starts at
// +0 changes no bit, so the total is bitwise that of adding every value of every block in block
// order, as the dense pass does (a few slots, each k*d, in place of reading blocks*k*d values).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace kmn {

class SparseBlockSums {
 public:
  struct Slot {
    std::vector<double> sums;      // k*d, zero but where `touched` says
    std::vector<double> weights;   // k
    std::vector<int64_t> touched;  // offsets into sums that may be non-zero, repeats allowed
  };

  // Allocates (may throw std::bad_alloc): call outside parallel regions.
  void resize(int64_t blocks, int64_t k, int64_t d, int64_t slots) {
    blocks_ = blocks;
    k_ = k;
    slots_ = std::max<int64_t>(1, std::min(slots, blocks));
    slot_values_.resize(static_cast<size_t>(slots_));
    for (Slot& slot : slot_values_) {
      slot.sums.assign(static_cast<size_t>(k * d), 0.0);
      slot.weights.assign(static_cast<size_t>(k), 0.0);
    }
    holds_.resize(static_cast<size_t>(slots_));
  }

  // Room for `entries` offsets in every slot's list (the most entries a block holds), so that
  // the blocks never allocate.
  void reserve(int64_t entries) {
    for (Slot& slot : slot_values_) slot.touched.reserve(static_cast<size_t>(entries));
  }

  // Before the blocks: they will be added to `sums` (k*d) and `weights` (k), the caller's.
  void begin(double* sums, double* weights) {
    total_sums_ = sums;
    total_weights_ = weights;
    std::fill(holds_.begin(), holds_.end(), int64_t{-1});
    merged_.store(0, std::memory_order_relaxed);
  }

  // The block's zero sums, once its slot is free. Blocks must be acquired in increasing order,
  // each by one thread (parallel_for_blocks hands them out so).
  Slot& acquire(int64_t block) {
    while (merged_.load(std::memory_order_acquire) <= block - slots_) std::this_thread::yield();
    Slot& slot = slot_values_[static_cast<size_t>(block % slots_)];
    slot.touched.clear();
    return slot;
  }

  // `block` is done: adds it, and any done blocks after it, to the total in block order.
  void release(int64_t block) {
    const std::lock_guard<std::mutex> lock(mutex_);
    holds_[static_cast<size_t>(block % slots_)] = block;
    int64_t next = merged_.load(std::memory_order_relaxed);
    while (next < blocks_ && holds_[static_cast<size_t>(next % slots_)] == next) {
      merge(slot_values_[static_cast<size_t>(next % slots_)]);
      holds_[static_cast<size_t>(next % slots_)] = -1;
      merged_.store(++next, std::memory_order_release);
    }
  }

 private:
  void merge(Slot& slot) {
    for (const int64_t at : slot.touched) {
      total_sums_[at] += slot.sums[static_cast<size_t>(at)];  // a repeat adds the zero left behind
      slot.sums[static_cast<size_t>(at)] = 0;
    }
    for (int64_t j = 0; j < k_; ++j) {
      total_weights_[j] += slot.weights[static_cast<size_t>(j)];
      slot.weights[static_cast<size_t>(j)] = 0;
    }
  }

  int64_t blocks_ = 0, k_ = 0, slots_ = 1;
  std::vector<Slot> slot_values_;
  std::vector<int64_t> holds_;  // per slot: the done block it holds, or -1
  double* total_sums_ = nullptr;
  double* total_weights_ = nullptr;
  std::atomic<int64_t> merged_{0};
  std::mutex mutex_;
};

}  // namespace kmn
