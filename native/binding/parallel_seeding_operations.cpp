// The operations of k-means|| seeding: weightedRowDraw, candidateCost, sampleCandidates and
// candidateWeights (their fields are listed in parallel_seeding_operations.hpp).
#include "parallel_seeding_operations.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "../kernels/common/chunking.hpp"
#include "../kernels/common/sizes.hpp"

namespace kmn::binding {
namespace {

// candidates (m*d values, as x) and m.
template <typename T>
bool candidates_field(Request& request, int64_t d, int64_t* m, const T** candidates) {
  if (!request.integer("m", 1, m)) return false;
  size_t length = 0, expected = 0;
  T* values = nullptr;
  if (!request.typed_array("candidates", &values, &length)) return false;
  KMN_REQUIRE(request.env(), checked_mul(*m, d, &expected) && length == expected, "candidates must hold m*d values");
  *candidates = values;
  return true;
}

// firstRow: where the piece starts in all the data, on a block boundary.
bool first_row_field(Request& request, int64_t* first_row) {
  if (!request.integer("firstRow", 0, first_row)) return false;
  KMN_REQUIRE(request.env(), *first_row % kRowsPerBlock == 0,
              "firstRow must be a multiple of " + std::to_string(kRowsPerBlock));
  return true;
}

}  // namespace

// --- weightedRowDraw ---------------------------------------------------------------------

template <typename T>
bool WeightedRowDrawOperation<T>::parse(Request& request) {
  if (!this->parse_data(request) || !request.integer("key", 0, &key) || !first_row_field(request, &first_row)) return false;
  return array_of(request, "best", 2, &best) && array_of(request, "center", this->data.d, &center);
}

template <typename T>
Status WeightedRowDrawOperation<T>::execute() {
  RowDraw draw{best[0], static_cast<int64_t>(best[1])};
  draw_weighted_row(this->data, static_cast<uint64_t>(key), first_row, this->threads, &draw);
  if (draw.row >= first_row) {  // this piece holds the new best
    this->data.copy_row(draw.row - first_row, center);
    best[0] = draw.key;
    best[1] = static_cast<double>(draw.row);
  }
  return Status::kOk;
}

// --- candidateCost -----------------------------------------------------------------------

template <typename T>
bool CandidateCostOperation<T>::parse(Request& request) {
  if (!this->parse_data(request) || !candidates_field(request, this->data.d, &m, &candidates)) return false;
  return request.optional_boolean("mixedPrecision", &mixed_precision) && request.number("base", &total);
}

template <typename T>
Status CandidateCostOperation<T>::execute() {
  return candidate_cost(this->data, candidates, m, this->threads, mixed_precision, &total);
}

// --- sampleCandidates --------------------------------------------------------------------

template <typename T>
bool SampleCandidatesOperation<T>::parse(Request& request) {
  if (!this->parse_data(request) || !candidates_field(request, this->data.d, &m, &candidates)) return false;
  if (!request.optional_boolean("mixedPrecision", &mixed_precision) || !first_row_field(request, &first_row) ||
      !request.integer("key", 0, &key) || !request.number("oversampling", &oversampling) ||
      !request.number("cost", &cost)) {
    return false;
  }
  KMN_REQUIRE(request.env(), oversampling > 0 && cost > 0 && std::isfinite(cost),
              "oversampling and cost must be positive (and cost finite)");
  return true;
}

template <typename T>
Status SampleCandidatesOperation<T>::execute() {
  const Status status = sample_candidates(this->data, candidates, m, this->threads, mixed_precision, first_row,
                                          static_cast<uint64_t>(key), oversampling, cost, &chosen);
  if (status != Status::kOk) return status;
  try {
    const int64_t d = this->data.d;
    values.resize(chosen.size() * static_cast<size_t>(d));
    for (size_t c = 0; c < chosen.size(); ++c) this->data.copy_row(chosen[c], values.data() + c * d);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

template <typename T>
Napi::Value SampleCandidatesOperation<T>::result(Napi::Env env) {
  Napi::Float64Array rows = Napi::Float64Array::New(env, chosen.size());
  for (size_t c = 0; c < chosen.size(); ++c) rows[c] = static_cast<double>(first_row + chosen[c]);
  Napi::TypedArrayOf<T> out = Napi::TypedArrayOf<T>::New(env, values.size());
  std::copy(values.begin(), values.end(), out.Data());
  Napi::Object result = Napi::Object::New(env);
  result.Set("rows", rows);
  result.Set("values", out);
  return result;
}

// --- candidateWeights --------------------------------------------------------------------

template <typename T>
bool CandidateWeightsOperation<T>::parse(Request& request) {
  if (!this->parse_data(request) || !candidates_field(request, this->data.d, &m, &candidates)) return false;
  return request.optional_boolean("mixedPrecision", &mixed_precision) && array_of(request, "weights", m, &weights);
}

template <typename T>
Status CandidateWeightsOperation<T>::execute() {
  return candidate_weights(this->data, candidates, m, this->threads, mixed_precision, weights);
}

#define KMN_INSTANTIATE(T)                        \
  template struct WeightedRowDrawOperation<T>;    \
  template struct CandidateCostOperation<T>;      \
  template struct SampleCandidatesOperation<T>;   \
  template struct CandidateWeightsOperation<T>;
KMN_INSTANTIATE(float)
KMN_INSTANTIATE(double)
#undef KMN_INSTANTIATE

}  // namespace kmn::binding
