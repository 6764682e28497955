// Whole-data reductions, each in fixed block order (bitwise identical for any thread count).
#pragma once

#include <cstdint>

#include "dataset.hpp"
#include "status.hpp"

namespace kmn {

// Column means and the mean of the column variances (population variance, as numpy's var),
// which scales the convergence tolerance. One pass over the data.
template <typename T>
Status column_stats(const Dataset<T>& data, int threads, double* means /* OUT d */, double* mean_variance /* OUT */);

// Adds the rows' deviations from `origin` (d values) and their squares to sums (2*d: the d
// sums, then the d sums of squares), in fixed-block order: data read in pieces that start on
// block boundaries adds up to the same bits as all of it at once.
template <typename T>
Status column_sums(const Dataset<T>& data, const double* origin /* IN d */, int threads, double* sums /* INOUT 2*d */);

// column_stats's results from column_sums over all n rows (origin: the first row).
void column_stats_from_sums(const double* sums /* IN 2*d */, const double* origin /* IN d */, int64_t d, int64_t n,
                            double* means /* OUT d */, double* mean_variance /* OUT */);

// Index of the first value of x (n*d, row-major) that is NaN or not below `limit` in absolute
// value (infinities included), or -1.
template <typename T>
Status first_out_of_range(const Dataset<T>& data, T limit, int threads, int64_t* index);

// Adds to *out the sum over rows of weight * ||x_i - c_{labels_i}||^2, exact in double, in
// fixed-block order (*out: 0, or the total of the pieces of the data before this one).
template <typename T>
Status inertia(const Dataset<T>& data, const T* centers /* IN k*d */, const int32_t* labels /* IN n */, int threads,
               double* out /* INOUT */);

// What transform writes for a row and a center.
enum class TransformValue {
  kDistance,     // ||x - c||, Euclidean (not squared)
  kHalfSquared,  // ||x - c||^2 / 2: on unit rows and centers, the cosine distance 1 - cos
};

// out[i*k + j] = the value of (x_i, c_j), from the exact squared distance in double, stored as T.
template <typename T>
Status transform(const Dataset<T>& data, const T* centers /* IN k*d */, int64_t k, int threads, T* out /* OUT n*k */,
                 TransformValue value = TransformValue::kDistance);

// scipy.cluster.vq.whiten: out = x with every column divided by its standard deviation (a
// column of deviation zero is copied unchanged); *zero_columns counts those. Each column is
// first scaled by a power of four that brings its largest magnitude near 1, so that squares
// neither overflow nor sink into subnormals (exact: ordinary data gives the same bits as
// without it). Each column is summed in row order, by one thread, so the bits never depend on
// the thread count.
template <typename T>
Status whiten(const Dataset<T>& data, int threads, T* out /* OUT n*d */, int64_t* zero_columns);

// out = x with every row scaled to unit length (cosine k-means); *zero_row is the index of the
// first row of length zero (that row is copied unscaled), or -1.
template <typename T>
Status unit_rows(const Dataset<T>& data, int threads, T* out /* OUT n*d */, int64_t* zero_row);

}  // namespace kmn
