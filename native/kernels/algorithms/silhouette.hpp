// The silhouette of each sample (Rousseeuw 1987), as scikit-learn's silhouette_samples defines it:
// a = mean distance to the other members of its cluster, b = the smallest mean distance to the
// members of another cluster, s = (b - a) / max(a, b), and s = 0 for a sample alone in its
// cluster. Computed in tiles, never holding the n x n distances: memory O(n + k) plus, per
// thread, a tile of rows and k sums per row of a group.
#pragma once

#include <cstdint>
#include <string>

#include "../common/dataset.hpp"
#include "../common/status.hpp"

namespace kmn {

// The distance between two samples.
enum class PairDistance {
  kEuclidean,         // ||x - y||
  kSquaredEuclidean,  // ||x - y||^2
  kCosine,            // 1 - cos(x, y), as ||x/|x| - y/|y|||^2 / 2
  kManhattan,         // sum of |x_f - y_f|
};

// 'euclidean', 'sqeuclidean', 'cosine' or 'manhattan' (scikit-learn's names); false for others.
bool parse_pair_distance(const std::string& name, PairDistance* out);

// out[p] = the silhouette of row rows[p] (row p when rows is null) among the m scored rows alone:
// the other rows are neither scored nor counted in any cluster. A cluster with no scored row is
// ignored; a row with no other non-empty cluster, or with a = b = 0, gets 0 (scikit-learn's
// nan_to_num of 0/0). Distances are computed exactly from differences, in double whatever T is.
// Each row's k sums are added in one fixed order (its cluster's members in the order of `rows`),
// so the bits never depend on the thread count. Under kCosine, if a scored row has length zero,
// *zero_row is the first such row (in the order of `rows`) and nothing else is computed; else
// *zero_row is -1. cancel (or null) is polled between groups of rows.
template <typename T>
Status silhouette_samples(const Dataset<T>& data, const int32_t* labels /* IN n, in [0, k) */, int64_t k,
                          const int32_t* rows /* IN m, or null */, int64_t m, PairDistance metric, int threads,
                          const int32_t* cancel, double* out /* OUT m */, int64_t* zero_row /* OUT */);

}  // namespace kmn
