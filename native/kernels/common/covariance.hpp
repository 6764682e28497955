// The Gaussian that scipy.cluster.vq.kmeans2 draws its 'random' initial centroids from: the
// column means, the sample covariance (numpy.cov, divided by n - 1) and its Cholesky factor.
#pragma once

#include <cstdint>

#include "dataset.hpp"
#include "status.hpp"

namespace kmn {

// means[f] = the sum over rows, in row order, of x[i][f] / n. Each thread owns a range of
// columns, so the bits never depend on the thread count.
template <typename T>
Status column_means(const Dataset<T>& data, int threads, double* means /* OUT d */);

// cov[a][b] = sum over rows, in row order, of (x[i][a] - means[a]) * (x[i][b] - means[b]), over
// n - 1 (n >= 2; weights are ignored). Each thread owns a band of rows of the lower triangle
// (the bands carry equal work), so the bits never depend on the thread count; the upper
// triangle is the mirror image.
template <typename T>
Status sample_covariance(const Dataset<T>& data, const double* means /* IN d */, int threads,
                         double* cov /* OUT d*d */);

// upper = Lᵀ (row-major, zero below the diagonal) with L·Lᵀ = cov, by the Cholesky-Banachiewicz
// order (row by row of L, each entry summed over its row in column order). Returns false, with
// upper cleared, when cov is not positive definite: a pivot at or below 1e-12 times its diagonal
// entry counts as zero.
bool cholesky_upper(const double* cov /* IN d*d */, int64_t d, double* upper /* OUT d*d */);

}  // namespace kmn
