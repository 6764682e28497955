// Hamerly's algorithm (G. Hamerly, "Making k-means even faster", SDM 2010): exact Lloyd
// iterations that skip most distance computations. Each sample keeps an upper bound on the
// distance to its center and a lower bound on the distance to its second-nearest center; each
// center, half the distance to its nearest other center. A sample whose upper bound is below
// both lower bounds cannot change cluster, so it keeps its label with no distance computed.
// The others are labelled by the same kernel as Lloyd, so every label, and hence every center,
// is bitwise the one Lloyd gives.
//
// Cost per pass: O(k^2 d) for the center gaps, O(n) bound checks, O(k d) for each sample that
// fails them. Extra memory: two doubles per sample.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "../common/assign.hpp"
#include "../common/center_panels.hpp"
#include "../common/dataset.hpp"
#include "../common/tile_kernel.hpp"
#include "step.hpp"

namespace kmn {

// Bounds are kept in double from exact distances; every comparison keeps this relative slack,
// far above their rounding, so that a skipped sample is always strictly closer to its center.
constexpr double kBoundSlack = 1e-10;

struct HamerlyBounds {
  // n each: distance to the center, to the second nearest (bounds); in `storage`, or the
  // caller's (a fit over data read in pieces keeps them across its passes itself).
  double* upper = nullptr;
  double* lower = nullptr;
  std::vector<double> storage;
  std::vector<double> half_gap;      // k: half the distance to the nearest other center
  std::vector<double> moved;         // k: how far each center moved in the last update
  double moved_most = 0, moved_next = 0;
  int64_t moved_most_index = -1;
  bool valid = false;                // set once a full pass has filled the bounds

  void resize(int64_t n, int64_t k) {
    storage.assign(static_cast<size_t>(2 * n), 0.0);
    upper = storage.data();
    lower = upper + n;
    half_gap.assign(static_cast<size_t>(k), 0.0);
    moved.assign(static_cast<size_t>(k), 0.0);
  }

  // The per-pass state a fit over pieces keeps between calls: half gaps (k), moves (k), the
  // largest move, the next largest, the index of the largest, and whether the bounds are filled.
  static int64_t state_size(int64_t k) { return 2 * k + 4; }
  void load_state(const double* state, int64_t k) {
    half_gap.assign(state, state + k);
    moved.assign(state + k, state + 2 * k);
    moved_most = state[2 * k];
    moved_next = state[2 * k + 1];
    moved_most_index = static_cast<int64_t>(state[2 * k + 2]);
    valid = state[2 * k + 3] != 0;
  }
  void save_state(double* state, int64_t k) const {
    std::copy(half_gap.begin(), half_gap.end(), state);
    std::copy(moved.begin(), moved.end(), state + k);
    state[2 * k] = moved_most;
    state[2 * k + 1] = moved_next;
    state[2 * k + 2] = static_cast<double>(moved_most_index);
    state[2 * k + 3] = valid ? 1 : 0;
  }

  // Before a pass: the gaps between the centers it assigns to.
  template <typename T>
  void prepare_pass(const T* centers /* IN k*d */, int64_t k, int64_t d) {
    const ExactDistanceFn<T> exact_distance = tile_kernel<T>().exact_distance;
    for (int64_t j = 0; j < k; ++j) half_gap[j] = std::numeric_limits<double>::infinity();
    for (int64_t a = 0; a < k; ++a)
      for (int64_t b = a + 1; b < k; ++b) {
        const double gap = 0.5 * std::sqrt(exact_squared(centers + a * d, centers + b * d, d, exact_distance));
        if (gap < half_gap[a]) half_gap[a] = gap;
        if (gap < half_gap[b]) half_gap[b] = gap;
      }
  }

