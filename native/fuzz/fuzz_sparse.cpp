// The sparse kernels under the fuzz target: sparse_assign, sparse_fit and sparse_plus_plus
// (kernels/sparse/) on CSR rows decoded from the input bytes. The kernels trust what the facade
// has checked, so the decoder builds only such input: row pointers (int32 or int64) from 0,
// never decreasing, ending at the entry count; column indices in [0, d), sorted or in any order
// and repeated; finite values whose sum per column (added in T in stored order, as the kernels
// hold a row) stays below the magnitude limit; 1 <= k <= n; weights >= 0 with a positive sum;
// for k-means++, the canonical rows (sorted, no repeats, in double) and k rows of positive weight.
//
// Invariants: every call returns kOk and leaves its inputs unchanged; labels in range, each at a
// center whose squared distance to the row, recomputed densely in long double, is the least
// within the rounding of the dense exact distance; the inertia within the rounding of the
// entry-wise sums; one thread and several give the same bits; the dense kernels on the rows laid
// out densely give the same labels but where their double distances tie, and, where the
// magnitudes span less than 2^20 (where the sparse values ||c||^2 - 2 x.c cannot separate
// centers that the dense distances tie), the same Lloyd fit bit for bit; sparse_plus_plus picks
// plus_plus's rows from the same uniforms.
#include "fuzz_sparse.hpp"

#include <algorithm>
#include <cfloat>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "driver.hpp"
#include "kernels/algorithms/plus_plus.hpp"
#include "kernels/algorithms/queries.hpp"
#include "kernels/common/dataset.hpp"
#include "kernels/common/tile_kernel.hpp"
#include "kernels/sparse/csr.hpp"
#include "kernels/sparse/sparse_fit.hpp"
#include "kernels/sparse/sparse_plus_plus.hpp"

namespace kmn::fuzz {
namespace {

template <typename T>
struct SparseProblem {
  int64_t n = 0, d = 0, k = 0;
  bool wide = false;                 // int64 row pointers
  std::vector<int64_t> starts;       // n+1
  std::vector<int32_t> indptr32;     // n+1, when !wide
  std::vector<int32_t> indices;      // nnz
  std::vector<T> values;             // nnz
  std::vector<double> weights;       // n, or empty for all ones
  std::vector<T> dense;              // n*d: the rows as the kernels hold them
  std::vector<T> init;               // k*d
  double limit = 0;                  // every |value| of `dense` and `init` is below it
  int threads = 2;
  int64_t max_iter = 1;
  double tol = 0;
  bool narrow = false;  // the nonzero magnitudes of values, rows and init span less than 2^20

