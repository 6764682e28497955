// A libFuzzer target for the native entry points: fit_kmeans (driver.hpp) with each algorithm,
// and the kernels behind the addon's other exports: assign_nearest, cluster_means, transform,
// column_stats, first_out_of_range, unit_rows, whiten, the covariance of kmeans2's Gaussian start,
// plus_plus (and its steps), seed_centers and minibatch_step; and, for a quarter of the inputs,
// the sparse kernels (fuzz_sparse.cpp).
//
// The input bytes are decoded into a problem that meets every precondition the TypeScript
// facade checks before it calls the addon: finite values; float64 magnitudes below
// sqrt(DBL_MAX / (4 n d)) (magnitudeLimit in src/matrix.ts; float32 has no such limit), and
// any magnitude below sqrt(DBL_MAX / (4 d W)) when the weights add up to W > n; 1 <= k <= n; sample weights finite and
// >= 0 with a positive finite sum; unit rows and unit initial centers for the cosine metric; mixed precision for
// float64 data only; labels, row indices and candidates in range. Inputs outside those are the facade's to refuse.
// Within them, every call must return Status::kOk and meet the invariants checked below: labels in range, finite
// results, Hamerly and Elkan bit for bit equal to Lloyd, one thread bit for bit equal to several, mixed precision equal
// to full precision, inputs marked IN unchanged, and results that agree with a direct recomputation in long double
// within a stated tolerance. A violation prints what failed (and the problem) to stderr and aborts, so that the fuzzer
// keeps the input.
//
// Decoding: the first bytes choose the shape (n, d, k), the dtype and the options; the next
// ones the values, the weights and the initial centers, from palettes that stress the kernels
// (ValuePalette). Once the input runs out, bytes come from splitmix64 seeded with a hash of
// the input, so that even a short input describes a whole problem.
#include <algorithm>
#include <cfloat>
#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "driver.hpp"
#include "kernels/algorithms/algorithms.hpp"
#include "kernels/algorithms/queries.hpp"
#include "kernels/algorithms/minibatch.hpp"
#include "kernels/algorithms/plus_plus.hpp"
#include "kernels/algorithms/seeding.hpp"
#include "kernels/common/random.hpp"
#include "kernels/common/covariance.hpp"
#include "kernels/common/reductions.hpp"
#include "kernels/common/tile_kernel.hpp"
#include "fuzz_sparse.hpp"
#include "fuzz_support.hpp"

namespace {

using kmn::Dataset;
using kmn::Status;
using namespace kmn::fuzz;  // fuzz_support.hpp: failure reports, comparisons, the input bytes


// --- Problems ------------------------------------------------------------------------------

enum class Family { kSmall, kTiny, kHuge, kFloatEdge, kOffset, kMixed };
constexpr const char* kFamilyNames[] = {"small", "tiny", "huge", "float-edge", "offset", "mixed"};

enum class InitMode { kDistinctRows, kAnyRows, kFresh, kMirrored };
constexpr const char* kInitNames[] = {"distinct-rows", "any-rows", "fresh", "mirrored"};

template <typename T>
struct Problem {
  int64_t n = 0, d = 0, k = 0;
  std::vector<T> x;             // n*d, row-major
  std::vector<double> weights;  // n, or empty for all ones
  std::vector<T> init;          // k*d: the initial centers
  double limit = 0;             // every |value| is below it (the facade's magnitude limit)
  bool mixed = false;           // float64 only: distances in float, near-ties re-checked
  bool spherical = false;       // cosine k-means: rows and initial centers of unit length
  int threads = 2;              // the thread count compared with one thread
  int64_t max_iter = 1;
  double tol = 0;  // absolute, as the facade passes it
  Family family = Family::kSmall;
  InitMode init_mode = InitMode::kDistinctRows;

  Dataset<T> data() const { return Dataset<T>{x.data(), n, d, weights.empty() ? nullptr : weights.data()}; }
  double weight(int64_t i) const { return weights.empty() ? 1.0 : weights[i]; }
  double max_weight() const { return weights.empty() ? 1.0 : *std::max_element(weights.begin(), weights.end()); }
  const T* row(int64_t i) const { return x.data() + i * d; }
};

template <typename T>
constexpr const char* dtype_name() {
  return std::is_same_v<T, double> ? "float64" : "float32";
}

template <typename T>
void describe(const Problem<T>& p) {
  char line[320];
  std::snprintf(line, sizeof line,
                "%s n=%" PRId64 " d=%" PRId64 " k=%" PRId64
                " values=%s init=%s weights=%s mixed=%d spherical=%d "
                "threads=1,%d max_iter=%" PRId64 " tol=%.17g simd=%s",
                dtype_name<T>(), p.n, p.d, p.k, kFamilyNames[static_cast<int>(p.family)],
                kInitNames[static_cast<int>(p.init_mode)], p.weights.empty() ? "none" : "yes", p.mixed, p.spherical,
                p.threads, p.max_iter, p.tol, kmn::simd_name());
  g_problem = line;
}

// Values that stress the kernels, all within the facade's limits:
//  - small: small integers and halves, so that distances are exact and ties, duplicates and
//    exactly equidistant points are common (with -0 for zero);
//  - tiny: subnormal and near-subnormal values, whose squares underflow;
//  - huge: values just below the magnitude limit (float64) or near the largest float (float32);
//  - float-edge: values whose squares overflow float (about 1.8e19 and up), which the float
//    kernels (float32 data, and float64 data in mixed precision) must hand to the exact check;
//  - offset: a large offset per column with a spread of a few units in the last place;
//  - mixed: each value from any of the above.
template <typename T>
class ValuePalette {
 public:
  ValuePalette(ByteSource& bytes, Family family, int64_t d, double limit)
      : bytes_(bytes), family_(family), limit_(limit) {
    if (family == Family::kOffset || family == Family::kMixed) {
      // Bases below the limit, so that base + a few units stays legal.
      static constexpr double kBases[] = {1e6,  3e7,  16777216.0, 1e8,  1e12,  9007199254740992.0,
                                          1e15, 1e17, 1e30,       1e38, 1e100, 1e150};
      for (int64_t f = 0; f < d; ++f) {
        double base = kBases[bytes.below(std::size(kBases))];
        while (!(base < limit_ / 4 && base < static_cast<double>(std::numeric_limits<T>::max()) / 4)) base /= 1e6;
        if (bytes.chance(64)) base = -base;
        const T rounded = static_cast<T>(base);
        const T ulp = std::nextafter(rounded, std::numeric_limits<T>::infinity()) - rounded;
        offset_.push_back(rounded);
        unit_.push_back(static_cast<T>(ulp * static_cast<T>(1 << bytes.below(5))));
      }
    }
  }

  T next(int64_t column) {
    const Family family = family_ == Family::kMixed ? static_cast<Family>(bytes_.below(5)) : family_;
    const T value = draw(family, column);
    return legal(value) ? value : T(1);
  }

  bool legal(T value) const { return std::isfinite(value) && std::fabs(static_cast<double>(value)) < limit_; }

 private:
  T draw(Family family, int64_t column) {
    const uint8_t pick = bytes_.byte();
    const bool negative = pick & 0x80;
    const int index = pick & 0x0f;
    double magnitude = 0;
    switch (family) {
      case Family::kSmall: {
        static constexpr double kSmall[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 0.5, 0.25, 0.75, 1.5, 10, 100, 1024};
        magnitude = kSmall[index];
        break;
      }
      case Family::kTiny: {
        using L = std::numeric_limits<T>;
        const double denorm = static_cast<double>(L::denorm_min()), normal = static_cast<double>(L::min());
        // The edges of the subnormal range, then values whose squares (or products) fall below
        // T's normal range.
        const double kTinyDouble[] = {1e-300, 1e-200, 1e-160, 1.5e-154, 1e-154, 1e-100, 1e-20, 0.0};
        const double kTinyFloat[] = {1e-37, 1e-30, 1e-25, 1.1e-19, 1e-19, 1e-12, 1e-5, 0.0};
        const double kSpecial[] = {denorm, 2 * denorm,   3 * denorm, 1000 * denorm,
                                   normal, 1.5 * normal, normal / 2, normal * 1024};
        magnitude = index < 8                   ? kSpecial[index]
                    : std::is_same_v<T, double> ? kTinyDouble[index - 8]
                                                : kTinyFloat[index - 8];
        break;
      }
      case Family::kHuge: {
        static constexpr double kFactors[] = {1, 0.75,    0.5, 0.999, 1.0 / 3, 0.9, 0.25, 0.0625,
                                              1, 0.99999, 0.5, 0.125, 1e-3,    0.6, 0.3,  1e-10};
        const double top = std::is_same_v<T, double> ? std::nextafter(limit_, 0.0)
                                                     : static_cast<double>(std::numeric_limits<float>::max());
        magnitude = top * kFactors[index];
        break;
      }
      case Family::kFloatEdge: {
        const double flt_max = static_cast<double>(std::numeric_limits<float>::max());
        // Beyond the largest float only for float64 data (in mixed precision they become inf).
        const double beyond = std::is_same_v<T, double> ? 2 * flt_max : flt_max;
        const double kEdge[] = {8e18, 1e19,        1.5e19,  18446744073709551616.0, 2e19, 3e19, 1e20,   1e25,
                                1e30, flt_max / 2, flt_max, std::sqrt(flt_max),     4e19, 6e18, beyond, 1e39};
        magnitude = kEdge[index];
        if (!std::is_same_v<T, double> && magnitude > flt_max) magnitude = flt_max;
        break;
      }
      case Family::kOffset:
      case Family::kMixed: {
        const int steps = static_cast<int>(pick % 17) - 8;
        return static_cast<T>(offset_[column] + static_cast<T>(steps) * unit_[column]);
      }
    }
    const T value = static_cast<T>(magnitude);
    return negative ? -value : value;
  }

