// The operations of the clustering-quality metrics (src/metrics/). The shape of each struct is
// run_operation.hpp's; the fields of the request are its kFields with DataOperation's.
#pragma once

#include <napi.h>

#include <cstdint>

#include "../kernels/algorithms/silhouette.hpp"
#include "operations.hpp"

namespace kmn::binding {

// silhouette: labels (IN n, int32 in [0, k)), k, metric ('euclidean', 'sqeuclidean', 'cosine' or
// 'manhattan'), optional indices (IN m, int32: the rows scored, each at most once; the others
// take no part; absent: every row), out (OUT m, or n without indices; float64: each scored row's
// silhouette). cancel stops it between groups of rows. Result: under 'cosine', the first scored
// row of length zero (nothing is then computed), else -1.
template <typename T>
struct SilhouetteOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"labels", "k", "metric", "indices", "out"};
  const int32_t* labels = nullptr;
  int64_t k = 0;
  PairDistance metric = PairDistance::kEuclidean;
  const int32_t* indices = nullptr;
  int64_t m = 0;
  double* out = nullptr;
  int64_t zero_row = -1;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env) { return Napi::Number::New(env, static_cast<double>(zero_row)); }
};

}  // namespace kmn::binding
