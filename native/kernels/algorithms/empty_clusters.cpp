#include "empty_clusters.hpp"

#include <algorithm>
#include <new>
#include <vector>

#include "../common/assign.hpp"
#include "../common/chunking.hpp"

namespace kmn {

int64_t empty_cluster_count(const double* weights, int64_t k) {
  int64_t count = 0;
  for (int64_t j = 0; j < k; ++j) count += weights[j] == 0;
  return count;
}

template <typename T>
Status farthest_rows(const Dataset<T>& data, const T* centers_old, const int32_t* labels, int64_t k, int64_t count,
                     int threads, RowMoves<T>* moves, std::vector<double>* distances, std::vector<int64_t>* rows) {
  (void)k;
  const int64_t d = data.d;
  count = std::min(count, data.n);
  if (count <= 0) return Status::kOk;
  try {
    std::vector<double> dist(static_cast<size_t>(data.n));
    const ExactDistanceFn<T> exact_distance = tile_kernel<T>().exact_distance;
    const BlockPlan plan = BlockPlan::make(data.n);
    const int t = effective_threads(threads, plan, d);
    RowBuffers<T> buffers(data, t);
    parallel_for_blocks(plan, t, [&](int64_t b, int thread) {
      for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
        const Dataset<T> chunk = data.rows(begin, end, buffers.get(thread));
        for (int64_t i = begin; i < end; ++i) dist[i] = exact_squared(chunk.row(i), centers_old + labels[i] * d, d, exact_distance);
      });
    });
    std::vector<int64_t> order(static_cast<size_t>(data.n));
    for (int64_t i = 0; i < data.n; ++i) order[i] = i;
    const auto farther = [&](int64_t a, int64_t b) { return dist[a] > dist[b] || (dist[a] == dist[b] && a < b); };
    std::partial_sort(order.begin(), order.begin() + count, order.end(), farther);

    moves->values.resize(static_cast<size_t>(count * d));
    moves->weights.resize(static_cast<size_t>(count));
    moves->labels.resize(static_cast<size_t>(count));
    if (distances) distances->resize(static_cast<size_t>(count));
    if (rows) rows->resize(static_cast<size_t>(count));
    for (int64_t e = 0; e < count; ++e) {
      const int64_t row = order[e];
      data.copy_row(row, moves->values.data() + e * d);
      moves->weights[e] = data.weight(row);
      moves->labels[e] = labels[row];
      if (distances) (*distances)[e] = dist[row];
      if (rows) (*rows)[e] = row;
    }
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

template <typename T>
void apply_row_moves(const RowMoves<T>& moves, int64_t k, int64_t d, double* sums, double* weights) {
  std::vector<int64_t> empty;
  for (int64_t j = 0; j < k && static_cast<int64_t>(empty.size()) < moves.count(); ++j)
    if (weights[j] == 0) empty.push_back(j);
  for (size_t e = 0; e < empty.size(); ++e) {
    const int64_t target = empty[e], source = moves.labels[e];
    const double w = moves.weights[e];
    const T* values = moves.values.data() + static_cast<int64_t>(e) * d;
    for (int64_t f = 0; f < d; ++f) {
      const double value = static_cast<double>(values[f]) * w;
      sums[source * d + f] -= value;
      sums[target * d + f] = value;
    }
    weights[target] = w;
    weights[source] -= w;
  }
}

#define KMN_INSTANTIATE(T)                                                                                        \
  template Status farthest_rows<T>(const Dataset<T>&, const T*, const int32_t*, int64_t, int64_t, int,           \
                                   RowMoves<T>*, std::vector<double>*, std::vector<int64_t>*);                   \
  template void apply_row_moves<T>(const RowMoves<T>&, int64_t, int64_t, double*, double*);
KMN_INSTANTIATE(float)
KMN_INSTANTIATE(double)
#undef KMN_INSTANTIATE

}  // namespace kmn