  CsrRows<T> rows() const {
    CsrRows<T> r;
    r.indptr32 = wide ? nullptr : indptr32.data();
    r.indptr64 = wide ? starts.data() : nullptr;
    r.indices = indices.data();
    r.values = values.data();
    r.weights = weights.empty() ? nullptr : weights.data();
    r.n = n;
    r.d = d;
    return r;
  }
  Dataset<T> dense_data() const { return Dataset<T>{dense.data(), n, d, weights.empty() ? nullptr : weights.data()}; }
  double weight(int64_t i) const { return weights.empty() ? 1.0 : weights[i]; }
  int64_t entries(int64_t i) const { return starts[i + 1] - starts[i]; }
};

// A value from one of the families of fuzz_kernels.cpp's palette, below `top` in magnitude.
template <typename T>
T draw_value(ByteSource& bytes, int family, double top) {
  const uint8_t pick = bytes.byte();
  const double sign = pick & 0x80 ? -1.0 : 1.0;
  const int index = pick & 0x0f;
  static constexpr double kSmall[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 0.5, 0.25, 0.75, 1.5, 10, 100, 1024};
  static constexpr double kTiny[] = {1e-300, 1e-200, 1e-160, 1e-100, 1e-40, 1e-30, 1e-20, 1e-10};
  static constexpr double kHuge[] = {1, 0.75, 0.5, 0.999, 1.0 / 3, 0.9, 0.25, 0.0625};
  using L = std::numeric_limits<T>;
  switch (family) {
    case 0:
      return static_cast<T>(sign * kSmall[index]);
    case 1: {
      const double special[] = {static_cast<double>(L::denorm_min()), static_cast<double>(L::min()), 3e-8, 1e-5};
      return static_cast<T>(sign * (index < 4 ? special[index] : kTiny[index % 8]));
    }
    case 2:
      return static_cast<T>(sign * std::nextafter(top, 0.0) * kHuge[index % 8]);
    default:
      return static_cast<T>(sign * (static_cast<double>(bytes.below(2001)) - 1000) / 64);
  }
}

template <typename T>
SparseProblem<T> make_sparse_problem(ByteSource& bytes) {
  SparseProblem<T> p;
  p.n = 1 + bytes.below(bytes.chance(16) ? 1100 : 40);
  p.d = 1 + bytes.below(bytes.chance(24) ? 300 : 12);
  p.k = 1 + bytes.below(static_cast<uint32_t>(std::min<int64_t>(p.n, bytes.chance(32) ? 24 : 6)));
  p.wide = bytes.chance(128);
  p.threads = 2 + static_cast<int>(bytes.below(3));
  p.max_iter = 1 + bytes.below(bytes.chance(32) ? 60 : 8);
  double total = static_cast<double>(p.n);
  if (bytes.chance(96)) {
    static constexpr double kWeights[] = {0, 0.5, 1, 2, 3.5, 1e-3, 7, 1};
    p.weights.resize(static_cast<size_t>(p.n));
    for (double& w : p.weights) w = kWeights[bytes.below(8)];
    if (std::all_of(p.weights.begin(), p.weights.end(), [](double w) { return w == 0; })) p.weights[0] = 1;
    total = 0;
    for (const double w : p.weights) total += w;
  }
  // magnitudeLimit (src/matrix.ts) with the weights' total where it exceeds n.
  p.limit = std::sqrt(DBL_MAX / (4.0 * static_cast<double>(p.d) * std::max(static_cast<double>(p.n), total)));
  const double type_max = static_cast<double>(std::numeric_limits<T>::max());
  if (std::is_same_v<T, float> && p.limit > type_max) p.limit = type_max;
  const int family = static_cast<int>(bytes.below(5));  // 4: each value from any family
  const auto value = [&] {
    return draw_value<T>(bytes, family == 4 ? static_cast<int>(bytes.below(4)) : family, p.limit);
  };
  const bool sorted = bytes.chance(96);
  const uint32_t longest = static_cast<uint32_t>(std::min<int64_t>(2 * p.d + 1, 40));

  p.starts.push_back(0);
  p.dense.assign(static_cast<size_t>(p.n * p.d), T(0));
  std::vector<double> sums(static_cast<size_t>(p.d));
  for (int64_t i = 0; i < p.n; ++i) {
    const int64_t first = static_cast<int64_t>(p.indices.size());
    const uint32_t count = bytes.chance(48) ? 0 : bytes.below(longest + 1);
    for (uint32_t e = 0; e < count; ++e) {
      p.indices.push_back(static_cast<int32_t>(bytes.below(static_cast<uint32_t>(p.d))));
      p.values.push_back(value());
    }
    if (sorted) {  // columns increasing, without repeats
      std::sort(p.indices.begin() + first, p.indices.end());
      const auto last = std::unique(p.indices.begin() + first, p.indices.end());
      p.indices.erase(last, p.indices.end());
      p.values.resize(p.indices.size());
    }
    // The row as the kernels hold it; a column whose sum would be refused gets 0.5 in each entry.
    T* row = p.dense.data() + i * p.d;
    const int64_t stop = static_cast<int64_t>(p.indices.size());
    for (int pass = 0; pass < 2; ++pass) {
      std::fill(row, row + p.d, T(0));
      std::fill(sums.begin(), sums.end(), 0.0);
      for (int64_t e = first; e < stop; ++e) {
        row[p.indices[e]] += p.values[e];
        sums[p.indices[e]] += static_cast<double>(p.values[e]);
      }
      for (int64_t e = first; e < stop; ++e) {
        const int32_t f = p.indices[e];
        const bool legal = std::isfinite(row[f]) && std::fabs(static_cast<double>(row[f])) < p.limit &&
                           std::fabs(sums[f]) < p.limit;
        if (!legal) p.values[e] = T(0.5);
      }
    }
    p.starts.push_back(stop);
  }
  for (const int64_t s : p.starts) p.indptr32.push_back(static_cast<int32_t>(s));

  // Initial centers: rows (repeats possible), or fresh values.
  p.init.resize(static_cast<size_t>(p.k * p.d));
  const bool fresh = bytes.chance(64);
  for (int64_t j = 0; j < p.k; ++j) {
    const int64_t source = bytes.below(static_cast<uint32_t>(p.n));
    for (int64_t f = 0; f < p.d; ++f) {
      T c = fresh ? value() : p.dense[source * p.d + f];
      if (!(std::isfinite(c) && std::fabs(static_cast<double>(c)) < p.limit)) c = T(1);
      p.init[j * p.d + f] = c;
    }
  }
  double smallest = INFINITY, largest = 0, squares = 0;
  for (const std::vector<T>* list : {&p.values, &p.dense, &p.init}) {
    for (const T v : *list) {
      const double m = std::fabs(static_cast<double>(v));
      if (m == 0) continue;
      smallest = std::min(smallest, m);
      largest = std::max(largest, m);
    }
  }
  for (const T v : p.dense) squares += static_cast<double>(v) * static_cast<double>(v) / static_cast<double>(p.n * p.d);
  p.narrow = largest < smallest * 1048576.0;
  static constexpr double kTol[] = {0, 1e-6, 1e-2, 1};
  p.tol = kTol[bytes.below(4)] * (std::isfinite(squares) ? squares : 0);
  return p;
}

template <typename T>
void describe_sparse(const SparseProblem<T>& p) {
  char line[256];
  std::snprintf(line, sizeof line,
                "sparse %s n=%" PRId64 " d=%" PRId64 " k=%" PRId64 " nnz=%zu indptr=%s weights=%s threads=1,%d "
                "max_iter=%" PRId64 " tol=%.17g narrow=%d simd=%s",
                std::is_same_v<T, double> ? "float64" : "float32", p.n, p.d, p.k, p.values.size(),
                p.wide ? "int64" : "int32", p.weights.empty() ? "none" : "yes", p.threads, p.max_iter, p.tol,
                p.narrow, kmn::simd_name());
  g_problem = line;
}

// With KMEANS_NATIVE_FUZZ_DUMP set, the decoded problem goes to stderr (hexadecimal floating
// point: the rows as stored and as the kernels hold them, the initial centers, the weights).
template <typename T>
void dump_sparse(const SparseProblem<T>& p) {
  std::fprintf(stderr, "problem: %s\n", g_problem.c_str());
  for (int64_t i = 0; i < p.n; ++i) {
    std::fprintf(stderr, "row %" PRId64 " (weight %a):", i, p.weight(i));
    for (int64_t e = p.starts[i]; e < p.starts[i + 1]; ++e)
      std::fprintf(stderr, " %d:%a", p.indices[e], static_cast<double>(p.values[e]));
    std::fputs("\n  dense:", stderr);
    for (int64_t f = 0; f < p.d; ++f) std::fprintf(stderr, " %a", static_cast<double>(p.dense[i * p.d + f]));
    std::fputc('\n', stderr);
  }
  for (int64_t j = 0; j < p.k; ++j) {
    std::fprintf(stderr, "init %" PRId64 ":", j);
    for (int64_t f = 0; f < p.d; ++f) std::fprintf(stderr, " %a", static_cast<double>(p.init[j * p.d + f]));
    std::fputc('\n', stderr);
  }
}

// Row i's squared distance to center j, from the dense row, in long double.
template <typename T>
Exact exact_sq(const SparseProblem<T>& p, int64_t i, const T* centers, int64_t j) {
  Exact sum = 0;
  for (int64_t f = 0; f < p.d; ++f) {
    const Exact diff = static_cast<Exact>(p.dense[i * p.d + f]) - static_cast<Exact>(centers[j * p.d + f]);
    sum += diff * diff;
  }
  return sum;
}

// The rounding of the dense exact distance in double, with room for subnormal products.
template <typename T>
Exact tie_tolerance(const SparseProblem<T>& p, Exact a, Exact b) {
  return 4 * static_cast<Exact>(p.d + 8) * kEps * std::max(a, b) + 4 * static_cast<Exact>(p.d) * kDenormMin;
}

// Labels against `centers`: in range and nearest within the tie tolerance; where `dense_labels`
// (assign_nearest's) differ, the two tie; the (weighted) inertia within the rounding of the
// entry-wise sums, sum((x_f - c_f)^2 - c_f^2) + ||c||^2 over a row's e entries.
template <typename T>
void require_sparse_labels(const SparseProblem<T>& p, const T* centers, const int32_t* labels, double inertia,
                           const int32_t* dense_labels, const char* what) {
  Exact expected = 0, slack = 0;
  for (int64_t i = 0; i < p.n; ++i) {
    const int32_t label = labels[i];
    KMN_CHECK(label >= 0 && label < p.k, "%s: row %" PRId64 " has label %d with k=%" PRId64, what, i, label, p.k);
    const Exact chosen = exact_sq(p, i, centers, label);
    for (int64_t j = 0; j < p.k; ++j) {
      const Exact other = exact_sq(p, i, centers, j);
      KMN_CHECK(chosen <= other + tie_tolerance(p, chosen, other),
                "%s: row %" PRId64 " has label %d at %.17Lg, but center %" PRId64 " is at %.17Lg", what, i, label,
                chosen, j, other);
    }
    if (dense_labels != nullptr && dense_labels[i] != label) {
      const Exact dense = exact_sq(p, i, centers, dense_labels[i]);
      KMN_CHECK(std::fabs(chosen - dense) <= tie_tolerance(p, chosen, dense),
                "%s: row %" PRId64 " has label %d (%.17Lg), the dense one %d (%.17Lg), and they do not tie", what, i,
                label, chosen, dense_labels[i], dense);
    }
    Exact norm = 0;
    for (int64_t f = 0; f < p.d; ++f) norm += static_cast<Exact>(centers[label * p.d + f]) * centers[label * p.d + f];
    expected += p.weight(i) * chosen;
    slack += p.weight(i) * 4 * static_cast<Exact>(p.entries(i) + p.d + 8) * kEps * (chosen + 2 * norm);
  }
  slack += 4 * static_cast<Exact>(p.n) * kEps * expected + 16 * static_cast<Exact>(p.n * p.d) * kDenormMin;
  KMN_CHECK(std::isfinite(inertia) && std::fabs(static_cast<Exact>(inertia) - expected) <= slack,
            "%s: inertia %.17g, recomputed %.17Lg (slack %.3Lg)", what, inertia, expected, slack);
}

template <typename T>
void check_sparse_assign(const SparseProblem<T>& p, const std::vector<T>& centers, const char* what) {
  std::vector<int32_t> one(static_cast<size_t>(p.n), -7), several(static_cast<size_t>(p.n), -7);
  double inertia_one = 0, inertia_several = 0;
  require_ok(sparse_assign(p.rows(), centers.data(), p.k, 1, one.data(), &inertia_one), "sparse_assign");
  require_ok(sparse_assign(p.rows(), centers.data(), p.k, p.threads, several.data(), &inertia_several),
             "sparse_assign");
  require_same(one, several, "sparse_assign: labels on 1 thread and several");
  KMN_CHECK(same_bits(inertia_one, inertia_several), "sparse_assign: inertia %.17g on 1 thread, %.17g on several",
            inertia_one, inertia_several);
  std::vector<int32_t> dense(static_cast<size_t>(p.n));
  double dense_sum = 0;
  require_ok(assign_nearest(p.dense_data(), centers.data(), p.k, p.threads, false, dense.data(), nullptr, &dense_sum),
             "assign_nearest");
  require_sparse_labels(p, centers.data(), one.data(), inertia_one, dense.data(), what);
}

template <typename T>
void check_sparse_fit(const SparseProblem<T>& p) {
  SparseFitOptions options;
  options.max_iter = p.max_iter;
  options.tol = p.tol;
  SparseFitResult results[2];
  std::vector<T> centers[2] = {p.init, p.init};
  std::vector<int32_t> labels[2];
  for (int run = 0; run < 2; ++run) {
    options.threads = run == 0 ? 1 : p.threads;
    labels[run].assign(static_cast<size_t>(p.n), -7);
    require_ok(sparse_fit(p.rows(), p.k, centers[run].data(), labels[run].data(), options, &results[run]),
               "sparse_fit");
  }
  require_same(labels[0], labels[1], "sparse_fit: labels on 1 thread and several");
  require_same(centers[0], centers[1], "sparse_fit: centers on 1 thread and several");
  KMN_CHECK(results[0].n_iter == results[1].n_iter && results[0].converged == results[1].converged &&
                same_bits(results[0].inertia, results[1].inertia),
            "sparse_fit: 1 thread and several differ in n_iter, converged or inertia");
  const SparseFitResult& fit = results[0];
  KMN_CHECK(fit.n_iter >= 1 && fit.n_iter <= p.max_iter, "sparse_fit: n_iter %" PRId64, fit.n_iter);
  for (const T c : centers[0]) KMN_CHECK(std::isfinite(c), "sparse_fit: a center is %g", static_cast<double>(c));
  require_sparse_labels(p, centers[0].data(), labels[0].data(), fit.inertia, nullptr, "sparse_fit");
  check_sparse_assign(p, centers[0], "sparse_assign on the fitted centers");
  if (!p.narrow) return;
  std::vector<T> dense_centers = p.init;
  std::vector<int32_t> dense_labels(static_cast<size_t>(p.n));
  FitOptions dense_options;
  dense_options.max_iter = p.max_iter;
  dense_options.tol = p.tol;
  dense_options.threads = p.threads;
  FitResult dense;
  require_ok(fit_kmeans(p.dense_data(), p.k, dense_centers.data(), dense_labels.data(), dense_options, &dense),
             "fit_kmeans");
  require_same(labels[0], dense_labels, "sparse_fit and the dense Lloyd fit: labels");
  require_same(centers[0], dense_centers, "sparse_fit and the dense Lloyd fit: centers");
  KMN_CHECK(fit.n_iter == dense.n_iter && fit.converged == dense.converged,
            "sparse_fit: n_iter %" PRId64 " converged %d, the dense fit %" PRId64 " %d", fit.n_iter, fit.converged,
            dense.n_iter, dense.converged);
}

// The canonical rows in double (the facade's canonicalCsr): the dense rows' columns that have
// an entry, in order, with their values; squared norms summed in that order.
template <typename T>
void check_sparse_plus_plus(const SparseProblem<T>& p, ByteSource& bytes) {
  int64_t positive = 0;
  for (int64_t i = 0; i < p.n; ++i) positive += p.weight(i) > 0;
  if (positive < p.k) return;  // the facade refuses such a seeding
  std::vector<int64_t> starts{0};
  std::vector<int32_t> columns;
  std::vector<double> values, norms;
  std::vector<char> present(static_cast<size_t>(p.d));
  for (int64_t i = 0; i < p.n; ++i) {
    std::fill(present.begin(), present.end(), 0);
    for (int64_t e = p.starts[i]; e < p.starts[i + 1]; ++e) present[p.indices[e]] = 1;
    double norm = 0;
    for (int32_t f = 0; f < p.d; ++f) {
      if (!present[f]) continue;
      const double v = static_cast<double>(p.dense[i * p.d + f]);
      columns.push_back(f);
      values.push_back(v);
      norm += v * v;
    }
    norms.push_back(norm);
    starts.push_back(static_cast<int64_t>(columns.size()));
  }
  CsrRows<double> rows;
  rows.indptr64 = starts.data();
  rows.indices = columns.data();
  rows.values = values.data();
  rows.row_norms = norms.data();
  rows.weights = p.weights.empty() ? nullptr : p.weights.data();
  rows.n = p.n;
  rows.d = p.d;
  const int64_t trials = 2 + static_cast<int64_t>(std::log(static_cast<double>(p.k)));
  std::vector<double> uniforms(static_cast<size_t>(1 + (p.k - 1) * trials));
  for (double& u : uniforms) u = (static_cast<double>(bytes.below(65536)) * 65536 + bytes.below(65536)) / 4294967296.0;
  std::vector<int32_t> one(static_cast<size_t>(p.k), -7), several(static_cast<size_t>(p.k), -7);
  require_ok(sparse_plus_plus(rows, p.k, trials, uniforms.data(), 1, nullptr, one.data()), "sparse_plus_plus");
  require_ok(sparse_plus_plus(rows, p.k, trials, uniforms.data(), p.threads, nullptr, several.data()),
             "sparse_plus_plus");
  require_same(one, several, "sparse_plus_plus: rows on 1 thread and several");
  for (const int32_t row : one)
    KMN_CHECK(row >= 0 && row < p.n && p.weight(row) > 0, "sparse_plus_plus: row %d chosen", row);
  // plus_plus on the dense rows, shifted by the column means as the facade seeds.
  std::vector<double> shift(static_cast<size_t>(p.d), 0.0);
  for (int64_t i = 0; i < p.n; ++i)
    for (int64_t f = 0; f < p.d; ++f) shift[f] += static_cast<double>(p.dense[i * p.d + f]) / static_cast<double>(p.n);
  std::vector<int32_t> dense(static_cast<size_t>(p.k), -7);
  require_ok(plus_plus(p.dense_data(), shift.data(), p.k, trials, uniforms.data(), p.threads, nullptr, dense.data()),
             "plus_plus");
  require_same(one, dense, "sparse_plus_plus and plus_plus: the chosen rows");
}

template <typename T>
void check_sparse(ByteSource& bytes) {
  const SparseProblem<T> p = make_sparse_problem<T>(bytes);
  describe_sparse(p);
  if (std::getenv("KMEANS_NATIVE_FUZZ_DUMP") != nullptr) dump_sparse(p);
  const SparseProblem<T> copy = p;
  check_sparse_assign(p, p.init, "sparse_assign on the initial centers");
  check_sparse_fit(p);
  check_sparse_plus_plus(p, bytes);
  require_same(p.indices, copy.indices, "the column indices changed");
  require_same(p.values, copy.values, "the values changed");
  require_same(p.starts, copy.starts, "the row pointers changed");
  require_same(p.indptr32, copy.indptr32, "the row pointers changed");
  require_same(p.weights, copy.weights, "the weights changed");
  require_same(p.init, copy.init, "the initial centers changed");
}

}  // namespace

void check_sparse_problem(ByteSource& bytes, bool float32) {
  if (float32) {
    check_sparse<float>(bytes);
  } else {
    check_sparse<double>(bytes);
  }
}

}  // namespace kmn::fuzz