  ByteSource& bytes_;
  Family family_;
  double limit_;
  std::vector<T> offset_, unit_;  // d each (offset family)
};

// Scales rows to unit length with unit_rows, as metricRows does, and checks the kernel: the
// first row of length zero is the first whose components are all zero, the others come out
// with unit length, and one thread gives the same bits as several. Returns false (as the
// facade, which then refuses the data) when some row has length zero.
template <typename T>
bool unit_rows_checked(const std::vector<T>& rows /* IN m*d */, int64_t m, int64_t d, int threads,
                       std::vector<T>* out /* OUT m*d */) {
  const Dataset<T> data{rows.data(), m, d, nullptr};
  const std::vector<T> before = rows;
  std::vector<T> many(rows.size());
  out->assign(rows.size(), T(0));
  int64_t zero_row = -2, zero_row_many = -2;
  require_ok(kmn::unit_rows(data, 1, out->data(), &zero_row), "unit_rows");
  require_ok(kmn::unit_rows(data, threads, many.data(), &zero_row_many), "unit_rows (threads)");
  require_same(*out, many, "unit_rows: 1 thread vs several");
  KMN_CHECK(zero_row == zero_row_many, "unit_rows: zero_row %" PRId64 " on 1 thread, %" PRId64 " on several", zero_row,
            zero_row_many);
  require_same(rows, before, "unit_rows modified its input x");
  int64_t first_zero = -1;
  const Exact tolerance = 4 * static_cast<Exact>(d + 2) * std::numeric_limits<T>::epsilon();
  for (int64_t i = 0; i < m; ++i) {
    const T* row = rows.data() + i * d;
    const T* unit = out->data() + i * d;
    const bool zero = std::all_of(row, row + d, [](T v) { return v == 0; });
    if (zero) {
      if (first_zero < 0) first_zero = i;
      KMN_CHECK(std::memcmp(row, unit, static_cast<size_t>(d) * sizeof(T)) == 0,
                "unit_rows: zero row %" PRId64 " was not copied unchanged", i);
      continue;
    }
    Exact norm = 0;
    for (int64_t f = 0; f < d; ++f) norm += static_cast<Exact>(unit[f]) * unit[f];
    KMN_CHECK(std::fabs(norm - 1) <= tolerance,
              "unit_rows: row %" PRId64
              " (first value %.17g, largest |value| %.17g) has squared length %.17Lg after "
              "scaling, not 1 within %.3Lg",
              i, static_cast<double>(row[0]),
              static_cast<double>(
                  std::fabs(*std::max_element(row, row + d, [](T a, T b) { return std::fabs(a) < std::fabs(b); }))),
              norm, tolerance);
  }
  KMN_CHECK(zero_row == first_zero,
            "unit_rows: zero_row is %" PRId64 " but the first row whose values are all zero is %" PRId64
            " (row %" PRId64 " starts with %.17g)",
            zero_row, first_zero, zero_row, zero_row >= 0 ? static_cast<double>(rows[zero_row * d]) : 0.0);
  return zero_row < 0;
}

template <typename T>
Problem<T> make_problem(ByteSource& bytes) {
  Problem<T> p;
  const uint8_t shape = bytes.byte();
  // Mostly one or two chunks of 256 rows; one input in eight spans three or four, so that the
  // block partials are merged over several threads.
  p.n = shape % 8 == 7 ? 257 + bytes.below(544) : 1 + bytes.below(300);
  // One input in eight has rows wide enough for the wide-row kernel (128 features and more).
  p.d = shape % 8 == 3 ? 100 + bytes.below(240) : 1 + bytes.below(24);
  p.k = 1 + bytes.below(static_cast<uint32_t>(std::min<int64_t>(p.n, 20)));
  const uint8_t options = bytes.byte();
  p.mixed = std::is_same_v<T, double> && (options & 1);
  p.spherical = (options & 6) == 6;
  const bool weighted = options & 8;
  p.threads = 2 + (options >> 4) % 2;
  p.family = static_cast<Family>(bytes.below(6));
  p.init_mode = static_cast<InitMode>(bytes.below(4));
  p.max_iter = 1 + bytes.below(30);

  if (weighted) {
    static constexpr double kWeights[] = {0, 1, 2, 0.5, 3, 0.25, 1e-3, 10, 1000, 1e-300, kDenormMin, 0, 1, 1, 7, 0.1};
    p.weights.resize(static_cast<size_t>(p.n));
    const bool sparse = bytes.chance(64);  // most weights zero
    for (double& w : p.weights) w = sparse && bytes.chance(200) ? 0.0 : kWeights[bytes.byte() & 0x0f];
    if (!std::any_of(p.weights.begin(), p.weights.end(), [](double w) { return w > 0; })) p.weights[0] = 1;
  }

  // The facade's magnitudeLimit: sqrt(Number.MAX_VALUE / (4 * cols * rows)) for float64; and,
  // for either dtype, sqrt(Number.MAX_VALUE / (4 * cols * W)) when the weights add up to W > n.
  p.limit = std::is_same_v<T, double> ? std::sqrt(DBL_MAX / (4.0 * static_cast<double>(p.d) * static_cast<double>(p.n)))
                                      : std::numeric_limits<double>::infinity();
  double total_weight = 0;
  for (const double w : p.weights) total_weight += w;
  if (total_weight > static_cast<double>(p.n))
    p.limit = std::min(p.limit, std::sqrt(DBL_MAX / (4.0 * static_cast<double>(p.d) * total_weight)));

  ValuePalette<T> palette(bytes, p.family, p.d, p.limit);
  p.x.resize(static_cast<size_t>(p.n * p.d));
  for (int64_t i = 0; i < p.n; ++i) {
    T* row = p.x.data() + i * p.d;
    const uint8_t kind = bytes.byte();
    if (i > 0 && kind % 8 < 2) {
      // A duplicate of an earlier row, or (one in two) a near-duplicate with one value redrawn.
      const T* source = p.row(static_cast<int64_t>(bytes.below(static_cast<uint32_t>(i))));
      std::copy(source, source + p.d, row);
      if (kind % 8 == 1) {
        const int64_t f = bytes.below(static_cast<uint32_t>(p.d));
        row[f] = palette.next(f);
      }
    } else {
      for (int64_t f = 0; f < p.d; ++f) row[f] = palette.next(f);
    }
  }

  describe(p);
  if (p.spherical) {
    std::vector<T> unit;
    if (unit_rows_checked(p.x, p.n, p.d, p.threads, &unit)) {
      p.x = unit;
    } else {
      p.spherical = false;  // the facade refuses zero rows under the cosine metric
    }
  }

  // Initial centers: rows of x (as k-means++ and random init give), fresh values (an explicit
  // init), or pairs mirrored about a row, so that the row is exactly equidistant from both.
  p.init.resize(static_cast<size_t>(p.k * p.d));
  std::vector<int64_t> order(static_cast<size_t>(p.n));
  for (int64_t i = 0; i < p.n; ++i) order[i] = i;
  for (int64_t j = 0; j < p.k; ++j) {
    T* center = p.init.data() + j * p.d;
    int64_t source = bytes.below(static_cast<uint32_t>(p.n));
    if (p.init_mode == InitMode::kDistinctRows) {
      // A partial Fisher-Yates shuffle: k different rows.
      const int64_t pick = j + bytes.below(static_cast<uint32_t>(p.n - j));
      std::swap(order[j], order[pick]);
      source = order[j];
    }
    std::copy(p.row(source), p.row(source) + p.d, center);
    if (p.init_mode == InitMode::kFresh) {
      for (int64_t f = 0; f < p.d; ++f) center[f] = palette.next(f);
    } else if (p.init_mode == InitMode::kMirrored && j % 2 == 1) {
      const T* pivot = p.row(source);
      const T* previous = center - p.d;
      bool ok = true;
      for (int64_t f = 0; f < p.d; ++f) {
        center[f] = static_cast<T>(2 * pivot[f] - previous[f]);
        ok = ok && palette.legal(center[f]);
      }
      if (!ok) std::copy(pivot, pivot + p.d, center);
    }
  }
  if (p.spherical && (p.init_mode == InitMode::kFresh || p.init_mode == InitMode::kMirrored)) {
    // An explicit init goes through metricRows too; a zero center (which the facade refuses)
    // is replaced by a row.
    std::vector<T> unit;
    unit_rows_checked(p.init, p.k, p.d, p.threads, &unit);
    for (int64_t j = 0; j < p.k; ++j) {
      T* center = unit.data() + j * p.d;
      if (std::all_of(center, center + p.d, [](T v) { return v == 0; })) std::copy(p.row(j), p.row(j) + p.d, center);
    }
    p.init = unit;
  }
  return p;
}

// --- Exact recomputations ------------------------------------------------------------------

template <typename T>
Exact exact_sq(const T* a /* IN d */, const T* b /* IN d */, int64_t d) {
  Exact sum = 0;
  for (int64_t f = 0; f < d; ++f) {
    const Exact diff = static_cast<Exact>(a[f]) - static_cast<Exact>(b[f]);
    sum += diff * diff;
  }
  return sum;
}

// The squared distance in double, with whether every operation was exact (error-free
// transforms: the rounding error of each difference, square and sum is computed and must be
// zero), so that equal values mean an exact tie.
template <typename T>
double sq_if_exact(const T* a /* IN d */, const T* b /* IN d */, int64_t d, bool* exact) {
  double sum = 0;
  *exact = true;
  for (int64_t f = 0; f < d; ++f) {
    const double u = a[f], v = -static_cast<double>(b[f]);
    const double diff = u + v;
    const double back = diff - u;
    if ((u - (diff - back)) + (v - back) != 0) *exact = false;
    const double square = diff * diff;
    // Below this the square may have lost bits to the subnormal range, which fma cannot see.
    if (square != 0 && square < DBL_MIN * 0x1p54) *exact = false;
    if (std::fma(diff, diff, -square) != 0) *exact = false;
    const double total = sum + square;
    const double part = total - sum;
    if ((sum - (total - part)) + (square - part) != 0) *exact = false;
    sum = total;
  }
  if (!std::isfinite(sum)) *exact = false;
  return sum;
}

// Bound on the error of a weighted sum of `rows` squared distances over d features, each
// computed in double and then summed in double: relative to the exact sum, plus an absolute
// part for products that fall into the subnormal range.
Exact sum_tolerance(Exact exact_sum, int64_t rows, int64_t d, double max_weight) {
  return 4 * static_cast<Exact>(rows + d + 4) * kEps * exact_sum +
         static_cast<Exact>(4 * rows * (d + 1) + 4) * kDenormMin * std::max(1.0, max_weight);
}

// Sum over rows of w_i ||x_i - c_{labels_i}||^2, exactly.
template <typename T>
Exact exact_inertia(const Problem<T>& p, const T* centers /* IN k*d */, const int32_t* labels /* IN n */) {
  Exact sum = 0;
  for (int64_t i = 0; i < p.n; ++i)
    sum += static_cast<Exact>(p.weight(i)) * exact_sq(p.row(i), centers + labels[i] * p.d, p.d);
  return sum;
}

template <typename T>
void require_unit_centers(const Problem<T>& p, const std::vector<T>& centers /* IN k*d */, const char* call) {
  const Exact tolerance = 4 * static_cast<Exact>(p.d + 2) * std::numeric_limits<T>::epsilon();
  for (int64_t j = 0; j < p.k; ++j) {
    Exact norm = 0;
    for (int64_t f = 0; f < p.d; ++f) norm += static_cast<Exact>(centers[j * p.d + f]) * centers[j * p.d + f];
    KMN_CHECK(std::fabs(norm - 1) <= tolerance, "%s (spherical): center %" PRId64 " has squared length %.17Lg, not 1",
              call, j, norm);
  }
}

template <typename T>
void require_finite(const std::vector<T>& values, const char* what) {
  for (size_t i = 0; i < values.size(); ++i)
    KMN_CHECK(std::isfinite(values[i]), "%s: value %zu is %.17g, not finite", what, i, static_cast<double>(values[i]));
}

// Labels from assign_nearest (or a final assign pass) against k centers: each is in range, is
// the argmin of the kernel's own exact distance with the lowest index on a tie (what every
// algorithm and instruction set must agree on), is a nearest center by the long double
// distance within the rounding of that exact distance, and, where two distances are
// exactly equal, is the lower index.
template <typename T>
void require_nearest(const Problem<T>& p, const T* centers /* IN k*d */, const int32_t* labels /* IN n */,
                     const char* call) {
  const kmn::ExactDistanceFn<T> exact_distance = kmn::tile_kernel<T>().exact_distance;
  std::vector<Exact> exact(static_cast<size_t>(p.k));
  std::vector<double> tie_value(static_cast<size_t>(p.k));
  std::vector<uint8_t> tie_exact(static_cast<size_t>(p.k));
  for (int64_t i = 0; i < p.n; ++i) {
    const int32_t label = labels[i];
    KMN_CHECK(label >= 0 && label < p.k, "%s: label %d of row %" PRId64 " is not in [0, %" PRId64 ")", call, label, i,
              p.k);
    const T* row = p.row(i);
    int64_t argmin = 0;
    double argmin_dist = std::numeric_limits<double>::infinity();
    Exact best = std::numeric_limits<Exact>::infinity();
    for (int64_t j = 0; j < p.k; ++j) {
      const T* center = centers + j * p.d;
      const double dist = exact_distance(row, center, p.d);
      if (dist < argmin_dist) {
        argmin_dist = dist;
        argmin = j;
      }
      exact[j] = exact_sq(row, center, p.d);
      best = std::min(best, exact[j]);
      bool is_exact = false;
      tie_value[j] = sq_if_exact(row, center, p.d, &is_exact);
      tie_exact[j] = is_exact;
    }
    const Exact tolerance =
        8 * static_cast<Exact>(p.d + 2) * kEps * best + 8 * static_cast<Exact>(p.d + 1) * kDenormMin;
    KMN_CHECK(exact[label] <= best + tolerance,
              "%s: row %" PRId64 " has label %d at squared distance %.17Lg, but the nearest center is at %.17Lg", call,
              i, label, exact[label], best);
    KMN_CHECK(label == argmin,
              "%s: row %" PRId64
              " has label %d (exact distance %.17g), but the argmin of the exact distance is %" PRId64 " (%.17g)",
              call, i, label, exact_distance(row, centers + label * p.d, p.d), argmin, argmin_dist);
    if (tie_exact[label]) {
      for (int64_t j = 0; j < label; ++j)
        KMN_CHECK(!(tie_exact[j] && tie_value[j] <= tie_value[label]),
                  "%s: row %" PRId64 " has label %d, but center %" PRId64
                  " is at the same or a smaller exact distance (%.17g vs %.17g); ties go to the lower index",
                  call, i, label, j, tie_value[j], tie_value[label]);
    }
  }
}

// --- column_stats, first_out_of_range ------------------------------------------------------

// Column means and the mean column variance, against two-pass long double values; returns the
// means (the shift k-means++ uses) and sets *mean_variance.
template <typename T>
std::vector<double> check_column_stats(const Problem<T>& p, double* mean_variance /* OUT */) {
  const int64_t n = p.n, d = p.d;
  std::vector<double> means(static_cast<size_t>(d)), means_many(static_cast<size_t>(d));
  double variance = -1, variance_many = -1;
  require_ok(kmn::column_stats(p.data(), 1, means.data(), &variance), "column_stats");
  require_ok(kmn::column_stats(p.data(), p.threads, means_many.data(), &variance_many), "column_stats (threads)");
  require_same(means, means_many, "column_stats means: 1 thread vs several");
  KMN_CHECK(same_bits(variance, variance_many), "column_stats: mean variance %.17g on 1 thread, %.17g on several",
            variance, variance_many);
  Exact total = 0, total_tolerance = 0;
  for (int64_t f = 0; f < d; ++f) {
    Exact sum = 0, spread = 0, origin_squares = 0;
    for (int64_t i = 0; i < n; ++i) {
      const Exact dev = static_cast<Exact>(p.row(i)[f]) - p.row(0)[f];
      sum += p.row(i)[f];
      spread = std::max(spread, std::fabs(dev));
      origin_squares += dev * dev;
    }
    const Exact mean = sum / n;
    // Deviations from the first row, so that the mean's own rounding stays far below the spread.
    Exact mean_dev = 0;
    for (int64_t i = 0; i < n; ++i) mean_dev += static_cast<Exact>(p.row(i)[f]) - p.row(0)[f];
    mean_dev /= n;
    Exact squares = 0;
    for (int64_t i = 0; i < n; ++i) {
      const Exact centered = (static_cast<Exact>(p.row(i)[f]) - p.row(0)[f]) - mean_dev;
      squares += centered * centered;
    }
    const Exact mean_tolerance =
        4 * static_cast<Exact>(n + 4) * kEps * spread + 2 * kEps * std::fabs(mean) + 4 * kDenormMin;
    KMN_CHECK(within(means[f], mean, mean_tolerance), "column_stats: mean of column %" PRId64 " is %.17g, not %.17Lg",
              f, means[f], mean);
    total += squares / n;
    // One pass from the first row: the cancellation error scales with the squares about it.
    total_tolerance += 8 * static_cast<Exact>(n + 6) * kEps * (origin_squares / n) + 8 * kDenormMin;
  }
  const Exact expected = total / d;
  const Exact tolerance = total_tolerance / d + 4 * static_cast<Exact>(d) * kEps * expected;
  KMN_CHECK(variance >= 0 && within(variance, expected, tolerance),
            "column_stats: mean variance %.17g, not %.17Lg within %.3Lg", variance, expected, tolerance);
  *mean_variance = variance;
  return means;
}

template <typename T>
void check_first_out_of_range(const Problem<T>& p, ByteSource& bytes) {
  const int64_t count = p.n * p.d;
  // The facade's scan: nothing is out of its own limit (infinity for float32).
  const T facade_limit = static_cast<T>(std::is_same_v<T, double> ? p.limit : std::numeric_limits<double>::infinity());
  int64_t index = -2;
  require_ok(kmn::first_out_of_range(p.data(), facade_limit, p.threads, &index), "first_out_of_range");
  KMN_CHECK(index == -1,
            "first_out_of_range: index %" PRId64 " under the facade's limit %.17g, where every value is below it",
            index, static_cast<double>(facade_limit));
  // A limit taken from the data: the first value whose magnitude is not below it.
  const T chosen = std::fabs(p.x[bytes.below(static_cast<uint32_t>(count))]);
  const T limit = chosen > 0 ? chosen : std::numeric_limits<T>::denorm_min();
  int64_t expected = -1;
  for (int64_t i = 0; i < count && expected < 0; ++i)
    if (!(std::fabs(p.x[i]) < limit)) expected = i;
  for (const int threads : {1, p.threads}) {
    require_ok(kmn::first_out_of_range(p.data(), limit, threads, &index), "first_out_of_range");
    KMN_CHECK(index == expected,
              "first_out_of_range: index %" PRId64 " for limit %.17g on %d threads, expected %" PRId64, index,
              static_cast<double>(limit), threads, expected);
  }
}

// --- fit_kmeans -----------------------------------------------------------------------------

template <typename T>
struct Fit {
  std::vector<T> centers;
  std::vector<int32_t> labels;
  kmn::FitResult result;
  std::vector<kmn::IterationStats> reported;  // what on_iteration received
};

const char* algorithm_name(const std::string& algorithm) { return algorithm.c_str(); }

// With column_major, the kernels read the rows from one array per feature instead (the same
// values, so the same bits).
template <typename T>
Fit<T> run_fit(const Problem<T>& p, const std::string& algorithm, int threads, bool mixed, bool column_major = false) {
  Fit<T> fit;
  fit.centers = p.init;
  fit.labels.assign(static_cast<size_t>(p.n), -7);
  kmn::FitOptions options;
  options.max_iter = p.max_iter;
  options.tol = p.tol;
  options.threads = threads;
  options.algorithm = algorithm;
  options.mixed_precision = mixed;
  options.spherical = p.spherical;
  options.on_iteration = [&fit](int64_t iteration, const kmn::IterationStats& stats) {
    fit.reported.push_back(stats);
    KMN_CHECK(iteration == static_cast<int64_t>(fit.reported.size()),
              "fit_kmeans: on_iteration got iteration %" PRId64 " as call %zu", iteration, fit.reported.size());
  };
  const std::vector<T> x = p.x;
  const std::vector<double> weights = p.weights;
  Dataset<T> data = p.data();
  std::vector<std::vector<T>> columns;
  std::vector<const T*> column_pointers;
  if (column_major) {
    columns.assign(static_cast<size_t>(p.d), std::vector<T>(static_cast<size_t>(p.n)));
    for (int64_t i = 0; i < p.n; ++i)
      for (int64_t f = 0; f < p.d; ++f) columns[f][i] = p.x[i * p.d + f];
    for (const std::vector<T>& column : columns) column_pointers.push_back(column.data());
    data.x = nullptr;
    data.columns = column_pointers.data();
  }
  require_ok(kmn::fit_kmeans(data, p.k, fit.centers.data(), fit.labels.data(), options, &fit.result), "fit_kmeans");
  require_same(p.x, x, "fit_kmeans modified its input x");
  require_same(p.weights, weights, "fit_kmeans modified its input weights");
  return fit;
}

bool same_stats(const kmn::IterationStats& a, const kmn::IterationStats& b, bool compare_evals) {
  return same_bits(a.inertia, b.inertia) && same_bits(a.center_shift, b.center_shift) &&
         a.label_changes == b.label_changes && a.relocated == b.relocated &&
         (!compare_evals || a.distance_evals == b.distance_evals);
}

// Two fits of the same problem must agree bit for bit (distance evaluations only when the
// same algorithm ran).
template <typename T>
void require_same_fit(const Fit<T>& a, const Fit<T>& b, const char* what, bool compare_evals) {
  require_same(a.labels, b.labels, what);
  require_same(a.centers, b.centers, what);
  KMN_CHECK(same_bits(a.result.inertia, b.result.inertia), "%s: inertia %.17g vs %.17g", what, a.result.inertia,
            b.result.inertia);
  KMN_CHECK(a.result.n_iter == b.result.n_iter && a.result.converged == b.result.converged,
            "%s: n_iter %" PRId64 " vs %" PRId64 ", converged %d vs %d", what, a.result.n_iter, b.result.n_iter,
            a.result.converged, b.result.converged);
  for (size_t i = 0; i < a.result.history.size(); ++i) {
    const kmn::IterationStats &s = a.result.history[i], &t = b.result.history[i];
    KMN_CHECK(same_stats(s, t, compare_evals),
              "%s: iteration %zu differs: inertia %.17g vs %.17g, center_shift %.17g vs %.17g, label_changes %" PRId64
              " vs %" PRId64 ", relocated %" PRId64 " vs %" PRId64 ", distance_evals %" PRId64 " vs %" PRId64,
              what, i + 1, s.inertia, t.inertia, s.center_shift, t.center_shift, s.label_changes, t.label_changes,
              s.relocated, t.relocated, s.distance_evals, t.distance_evals);
  }
}

// The fit's own record (algorithm, iterations, history, labels in range); with `exact`, also
// its results against recomputations. Fits required to equal a fully checked one bit for bit
// need only the first part.
template <typename T>
void check_fit_result(const Problem<T>& p, const Fit<T>& fit, const std::string& algorithm, bool mixed, bool exact) {
  const kmn::FitResult& r = fit.result;
  KMN_CHECK(r.algorithm == algorithm, "fit_kmeans: ran %s instead of %s", algorithm_name(r.algorithm),
            algorithm_name(algorithm));
  KMN_CHECK(r.n_iter >= 1 && r.n_iter <= p.max_iter && r.history.size() == static_cast<size_t>(r.n_iter),
            "fit_kmeans: n_iter %" PRId64 " with %zu history entries (max_iter %" PRId64 ")", r.n_iter, r.history.size(),
            p.max_iter);
  KMN_CHECK(fit.reported.size() == r.history.size(), "fit_kmeans: on_iteration called %zu times for %zu iterations",
            fit.reported.size(), r.history.size());
  for (size_t i = 0; i < r.history.size(); ++i) {
    const kmn::IterationStats& s = r.history[i];
    KMN_CHECK(same_stats(s, fit.reported[i], true), "fit_kmeans: on_iteration got other stats than history at %zu",
              i + 1);
    KMN_CHECK(s.label_changes >= 0 && s.label_changes <= p.n && (i > 0 || s.label_changes == p.n),
              "fit_kmeans: %" PRId64 " label changes in iteration %zu of %" PRId64 " rows", s.label_changes, i + 1, p.n);
    // At least one cluster has weight: the weights have a positive sum.
    KMN_CHECK(s.relocated >= 0 && s.relocated < p.k, "fit_kmeans: %" PRId64 " clusters relocated in iteration %zu",
              s.relocated, i + 1);
    KMN_CHECK(s.center_shift >= 0 && s.inertia >= 0, "fit_kmeans: iteration %zu has center_shift %.17g, inertia %.17g",
              i + 1, s.center_shift, s.inertia);
    const int64_t full = p.n * p.k;
    KMN_CHECK(algorithm == "lloyd" ? s.distance_evals == full
                                             : s.distance_evals >= 0 && s.distance_evals <= full + p.n,
              "fit_kmeans: %" PRId64 " distance evaluations in iteration %zu (n*k = %" PRId64 ")", s.distance_evals,
              i + 1, full);
  }
  const bool stable = r.history.back().label_changes == 0;
  KMN_CHECK(r.converged == (stable || r.history.back().center_shift <= p.tol),
            "fit_kmeans: converged is %d, with %" PRId64 " label changes and center shift %.17g in the last iteration",
            r.converged, r.history.back().label_changes, r.history.back().center_shift);
  KMN_CHECK(r.converged || r.n_iter == p.max_iter,
            "fit_kmeans: stopped after %" PRId64 " of %" PRId64 " iterations without converging", r.n_iter, p.max_iter);
  for (int64_t i = 0; i < p.n; ++i)
    KMN_CHECK(fit.labels[i] >= 0 && fit.labels[i] < p.k,
              "fit_kmeans: label %d of row %" PRId64 " is not in [0, %" PRId64 ")", fit.labels[i], i, p.k);
  if (!exact) return;
  require_finite(fit.centers, "fit_kmeans centers");
  const Exact inertia = exact_inertia(p, fit.centers.data(), fit.labels.data());
  const Exact tolerance = sum_tolerance(inertia, p.n, p.d, p.max_weight());
  KMN_CHECK(within(r.inertia, inertia, tolerance), "fit_kmeans: inertia %.17g, but the labels and centers give %.17Lg",
            r.inertia, inertia);
  if (!(stable && r.history.back().relocated == 0)) {
    // Not strictly converged (stable labels, no empty cluster moved in the last pass): the
    // final assign-only pass makes the labels those of the returned centers.
    require_nearest(p, fit.centers.data(), fit.labels.data(), "fit_kmeans (final labels)");
    std::vector<int32_t> labels(static_cast<size_t>(p.n));
    double sum = 0;
    require_ok(kmn::assign_nearest(p.data(), fit.centers.data(), p.k, 1, mixed, labels.data(), nullptr, &sum),
               "assign_nearest");
    require_same(fit.labels, labels, "fit_kmeans final labels vs assign_nearest on the final centers");
  }
  if (p.spherical) require_unit_centers(p, fit.centers, "fit_kmeans");
}

// Every algorithm on 1 thread and several: all bit for bit the same fit (Hamerly's and Elkan's
// bounds only skip distances that cannot change a label), and, for float64 in mixed
// precision, the same fit as in full precision. Returns Lloyd's fit.
template <typename T>
Fit<T> check_fits(const Problem<T>& p) {
  const Fit<T> lloyd = run_fit(p, "lloyd", 1, p.mixed);
  check_fit_result(p, lloyd, "lloyd", p.mixed, true);
  for (const std::string& algorithm : kmn::algorithm_names()) {
    const Fit<T> one = algorithm == "lloyd" ? lloyd : run_fit(p, algorithm, 1, p.mixed);
    const Fit<T> many = run_fit(p, algorithm, p.threads, p.mixed);
    check_fit_result(p, one, algorithm, p.mixed, false);
    check_fit_result(p, many, algorithm, p.mixed, false);
    char what[96];
    std::snprintf(what, sizeof what, "fit_kmeans: %s on 1 thread vs %d", algorithm_name(algorithm), p.threads);
    require_same_fit(one, many, what, true);
    std::snprintf(what, sizeof what, "fit_kmeans: lloyd vs %s", algorithm_name(algorithm));
    require_same_fit(lloyd, one, what, false);
    std::snprintf(what, sizeof what, "fit_kmeans: %s on row-major vs column-major data", algorithm_name(algorithm));
    require_same_fit(many, run_fit(p, algorithm, p.threads, p.mixed, true), what, true);
  }
  if (p.mixed)
    require_same_fit(lloyd, run_fit(p, "lloyd", 1, false), "fit_kmeans: mixed vs full precision", true);

  // A cancel flag already set stops the fit before its first pass.
  std::vector<T> centers = p.init;
  std::vector<int32_t> labels(static_cast<size_t>(p.n));
  const int32_t cancel = 1;
  kmn::FitOptions options;
  options.max_iter = p.max_iter;
  options.cancel = &cancel;
  kmn::FitResult result;
  const Status status = kmn::fit_kmeans(p.data(), p.k, centers.data(), labels.data(), options, &result);
  KMN_CHECK(status == Status::kCancelled && result.n_iter == 0, "fit_kmeans with cancel set: status %d, n_iter %" PRId64,
            static_cast<int>(status), result.n_iter);
  return lloyd;
}

// --- assign_nearest, transform -------------------------------------------------------------

template <typename T>
void check_assign(const Problem<T>& p, const std::vector<T>& centers /* IN k*d */, const char* which) {
  const std::vector<T> centers_before = centers;
  std::vector<int32_t> full_labels;
  char call[96];
  for (const bool mixed : {false, true}) {
    if (mixed && !std::is_same_v<T, double>) continue;
    std::snprintf(call, sizeof call, "assign_nearest (%s centers, mixed=%d)", which, mixed);
    std::vector<int32_t> labels(static_cast<size_t>(p.n), -7), labels_many = labels, labels_sum = labels;
    std::vector<double> sq(static_cast<size_t>(p.n), -1), sq_many = sq;
    double sum = -1, sum_many = -1, sum_only = -1;
    require_ok(kmn::assign_nearest(p.data(), centers.data(), p.k, 1, mixed, labels.data(), sq.data(), &sum), call);
    require_ok(kmn::assign_nearest(p.data(), centers.data(), p.k, p.threads, mixed, labels_many.data(), sq_many.data(),
                                   &sum_many),
               call);
    require_ok(
        kmn::assign_nearest(p.data(), centers.data(), p.k, p.threads, mixed, labels_sum.data(), nullptr, &sum_only),
        call);
    require_same(labels, labels_many, "assign_nearest labels: 1 thread vs several");
    require_same(labels, labels_sum, "assign_nearest labels: with and without sq_dist");
    require_same(sq, sq_many, "assign_nearest sq_dist: 1 thread vs several");
    KMN_CHECK(same_bits(sum, sum_many), "assign_nearest: weighted sum %.17g on 1 thread, %.17g on several", sum,
              sum_many);
    require_same(centers, centers_before, "assign_nearest modified its input centers");
    require_nearest(p, centers.data(), labels.data(), call);
    const Exact expected = exact_inertia(p, centers.data(), labels.data());
    const Exact tolerance = sum_tolerance(expected, p.n, p.d, p.max_weight());
    KMN_CHECK(within(sum, expected, tolerance) && within(sum_only, expected, tolerance),
              "%s: weighted sum %.17g (with sq_dist) / %.17g (without), but the labels give %.17Lg within %.3Lg", call,
              sum, sum_only, expected, tolerance);
    for (int64_t i = 0; i < p.n; ++i) {
      const Exact dist = exact_sq(p.row(i), centers.data() + labels[i] * p.d, p.d);
      KMN_CHECK(within(sq[i], dist, sum_tolerance(dist, 1, p.d, 1)),
                "%s: sq_dist[%" PRId64 "] is %.17g, but the squared distance is %.17Lg", call, i, sq[i], dist);
    }
    if (mixed) require_same(full_labels, labels, "assign_nearest labels: full vs mixed precision");
    full_labels = labels;
  }
}

// whiten: the same bits on 1 thread and several, every column's deviation near 1 afterwards
// (or the column unchanged where its deviation is zero), and the input untouched.
template <typename T>
void check_whiten(const Problem<T>& p) {
  std::vector<T> out(static_cast<size_t>(p.n * p.d), T(-1)), out_many = out;
  int64_t zero = -1, zero_many = -1;
  require_ok(kmn::whiten(p.data(), 1, out.data(), &zero), "whiten");
  require_ok(kmn::whiten(p.data(), p.threads, out_many.data(), &zero_many), "whiten (threads)");
  require_same(out, out_many, "whiten: 1 thread vs several");
  KMN_CHECK(zero == zero_many && zero >= 0 && zero <= p.d, "whiten: %" PRId64 " vs %" PRId64 " zero columns", zero,
            zero_many);
  int64_t unchanged = 0;
  for (int64_t f = 0; f < p.d; ++f) {
    Exact mean = 0, squares = 0, largest = 0;
    bool same = true, constant = true;
    for (int64_t i = 0; i < p.n; ++i) {
      same = same && out[i * p.d + f] == p.row(i)[f];
      constant = constant && out[i * p.d + f] == out[f];
      mean += static_cast<Exact>(out[i * p.d + f]);
      largest = std::max<Exact>(largest, std::fabs(static_cast<Exact>(out[i * p.d + f])));
    }
    mean /= static_cast<Exact>(p.n);
    for (int64_t i = 0; i < p.n; ++i) {
      const Exact centered = static_cast<Exact>(out[i * p.d + f]) - mean;
      squares += centered * centered;
    }
    const Exact deviation = std::sqrt(squares / static_cast<Exact>(p.n));
    // A column left as it was (zero deviation), or one whose deviation is 1 up to the rounding
    // of the values. A column whose deviation is only the rounding of its mean comes out
    // constant and huge (as the reference order gives it): not checked.
    if (same) {
      ++unchanged;
      continue;
    }
    if (constant) continue;
    // The mean is summed in double in row order, with an error up to n * eps * max |x|; where
    // the column's spread is not well above that, its deviation is not well defined in double.
    Exact input_mean = 0, input_squares = 0, input_largest = 0;
    for (int64_t i = 0; i < p.n; ++i) {
      input_mean += static_cast<Exact>(p.row(i)[f]);
      input_largest = std::max<Exact>(input_largest, std::fabs(static_cast<Exact>(p.row(i)[f])));
    }
    input_mean /= static_cast<Exact>(p.n);
    for (int64_t i = 0; i < p.n; ++i) {
      const Exact centered = static_cast<Exact>(p.row(i)[f]) - input_mean;
      input_squares += centered * centered;
    }
    const Exact input_deviation = std::sqrt(input_squares / static_cast<Exact>(p.n));
    const Exact mean_rounding = static_cast<Exact>(p.n) * static_cast<Exact>(kEps) * input_largest;
    if (input_deviation < 1000 * mean_rounding) continue;
    // Each output is rounded to T: an error up to eps * largest in a deviation of 1.
    const Exact tolerance = 1e-5 + 8 * static_cast<Exact>(std::numeric_limits<T>::epsilon()) * largest;
    KMN_CHECK(std::fabs(deviation - 1) <= tolerance, "whiten: column %" PRId64 " has deviation %.17Lg", f, deviation);
  }
  KMN_CHECK(zero <= unchanged, "whiten: %" PRId64 " zero columns, but %" PRId64 " unchanged", zero, unchanged);
}

// column_means, sample_covariance and cholesky_upper: the same bits on 1 thread and several,
// means near the exact ones, a symmetric covariance with a diagonal >= 0, and, where the
// factor exists, an upper triangle with a positive diagonal whose product UᵀU gives the
// covariance back within the rounding of a Cholesky factorisation.
template <typename T>
void check_covariance(const Problem<T>& p) {
  const int64_t n = p.n, d = p.d;
  std::vector<double> means(static_cast<size_t>(d), -1), means_many = means;
  require_ok(kmn::column_means(p.data(), 1, means.data()), "column_means");
  require_ok(kmn::column_means(p.data(), p.threads, means_many.data()), "column_means (threads)");
  require_same(means, means_many, "column_means: 1 thread vs several");
  for (int64_t f = 0; f < d; ++f) {
    Exact mean = 0, largest = 0;
    for (int64_t i = 0; i < n; ++i) {
      mean += static_cast<Exact>(p.row(i)[f]);
      largest = std::max<Exact>(largest, std::fabs(static_cast<Exact>(p.row(i)[f])));
    }
    mean /= static_cast<Exact>(n);
    // n additions and n divisions, each off by half an ulp of at most the largest value.
    const Exact tolerance = 2 * static_cast<Exact>(n) * static_cast<Exact>(kEps) * largest + kDenormMin * n;
    KMN_CHECK(within(means[f], mean, tolerance), "column_means: column %" PRId64 " is %.17g, exact %.17Lg", f,
              means[f], mean);
  }
  if (n < 2) return;
  std::vector<double> cov(static_cast<size_t>(d * d), -1), cov_many = cov;
  require_ok(kmn::sample_covariance(p.data(), means.data(), 1, cov.data()), "sample_covariance");
  require_ok(kmn::sample_covariance(p.data(), means.data(), p.threads, cov_many.data()), "sample_covariance (threads)");
  require_same(cov, cov_many, "sample_covariance: 1 thread vs several");
  for (int64_t a = 0; a < d; ++a) {
    KMN_CHECK(cov[a * d + a] >= 0, "sample_covariance: diagonal entry %" PRId64 " is %.17g", a, cov[a * d + a]);
    for (int64_t b = 0; b < a; ++b)
      KMN_CHECK(same_bits(cov[a * d + b], cov[b * d + a]), "sample_covariance: not symmetric at %" PRId64 ", %" PRId64,
                a, b);
  }
  std::vector<double> upper(static_cast<size_t>(d * d), -1);
  if (!kmn::cholesky_upper(cov.data(), d, upper.data())) {
    KMN_CHECK(std::all_of(upper.begin(), upper.end(), [](double v) { return v == 0; }),
              "cholesky_upper: a failed factorisation left values behind");
    return;
  }
  for (int64_t a = 0; a < d; ++a) {
    KMN_CHECK(upper[a * d + a] > 0, "cholesky_upper: diagonal entry %" PRId64 " is %.17g", a, upper[a * d + a]);
    for (int64_t b = 0; b < a; ++b)
      KMN_CHECK(upper[a * d + b] == 0, "cholesky_upper: entry %" PRId64 ", %" PRId64 " below the diagonal", a, b);
    for (int64_t b = 0; b <= a; ++b) {
      Exact product = 0, magnitude = 0;
      for (int64_t c = 0; c <= b; ++c) {
        product += static_cast<Exact>(upper[c * d + a]) * static_cast<Exact>(upper[c * d + b]);
        magnitude += std::fabs(static_cast<Exact>(upper[c * d + a]) * static_cast<Exact>(upper[c * d + b]));
      }
      // The backward error of Cholesky's method, plus what subnormal products lose.
      const Exact tolerance = 4 * static_cast<Exact>(d + 2) * static_cast<Exact>(kEps) * magnitude + 1e-300L;
      KMN_CHECK(std::fabs(product - static_cast<Exact>(cov[a * d + b])) <= tolerance,
                "cholesky_upper: (UᵀU)[%" PRId64 "][%" PRId64 "] = %.17Lg, covariance %.17g", a, b, product,
                cov[a * d + b]);
    }
  }
}

template <typename T>
void check_transform(const Problem<T>& p, const std::vector<T>& centers /* IN k*d */) {
  const std::vector<T> centers_before = centers;
  std::vector<T> out(static_cast<size_t>(p.n * p.k), T(-1)), out_many = out;
  require_ok(kmn::transform(p.data(), centers.data(), p.k, 1, out.data()), "transform");
  require_ok(kmn::transform(p.data(), centers.data(), p.k, p.threads, out_many.data()), "transform (threads)");
  require_same(out, out_many, "transform: 1 thread vs several");
  require_same(centers, centers_before, "transform modified its input centers");
  const Exact relative = 4 * static_cast<Exact>(p.d + 4) * kEps + std::numeric_limits<T>::epsilon();
  const Exact absolute =
      std::sqrt(static_cast<Exact>(8 * (p.d + 1)) * kDenormMin) + std::numeric_limits<T>::denorm_min();
  for (int64_t i = 0; i < p.n; ++i)
    for (int64_t j = 0; j < p.k; ++j) {
      const Exact dist = std::sqrt(exact_sq(p.row(i), centers.data() + j * p.d, p.d));
      const T value = out[i * p.k + j];
      KMN_CHECK(within(value, dist, relative * dist + absolute),
                "transform: out[%" PRId64 ", %" PRId64 "] is %.17g, but the distance is %.17Lg", i, j,
                static_cast<double>(value), dist);
    }
}

// --- cluster_means ---------------------------------------------------------------------------

template <typename T>
void check_cluster_means(const Problem<T>& p, ByteSource& bytes) {
  // Labels as kmeans2 passes them; often crowded into a few clusters, so that some are empty.
  const uint32_t used = bytes.chance(96) ? 1 + bytes.below(static_cast<uint32_t>(p.k)) : static_cast<uint32_t>(p.k);
  std::vector<int32_t> labels(static_cast<size_t>(p.n));
  for (int32_t& label : labels) label = static_cast<int32_t>(bytes.below(used));
  const std::vector<int32_t> labels_before = labels;
  std::vector<T> centers = p.init, centers_many = p.init;
  std::vector<double> weights(static_cast<size_t>(p.k), -1), weights_many = weights;
  require_ok(kmn::cluster_means(p.data(), labels.data(), p.k, 1, centers.data(), weights.data()), "cluster_means");
  require_ok(kmn::cluster_means(p.data(), labels.data(), p.k, p.threads, centers_many.data(), weights_many.data()),
             "cluster_means (threads)");
  require_same(centers, centers_many, "cluster_means centers: 1 thread vs several");
  require_same(weights, weights_many, "cluster_means weights: 1 thread vs several");
  require_same(labels, labels_before, "cluster_means modified its input labels");
  require_finite(centers, "cluster_means centers");
  for (int64_t j = 0; j < p.k; ++j) {
    Exact total = 0;
    int64_t members = 0;
    for (int64_t i = 0; i < p.n; ++i)
      if (labels[i] == j) {
        total += p.weight(i);
        ++members;
      }
    KMN_CHECK(within(weights[j], total, 2 * static_cast<Exact>(members + 2) * kEps * total),
              "cluster_means: weight of cluster %" PRId64 " is %.17g, not %.17Lg", j, weights[j], total);
    const T* center = centers.data() + j * p.d;
    const T* before = p.init.data() + j * p.d;
    if (!(weights[j] > 0)) {
      KMN_CHECK(std::memcmp(center, before, static_cast<size_t>(p.d) * sizeof(T)) == 0,
                "cluster_means: cluster %" PRId64 " has no weight but its center changed", j);
      continue;
    }
    for (int64_t f = 0; f < p.d; ++f) {
      Exact sum = 0, magnitude = 0;
      for (int64_t i = 0; i < p.n; ++i)
        if (labels[i] == j) {
          sum += static_cast<Exact>(p.weight(i)) * p.row(i)[f];
          magnitude += static_cast<Exact>(p.weight(i)) * std::fabs(p.row(i)[f]);
        }
      const Exact mean = sum / total;
      const Exact tolerance =
          (4 * static_cast<Exact>(members + 4) * kEps * magnitude + 4 * static_cast<Exact>(members + 2) * kDenormMin) /
              total +
          2 * std::numeric_limits<T>::epsilon() * std::fabs(mean) + 2 * std::numeric_limits<T>::denorm_min();
      KMN_CHECK(within(center[f], mean, tolerance),
                "cluster_means: center %" PRId64 ", feature %" PRId64
                " is %.17g, but the weighted mean is %.17Lg "
                "(cluster weight %.17g)",
                j, f, static_cast<double>(center[f]), mean, weights[j]);
    }
  }
}

// --- plus_plus ---------------------------------------------------------------------------

// Greedy k-means++ step by step, with candidates from the input: closest starts at +inf, one
// candidate first, then 2 + floor(ln k) candidates per step. Each step is checked against exact
// distances: the running distances are the squared distances to the nearest chosen row (to
// within the exact distance's rounding), the potential is their weighted sum, and the chosen
// candidate has the lowest potential (within that rounding). Then the whole loop on draws from
// the input, on one thread and on several: the same rows.
template <typename T>
void check_plus_plus(const Problem<T>& p, const std::vector<double>& shift /* IN d */, ByteSource& bytes) {
  const int64_t n = p.n, d = p.d;
  std::vector<int64_t> chosen;
  const std::vector<double> shift_before = shift;
  // ||x_i - s||^2: the rounding of a norm-trick distance scales with it.
  std::vector<Exact> row_norm(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    Exact norm = 0;
    for (int64_t f = 0; f < d; ++f)
      norm += (p.row(i)[f] - static_cast<Exact>(shift[f])) * (p.row(i)[f] - static_cast<Exact>(shift[f]));
    row_norm[i] = norm;
  }
  std::vector<Exact> tolerance(static_cast<size_t>(n), 0);
  const int64_t trials = 2 + static_cast<int64_t>(std::floor(std::log(static_cast<double>(p.k))));
  kmn::PlusPlusSteps<T> steps(p.data(), shift.data(), 1, trials), steps_many(p.data(), shift.data(), p.threads, trials);
  for (int64_t step = 0; step < p.k; ++step) {
    const int64_t m = step == 0 ? 1 : trials;
    std::vector<int32_t> candidates(static_cast<size_t>(m));
    for (int32_t& c : candidates) c = static_cast<int32_t>(bytes.below(static_cast<uint32_t>(n)));
    const std::vector<int32_t> candidates_before = candidates;
    const std::vector<double> before(steps.closest(), steps.closest() + n);
    struct Choice {
      int64_t best = 0;
      double potential = 0;
    } out, out_many;
    out.best = steps.choose(candidates.data(), m, &out.potential);
    out_many.best = steps_many.choose(candidates.data(), m, &out_many.potential);
    const std::vector<double> closest(steps.closest(), steps.closest() + n);
    const std::vector<double> closest_many(steps_many.closest(), steps_many.closest() + n);
    require_same(closest, closest_many, "plus_plus closest: 1 thread vs several");
    KMN_CHECK(out.best == out_many.best && same_bits(out.potential, out_many.potential),
              "plus_plus: best %" PRId64 " / potential %.17g on 1 thread, %" PRId64 " / %.17g on several",
              out.best, out.potential, out_many.best, out_many.potential);
    require_same(candidates, candidates_before, "plus_plus modified its input candidates");
    require_same(shift, shift_before, "plus_plus modified its input shift");
    KMN_CHECK(out.best >= 0 && out.best < m, "plus_plus: best %" PRId64 " of %" PRId64 " candidates", out.best, m);
    // Exact potentials of every candidate, from the running distances before the step.
    const auto potential_of = [&](int64_t c) {
      Exact sum = 0;
      for (int64_t i = 0; i < n; ++i)
        sum += static_cast<Exact>(p.weight(i)) *
               std::min(static_cast<Exact>(before[i]), exact_sq(p.row(i), p.row(candidates[c]), d));
      return sum;
    };
    const int64_t row = candidates[out.best];
    chosen.push_back(row);
    Exact center_norm = 0;
    for (int64_t f = 0; f < d; ++f)
      center_norm += (p.row(row)[f] - static_cast<Exact>(shift[f])) * (p.row(row)[f] - static_cast<Exact>(shift[f]));
    Exact total = 0, weighted_tolerance = 0;
    for (int64_t i = 0; i < n; ++i) {
      KMN_CHECK(closest[i] >= 0 && closest[i] <= before[i],
                "plus_plus: closest[%" PRId64 "] went from %.17g to %.17g", i, before[i], closest[i]);
      tolerance[i] = std::max(tolerance[i], 4 * static_cast<Exact>(d + 8) * kEps * (row_norm[i] + center_norm) +
                                                8 * static_cast<Exact>(d + 1) * kDenormMin);
      Exact nearest = std::numeric_limits<Exact>::infinity();
      for (const int64_t c : chosen) nearest = std::min(nearest, exact_sq(p.row(i), p.row(c), d));
      KMN_CHECK(within(closest[i], nearest, tolerance[i]),
                "plus_plus: closest[%" PRId64
                "] is %.17g, but the nearest chosen row is at %.17Lg (tolerance %.3Lg)",
                i, closest[i], nearest, tolerance[i]);
      total += static_cast<Exact>(p.weight(i)) * closest[i];
      weighted_tolerance += static_cast<Exact>(p.weight(i)) * tolerance[i];
    }
    KMN_CHECK(within(out.potential, total, 4 * static_cast<Exact>(n + 2) * kEps * total + 4 * (n + 2) * kDenormMin),
              "plus_plus: potential %.17g, but the running distances sum to %.17Lg", out.potential, total);
    const Exact best = potential_of(out.best);
    for (int64_t c = 0; c < m; ++c) {
      const Exact other = potential_of(c);
      // The kernel's rounding, plus each weighted term's underflow below the subnormal range.
      const Exact slack = 2 * weighted_tolerance + 4 * static_cast<Exact>(n + 2) * kEps * other +
                          2 * static_cast<Exact>(n + 2) * kDenormMin;
      // An exact potential beyond the double range is +inf to the kernel, where the first of
      // equal potentials wins (an overflow of the running distances fails the check above).
      if (other + slack >= static_cast<Exact>(DBL_MAX)) continue;
      KMN_CHECK(best <= other + slack,
                "plus_plus: chose candidate %" PRId64 " (row %d, exact potential %.17Lg) over candidate %" PRId64
                " (row %d, %.17Lg)",
                out.best, candidates[out.best], best, c, candidates[c], other);
    }
  }

  // The whole loop, on draws from the input: the same rows on one thread and on several, and
  // every row a row of positive weight.
  const int64_t k = p.k;
  std::vector<double> uniforms(static_cast<size_t>(1 + (k - 1) * trials));
  for (double& u : uniforms) u = static_cast<double>(bytes.below(1u << 30)) / static_cast<double>(1u << 30);
  std::vector<int32_t> indices(static_cast<size_t>(k), -1), indices_many = indices;
  require_ok(kmn::plus_plus(p.data(), shift.data(), k, trials, uniforms.data(), 1, nullptr, indices.data()), "plus_plus");
  require_ok(kmn::plus_plus(p.data(), shift.data(), k, trials, uniforms.data(), p.threads, nullptr, indices_many.data()),
             "plus_plus (threads)");
  require_same(indices, indices_many, "plus_plus rows: 1 thread vs several");
  for (const int32_t row : indices)
    KMN_CHECK(row >= 0 && row < n && p.weight(row) > 0, "plus_plus chose row %d (n %" PRId64 ", weight %.17g)", row, n,
              row >= 0 && row < n ? p.weight(row) : 0.0);
}

// --- seed_centers ----------------------------------------------------------------------------

// seed_centers from a generator state: random init gives the k rows a full sort by the key
// log(1 - u_i) / w_i (largest first, ties to the lower row) gives, though unweighted rows are
// ranked without the log; k-means++ gives plus_plus's rows on the uniforms the generator draws.
// Either way the centers are those rows, the state ends as many draws on, and one thread and
// several agree.
template <typename T>
void check_seed_centers(const Problem<T>& p, const std::vector<double>& shift /* IN d */, ByteSource& bytes) {
  const int64_t n = p.n, d = p.d, k = p.k;
  uint64_t seed = 0;
  for (int i = 0; i < 7; ++i) seed = seed << 8 | bytes.byte();
  uint32_t start[kmn::Random::kStateWords];
  kmn::Random(seed >> 3).save(start);
  const int64_t trials = 1 + bytes.below(4);
  for (const kmn::SeedMethod method : {kmn::SeedMethod::kRandom, kmn::SeedMethod::kPlusPlus}) {
    const bool random = method == kmn::SeedMethod::kRandom;
    const char* name = random ? "seed_centers (random)" : "seed_centers (k-means++)";
    std::vector<uint32_t> state(start, start + kmn::Random::kStateWords), state_many = state;
    std::vector<T> centers(static_cast<size_t>(k * d), T(-1)), centers_many = centers;
    std::vector<int32_t> indices(static_cast<size_t>(k), -1), indices_many = indices;
    require_ok(kmn::seed_centers(p.data(), method, k, trials, shift.data(), 1, nullptr, state.data(), centers.data(),
                                 indices.data()),
               name);
    require_ok(kmn::seed_centers(p.data(), method, k, trials, shift.data(), p.threads, nullptr, state_many.data(),
                                 centers_many.data(), indices_many.data()),
               name);
    require_same(indices, indices_many, "seed_centers rows: 1 thread vs several");
    require_same(centers, centers_many, "seed_centers centers: 1 thread vs several");
    require_same(state, state_many, "seed_centers state: 1 thread vs several");

    kmn::Random rng(start);
    std::vector<double> draws(static_cast<size_t>(random ? n : 1 + (k - 1) * trials));
    for (double& u : draws) u = rng.next_double();
    std::vector<uint32_t> expected_state(kmn::Random::kStateWords);
    rng.save(expected_state.data());
    require_same(state, expected_state, "seed_centers: the state after its draws");
    std::vector<int32_t> expected(static_cast<size_t>(k));
    if (random) {
      std::vector<double> key(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i)
        key[i] = p.weight(i) > 0 ? std::log(1 - draws[i]) / p.weight(i) : -std::numeric_limits<double>::infinity();
      std::vector<int32_t> order(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) order[i] = static_cast<int32_t>(i);
      std::sort(order.begin(), order.end(),
                [&](int32_t a, int32_t b) { return key[a] > key[b] || (key[a] == key[b] && a < b); });
      std::copy(order.begin(), order.begin() + k, expected.begin());
    } else {
      require_ok(kmn::plus_plus(p.data(), shift.data(), k, trials, draws.data(), 1, nullptr, expected.data()),
                 "plus_plus");
    }
    require_same(indices, expected,
                 random ? "seed_centers: the rows of the k largest keys" : "seed_centers: plus_plus's rows");
    for (int64_t c = 0; c < k; ++c)
      KMN_CHECK(std::equal(p.row(indices[c]), p.row(indices[c]) + d, centers.begin() + c * d),
                "%s: center %" PRId64 " is not row %d", name, c, indices[c]);
  }
}

// --- minibatch_step ------------------------------------------------------------------------

// A few mini-batch steps as minibatch.ts drives them (counts from zero; batches of random
// rows with repeats, or every row as in partial_fit). Each step's labels are assign_nearest's
// on the centers before it (a row's label does not depend on the rest of its batch), and each
// center with batch weight moves to the running weighted mean.
template <typename T>
void check_minibatch(const Problem<T>& p, ByteSource& bytes) {
  const int64_t k = p.k, d = p.d;
  std::vector<T> centers = p.init, centers_many = p.init;
  std::vector<double> counts(static_cast<size_t>(k), 0.0), counts_many = counts;
  const int steps = 1 + static_cast<int>(bytes.below(3));
  for (int s = 0; s < steps; ++s) {
    const bool whole = bytes.chance(64);
    const int64_t b = whole ? p.n : 1 + bytes.below(static_cast<uint32_t>(p.n));
    std::vector<int32_t> indices(static_cast<size_t>(b));
    for (int64_t r = 0; r < b; ++r)
      indices[r] = whole ? static_cast<int32_t>(r) : static_cast<int32_t>(bytes.below(static_cast<uint32_t>(p.n)));
    const std::vector<int32_t> indices_before = indices;
    const std::vector<T> centers_before = centers;
    const std::vector<double> counts_before = counts;
    std::vector<int32_t> labels(static_cast<size_t>(b), -7), labels_many = labels;
    std::vector<double> batch_weights(static_cast<size_t>(k), -1), batch_weights_many = batch_weights;
    kmn::MiniBatchStep step, step_many;
    const int32_t* index_arg = whole ? nullptr : indices.data();
    require_ok(kmn::minibatch_step(p.data(), index_arg, b, k, 1, p.mixed, p.spherical, centers.data(), counts.data(),
                                   labels.data(), batch_weights.data(), &step),
               "minibatch_step");
    require_ok(kmn::minibatch_step(p.data(), index_arg, b, k, p.threads, p.mixed, p.spherical, centers_many.data(),
                                   counts_many.data(), labels_many.data(), batch_weights_many.data(), &step_many),
               "minibatch_step (threads)");
    require_same(centers, centers_many, "minibatch_step centers: 1 thread vs several");
    require_same(counts, counts_many, "minibatch_step counts: 1 thread vs several");
    require_same(labels, labels_many, "minibatch_step labels: 1 thread vs several");
    require_same(batch_weights, batch_weights_many, "minibatch_step batch weights: 1 thread vs several");
    KMN_CHECK(same_bits(step.inertia, step_many.inertia), "minibatch_step: inertia %.17g on 1 thread, %.17g on several",
              step.inertia, step_many.inertia);
    require_same(indices, indices_before, "minibatch_step modified its input indices");
    require_finite(centers, "minibatch_step centers");

    std::vector<int32_t> full(static_cast<size_t>(p.n));
    double ignored = 0;
    require_ok(kmn::assign_nearest(p.data(), centers_before.data(), k, 1, p.mixed, full.data(), nullptr, &ignored),
               "assign_nearest");
    Exact inertia = 0;
    std::vector<Exact> weight(static_cast<size_t>(k), 0), sums(static_cast<size_t>(k * d), 0),
        magnitude(static_cast<size_t>(k * d), 0);
    std::vector<int64_t> members(static_cast<size_t>(k), 0);
    for (int64_t r = 0; r < b; ++r) {
      const int64_t i = indices[r];
      const int32_t label = labels[r];
      KMN_CHECK(label == full[i],
                "minibatch_step: batch row %" PRId64 " (row %" PRId64 ") has label %d, assign_nearest gives %d", r, i,
                label, full[i]);
      const Exact w = p.weight(i);
      inertia += w * exact_sq(p.row(i), centers_before.data() + label * d, d);
      weight[label] += w;
      ++members[label];
      for (int64_t f = 0; f < d; ++f) {
        sums[label * d + f] += w * p.row(i)[f];
        magnitude[label * d + f] += w * std::fabs(p.row(i)[f]);
      }
    }
    KMN_CHECK(within(step.inertia, inertia, sum_tolerance(inertia, b, d, p.max_weight())),
              "minibatch_step: inertia %.17g, but the batch gives %.17Lg", step.inertia, inertia);
    for (int64_t j = 0; j < k; ++j) {
      KMN_CHECK(within(batch_weights[j], weight[j], 2 * static_cast<Exact>(members[j] + 2) * kEps * weight[j]),
                "minibatch_step: batch weight of cluster %" PRId64 " is %.17g, not %.17Lg", j, batch_weights[j],
                weight[j]);
      const bool moved = batch_weights[j] > 0;
      const double expected_count = moved ? counts_before[j] + batch_weights[j] : counts_before[j];
      KMN_CHECK(same_bits(counts[j], expected_count),
                "minibatch_step: count of cluster %" PRId64
                " went from %.17g to %.17g "
                "with batch weight %.17g",
                j, counts_before[j], counts[j], batch_weights[j]);
      if (p.spherical) continue;  // the means are scaled to unit length: checked below
      const T* center = centers.data() + j * d;
      const T* old = centers_before.data() + j * d;
      if (!moved) {
        KMN_CHECK(std::memcmp(center, old, static_cast<size_t>(d) * sizeof(T)) == 0,
                  "minibatch_step: cluster %" PRId64 " had no batch weight but its center moved", j);
        continue;
      }
      const Exact total = counts_before[j] + weight[j];
      for (int64_t f = 0; f < d; ++f) {
        const Exact expected = (static_cast<Exact>(old[f]) * counts_before[j] + sums[j * d + f]) / total;
        const Exact scale = (std::fabs(static_cast<Exact>(old[f])) * counts_before[j] + magnitude[j * d + f]) / total;
        const Exact tolerance = 4 * static_cast<Exact>(members[j] + 6) * kEps * scale +
                                4 * static_cast<Exact>(members[j] + 2) * kDenormMin / total +
                                2 * std::numeric_limits<T>::epsilon() * std::fabs(expected) +
                                2 * std::numeric_limits<T>::denorm_min();
        KMN_CHECK(within(center[f], expected, tolerance),
                  "minibatch_step: center %" PRId64 ", feature %" PRId64 " is %.17g, but the running mean is %.17Lg", j,
                  f, static_cast<double>(center[f]), expected);
      }
    }
    if (p.spherical) require_unit_centers(p, centers, "minibatch_step");
  }
}

// --- The whole problem ---------------------------------------------------------------------

// With KMEANS_NATIVE_FUZZ_DUMP set, the decoded problem goes to stderr before it is checked
// (values in hexadecimal floating point, exact), to reproduce a finding elsewhere.
template <typename T>
void dump(const Problem<T>& p) {
  std::fprintf(stderr, "problem: %s\n", g_problem.c_str());
  const auto print_rows = [](const char* name, const T* values, int64_t rows, int64_t cols) {
    std::fprintf(stderr, "%s (%" PRId64 "x%" PRId64 "):\n", name, rows, cols);
    for (int64_t i = 0; i < rows; ++i) {
      for (int64_t f = 0; f < cols; ++f)
        std::fprintf(stderr, "%s%a", f ? " " : "  ", static_cast<double>(values[i * cols + f]));
      std::fputc('\n', stderr);
    }
  };
  print_rows("x", p.x.data(), p.n, p.d);
  print_rows("init", p.init.data(), p.k, p.d);
  if (!p.weights.empty()) {
    std::fputs("weights:\n ", stderr);
    for (const double w : p.weights) std::fprintf(stderr, " %a", w);
    std::fputc('\n', stderr);
  }
}

template <typename T>
void check_problem(ByteSource& bytes) {
  Problem<T> p = make_problem<T>(bytes);
  describe(p);
  const std::vector<T> x = p.x;
  const std::vector<double> weights = p.weights;

  check_first_out_of_range(p, bytes);
  double mean_variance = 0;
  const std::vector<double> means = check_column_stats(p, &mean_variance);
  // The facade's tol is relative to the mean variance (default 1e-4); 0 asks for strict convergence.
  static constexpr double kRelativeTol[] = {0, 1e-4, 1e-2, 0.5};
  p.tol = kRelativeTol[bytes.below(4)] * mean_variance;
  describe(p);
  if (std::getenv("KMEANS_NATIVE_FUZZ_DUMP") != nullptr) dump(p);

  const Fit<T> fit = check_fits(p);
  check_assign(p, p.init, "initial");
  check_assign(p, fit.centers, "fitted");
  check_transform(p, fit.centers);
  check_whiten(p);
  check_covariance(p);
  check_cluster_means(p, bytes);
  check_plus_plus(p, means, bytes);
  check_seed_centers(p, means, bytes);
  check_minibatch(p, bytes);
  require_same(p.x, x, "x changed during the checks");
  require_same(p.weights, weights, "the sample weights changed during the checks");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Problems this small would otherwise run on one thread: the checks compare thread counts.
  static const bool every_thread = setenv("KMEANS_NATIVE_WORK_PER_THREAD", "1", 1) == 0;
  (void)every_thread;
  ByteSource bytes(data, size);
  const uint8_t head = bytes.byte();
  // A quarter of the inputs are sparse problems (fuzz_sparse.cpp).
  if ((head >> 1) % 4 == 0) {
    check_sparse_problem(bytes, head & 1);
    return 0;
  }
  if (head & 1) {
    check_problem<float>(bytes);
  } else {
    check_problem<double>(bytes);
  }
  return 0;
}
