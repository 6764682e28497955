// Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with the local trials of
// scikit-learn's _kmeans_plusplus): the first center is a row drawn with probability
// proportional to its weight; each next one is the best, by resulting potential, of `trials`
// rows drawn with probability proportional to weight times squared distance to the nearest
// center so far. The uniform draws come from the caller (seeding.cpp, from the library's one
// generator), in the order they are used, so the choice is the same whoever runs the loop.
//
// Cost per center: (trials + 1) * n * d float32 multiply-adds in the labelling kernels, which
// screen the (row, candidate) pairs, plus d per pair whose exact distance may matter (a row
// nearer to the candidate than to its nearest center so far), plus O(n) for the draws. The rows
// are packed for the kernels once, when that copy fits a memory budget.
#pragma once

#include <cstdint>
#include <memory>

#include "../common/dataset.hpp"
#include "../common/status.hpp"

namespace kmn {

// The steps of the loop, for plus_plus and for tests that drive them with chosen candidates.
template <typename T>
class PlusPlusSteps {
 public:
  // Allocates (may throw std::bad_alloc): the screening kernels' buffers, and the packed rows
  // when they fit a budget. `most_candidates` bounds m in choose().
  PlusPlusSteps(const Dataset<T>& data, const double* shift /* IN d */, int threads, int64_t most_candidates);
  ~PlusPlusSteps();

  // Of the m candidate rows, the index of the one with the lowest potential
  // sum_i w_i * min(closest_i, ||x_i - x_c||^2) (the first on a tie); lowers closest() to
  // include it and returns its potential, the new sum of w_i * closest_i. May throw
  // std::bad_alloc.
  int64_t choose(const int32_t* candidates /* IN m */, int64_t m, double* potential);

  // n: each row's squared distance to the nearest row chosen so far (+inf before the first).
  const double* closest() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Fills indices (k distinct rows unless fewer rows have positive weight, which the facade
// refuses) with the chosen rows. `uniforms` holds 1 + (k - 1) * trials draws in [0, 1): the
// first picks the first center, then `trials` per further center. Distances are exact squared
// Euclidean distances (tile_kernel.hpp's ExactDistanceFn), so the choice is the same bits on
// every CPU and thread count. `shift` (d, the column means) keeps the screening accurate.
// A non-zero *cancel stops before the next center with Status::kCancelled.
template <typename T>
Status plus_plus(const Dataset<T>& data, const double* shift /* IN d */, int64_t k, int64_t trials,
                 const double* uniforms /* IN 1 + (k - 1) * trials */, int threads, const int32_t* cancel,
                 int32_t* indices /* OUT k */);

}  // namespace kmn