  // After an update: how far each center moved (the bounds are moved lazily, per sample).
  template <typename T>
  void record_moves(const T* before /* IN k*d */, const T* after /* IN k*d */, int64_t k, int64_t d) {
    moved_most = moved_next = 0;
    moved_most_index = -1;
    const ExactDistanceFn<T> exact_distance = tile_kernel<T>().exact_distance;
    for (int64_t j = 0; j < k; ++j) {
      moved[j] = std::sqrt(exact_squared(before + j * d, after + j * d, d, exact_distance)) * (1 + kBoundSlack);
      if (moved[j] > moved_most) {
        moved_next = moved_most;
        moved_most = moved[j];
        moved_most_index = j;
      } else if (moved[j] > moved_next) {
        moved_next = moved[j];
      }
    }
  }
};

// Labels rows [begin, end) into scratch.final_label, keeping bounds, and calls
// on_rows(first, last, labels) step by step as assign_chunk does. `labels` holds each row's
// label from the previous pass.
template <typename T, typename K, typename OnRows>
void hamerly_chunk(const Dataset<T>& data, int64_t begin, int64_t end, const T* centers /* IN k*d */,
                   const CenterPanels<K>& panels, const TileKernel<K>& kernel, ChunkScratch<T, K>& scratch,
                   HamerlyBounds& bounds, const int32_t* labels /* IN n */, int64_t* distance_evals, OnRows&& on_rows) {
  const int64_t rows = end - begin, d = data.d, k = panels.k;
  int32_t* final_label = scratch.final_label.data();
  const ExactDistanceFn<T> exact_distance = tile_kernel<T>().exact_distance;
  const auto set_bounds = [&](int64_t i, int32_t label, double second_sq_lower) {
    bounds.upper[i] = std::sqrt(exact_squared(data.row(i), centers + label * d, d, exact_distance)) * (1 + kBoundSlack);
    bounds.lower[i] = std::sqrt(second_sq_lower) * (1 - kBoundSlack);
  };

  int64_t pending = 0;
  if (!bounds.valid) {
    for (int64_t r = 0; r < rows; ++r) scratch.pending[pending++] = static_cast<int32_t>(r);
  } else {
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t i = begin + r;
      const int32_t a = labels[i];
      double upper = bounds.upper[i] + bounds.moved[a];
      const double lower = bounds.lower[i] - (a == bounds.moved_most_index ? bounds.moved_next : bounds.moved_most);
      const double limit = (bounds.half_gap[a] > lower ? bounds.half_gap[a] : lower) * (1 - kBoundSlack);
      bounds.lower[i] = lower;
      final_label[r] = a;
      if (upper < limit) {
        bounds.upper[i] = upper;
        continue;
      }
      upper = std::sqrt(exact_squared(data.row(i), centers + a * d, d, exact_distance)) * (1 + kBoundSlack);
      ++*distance_evals;
      bounds.upper[i] = upper;
      if (upper < limit) continue;
      scratch.pending[pending++] = static_cast<int32_t>(r);
    }
  }

  if (pending > 0) {
    // Label the rows that failed their bounds with Lloyd's kernel, gathered into one block.
    for (int64_t p = 0; p < pending; ++p) {
      const T* row = data.row(begin + scratch.pending[p]);
      for (int64_t f = 0; f < d; ++f) scratch.gathered[p * d + f] = row[f];
    }
    Dataset<T> gathered{scratch.gathered.data(), pending, d, nullptr};
    assign_chunk(gathered, 0, pending, centers, panels, kernel, scratch, [](int64_t, int64_t) {}, true);
    for (int64_t p = 0; p < pending; ++p) {
      const int64_t r = scratch.pending[p];
      final_label[r] = scratch.label[p];
      set_bounds(begin + r, scratch.label[p], scratch.second_sq_lower[p]);
    }
    *distance_evals += pending * k;
  }
  const int64_t step = rows_per_step<T, K>(d);
  for (int64_t first = 0; first < rows; first += step) on_rows(first, first + step < rows ? first + step : rows);
}

}  // namespace kmn

namespace kmn {

// Hamerly's algorithm as a step of the pass (step.hpp).
template <typename T, typename K>
class HamerlyStep {
 public:
  static constexpr const char* kName = "hamerly";
  static constexpr bool kGathers = true;
  static constexpr const char* kFallback = nullptr;
  static bool fits(int64_t, int64_t) { return true; }

  HamerlyStep(int64_t n, int64_t k, int64_t) { bounds_.resize(n, k); }
  // On the caller's bounds (n each, for the rows of one piece) and state (state_size(k)).
  HamerlyStep(double* upper, double* lower, const double* state, int64_t k) {
    bounds_.upper = upper;
    bounds_.lower = lower;
    bounds_.load_state(state, k);
  }

  void before_pass(const T* centers, int64_t k, int64_t d) {
    if (!external_pass_) bounds_.prepare_pass(centers, k, d);
  }
  // A piece of a pass whose gaps the caller's state already holds: no need to work them out again.
  void use_loaded_gaps() { external_pass_ = true; }
  HamerlyBounds& bounds() { return bounds_; }

  static const int32_t* chunk_labels(const ChunkScratch<T, K>& scratch) { return scratch.final_label.data(); }

  template <typename OnRows>
  void label_chunk(const Dataset<T>& data, int64_t begin, int64_t end, const PassContext<T, K>& context,
                   ChunkScratch<T, K>& scratch, const int32_t* labels, int64_t* distance_evals, OnRows&& on_rows) {
    hamerly_chunk(data, begin, end, context.centers, context.panels, context.kernel, scratch, bounds_, labels,
                  distance_evals, on_rows);
  }

  void after_pass() { bounds_.valid = true; }
  void after_update(const T* before, const T* after, int64_t k, int64_t d) { bounds_.record_moves(before, after, k, d); }

 private:
  HamerlyBounds bounds_;
  bool external_pass_ = false;
};

}  // namespace kmn
