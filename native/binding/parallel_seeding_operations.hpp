// The operations of k-means|| seeding (kernels/algorithms/parallel_seeding.hpp), one pass over
// one piece of the data each: rows firstRow.. of all the data, firstRow on a fixed-block
// boundary (kRowsPerBlock rows); totals passed from piece to piece add up to the bits a call on
// all the rows would give. The shape of each struct is run_operation.hpp's; the fields of the
// request are its kFields with DataOperation's.
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

#include "../kernels/algorithms/parallel_seeding.hpp"
#include "operations.hpp"

namespace kmn::binding {

// weightedRowDraw: key (integer in [0, 2^53)), firstRow, best (INOUT Float64Array(2): the largest
// key so far and its row in all the data; -Infinity and -1 before the first piece), center (OUT
// d, as x: written with the row's values when this piece holds the new best). Result: undefined.
template <typename T>
struct WeightedRowDrawOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"key", "firstRow", "best", "center"};
  int64_t key = 0, first_row = 0;
  double* best = nullptr;
  T* center = nullptr;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env) { return env.Undefined(); }
};

// candidateCost: candidates (IN m*d, as x), m, mixedPrecision, base (the total of the pieces
// before). Result: base plus the weighted squared distances of the rows to their nearest
// candidate.
template <typename T>
struct CandidateCostOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"candidates", "m", "mixedPrecision", "base"};
  const T* candidates = nullptr;
  int64_t m = 0;
  bool mixed_precision = false;
  double total = 0;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env) { return Napi::Number::New(env, total); }
};

// sampleCandidates: candidates (IN m*d, as x), m, mixedPrecision, firstRow, key (integer in
// [0, 2^53)), oversampling (> 0), cost (> 0: the candidates' cost over all the data). Result:
// { rows: Float64Array (the chosen rows' indices in all the data, ascending), values (their
// rows, as x) }.
template <typename T>
struct SampleCandidatesOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"candidates", "m", "mixedPrecision", "firstRow", "key", "oversampling", "cost"};
  const T* candidates = nullptr;
  int64_t m = 0, first_row = 0, key = 0;
  bool mixed_precision = false;
  double oversampling = 0, cost = 0;
  std::vector<int64_t> chosen;
  std::vector<T> values;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env);
};

// candidateWeights: candidates (IN m*d, as x), m, mixedPrecision, weights (INOUT m, float64: the
// total weight of the rows nearest to each candidate, added to). Result: undefined.
template <typename T>
struct CandidateWeightsOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"candidates", "m", "mixedPrecision", "weights"};
  const T* candidates = nullptr;
  int64_t m = 0;
  bool mixed_precision = false;
  double* weights = nullptr;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env) { return env.Undefined(); }
};

}  // namespace kmn::binding
