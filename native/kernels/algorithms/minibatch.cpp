#include "minibatch.hpp"

#include <algorithm>
#include <cmath>
#include <new>
#include <vector>

#include "../common/cluster_sums.hpp"
#include "../common/scratch_buffer.hpp"
#include "../common/tile_kernel.hpp"
#include "../common/unit_rows.hpp"
#include "queries.hpp"

namespace kmn {

template <typename T>
Status minibatch_step(const Dataset<T>& data, const int32_t* indices, int64_t b, int64_t k, int threads, bool mixed,
                      bool spherical, T* centers, double* counts, int32_t* labels, double* batch_weights,
                      MiniBatchStep* step) {
  const int64_t d = data.d;
  try {
    // The batch as rows of its own (a gathered copy: b*d values), or the data itself.
    ScratchBuffer<T> gathered;
    ScratchBuffer<double> gathered_weights;
    Dataset<T> batch = data;
    if (indices != nullptr) {
      gathered.resize(static_cast<size_t>(b * d));
      for (int64_t r = 0; r < b; ++r) data.copy_row(indices[r], gathered.data() + r * d);
      if (data.weights) {
        gathered_weights.resize(static_cast<size_t>(b));
        for (int64_t r = 0; r < b; ++r) gathered_weights[r] = data.weights[indices[r]];
      }
      batch = Dataset<T>{gathered.data(), b, d, data.weights ? gathered_weights.data() : nullptr};
    }
    const Status status = assign_nearest(batch, centers, k, threads, mixed, labels, nullptr, &step->inertia);
    if (status != Status::kOk) return status;

    // The batch's per-cluster sums, in row order (the vectorised update kernel: the same sums as
    // adding row by row; its inertia, the same as above in another order, is not needed).
    std::vector<double> sums(static_cast<size_t>(k * d), 0.0);
    std::fill(batch_weights, batch_weights + k, 0.0);
    // Column-major data, all of it the batch: a chunk of rows at a time (the same sums).
    const int64_t step = batch.row_major() ? std::max<int64_t>(b, 1) : kChunkSize;
    RowBuffers<T> buffer(batch, 1);
    for (int64_t begin = 0; begin < b; begin += step) {
      const int64_t end = std::min(b, begin + step);
      const Dataset<T> rows = batch.rows(begin, end, buffer.get(0));
      const double* weights = batch.weights ? batch.weights + begin : nullptr;
      tile_kernel<T>().accumulate(rows.row(begin), end - begin, d, labels + begin, weights, centers, sums.data(),
                                  batch_weights);
    }

    std::vector<T> previous;
    if (spherical) previous.assign(centers, centers + k * d);
    for (int64_t j = 0; j < k; ++j) {
      if (!(batch_weights[j] > 0)) continue;
      const double total = counts[j] + batch_weights[j];
      const double scale = 1.0 / total;
      // A total weight below 1 / DBL_MAX: its reciprocal overflows, divide instead.
      const bool divide = std::isinf(scale);
      T* center = centers + j * d;
      for (int64_t f = 0; f < d; ++f) {
        const double moved = static_cast<double>(center[f]) * counts[j] + sums[j * d + f];
        center[f] = static_cast<T>(divide ? moved / total : moved * scale);
      }
      counts[j] = total;
    }
    if (spherical) unit_centers(previous.data(), k, d, centers);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

template Status minibatch_step<float>(const Dataset<float>&, const int32_t*, int64_t, int64_t, int, bool, bool, float*,
                                      double*, int32_t*, double*, MiniBatchStep*);
template Status minibatch_step<double>(const Dataset<double>&, const int32_t*, int64_t, int64_t, int, bool, bool,
                                       double*, double*, int32_t*, double*, MiniBatchStep*);

}  // namespace kmn
