// The draw of k-means++ and random seeding by running totals, shared by the dense and the sparse
// seeding so that both draw the same rows from the same uniforms.
#pragma once

#include <cstdint>
#include <vector>

namespace kmn {

// The row a target in [0, total) falls on when the rows' shares are laid end to end: the first
// i with totals[i] > target (at most n - 1). Strictly greater, so that a row whose share is zero
// (weight 0, or already a center) is never drawn, not even for a target of 0; a target at the
// total (the potential is summed in another order) takes the last row with a share.
inline int64_t draw_row(const std::vector<double>& totals, double target) {
  int64_t lo = 0, hi = static_cast<int64_t>(totals.size()) - 1;
  while (lo < hi) {
    const int64_t mid = (lo + hi) / 2;
    if (totals[mid] <= target) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  while (lo > 0 && totals[lo] == totals[lo - 1]) --lo;
  return lo;
}

}  // namespace kmn
