// Initial centers in one call (scikit-learn's _init_centroids): the draws come from the
// library's generator (common/random.hpp), whose state the caller passes in and gets back, so
// the stream goes on in the facade exactly as if the facade had drawn them itself.
//
// k-means++: 1 + (k - 1) * trials uniforms, in the order plus_plus uses them, then plus_plus.
// random: k distinct rows drawn without replacement in proportion to their weight (Efraimidis
// & Spirakis 2006): one uniform u_i per row, in row order, and the k rows of largest key
// log(1 - u_i) / w_i (ties to the lowest row), largest first, found by partial selection in
// O(n + k log k). Unweighted rows are ranked by u_i alone, without the log (see random_rows).
#pragma once

#include <cstdint>

#include "../common/dataset.hpp"
#include "../common/status.hpp"

namespace kmn {

enum class SeedMethod { kPlusPlus, kRandom };

// Writes k row indices into `indices` (rows of positive weight, which the facade requires k of)
// and leaves the generator's state after the draws in `state`. May return kAllocFailed.
template <typename T>
Status random_rows(const Dataset<T>& data, int64_t k, uint32_t* state /* INOUT 4 */, int32_t* indices /* OUT k */);

// Chooses k rows by `method` and copies them into `centers`. For k-means++, `shift` (d: the
// column means) and `trials` are plus_plus's, and a non-zero *cancel stops it before its next
// center (Status::kCancelled); random ignores them. `state` is read and written back only when
// the call returns kOk.
template <typename T>
Status seed_centers(const Dataset<T>& data, SeedMethod method, int64_t k, int64_t trials,
                    const double* shift /* IN d */, int threads, const int32_t* cancel, uint32_t* state /* INOUT 4 */,
                    T* centers /* OUT k*d */, int32_t* indices /* OUT k */);

}  // namespace kmn
