// Empty-cluster repair, as scikit-learn's _relocate_empty_clusters_dense: each cluster with
// zero weight takes the row farthest from its (old) center, farthest first (the lower row
// first among equal distances); that row's weighted value moves from its cluster's sums to the
// empty one's. The row keeps its label. Finding the rows (farthest_rows, or a merge of each
// piece's farthest rows for data read in pieces) is apart from moving them (apply_row_moves).
#pragma once

#include <cstdint>
#include <vector>

#include "../common/dataset.hpp"
#include "../common/status.hpp"

namespace kmn {

// The rows given to the empty clusters, farthest first: their values, weights and labels.
template <typename T>
struct RowMoves {
  std::vector<T> values;         // count*d
  std::vector<double> weights;   // count
  std::vector<int32_t> labels;   // count: the cluster each row comes from
  int64_t count() const { return static_cast<int64_t>(weights.size()); }
};

// Clusters of zero weight.
int64_t empty_cluster_count(const double* weights /* IN k */, int64_t k);

// The `count` rows farthest from their centers (exact squared distances), farthest first, the
// lower index first on a tie; with `distances` and `rows` (count each) set to theirs.
template <typename T>
Status farthest_rows(const Dataset<T>& data, const T* centers_old /* IN k*d */, const int32_t* labels /* IN n */,
                     int64_t k, int64_t count, int threads, RowMoves<T>* moves, std::vector<double>* distances = nullptr,
                     std::vector<int64_t>* rows = nullptr);

// Gives the e-th empty cluster (in index order, as they were before any move) the e-th row.
template <typename T>
void apply_row_moves(const RowMoves<T>& moves, int64_t k, int64_t d, double* sums /* INOUT k*d */,
                     double* weights /* INOUT k */);

}  // namespace kmn
