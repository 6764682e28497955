#include "empty_clusters.hpp"

#include <algorithm>
#include <new>
#include <vector>

#include "../common/assign.hpp"
#include "../common/chunking.hpp"

namespace kmn {

template <typename T>
Status relocate_empty_clusters(const Dataset<T>& data, const T* centers_old, const int32_t* labels, int64_t k,
                               int threads, double* sums, double* weights, int64_t* relocated) {
  const int64_t d = data.d;
  std::vector<int64_t> empty;
  for (int64_t j = 0; j < k; ++j)
    if (weights[j] == 0) empty.push_back(j);
  *relocated = static_cast<int64_t>(empty.size());
  if (empty.empty()) return Status::kOk;
  try {
    std::vector<double> dist(static_cast<size_t>(data.n));
    const ExactDistanceFn<T> exact_distance = tile_kernel<T>().exact_distance;
    const BlockPlan plan = BlockPlan::make(data.n);
    const int t = effective_threads(threads, plan, d);
    RowBuffers<T> buffers(data, t);
    parallel_for_blocks(plan, t, [&](int64_t b, int thread) {
      for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
        const Dataset<T> rows = data.rows(begin, end, buffers.get(thread));
        for (int64_t i = begin; i < end; ++i) dist[i] = exact_squared(rows.row(i), centers_old + labels[i] * d, d, exact_distance);
      });
    });
    // Farthest rows first; the lower index first among equal distances.
    std::vector<int64_t> order(static_cast<size_t>(data.n));
    for (int64_t i = 0; i < data.n; ++i) order[i] = i;
    const auto farther = [&](int64_t a, int64_t b) { return dist[a] > dist[b] || (dist[a] == dist[b] && a < b); };
    std::partial_sort(order.begin(), order.begin() + static_cast<int64_t>(empty.size()), order.end(), farther);

    std::vector<T> values(static_cast<size_t>(d));
    for (size_t e = 0; e < empty.size(); ++e) {
      const int64_t target = empty[e], row = order[e], source = labels[row];
      const double w = data.weight(row);
      data.copy_row(row, values.data());
      for (int64_t f = 0; f < d; ++f) {
        const double value = static_cast<double>(values[f]) * w;
        sums[source * d + f] -= value;
        sums[target * d + f] = value;
      }
      weights[target] = w;
      weights[source] -= w;
    }
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

template Status relocate_empty_clusters<float>(const Dataset<float>&, const float*, const int32_t*, int64_t, int,
                                               double*, double*, int64_t*);
template Status relocate_empty_clusters<double>(const Dataset<double>&, const double*, const int32_t*, int64_t, int,
                                                double*, double*, int64_t*);

}  // namespace kmn
