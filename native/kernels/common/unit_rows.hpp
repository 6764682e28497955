// Unit-length rows, for cosine (spherical) k-means: on unit vectors, the squared Euclidean
// distance is 2 - 2 cos, so the Euclidean kernels assign by cosine similarity unchanged.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace kmn {

// Scales row to unit length in place (the norm computed in double); returns false, leaving the
// row as it was, when its length is zero. A row whose sum of squares is not a normal double
// (values below about 1e-154, whose squares sink into subnormals or to zero, or near float64's
// limit) is first divided by its largest magnitude, so that its direction is still exact.
template <typename T>
inline bool scale_to_unit(T* row /* INOUT d */, int64_t d) {
  double squares = 0;
  for (int64_t f = 0; f < d; ++f) squares += static_cast<double>(row[f]) * static_cast<double>(row[f]);
  if (squares >= std::numeric_limits<double>::min() && std::isfinite(squares)) {
    const double scale = 1.0 / std::sqrt(squares);
    for (int64_t f = 0; f < d; ++f) row[f] = static_cast<T>(static_cast<double>(row[f]) * scale);
    return true;
  }
  double largest = 0;
  for (int64_t f = 0; f < d; ++f) largest = std::max(largest, std::fabs(static_cast<double>(row[f])));
  if (!(largest > 0)) return false;
  double scaled_squares = 0;  // in [1, d]
  for (int64_t f = 0; f < d; ++f) {
    const double value = static_cast<double>(row[f]) / largest;
    scaled_squares += value * value;
  }
  const double norm = std::sqrt(scaled_squares);
  for (int64_t f = 0; f < d; ++f) row[f] = static_cast<T>(static_cast<double>(row[f]) / largest / norm);
  return true;
}

// The spherical k-means center update: each new center (a cluster mean) scaled to unit length;
// a mean of length zero (members that cancel out) keeps the previous center. Returns the
// total squared shift from `previous`, as average_centers does for the plain update.
template <typename T>
inline double unit_centers(const T* previous /* IN k*d */, int64_t k, int64_t d, T* centers /* INOUT k*d */) {
  double shift = 0;
  for (int64_t j = 0; j < k; ++j) {
    T* center = centers + j * d;
    if (!scale_to_unit(center, d)) {
      for (int64_t f = 0; f < d; ++f) center[f] = previous[j * d + f];
    }
    for (int64_t f = 0; f < d; ++f) {
      const double diff = static_cast<double>(center[f]) - static_cast<double>(previous[j * d + f]);
      shift += diff * diff;
    }
  }
  return shift;
}

}  // namespace kmn
