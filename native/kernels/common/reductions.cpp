#include "reductions.hpp"

#include <algorithm>
#include <cmath>
#include <new>

#include "assign.hpp"
#include "block_partials.hpp"
#include "chunking.hpp"
#include "tile_kernel.hpp"
#include "unit_rows.hpp"

namespace kmn {

namespace {

// The first block's finding (blocks in data order), or -1 when no block found anything.
int64_t first_found(const std::vector<int64_t>& per_block) {
  for (const int64_t found : per_block)
    if (found >= 0) return found;
  return -1;
}

}  // namespace

template <typename T>
Status column_sums(const Dataset<T>& data, const double* origin, int threads, double* sums) {
  const int64_t d = data.d;
  try {
    const BlockPlan plan = BlockPlan::fixed(data.n);
    const int t = effective_threads(threads, plan, d);
    RowBuffers<T> buffers(data, t);
    OrderedPartials partials;
    const int64_t width = 2 * d, width_bytes = width * static_cast<int64_t>(sizeof(double));
    partials.resize(plan.n_blocks, width,
                    plan.n_blocks * width_bytes <= (int64_t{2} << 20) ? plan.n_blocks : std::max(2, 2 * t + 2));
    partials.begin(sums);
    parallel_for_blocks(plan, t, [&](int64_t b, int thread) {
      double* block_sums = partials.acquire(b);
      double* squares = block_sums + d;
      for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
        const Dataset<T> rows = data.rows(begin, end, buffers.get(thread));
        for (int64_t i = begin; i < end; ++i) {
          const T* row = rows.row(i);
          for (int64_t f = 0; f < d; ++f) {
            const double dev = static_cast<double>(row[f]) - origin[f];
            block_sums[f] += dev;
            squares[f] += dev * dev;
          }
        }
      });
      partials.release(b);
    });
    partials.finish(t);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

void column_stats_from_sums(const double* sums, const double* origin, int64_t d, int64_t n, double* means,
                            double* mean_variance) {
  const double rows = static_cast<double>(n);
  double total = 0;
  for (int64_t f = 0; f < d; ++f) {
    const double mean_dev = sums[f] / rows;
    means[f] = origin[f] + mean_dev;
    const double variance = sums[d + f] / rows - mean_dev * mean_dev;
    total += variance > 0 ? variance : 0;
  }
  *mean_variance = total / static_cast<double>(d);
}

template <typename T>
Status column_stats(const Dataset<T>& data, int threads, double* means, double* mean_variance) {
  const int64_t d = data.d;
  try {
    // Sums of x - x0 and of its square, x0 being the first row (a shift close to the data keeps
    // the variance accurate, as numpy's two passes do).
    std::vector<T> first_row(static_cast<size_t>(d));
    data.copy_row(0, first_row.data());
    const std::vector<double> origin(first_row.begin(), first_row.end());
    std::vector<double> sums(static_cast<size_t>(2 * d), 0.0);
    const Status status = column_sums(data, origin.data(), threads, sums.data());
    if (status != Status::kOk) return status;
    column_stats_from_sums(sums.data(), origin.data(), d, data.n, means, mean_variance);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

template <typename T>
Status first_out_of_range(const Dataset<T>& data, T limit, int threads, int64_t* index) {
  try {
    const BlockPlan plan = BlockPlan::make(data.n);
    std::vector<int64_t> first(static_cast<size_t>(plan.n_blocks), -1);
    const int t = effective_threads(threads, plan, data.d);
    RowBuffers<T> buffers(data, t);
    parallel_for_blocks(plan, t, [&](int64_t b, int thread) {
      for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
        if (first[b] >= 0) return;
        const T* values = data.rows(begin, end, buffers.get(thread)).row(begin);
        const int64_t count = (end - begin) * data.d;
        // A branch-free count the compiler vectorises (the comparison is false for NaN too; a
        // logical or of bools stays scalar), then a second look only where something was found.
        // (Counted in pieces, so that a 32-bit count, which vectorises best, cannot overflow.)
        bool bad = false;
        for (int64_t start = 0; start < count && !bad; start += int64_t{1} << 20) {
          const int64_t stop = std::min(count, start + (int64_t{1} << 20));
          int32_t found = 0;
          for (int64_t i = start; i < stop; ++i) found += !(std::abs(values[i]) < limit);
          bad = found != 0;
        }
        if (!bad) return;
        for (int64_t i = 0; i < count; ++i)
          if (!(std::abs(values[i]) < limit)) {
            first[b] = begin * data.d + i;
            return;
          }
      });
    });
    *index = first_found(first);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

template <typename T>
Status inertia(const Dataset<T>& data, const T* centers, const int32_t* labels, int threads, double* out) {
  try {
    const BlockPlan plan = BlockPlan::fixed(data.n);
    const int t = effective_threads(threads, plan, data.d);
    const AccumulateRowsFn<T> accumulate = tile_kernel<T>().accumulate;
    RowBuffers<T> buffers(data, t);
    BlockPartials partials;
    partials.reset(plan.n_blocks, 1);
    parallel_for_blocks(plan, t, [&](int64_t b, int thread) {
      double sum = 0;
      for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
        const double* weights = data.weights ? data.weights + begin : nullptr;
        sum += accumulate(data.rows(begin, end, buffers.get(thread)).row(begin), end - begin, data.d, labels + begin, weights, centers, nullptr, nullptr);
      });
      *partials.block(b) = sum;
    });
    partials.merge(out, 1, out);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

template <typename T>
Status transform(const Dataset<T>& data, const T* centers, int64_t k, int threads, T* out, TransformValue value) {
  const BlockPlan plan = BlockPlan::make(data.n);
  const ExactDistanceFn<T> exact_distance = tile_kernel<T>().exact_distance;
  const bool half_squared = value == TransformValue::kHalfSquared;
  const int t = effective_threads(threads, plan, k * data.d);
  try {
    RowBuffers<T> buffers(data, t);
    parallel_for_blocks(plan, t, [&](int64_t b, int thread) {
      for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
        const Dataset<T> rows = data.rows(begin, end, buffers.get(thread));
        for (int64_t i = begin; i < end; ++i) {
          for (int64_t j = 0; j < k; ++j) {
            const double squared = exact_squared(rows.row(i), centers + j * data.d, data.d, exact_distance);
            out[i * k + j] = static_cast<T>(half_squared ? squared / 2 : std::sqrt(squared));
          }
        }
      });
    });
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

template <typename T>
Status whiten(const Dataset<T>& data, int threads, T* out, int64_t* zero_columns) {
  const int64_t n = data.n, d = data.d;
  try {
    const size_t columns = static_cast<size_t>(d);
    std::vector<double> largest(columns, 0.0), scale(columns), mean(columns, 0.0), variance(columns, 0.0),
        deviation(columns);
    const BlockPlan plan = BlockPlan::make(n);
    // Four passes over the rows, each thread on its own range of columns.
    parallel_for_range(
        d, effective_threads(threads, plan, 4 * d),
        [&](int64_t first, int64_t last) {
          const int64_t width = last - first;
          double* top = largest.data() + first;
          double* factor = scale.data() + first;
          double* center = mean.data() + first;
          double* spread = variance.data() + first;
          double* std_dev = deviation.data() + first;
          for (int64_t i = 0; i < n; ++i) {
            for (int64_t f = 0; f < width; ++f) {
              const double magnitude = std::fabs(static_cast<double>(data.at(i, first + f)));
              // A NaN sticks, as with Math.max: such a column is not scaled.
              if ((std::isnan(magnitude) || magnitude > top[f]) && !std::isnan(top[f])) top[f] = magnitude;
            }
          }
          for (int64_t f = 0; f < width; ++f) {
            int exponent = 0;
            if (std::isfinite(top[f]) && top[f] > 0) {
              exponent = static_cast<int>(std::floor(std::log2(top[f]) / 2 + 0.5));
              exponent = std::min(511, std::max(-511, exponent));
            }
            factor[f] = std::ldexp(1.0, -2 * exponent);
          }
          for (int64_t i = 0; i < n; ++i) {
            for (int64_t f = 0; f < width; ++f) center[f] += static_cast<double>(data.at(i, first + f)) * factor[f];
          }
          for (int64_t f = 0; f < width; ++f) center[f] /= static_cast<double>(n);
          for (int64_t i = 0; i < n; ++i) {
            for (int64_t f = 0; f < width; ++f) {
              const double centered = static_cast<double>(data.at(i, first + f)) * factor[f] - center[f];
              spread[f] += centered * centered;
            }
          }
          for (int64_t f = 0; f < width; ++f) std_dev[f] = std::sqrt(spread[f] / static_cast<double>(n));
          for (int64_t i = 0; i < n; ++i) {
            T* target = out + i * d + first;
            for (int64_t f = 0; f < width; ++f) {
              const T value = data.at(i, first + f);
              target[f] = std_dev[f] == 0 ? value : static_cast<T>(static_cast<double>(value) * factor[f] / std_dev[f]);
            }
          }
        },
        /*grain=*/1);
    *zero_columns = std::count(deviation.begin(), deviation.end(), 0.0);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

template <typename T>
Status unit_rows(const Dataset<T>& data, int threads, T* out, int64_t* zero_row) {
  try {
    const BlockPlan plan = BlockPlan::make(data.n);
    std::vector<int64_t> first(static_cast<size_t>(plan.n_blocks), -1);
    parallel_for_blocks(plan, effective_threads(threads, plan, data.d), [&](int64_t b, int) {
      for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
        // Column-major rows are gathered straight into the output.
        const Dataset<T> rows = data.rows(begin, end, out + begin * data.d);
        if (rows.row(begin) != out + begin * data.d) std::copy(rows.row(begin), rows.row(end), out + begin * data.d);
        for (int64_t i = begin; i < end; ++i) {
          if (!scale_to_unit(out + i * data.d, data.d) && first[b] < 0) first[b] = i;
        }
      });
    });
    *zero_row = first_found(first);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

#define KMN_INSTANTIATE(T)                                                                                  \
  template Status column_stats<T>(const Dataset<T>&, int, double*, double*);                                \
  template Status column_sums<T>(const Dataset<T>&, const double*, int, double*);                           \
  template Status inertia<T>(const Dataset<T>&, const T*, const int32_t*, int, double*);                    \
  template Status first_out_of_range<T>(const Dataset<T>&, T, int, int64_t*);                                    \
  template Status transform<T>(const Dataset<T>&, const T*, int64_t, int, T*, TransformValue);              \
  template Status unit_rows<T>(const Dataset<T>&, int, T*, int64_t*);                                       \
  template Status whiten<T>(const Dataset<T>&, int, T*, int64_t*);
KMN_INSTANTIATE(float)
KMN_INSTANTIATE(double)
#undef KMN_INSTANTIATE

}  // namespace kmn
