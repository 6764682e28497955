// Greedy k-means++ on canonical sparse rows (columns strictly increasing within each row, no
// repeats): the rows the dense plus_plus (algorithms/plus_plus.hpp) chooses on the same rows laid
// out densely, from the same uniforms. Its distances are the dense exact distance's bits: lane
// f mod 8 adds the squared differences of its columns in column order, then the lanes are added
// in order; the columns where both rows are zero add exact zeros there, so the union of the two
// rows' columns gives the same sum. Potentials are summed over BlockPlan::make's blocks, merged in
// block order, as the dense seeding's; the candidate of lowest potential wins (the first on a
// tie), and draws follow plus_plus's rule.
//
// Cost per candidate: a dot product per row (the step's candidates scattered side by side into a
// buffer of d values each, so that one pass over the rows screens them all), and
// the exact distance, O(e + m) for rows of e and m entries, only where the estimate
// ||x||^2 + ||c||^2 - 2 x.c cannot rule out that the row is nearer to the candidate than to its
// centers so far. The estimate errs by at most (2e + m + 4) u (||x||^2 + ||c||^2) and the exact
// distance by at most 2 (e + m + 8) u (||x||^2 + ||c||^2) (u: double's unit roundoff, Higham 2002,
// section 3.1); the margin is twice their sum, so a row ruled out keeps its closest distance, as
// min() would have kept it.
#pragma once

#include <cstdint>

#include "../common/status.hpp"
#include "csr.hpp"

namespace kmn {

// Writes the k chosen rows to `chosen`. `uniforms` holds 1 + (k - 1) * trials draws in [0, 1),
// used as plus_plus uses them; rows.row_norms must hold the rows' squared norms. A non-zero
// *cancel stops before the next center with Status::kCancelled.
template <typename T>
Status sparse_plus_plus(const CsrRows<T>& rows, int64_t k, int64_t trials, const double* uniforms /* IN */,
                        int threads, const int32_t* cancel, int32_t* chosen /* OUT k */);

}  // namespace kmn
