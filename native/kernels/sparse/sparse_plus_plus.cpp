#include "sparse_plus_plus.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <new>
#include <vector>

#include "../common/block_partials.hpp"
#include "../common/chunking.hpp"
#include "../common/draw_row.hpp"

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

// The most bytes the scattered candidates may take, and the most candidates per pass (bits of a
// column's mask): up to that many of a step's trials are screened in one pass over the rows.
constexpr int64_t kScatterBudgetBytes = int64_t{64} << 20;
constexpr int64_t kMaskBits = 16;

template <typename T>
class SparseSeeding {
 public:
  SparseSeeding(const CsrRows<T>& rows, int64_t trials, int threads)
      : rows_(rows), plan_(BlockPlan::make(rows.n)),
        threads_(effective_threads(threads, plan_, 4 * trials * (rows.nnz() / (rows.n > 0 ? rows.n : 1) + 1))),
        group_(std::max<int64_t>(
            1, std::min({trials, kMaskBits, kScatterBudgetBytes / 8 / std::max<int64_t>(1, rows.d)}))),
        scattered_(static_cast<size_t>(rows.d * group_), 0.0),
        masks_(static_cast<size_t>(rows.d), 0),
        dots_(static_cast<size_t>(threads_ * group_)) {}

  // The potential each candidate would leave (the blocked sum of weight times each row's
  // min(closest, distance to it)), for `count` candidates, group_ of them per pass over the rows.
  void potentials_for(const int32_t* candidates, int64_t count, const std::vector<double>& closest,
                      double* potentials) {
    for (int64_t g0 = 0; g0 < count; g0 += group_) {
      const int64_t m = std::min(group_, count - g0);
      pass(candidates + g0, m, closest, nullptr);
      partials_.merge(potentials + g0, 1);
    }
  }

  // Each row's min(closest, distance to `candidate`) into `terms`; returns their potential.
  double terms_for(int32_t candidate, const std::vector<double>& closest, std::vector<double>& terms) {
    pass(&candidate, 1, closest, terms.data());
    double potential = 0;
    partials_.merge(&potential, 1);
    return potential;
  }

 private:
  // One pass over the rows against m candidates scattered side by side (column f of candidate t
  // at f * m + t, and bit t of masks_[f] set): a row's entry costs a look at its column's mask
  // (d small values, which stay in cache where d doubles per candidate would not), and a product
  // only for a candidate holding that column. Each dot product is summed in entry order.
  void pass(const int32_t* candidates, int64_t m, const std::vector<double>& closest, double* terms) {
    for (int64_t t = 0; t < m; ++t)
      for (int64_t e = rows_.begin(candidates[t]); e < rows_.end(candidates[t]); ++e) {
        scattered_[static_cast<size_t>(rows_.indices[e] * m + t)] = static_cast<double>(rows_.values[e]);
        masks_[static_cast<size_t>(rows_.indices[e])] |= static_cast<uint16_t>(1u << t);
      }
    constexpr double u = std::numeric_limits<double>::epsilon() / 2;
    partials_.reset(plan_.n_blocks, m);
    parallel_for_blocks(plan_, threads_, [&](int64_t b, int thread) {
      double* partial = partials_.block(b);
      double* dots = dots_.data() + thread * group_;
      for_each_chunk_in_block(plan_, b, [&](int64_t, int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
          const int64_t row_first = rows_.begin(i), row_end = rows_.end(i);
          std::fill(dots, dots + m, 0.0);
          for (int64_t e = row_first; e < row_end; ++e) {
            const uint32_t mask = masks_[static_cast<size_t>(rows_.indices[e])];
            if (mask == 0) continue;
            const double value = static_cast<double>(rows_.values[e]);
            const double* column = scattered_.data() + static_cast<int64_t>(rows_.indices[e]) * m;
            for (int64_t t = 0; t < m; ++t)
              if ((mask >> t) & 1u) dots[t] += value * column[t];
          }
          for (int64_t t = 0; t < m; ++t) {
            const int64_t candidate = candidates[t];
            const double candidate_entries = static_cast<double>(rows_.end(candidate) - rows_.begin(candidate));
            const double term = closest[i];
            const double scale = rows_.row_norms[i] + rows_.row_norms[candidate];
            const double estimate = scale - 2 * dots[t];
            const double margin = 8 * (static_cast<double>(row_end - row_first) + candidate_entries + 5) * u * scale;
            double kept = term;
            if (!(estimate - margin >= term)) {
              const double distance = lane_distance(rows_, i, candidate);
              if (distance < term) kept = distance;
            }
            if (terms != nullptr) terms[i] = kept;
            partial[t] += rows_.weight(i) * kept;
          }
        }
      });
    });
    for (int64_t t = 0; t < m; ++t)
      for (int64_t e = rows_.begin(candidates[t]); e < rows_.end(candidates[t]); ++e) {
        scattered_[static_cast<size_t>(rows_.indices[e] * m + t)] = 0;
        masks_[static_cast<size_t>(rows_.indices[e])] = 0;
      }
  }

  const CsrRows<T> rows_;
  BlockPlan plan_;
  int threads_;
  int64_t group_;                  // candidates screened per pass
  std::vector<double> scattered_;  // d * group_: the candidates' values, zero elsewhere
  std::vector<uint16_t> masks_;    // d: which candidates hold each column
  std::vector<double> dots_;       // group_ per thread
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
    SparseSeeding<T> seeding(rows, trials, threads);
    const size_t size = static_cast<size_t>(n);
    std::vector<double> weight_totals(size), totals(size), closest(size, std::numeric_limits<double>::infinity());
    std::vector<double> terms(size);
    running_sums(n, [&](int64_t i) { return rows.weight(i); }, weight_totals);
    const double total_weight = weight_totals.back();

    chosen[0] = static_cast<int32_t>(draw_row(weight_totals, uniforms[0] * total_weight));
    double potential = seeding.terms_for(chosen[0], closest, terms);
    closest.swap(terms);
    std::vector<int32_t> candidates(static_cast<size_t>(trials));
    std::vector<double> potentials(static_cast<size_t>(trials));
    for (int64_t center = 1; center < k; ++center) {
      if (cancelled()) return Status::kCancelled;
      running_sums(n, [&](int64_t i) { return rows.weight(i) * closest[i]; }, totals);
      const double* u = uniforms + 1 + (center - 1) * trials;
      for (int64_t t = 0; t < trials; ++t) {
        // A potential of zero: any row of positive weight, drawn by weight as the first.
        candidates[t] = static_cast<int32_t>(potential > 0 ? draw_row(totals, u[t] * potential)
                                                           : draw_row(weight_totals, u[t] * total_weight));
      }
      // The candidate of lowest potential (the first on a tie); then its terms become the
      // closest distances.
      seeding.potentials_for(candidates.data(), trials, closest, potentials.data());
      int64_t best = 0;
      for (int64_t t = 1; t < trials; ++t)
        if (potentials[t] < potentials[best]) best = t;
      seeding.terms_for(candidates[best], closest, terms);
      closest.swap(terms);
      potential = potentials[best];
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
