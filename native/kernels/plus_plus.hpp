// The distance work of greedy k-means++ (Arthur & Vassilvitskii 2007; the greedy variant
// with local trials of scikit-learn's _kmeans_plusplus). The sampling itself stays in the
// TypeScript facade; this step scores the candidate rows it drew. Cost per step:
// n*m*d multiply-adds for m candidates, plus n*d to update the distances.
#pragma once

#include <cstdint>

#include "dataset.hpp"
#include "status.hpp"

namespace kmn {

struct PlusPlusStep {
  int64_t best = 0;        // index into the candidates of the one with the lowest potential
  double potential = 0;    // sum_i w_i * min(closest_i, ||x_i - x_best||^2)
};

// For each candidate row c: potential(c) = sum_i w_i * min(closest[i], ||x_i - x_c||^2).
// Picks the lowest potential (first on a tie) and lowers `closest` to include it.
// `shift` (d, typically the column means) keeps the norm-trick distances accurate; they are
// computed without fused multiply-adds, so the result is the same on every CPU.
template <typename T>
Status plus_plus_step(const Dataset<T>& data, const double* shift /* IN d */, const int32_t* candidates /* IN m */,
                      int64_t m, int threads, double* closest /* INOUT n */, PlusPlusStep* out);

}  // namespace kmn
