// Column means, sample covariance and Cholesky factor for kmeans2's Gaussian initialisation.
// Every sum runs in row order, as a plain sequential loop would add it, and threads split the
// columns, never the rows: the bits are the same on any thread count.
#include "covariance.hpp"

#include <algorithm>
#include <cmath>
#include <new>
#include <vector>

#include "chunking.hpp"

namespace kmn {

namespace {

// Rows of data are centred in tiles of this many, stored column by column, so that each
// covariance entry runs over a contiguous tile.
constexpr int64_t kTileRows = 64;

// Where band `part` of `parts` begins: bands of the lower triangle with equal areas.
int64_t band_start(int64_t d, int64_t part, int64_t parts) {
  if (part >= parts) return d;
  const double start = std::ceil(static_cast<double>(d) * std::sqrt(static_cast<double>(part) / parts));
  return std::min<int64_t>(d, static_cast<int64_t>(start));
}

}  // namespace

template <typename T>
Status column_means(const Dataset<T>& data, int threads, double* means) {
  const int64_t n = data.n, d = data.d;
  std::fill(means, means + d, 0.0);
  const double count = static_cast<double>(n);
  parallel_for_range(
      d, effective_threads(threads, BlockPlan::make(n), d),
      [&](int64_t first, int64_t last) {
        for (int64_t i = 0; i < n; ++i) {
          for (int64_t f = first; f < last; ++f) means[f] += static_cast<double>(data.at(i, f)) / count;
        }
      },
      /*grain=*/1);
  return Status::kOk;
}

template <typename T>
Status sample_covariance(const Dataset<T>& data, const double* means, int threads, double* cov) {
  const int64_t n = data.n, d = data.d;
  try {
    const int64_t parts = effective_threads(threads, BlockPlan::make(n), d * (d + 1) / 2);
    std::vector<int64_t> starts(static_cast<size_t>(parts + 1));
    for (int64_t part = 0; part <= parts; ++part) starts[part] = band_start(d, part, parts);
    // A band of rows [first, last) of the triangle reads columns [0, last) of each row.
    std::vector<std::vector<double>> tiles(static_cast<size_t>(parts));
    for (int64_t part = 0; part < parts; ++part) tiles[part].resize(static_cast<size_t>(kTileRows * starts[part + 1]));
    std::fill(cov, cov + d * d, 0.0);
    parallel_for_range(
        parts, static_cast<int>(parts),
        [&](int64_t first_part, int64_t last_part) {
          for (int64_t part = first_part; part < last_part; ++part) {
            const int64_t first = starts[part], last = starts[part + 1];
            double* tile = tiles[part].data();
            for (int64_t begin = 0; begin < n && first < last; begin += kTileRows) {
              const int64_t rows = std::min(kTileRows, n - begin);
              for (int64_t r = 0; r < rows; ++r) {
                for (int64_t f = 0; f < last; ++f)
                  tile[f * kTileRows + r] = static_cast<double>(data.at(begin + r, f)) - means[f];
              }
              for (int64_t a = first; a < last; ++a) {
                const double* column_a = tile + a * kTileRows;
                for (int64_t b = 0; b <= a; ++b) {
                  const double* column_b = tile + b * kTileRows;
                  double sum = cov[a * d + b];
                  for (int64_t r = 0; r < rows; ++r) sum += column_a[r] * column_b[r];
                  cov[a * d + b] = sum;
                }
              }
            }
          }
        },
        /*grain=*/1);
    const double denominator = static_cast<double>(n - 1);
    for (int64_t a = 0; a < d; ++a)
      for (int64_t b = 0; b <= a; ++b) cov[a * d + b] = cov[b * d + a] = cov[a * d + b] / denominator;
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

bool cholesky_upper(const double* cov, int64_t d, double* upper) {
  std::fill(upper, upper + d * d, 0.0);
  // L is built row by row in `upper`'s lower triangle (contiguous rows), then transposed.
  double* lower = upper;
  for (int64_t a = 0; a < d; ++a) {
    for (int64_t b = 0; b <= a; ++b) {
      double sum = cov[a * d + b];
      for (int64_t c = 0; c < b; ++c) sum -= lower[a * d + c] * lower[b * d + c];
      if (a == b) {
        if (!(sum > 1e-12 * cov[a * d + a]) || sum <= 0) {
          std::fill(upper, upper + d * d, 0.0);
          return false;
        }
        lower[a * d + a] = std::sqrt(sum);
      } else {
        lower[a * d + b] = sum / lower[b * d + b];
      }
    }
  }
  for (int64_t a = 0; a < d; ++a)
    for (int64_t b = 0; b < a; ++b) {
      upper[b * d + a] = lower[a * d + b];
      lower[a * d + b] = 0;
    }
  return true;
}

#define KMN_INSTANTIATE(T)                                      \
  template Status column_means<T>(const Dataset<T>&, int, double*); \
  template Status sample_covariance<T>(const Dataset<T>&, const double*, int, double*);
KMN_INSTANTIATE(float)
KMN_INSTANTIATE(double)
#undef KMN_INSTANTIATE

}  // namespace kmn
