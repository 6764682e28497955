#include "plus_plus.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>
#include <vector>

#include "../common/assign.hpp"
#include "../common/block_partials.hpp"
#include "../common/center_panels.hpp"
#include "../common/chunking.hpp"
#include "../common/draw_row.hpp"
#include "../common/tie_margin.hpp"
#include "../common/tile_kernel.hpp"

namespace kmn {
namespace {

// Candidate distances come from the labelling kernels, in float32 for either dtype, with the
// kernels' rounding bound (tie_margin.hpp). They rank the candidates whenever the bound allows
// (a potential need not be known to the last bit to be the lowest), and tell which rows may be
// nearer to the chosen candidate than to their nearest center so far: only those rows' distances
// are computed exactly. The exact distance is the same function on every instruction set, so the
// choices, and the draws made from `closest`, are the same bits everywhere, as if every distance
// had been computed exactly.
using Screen = float;

// The packed copy of the rows is kept for the whole seeding up to this size; beyond it, the rows
// are packed again for every pass.
constexpr int64_t kPackedCacheBytes = int64_t{512} << 20;

// A screened squared distance: within `margin` of the exact one (+inf where float32 may have
// overflowed).
struct Screened {
  double estimate, margin;
};

template <typename T>
class Screening {
 public:
  // Allocates (may throw std::bad_alloc); packs the rows when the copy fits the budget.
  Screening(const Dataset<T>& data, const double* shift, int threads, int64_t most_candidates)
      : data_(data), plan_(BlockPlan::make(data.n)), threads_(effective_threads(threads, plan_, (most_candidates + 1) * data.d)) {
    const int64_t d = data.d;
    wide_ = use_wide_kernel<Screen>(d);
    step_ = wide_ ? wide_rows_per_step<T>(d) : kChunkSize;
    const int64_t steps_per_chunk = (kChunkSize + step_ - 1) / step_;
    stride_ = wide_ ? wide_packed_size(tile_kernel<Screen>().wide, step_, d) : d * kChunkSize;
    shift_.resize(static_cast<size_t>(d));
    for (int64_t f = 0; f < d; ++f) shift_[f] = static_cast<Screen>(shift[f]);
    // Room for the values of every candidate, padded as either kernel pads centers.
    const int64_t center_group = tile_kernel<Screen>().wide.center_group;
    const int64_t k_padded = std::max((most_candidates + kTileCenters - 1) / kTileCenters * kTileCenters,
                                      (most_candidates + center_group - 1) / center_group * center_group);
    scratch_.reserve(static_cast<size_t>(threads_));
    for (int t = 0; t < threads_; ++t) scratch_.emplace_back(d, k_padded, data.row_major() ? 0 : kChunkSize * d);

    const int64_t cache_values = plan_.n_chunks * steps_per_chunk * stride_;
    if (cache_values * static_cast<int64_t>(sizeof(Screen)) + data.n * 8 <= kPackedCacheBytes) {
      cached_.resize(static_cast<size_t>(cache_values));
      cached_norms_.resize(static_cast<size_t>(data.n));
      parallel_for_blocks(plan_, threads_, [&](int64_t b, int thread) {
        for_each_chunk_in_block(plan_, b, [&](int64_t chunk, int64_t begin, int64_t end) {
          for (int64_t first = begin; first < end; first += step_)
            pack(first, std::min(end, first + step_), scratch_[thread].rows.data(), cached_.data() + location(chunk, first),
                 cached_norms_.data() + first);
        });
      });
    }
  }

