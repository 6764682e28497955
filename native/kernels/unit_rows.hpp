// Unit-length rows, for cosine (spherical) k-means: on unit vectors, the squared Euclidean
// distance is 2 - 2 cos, so the Euclidean kernels assign by cosine similarity unchanged.
#pragma once

#include <cmath>
#include <cstdint>

namespace kmn {

// Scales row to unit length in place (the norm computed in double); returns false, leaving the
// row as it was, when its length is zero.
template <typename T>
inline bool scale_to_unit(T* row /* INOUT d */, int64_t d) {
  double squares = 0;
  for (int64_t f = 0; f < d; ++f) squares += static_cast<double>(row[f]) * static_cast<double>(row[f]);
  if (!(squares > 0)) return false;
  const double scale = 1.0 / std::sqrt(squares);
  for (int64_t f = 0; f < d; ++f) row[f] = static_cast<T>(static_cast<double>(row[f]) * scale);
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
