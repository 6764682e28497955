// The operations on sparse rows (compressed sparse rows, kernels/sparse/csr.hpp). The shape of
// each struct is run_operation.hpp's. Every request carries the rows as indptr (IN n+1, Int32Array,
// or BigInt64Array for more than 2^31 - 1 entries: row i's entries are indptr[i] ..
// indptr[i+1] - 1), indices (IN nnz, Int32Array, each in [0, d), any order within a row, a
// repeated column counting as the sum of its entries), data (IN nnz, float64 or float32: the
// type of the centers) and rowNorms (IN n, float64: each row's squared norm, duplicates summed),
// with n, d, optional sampleWeight (IN n, float64), threads and the call's optional cancel and
// onProgress (call_controls.hpp). The parser checks the structure (sizes, row starts in order,
// indices in range), so no kernel can read outside the arrays.
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

#include "../kernels/sparse/csr.hpp"
#include "../kernels/sparse/sparse_fit.hpp"
#include "../kernels/sparse/sparse_plus_plus.hpp"
#include "call_controls.hpp"
#include "convert.hpp"

namespace kmn::binding {

template <typename T>
struct SparseDataOperation {
  std::vector<Napi::Reference<Napi::Value>> references;
  CallControls controls;
  CsrRows<T> data;
  int threads = 1;

  bool parse_rows(Request& request);
};

// sparseFit: centers (INOUT k*d, as data: initial, then final), k, labels (OUT n), maxIter,
// tol (absolute), spherical (optional: unit rows, centers scaled to unit length). Lloyd's
// algorithm; reports (iteration, inertia, centerShift) after each iteration, and cancel stops it
// before the next. Result: { nIter, converged, inertia, history } with history the dense fit's
// per-iteration arrays (inertia, centerShift, labelChanges, relocated, distanceEvals: n*k).
template <typename T>
struct SparseFitOperation : SparseDataOperation<T> {
  static constexpr const char* kFields[] = {"indptr", "indices", "data", "rowNorms", "n", "d", "sampleWeight",
                                            "centers", "k", "labels", "maxIter", "tol",
                                            "spherical", "threads", "cancel", "onProgress"};
  T* centers = nullptr;
  int32_t* labels = nullptr;
  int64_t k = 0;
  SparseFitOptions options;
  SparseFitResult fit;
  std::vector<SparsePassStats> history;  // one per iteration

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env);
};

// sparseAssign: centers (IN k*d, as data), k, labels (OUT n: each row's nearest center).
// Result: the weighted sum of the rows' squared distances to their centers.
template <typename T>
struct SparseAssignOperation : SparseDataOperation<T> {
  static constexpr const char* kFields[] = {"indptr", "indices", "data", "rowNorms", "n", "d", "sampleWeight",
                                            "centers", "k", "labels", "threads", "cancel", "onProgress"};
  const T* centers = nullptr;
  int32_t* labels = nullptr;
  int64_t k = 0;
  double inertia = 0;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env) { return Napi::Number::New(env, inertia); }
};

// sparsePlusPlus: k, trials, uniforms (IN 1 + (k - 1) * trials, float64: the draws in [0, 1)),
// chosen (OUT k, int32: the rows picked). Greedy k-means++ (kernels/sparse/sparse_plus_plus.hpp);
// every row's columns must increase strictly (sum repeats and sort first). Result: undefined.
template <typename T>
struct SparsePlusPlusOperation : SparseDataOperation<T> {
  static constexpr const char* kFields[] = {"indptr", "indices", "data", "rowNorms", "n", "d", "sampleWeight",
                                            "k", "trials", "uniforms", "chosen", "threads", "cancel", "onProgress"};
  const double* uniforms = nullptr;
  int32_t* chosen = nullptr;
  int64_t k = 0;
  int64_t trials = 0;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env) { return env.Undefined(); }
};

}  // namespace kmn::binding