  // Per row i, in block order: row_fn(i, screen, sums), where screen(c) is row i's screened
  // distance to candidate c of `panels`, and sums the block's `width` partial sums. Returns the
  // sums merged in block order (the same for any thread count).
  template <typename RowFn>
  std::vector<double> sum_rows(const CenterPanels<Screen>& panels, int64_t width, RowFn&& row_fn) {
    const int64_t d = data_.d;
    const TileKernel<Screen>& kernel = tile_kernel<Screen>();
    constexpr double kOverflowFrom = static_cast<double>(std::numeric_limits<Screen>::max()) / 2;
    BlockPartials partials;
    partials.reset(plan_.n_blocks, width);
    parallel_for_blocks(plan_, threads_, [&](int64_t b, int thread) {
      Scratch& scratch = scratch_[thread];
      double* sums = partials.block(b);
      for_each_chunk_in_block(plan_, b, [&](int64_t chunk, int64_t begin, int64_t end) {
        for (int64_t first = begin; first < end; first += step_) {
          const int64_t last = std::min(end, first + step_);
          const Screen* packed = cached_.empty() ? scratch.chunk.packed.data() : cached_.data() + location(chunk, first);
          const double* x_norm = cached_.empty() ? scratch.chunk.x_norm.data() : cached_norms_.data() + first;
          if (cached_.empty()) pack(first, last, scratch.rows.data(), scratch.chunk.packed.data(), scratch.chunk.x_norm.data());
          Screen* values = scratch.values.data();
          if (wide_) {
            kernel.wide.values(packed, last - first, d, panels.wide_panel.data(), panels.wide_lane_norms.data(),
                               panels.wide_groups, wide_range_blocks(kernel.wide, d), scratch.chunk.wide_work.data(),
                               values);
          } else {
            kernel.values(packed, last - first, d, panels.centers.data(), panels.norms.data(), panels.k_padded, values);
          }
          for (int64_t r = 0; r < last - first; ++r) {
            // The kernel's value is ||x_i - x_c||^2 - ||x'_i||^2 to within half the tie margin.
            const double margin = x_norm[r] + 2 * panels.max_norm < kOverflowFrom
                                      ? tie_margin<Screen>(panels.rounding, x_norm[r], panels.max_norm)
                                      : std::numeric_limits<double>::infinity();
            const auto screen = [&](int64_t c) {
              return Screened{x_norm[r] + static_cast<double>(values[c * kChunkSize + r]), margin};
            };
            row_fn(first + r, screen, sums);
          }
        }
      });
    });
    std::vector<double> total(static_cast<size_t>(width));
    partials.merge(total.data(), threads_);
    return total;
  }

 private:
  struct Scratch {
    ChunkScratch<T, Screen> chunk;
    std::vector<Screen> values;  // k_padded*kChunkSize: value of candidate c, row r at [c * kChunkSize + r]
    std::vector<T> rows;         // column-major data: the rows being packed
    Scratch(int64_t d, int64_t k_padded, int64_t row_values)
        : chunk(d), values(static_cast<size_t>(k_padded * kChunkSize)), rows(static_cast<size_t>(row_values)) {}
  };

  // Rows [first, last) (within one chunk), gathered into `buffer` first if the data is column-major.
  void pack(int64_t first, int64_t last, T* buffer, Screen* packed, double* norms) const {
    const T* x = data_.rows(first, last, buffer).row(first);
    if (wide_) {
      wide_pack_kernel<T, Screen>()(x, data_.d, 0, last - first, shift_.data(), packed, norms);
    } else {
      pack_kernel<T, Screen>()(x, data_.d, 0, last - first, shift_.data(), tile_kernel<Screen>().tile_rows, packed,
                               norms);
    }
  }

  int64_t location(int64_t chunk, int64_t first) const {
    const int64_t steps_per_chunk = (kChunkSize + step_ - 1) / step_;
    return (chunk * steps_per_chunk + (first - plan_.chunk_begin(chunk)) / step_) * stride_;
  }

  const Dataset<T> data_;  // a view: kept by value, the caller's may be a temporary
  BlockPlan plan_;
  int threads_;
  bool wide_ = false;
  int64_t step_ = 0, stride_ = 0;
  std::vector<Screen> shift_;
  std::vector<Scratch> scratch_;
  std::vector<Screen> cached_;        // the packed rows, step by step, when they fit the budget
  std::vector<double> cached_norms_;  // n: ||x'||^2
};

template <typename T>
class Seeding {
 public:
  Seeding(const Dataset<T>& data, const double* shift, int threads, int64_t most_candidates)
      : data_(data), shift_(shift), screening_(data, shift, threads, most_candidates),
        closest_(static_cast<size_t>(data.n), std::numeric_limits<double>::infinity()) {}

