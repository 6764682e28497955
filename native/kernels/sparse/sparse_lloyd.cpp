#include "sparse_lloyd.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <new>

#include "../common/assign.hpp"
#include "../common/cluster_sums.hpp"
#include "../common/tile_kernel.hpp"
#include "../common/unit_rows.hpp"
#include "row_dots.hpp"
#include "sparse_margin.hpp"

namespace kmn {

template <typename T>
void SparseCenters<T>::prepare(const T* centers, int64_t k_, int64_t d_) {
  k = k_;
  d = d_;
  rows = centers;
  k_padded = (k + kSparseCenterPad - 1) / kSparseCenterPad * kSparseCenterPad;
  transposed.assign(static_cast<size_t>(d * k_padded), T(0));
  // In tiles of columns, so that both the reads and the writes stay within a few cache lines.
  constexpr int64_t kColumns = 64;
  for (int64_t f0 = 0; f0 < d; f0 += kColumns) {
    const int64_t f1 = std::min(d, f0 + kColumns);
    for (int64_t j = 0; j < k; ++j)
      for (int64_t f = f0; f < f1; ++f) transposed[static_cast<size_t>(f * k_padded + j)] = centers[j * d + f];
  }
  const ExactDistanceFn<T> exact_distance = tile_kernel<T>().exact_distance;
  const std::vector<T> zero(static_cast<size_t>(d), T(0));
  norms.resize(static_cast<size_t>(k));
  max_norm = 0;
  max_abs = 0;
  for (int64_t j = 0; j < k; ++j) {
    norms[j] = exact_distance(centers + j * d, zero.data(), d);
    // Written so that a NaN sticks (the margin is then infinite).
    if (!(norms[j] <= max_norm)) max_norm = norms[j];
    for (int64_t f = 0; f < d; ++f) {
      const double magnitude = std::fabs(static_cast<double>(centers[j * d + f]));
      if (!(magnitude <= max_abs)) max_abs = magnitude;
    }
  }
}

template <typename T>
SparseWorkspace<T>::SparseWorkspace(const CsrRows<T>& data, int64_t k_, int requested_threads, bool updates)
    : plan(BlockPlan::fixed(data.n)), k(k_), d(data.d) {
  const int64_t entries_per_row = std::max<int64_t>(1, data.nnz() / std::max<int64_t>(1, data.n));
  threads = effective_threads(requested_threads, plan, entries_per_row * k);
  const int64_t k_padded = (k + kSparseCenterPad - 1) / kSparseCenterPad * kSparseCenterPad;
  scratch.resize(static_cast<size_t>(threads));
  for (SparseScratch<T>& s : scratch) {
    s.dots.resize(static_cast<size_t>(k_padded));
    s.values.resize(static_cast<size_t>(k));
    s.dense.assign(static_cast<size_t>(d), T(0));
  }
  block_stats.reset(plan.n_blocks, 2);
  if (!updates) return;
  // Enough slots for every thread to have a block in hand and one done, within the budget of
  // the partial sums (but never fewer than two).
  const int64_t width_bytes = std::max<int64_t>(1, k * d * static_cast<int64_t>(sizeof(double)));
  const int64_t slots = std::max<int64_t>(2, std::min({plan.n_blocks, int64_t{2} * threads + 2,
                                                       kPartialsBudgetBytes / width_bytes}));
  block_sums.resize(plan.n_blocks, k, d, slots);
  int64_t most_entries = 0;
  for (int64_t b = 0; b < plan.n_blocks; ++b) {
    const int64_t first = plan.chunk_begin(plan.first_chunk(b));
    const int64_t last = plan.chunk_end(plan.first_chunk(b + 1) - 1);
    most_entries = std::max(most_entries, data.end(last - 1) - data.begin(first));
  }
  block_sums.reserve(most_entries);
}

namespace {

// The label of row i (see sparse_lloyd.hpp). Leaves the row scattered in s.dense.
template <typename T>
int32_t label_row(const CsrRows<T>& data, int64_t i, const SparseCenters<T>& c, RowDotsFn<T> row_dots,
                  ExactDistanceFn<T> exact_distance, SparseScratch<T>& s) {
  const int64_t first = data.begin(i), entries = data.end(i) - first;
  const T* values = data.values + first;
  row_dots(data.indices + first, values, entries, c.transposed.data(), c.k_padded, s.dots.data());
  double abs_sum = 0;
  for (int64_t e = 0; e < entries; ++e) abs_sum += std::fabs(static_cast<double>(values[e]));
  int32_t best = 0;
  double best_value = std::numeric_limits<double>::infinity();
  for (int64_t j = 0; j < c.k; ++j) {
    const double value = c.norms[j] - 2 * static_cast<double>(s.dots[j]);
    s.values[j] = value;
    if (value < best_value) {
      best_value = value;
      best = static_cast<int32_t>(j);
    }
  }
  data.scatter(i, s.dense.data());
  // The centers that may be the nearest (all of them when a value or the margin is not finite:
  // the comparison is then false).
  const double threshold = best_value + 2 * sparse_margin<T>(entries, abs_sum, c.max_abs, c.max_norm, c.d);
  int64_t candidates = 0;
  for (int64_t j = 0; j < c.k; ++j) candidates += !(s.values[j] > threshold);
  if (candidates <= 1) return best;
  int32_t label = -1;
  double nearest = std::numeric_limits<double>::infinity();
  for (int64_t j = 0; j < c.k; ++j) {
    if (s.values[j] > threshold) continue;
    const double distance = exact_distance(s.dense.data(), c.rows + j * c.d, c.d);
    if (label < 0 || distance < nearest) {
      nearest = distance;
      label = static_cast<int32_t>(j);
    }
  }
  return label;
}

// The squared distance of row i, scattered in `dense`, to `center` (norm: its squared norm),
// over the row's entries; sets `dense` back to zero. With `sums` (the cluster's d sums), also
// adds the weighted row to them and lists the offsets written (base + column) in `touched`.
// A column met again (a duplicate) finds zero, which adds nothing.
template <typename T>
double take_row(const CsrRows<T>& data, int64_t i, const T* center, double norm, T* dense, double weight,
                double* sums, std::vector<int64_t>* touched, int64_t base) {
  double total = 0;
  for (int64_t e = data.begin(i), stop = data.end(i); e < stop; ++e) {
    const int32_t f = data.indices[e];
    const double x = static_cast<double>(dense[f]);
    if (x == 0) continue;
    dense[f] = 0;
    const double c = static_cast<double>(center[f]);
    const double diff = x - c;
    total += diff * diff - c * c;
    if (sums != nullptr) {
      sums[f] += x * weight;
      touched->push_back(base + f);
    }
  }
  const double distance = total + norm;
  return distance > 0 ? distance : 0;
}

}  // namespace

template <typename T>
Status sparse_pass(const CsrRows<T>& data, const T* centers, T* centers_new, int32_t* labels, SparseWorkspace<T>& ws,
                   SparsePassStats* stats) {
  const int64_t k = ws.k, d = ws.d;
  const bool update = centers_new != nullptr;
  try {
    ws.centers.prepare(centers, k, d);
    if (update) ws.sums.assign(static_cast<size_t>(k * d + k), 0.0);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  const RowDotsFn<T> row_dots = row_dots_kernel<T>();
  const ExactDistanceFn<T> exact_distance = tile_kernel<T>().exact_distance;
  ws.block_stats.reset(ws.plan.n_blocks, 2);
  if (update) ws.block_sums.begin(ws.sums.data(), ws.sums.data() + k * d);
  parallel_for_blocks(ws.plan, ws.threads, [&](int64_t b, int thread) {
    SparseScratch<T>& s = ws.scratch[thread];
    SparseBlockSums::Slot* slot = update ? &ws.block_sums.acquire(b) : nullptr;
    double inertia = 0;
    int64_t changes = 0;
    for_each_chunk_in_block(ws.plan, b, [&](int64_t, int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const int32_t label = label_row(data, i, ws.centers, row_dots, exact_distance, s);
        changes += label != labels[i];
        labels[i] = label;
        const double w = data.weight(i);
        const int64_t base = static_cast<int64_t>(label) * d;
        double* sums = slot ? slot->sums.data() + base : nullptr;
        inertia += w * take_row(data, i, centers + base, ws.centers.norms[label], s.dense.data(), w, sums,
                                slot ? &slot->touched : nullptr, base);
        if (slot) slot->weights[label] += w;
      }
    });
    double* block = ws.block_stats.block(b);
    block[0] = static_cast<double>(changes);
    block[1] = inertia;
    if (update) ws.block_sums.release(b);
  });
  double merged[2] = {0, 0};
  ws.block_stats.merge(merged, 1);
  stats->label_changes = static_cast<int64_t>(merged[0]);
  stats->inertia = merged[1];
  stats->relocated = 0;
  stats->center_shift = 0;
  if (!update) return Status::kOk;

  double* weights = ws.sums.data() + k * d;
  RowMoves<T> moves;
  const int64_t empty = empty_cluster_count(weights, k);
  if (empty > 0) {
    const Status status = sparse_farthest_rows(data, centers, labels, empty, ws, &moves);
    if (status != Status::kOk) return status;
  }
  apply_row_moves(moves, k, d, ws.sums.data(), weights);
  stats->relocated = moves.count();
  stats->center_shift = average_centers(ws.sums.data(), weights, k, d, EmptyCluster::kZero, centers, centers_new);
  if (ws.spherical) stats->center_shift = unit_centers(centers, k, d, centers_new);
  return Status::kOk;
}

template <typename T>
Status sparse_inertia(const CsrRows<T>& data, const T* centers, const int32_t* labels, SparseWorkspace<T>& ws,
                      double* out) {
  try {
    ws.centers.prepare(centers, ws.k, ws.d);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  ws.block_stats.reset(ws.plan.n_blocks, 1);
  parallel_for_blocks(ws.plan, ws.threads, [&](int64_t b, int thread) {
    T* dense = ws.scratch[thread].dense.data();
    double sum = 0;
    for_each_chunk_in_block(ws.plan, b, [&](int64_t, int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        data.scatter(i, dense);
        const int64_t base = static_cast<int64_t>(labels[i]) * ws.d;
        sum += data.weight(i) *
               take_row(data, i, centers + base, ws.centers.norms[labels[i]], dense, 1.0, nullptr, nullptr, 0);
      }
    });
    *ws.block_stats.block(b) = sum;
  });
  ws.block_stats.merge(out, 1, out);
  return Status::kOk;
}

template <typename T>
Status sparse_farthest_rows(const CsrRows<T>& data, const T* centers, const int32_t* labels, int64_t count,
                            SparseWorkspace<T>& ws, RowMoves<T>* moves) {
  const int64_t d = ws.d;
  count = std::min(count, data.n);
  if (count <= 0) return Status::kOk;
  try {
    ws.centers.prepare(centers, ws.k, d);
    // The entry-wise distances, each with a bound on its error; then the rows whose distance
    // may reach the count-th largest within twice the largest bound get the dense pass's exact
    // distance, which alone ranks them (rows that tie there, as rows at their own center do,
    // would otherwise be ordered by rounding). The others get -1: they cannot be chosen.
    std::vector<double> distance(static_cast<size_t>(data.n)), bound(static_cast<size_t>(data.n));
    constexpr double u = std::numeric_limits<double>::epsilon() / 2;
    constexpr double tiny = std::numeric_limits<double>::denorm_min();
    parallel_for_blocks(ws.plan, ws.threads, [&](int64_t b, int thread) {
      T* dense = ws.scratch[thread].dense.data();
      for_each_chunk_in_block(ws.plan, b, [&](int64_t, int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
          data.scatter(i, dense);
          const int64_t base = static_cast<int64_t>(labels[i]) * d;
          const double norm = ws.centers.norms[labels[i]];
          distance[i] = take_row(data, i, centers + base, norm, dense, 1.0, nullptr, nullptr, 0);
          const double terms = static_cast<double>(data.end(i) - data.begin(i) + d + 16);
          bound[i] = 4 * terms * (u * (distance[i] + 2 * norm) + tiny);
        }
      });
    });
    std::vector<double> sorted = distance;
    std::nth_element(sorted.begin(), sorted.begin() + (count - 1), sorted.end(), std::greater<double>());
    double threshold = sorted[count - 1] - 2 * *std::max_element(bound.begin(), bound.end());
    if (std::isnan(threshold)) threshold = -std::numeric_limits<double>::infinity();
    const ExactDistanceFn<T> exact_distance = tile_kernel<T>().exact_distance;
    parallel_for_blocks(ws.plan, ws.threads, [&](int64_t b, int thread) {
      T* dense = ws.scratch[thread].dense.data();
      for_each_chunk_in_block(ws.plan, b, [&](int64_t, int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
          if (!(distance[i] >= threshold)) {
            distance[i] = -1;
            continue;
          }
          data.scatter(i, dense);
          distance[i] = exact_squared(dense, centers + static_cast<int64_t>(labels[i]) * d, d, exact_distance);
          for (int64_t e = data.begin(i), stop = data.end(i); e < stop; ++e) dense[data.indices[e]] = T(0);
        }
      });
    });
    std::vector<int64_t> order(static_cast<size_t>(data.n));
    for (int64_t i = 0; i < data.n; ++i) order[i] = i;
    const auto farther = [&](int64_t a, int64_t b) {
      return distance[a] > distance[b] || (distance[a] == distance[b] && a < b);
    };
    std::partial_sort(order.begin(), order.begin() + count, order.end(), farther);
    moves->values.assign(static_cast<size_t>(count * d), T(0));
    moves->weights.resize(static_cast<size_t>(count));
    moves->labels.resize(static_cast<size_t>(count));
    for (int64_t e = 0; e < count; ++e) {
      const int64_t row = order[e];
      data.scatter(row, moves->values.data() + e * d);
      moves->weights[e] = data.weight(row);
      moves->labels[e] = labels[row];
    }
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

#define KMN_INSTANTIATE(T)                                                                                      \
  template struct SparseCenters<T>;                                                                             \
  template struct SparseWorkspace<T>;                                                                           \
  template Status sparse_pass<T>(const CsrRows<T>&, const T*, T*, int32_t*, SparseWorkspace<T>&,               \
                                 SparsePassStats*);                                                             \
  template Status sparse_inertia<T>(const CsrRows<T>&, const T*, const int32_t*, SparseWorkspace<T>&, double*); \
  template Status sparse_farthest_rows<T>(const CsrRows<T>&, const T*, const int32_t*, int64_t,                 \
                                          SparseWorkspace<T>&, RowMoves<T>*);
KMN_INSTANTIATE(float)
KMN_INSTANTIATE(double)
#undef KMN_INSTANTIATE

}  // namespace kmn
