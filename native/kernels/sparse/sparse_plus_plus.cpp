#include "sparse_plus_plus.hpp"

#include <cstdint>
#include <limits>
#include <new>
#include <vector>

#include "../common/block_partials.hpp"
#include "../common/chunking.hpp"

namespace kmn {
namespace {

// The dense exact squared distance between canonical rows a and b (see the header).
template <typename T>
double lane_distance(const CsrRows<T>& rows, int64_t a, int64_t b) {
  double lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t p = rows.begin(a), q = rows.begin(b);
  const int64_t p_end = rows.end(a), q_end = rows.end(b);
  constexpr int32_t kPast = std::numeric_limits<int32_t>::max();
  while (p < p_end || q < q_end) {
    const int32_t cp = p < p_end ? rows.indices[p] : kPast;
    const int32_t cq = q < q_end ? rows.indices[q] : kPast;
    double diff = 0;
    int32_t column = 0;
    if (cp == cq) {
      diff = static_cast<double>(rows.values[p++]) - static_cast<double>(rows.values[q++]);
      column = cp;
    } else if (cp < cq) {
      diff = static_cast<double>(rows.values[p++]);
      column = cp;
    } else {
      diff = -static_cast<double>(rows.values[q++]);
      column = cq;
    }
    lanes[column & 7] += diff * diff;
  }
  double total = 0;
  for (const double lane : lanes) total += lane;
  return total;
}

// plus_plus.cpp's draw: the first row whose running total exceeds the target (a share of zero
// is never drawn), at most n - 1.
int64_t draw_row(const std::vector<double>& totals, double target) {
  int64_t lo = 0, hi = static_cast<int64_t>(totals.size()) - 1;
  while (lo < hi) {
    const int64_t mid = (lo + hi) / 2;
    if (totals[mid] <= target) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  while (lo > 0 && totals[lo] == totals[lo - 1]) --lo;
  return lo;
}

template <typename T>
class SparseSeeding {
 public:
  SparseSeeding(const CsrRows<T>& rows, int threads)
      : rows_(rows), plan_(BlockPlan::make(rows.n)),
        threads_(effective_threads(threads, plan_, 4 * (rows.nnz() / (rows.n > 0 ? rows.n : 1) + 1))),
        scattered_(static_cast<size_t>(rows.d), 0.0) {}

  // Each row's min(closest, distance to `candidate`) into `terms`; returns the blocked sum of
  // weight times that.
  double terms_for(int64_t candidate, const std::vector<double>& closest, std::vector<double>& terms) {
    const int64_t first = rows_.begin(candidate), last = rows_.end(candidate);
    for (int64_t e = first; e < last; ++e) scattered_[rows_.indices[e]] = static_cast<double>(rows_.values[e]);
    const double candidate_norm = rows_.row_norms[candidate];
    const double candidate_entries = static_cast<double>(last - first);
    constexpr double u = std::numeric_limits<double>::epsilon() / 2;
    partials_.reset(plan_.n_blocks, 1);
    parallel_for_blocks(plan_, threads_, [&](int64_t b, int) {
      double partial = 0;
      for_each_chunk_in_block(plan_, b, [&](int64_t, int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
          const double term = closest[i];
          double dot = 0;
          const int64_t row_first = rows_.begin(i), row_end = rows_.end(i);
          for (int64_t e = row_first; e < row_end; ++e)
            dot += static_cast<double>(rows_.values[e]) * scattered_[rows_.indices[e]];
          const double scale = rows_.row_norms[i] + candidate_norm;
          const double estimate = scale - 2 * dot;
          const double margin = 8 * (static_cast<double>(row_end - row_first) + candidate_entries + 5) * u * scale;
          if (estimate - margin >= term) {
            terms[i] = term;
          } else {
            const double distance = lane_distance(rows_, i, candidate);
            terms[i] = distance < term ? distance : term;
          }
          partial += rows_.weight(i) * terms[i];
        }
      });
      *partials_.block(b) = partial;
    });
    for (int64_t e = first; e < last; ++e) scattered_[rows_.indices[e]] = 0;
    double potential = 0;
    partials_.merge(&potential, 1);
    return potential;
  }

 private:
  const CsrRows<T> rows_;
  BlockPlan plan_;
  int threads_;
  std::vector<double> scattered_;  // d: the candidate's values, zero elsewhere
  BlockPartials partials_;
};

// Running sums of a row value, in row order.
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
Status sparse_plus_plus(const CsrRows<T>& rows, int64_t k, int64_t trials, const double* uniforms, int threads,
                        const int32_t* cancel, int32_t* chosen) {
  const int64_t n = rows.n;
  const auto cancelled = [&] { return cancel && __atomic_load_n(cancel, __ATOMIC_RELAXED) != 0; };
  try {
    SparseSeeding<T> seeding(rows, threads);
    const size_t size = static_cast<size_t>(n);
    std::vector<double> weight_totals(size), totals(size), closest(size, std::numeric_limits<double>::infinity());
    std::vector<double> terms(size), best_terms(size);
    running_sums(n, [&](int64_t i) { return rows.weight(i); }, weight_totals);
    const double total_weight = weight_totals.back();

    chosen[0] = static_cast<int32_t>(draw_row(weight_totals, uniforms[0] * total_weight));
    double potential = seeding.terms_for(chosen[0], closest, terms);
    closest.swap(terms);
    std::vector<int32_t> candidates(static_cast<size_t>(trials));
    for (int64_t center = 1; center < k; ++center) {
      if (cancelled()) return Status::kCancelled;
      running_sums(n, [&](int64_t i) { return rows.weight(i) * closest[i]; }, totals);
      const double* u = uniforms + 1 + (center - 1) * trials;
      for (int64_t t = 0; t < trials; ++t) {
        // A potential of zero: any row of positive weight, drawn by weight as the first.
        candidates[t] = static_cast<int32_t>(potential > 0 ? draw_row(totals, u[t] * potential)
                                                           : draw_row(weight_totals, u[t] * total_weight));
      }
      int64_t best = -1;
      double best_potential = 0;
      for (int64_t t = 0; t < trials; ++t) {
        const double trial = seeding.terms_for(candidates[t], closest, terms);
        if (best < 0 || trial < best_potential) {
          best = t;
          best_potential = trial;
          best_terms.swap(terms);
        }
      }
      closest.swap(best_terms);
      potential = best_potential;
      chosen[center] = candidates[best];
    }
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

template Status sparse_plus_plus<float>(const CsrRows<float>&, int64_t, int64_t, const double*, int, const int32_t*,
                                        int32_t*);
template Status sparse_plus_plus<double>(const CsrRows<double>&, int64_t, int64_t, const double*, int,
                                         const int32_t*, int32_t*);

}  // namespace kmn