  const std::vector<double>& closest() const { return closest_; }

  // Of the candidate rows, the index of the one with the lowest potential
  // sum_i w_i * min(closest_i, ||x_i - x_c||^2) (the first on a tie); lowers `closest` to
  // include it, and returns its potential (the new sum of w_i * closest_i).
  int64_t choose(const int32_t* candidates, int64_t m, double* potential) {
    std::vector<T> rows = gather(candidates, m);
    int64_t best = 0;
    if (m > 1) best = lowest_potential(candidates, m, rows);
    // Lower the running distances with the chosen candidate.
    CenterPanels<Screen> chosen;
    chosen.prepare(rows.data() + best * data_.d, 1, data_.d, shift_);
    const std::vector<double> total = screening_.sum_rows(chosen, 1, [&](int64_t i, const auto& screen, double* sums) {
      closest_[i] = exact_term(i, screen(0), rows.data() + best * data_.d);
      sums[0] += data_.weight(i) * closest_[i];
    });
    *potential = total[0];
    return best;
  }

 private:
  std::vector<T> gather(const int32_t* candidates, int64_t m) const {
    std::vector<T> rows(static_cast<size_t>(m * data_.d));
    for (int64_t c = 0; c < m; ++c)
      data_.copy_row(candidates[c], rows.data() + c * data_.d);
    return rows;
  }

  // min(closest_i, ||x_i - row||^2), computing the distance only where the screen cannot rule
  // out that it is below closest_i.
  double exact_term(int64_t i, const Screened& screened, const T* row) const {
    const double term = closest_[i];
    if (screened.estimate - screened.margin >= term) return term;
    const T* x = data_.row_major() ? data_.row(i) : gathered_row(i);
    const double distance = tile_kernel<T>().exact_distance(x, row, data_.d);
    return distance < term ? distance : term;
  }

  // Row i of column-major data, copied into this thread's buffer (only the rows whose distance
  // the screen cannot settle are read this way).
  const T* gathered_row(int64_t i) const {
    thread_local std::vector<T> row;
    row.resize(static_cast<size_t>(data_.d));
    data_.copy_row(i, row.data());
    return row.data();
  }

  int64_t lowest_potential(const int32_t* candidates, int64_t m, const std::vector<T>& rows) {
    CenterPanels<Screen> panels;
    panels.prepare(rows.data(), m, data_.d, shift_);
    // Each potential from the screen, with a bound on its error: the margins of the rows whose
    // term the screen may have misjudged.
    const std::vector<double> screened = screening_.sum_rows(panels, 2 * m, [&](int64_t i, const auto& screen, double* sums) {
      const double w = data_.weight(i), closest = closest_[i];
      if (!(w > 0)) return;  // adds nothing (and 0 * inf, for an untrusted margin, is NaN)
      for (int64_t c = 0; c < m; ++c) {
        const Screened term = screen(c);
        if (term.estimate - term.margin >= closest) {
          sums[c] += w * closest;
        } else {
          sums[c] += w * std::min(closest, term.estimate);
          sums[m + c] += w * term.margin;
        }
      }
    });
    // Also allowing for the rounding of the screened sum and of the exact one (n additions
    // each), the candidates that may have the lowest potential; when there are several, their
    // exact potentials decide.
    const auto bound = [&](int64_t c) {
      return screened[m + c] +
             2 * std::fabs(screened[c]) * static_cast<double>(data_.n + 2) * std::numeric_limits<double>::epsilon();
    };
    int64_t best = 0;
    for (int64_t c = 1; c < m; ++c)
      if (screened[c] < screened[best]) best = c;
    std::vector<int32_t> contenders;
    for (int64_t c = 0; c < m; ++c)
      if (c == best || screened[c] - bound(c) <= screened[best] + bound(best)) contenders.push_back(static_cast<int32_t>(c));
    if (contenders.size() == 1) return best;

    std::vector<int32_t> contender_rows_indices;
    for (const int32_t c : contenders) contender_rows_indices.push_back(candidates[c]);
    const int64_t count = static_cast<int64_t>(contenders.size());
    const std::vector<T> contender_rows = gather(contender_rows_indices.data(), count);
    CenterPanels<Screen> contender_panels;
    contender_panels.prepare(contender_rows.data(), count, data_.d, shift_);
    const std::vector<double> exact = screening_.sum_rows(contender_panels, count, [&](int64_t i, const auto& screen, double* sums) {
      if (!(data_.weight(i) > 0)) return;
      for (int64_t c = 0; c < count; ++c)
        sums[c] += data_.weight(i) * exact_term(i, screen(c), contender_rows.data() + c * data_.d);
    });
    int64_t winner = 0;
    for (int64_t c = 1; c < count; ++c)
      if (exact[c] < exact[winner]) winner = c;
    return contenders[winner];
  }

  const Dataset<T> data_;  // a view: kept by value, the caller's may be a temporary
  const double* shift_;
  Screening<T> screening_;
  std::vector<double> closest_;  // n: squared distance to the nearest center chosen so far
};

// Running sums of a row value, in row order (the draws' shares laid end to end).
template <typename Fn>
void running_sums(int64_t n, Fn&& value, std::vector<double>& totals) {
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    sum += value(i);
    totals[static_cast<size_t>(i)] = sum;
  }
}

}  // namespace

template <typename T>
struct PlusPlusSteps<T>::State {
  Seeding<T> seeding;
};

template <typename T>
PlusPlusSteps<T>::PlusPlusSteps(const Dataset<T>& data, const double* shift, int threads, int64_t most_candidates)
    : state_(new State{Seeding<T>(data, shift, threads, most_candidates)}) {}

template <typename T>
PlusPlusSteps<T>::~PlusPlusSteps() = default;

template <typename T>
int64_t PlusPlusSteps<T>::choose(const int32_t* candidates, int64_t m, double* potential) {
  return state_->seeding.choose(candidates, m, potential);
}

template <typename T>
const double* PlusPlusSteps<T>::closest() const {
  return state_->seeding.closest().data();
}

template <typename T>
Status plus_plus(const Dataset<T>& data, const double* shift, int64_t k, int64_t trials, const double* uniforms,
                 int threads, const int32_t* cancel, int32_t* indices) {
  const int64_t n = data.n;
  const auto cancelled = [&] { return cancel && __atomic_load_n(cancel, __ATOMIC_RELAXED) != 0; };
  try {
    PlusPlusSteps<T> seeding(data, shift, threads, trials);
    std::vector<double> weight_totals(static_cast<size_t>(n)), totals(static_cast<size_t>(n));
    running_sums(n, [&](int64_t i) { return data.weight(i); }, weight_totals);
    const double total_weight = weight_totals.back();

    indices[0] = static_cast<int32_t>(draw_row(weight_totals, uniforms[0] * total_weight));
    double potential = 0;
    seeding.choose(indices, 1, &potential);
    std::vector<int32_t> candidates(static_cast<size_t>(trials));
    for (int64_t center = 1; center < k; ++center) {
      if (cancelled()) return Status::kCancelled;
      const double* closest = seeding.closest();
      running_sums(n, [&](int64_t i) { return data.weight(i) * closest[i]; }, totals);
      const double* u = uniforms + 1 + (center - 1) * trials;
      for (int64_t t = 0; t < trials; ++t) {
        // A potential of zero (every row of positive weight already on a center, to rounding):
        // any row of positive weight will do, drawn by weight as the first.
        candidates[t] = static_cast<int32_t>(potential > 0 ? draw_row(totals, u[t] * potential)
                                                           : draw_row(weight_totals, u[t] * total_weight));
      }
      indices[center] = candidates[seeding.choose(candidates.data(), trials, &potential)];
    }
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

template class PlusPlusSteps<float>;
template class PlusPlusSteps<double>;
template Status plus_plus<float>(const Dataset<float>&, const double*, int64_t, int64_t, const double*, int,
                                 const int32_t*, int32_t*);
template Status plus_plus<double>(const Dataset<double>&, const double*, int64_t, int64_t, const double*, int,
                                  const int32_t*, int32_t*);

}  // namespace kmn
