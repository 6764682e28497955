// The sparse operations (their fields are listed in sparse_operations.hpp).
#include "sparse_operations.hpp"

#include <algorithm>
#include <new>
#include <string>

#include "../kernels/common/sizes.hpp"

namespace kmn::binding {

namespace {

// Row starts of type I: n+1 of them, from 0, never decreasing, the last one the entry count.
template <typename I>
bool row_starts(Request& request, int64_t n, int64_t entries, const I** out) {
  I* starts = nullptr;
  if (!array_of(request, "indptr", n + 1, &starts)) return false;
  KMN_REQUIRE(request.env(), starts[0] == 0 && static_cast<int64_t>(starts[n]) == entries,
              "indptr must start at 0 and end at the number of entries");
  for (int64_t i = 0; i < n; ++i)
    KMN_REQUIRE(request.env(), starts[i] <= starts[i + 1], "indptr must not decrease");
  *out = starts;
  return true;
}

template <typename T>
bool sized(Request& request, const char* key, int64_t rows, int64_t cols, T** out) {
  size_t count = 0;
  KMN_REQUIRE(request.env(), checked_mul(rows, cols, &count), std::string(key) + " is too large");
  return array_of(request, key, static_cast<int64_t>(count), out);
}

}  // namespace

template <typename T>
bool SparseDataOperation<T>::parse_rows(Request& request) {
  Napi::Env env = request.env();
  if (!request.integer("n", 1, &data.n) || !request.integer("d", 1, &data.d)) return false;
  KMN_REQUIRE(env, data.d <= INT32_MAX, "d must fit the int32 indices");
  int32_t* indices = nullptr;
  T* values = nullptr;
  size_t entries = 0, value_count = 0;
  if (!request.typed_array("indices", &indices, &entries) || !request.typed_array("data", &values, &value_count))
    return false;
  KMN_REQUIRE(env, entries == value_count, "indices and data must have the same length");
  const int64_t nnz = static_cast<int64_t>(entries);
  if (request.holds<int64_t>("indptr")) {
    if (!row_starts(request, data.n, nnz, &data.indptr64)) return false;
  } else {
    KMN_REQUIRE(env, nnz <= INT32_MAX, "more than 2^31 - 1 entries need an int64 indptr");
    if (!row_starts(request, data.n, nnz, &data.indptr32)) return false;
  }
  for (int64_t e = 0; e < nnz; ++e)
    KMN_REQUIRE(env, indices[e] >= 0 && indices[e] < data.d, "indices must be column indices in [0, d)");
  data.indices = indices;
  data.values = values;
  double* norms = nullptr;
  if (!array_of(request, "rowNorms", data.n, &norms)) return false;
  data.row_norms = norms;
  double* weights = nullptr;
  size_t length = 0;
  if (!request.optional_typed_array("sampleWeight", &weights, &length)) return false;
  KMN_REQUIRE(env, weights == nullptr || length == static_cast<size_t>(data.n), "sampleWeight must hold n values");
  data.weights = weights;
  return request.threads(&threads) && controls.parse(request);
}

// --- sparseFit ---------------------------------------------------------------------------

template <typename T>
bool SparseFitOperation<T>::parse(Request& request) {
  if (!this->parse_rows(request) || !request.integer("k", 1, &k)) return false;
  if (!sized(request, "centers", k, this->data.d, &centers) || !array_of(request, "labels", this->data.n, &labels))
    return false;
  if (!request.integer("maxIter", 1, &options.max_iter) || !request.number("tol", &options.tol) ||
      !request.optional_boolean("spherical", &options.spherical))
    return false;
  options.threads = this->threads;
  options.cancel = this->controls.cancel();
  return true;
}

template <typename T>
Status SparseFitOperation<T>::execute() {
  options.on_iteration = [this](int64_t iteration, const SparsePassStats& stats) {
    history.push_back(stats);
    if (this->controls.reports())
      this->controls.report({static_cast<double>(iteration), stats.inertia, stats.center_shift});
  };
  try {
    history.reserve(static_cast<size_t>(std::min<int64_t>(options.max_iter, 1024)));
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return sparse_fit(this->data, k, centers, labels, options, &fit);
}

template <typename T>
Napi::Value SparseFitOperation<T>::result(Napi::Env env) {
  const size_t iterations = history.size();
  const char* names[] = {"inertia", "centerShift", "labelChanges", "relocated", "distanceEvals"};
  Napi::Object series = Napi::Object::New(env);
  for (int field = 0; field < 5; ++field) {
    Napi::Float64Array values = Napi::Float64Array::New(env, iterations);
    for (size_t i = 0; i < iterations; ++i) {
      const SparsePassStats& stats = history[i];
      const double all = static_cast<double>(this->data.n) * static_cast<double>(k);  // Lloyd's: every pair
      const double by_field[] = {stats.inertia, stats.center_shift, static_cast<double>(stats.label_changes),
                                 static_cast<double>(stats.relocated), all};
      values[i] = by_field[field];
    }
    series.Set(names[field], values);
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("nIter", Napi::Number::New(env, static_cast<double>(fit.n_iter)));
  out.Set("converged", Napi::Boolean::New(env, fit.converged));
  out.Set("inertia", Napi::Number::New(env, fit.inertia));
  out.Set("history", series);
  return out;
}

// --- sparseAssign ------------------------------------------------------------------------

template <typename T>
bool SparseAssignOperation<T>::parse(Request& request) {
  T* writable_centers = nullptr;
  if (!this->parse_rows(request) || !request.integer("k", 1, &k)) return false;
  if (!sized(request, "centers", k, this->data.d, &writable_centers)) return false;
  centers = writable_centers;
  return array_of(request, "labels", this->data.n, &labels);
}

template <typename T>
Status SparseAssignOperation<T>::execute() {
  return sparse_assign(this->data, centers, k, this->threads, labels, &inertia);
}

// --- sparsePlusPlus ----------------------------------------------------------------------

template <typename T>
bool SparsePlusPlusOperation<T>::parse(Request& request) {
  Napi::Env env = request.env();
  if (!this->parse_rows(request) || !request.integer("k", 1, &k) || !request.integer("trials", 1, &trials))
    return false;
  const CsrRows<T>& rows = this->data;
  KMN_REQUIRE(env, k <= rows.n, "k must be at most n");
  for (int64_t i = 0; i < rows.n; ++i) {
    for (int64_t e = rows.begin(i) + 1; e < rows.end(i); ++e)
      KMN_REQUIRE(env, rows.indices[e] > rows.indices[e - 1], "every row's column indices must increase strictly");
  }
  size_t draws = 0;
  KMN_REQUIRE(env, checked_mul(k - 1, trials, &draws) && draws < static_cast<size_t>(INT64_MAX), "too many draws");
  double* values = nullptr;
  if (!array_of(request, "uniforms", static_cast<int64_t>(draws) + 1, &values)) return false;
  uniforms = values;
  return array_of(request, "chosen", k, &chosen);
}

template <typename T>
Status SparsePlusPlusOperation<T>::execute() {
  return sparse_plus_plus(this->data, k, trials, uniforms, this->threads, this->controls.cancel(), chosen);
}

#define KMN_INSTANTIATE(T)                   \
  template struct SparseDataOperation<T>;    \
  template struct SparseFitOperation<T>;     \
  template struct SparseAssignOperation<T>;  \
  template struct SparsePlusPlusOperation<T>;
KMN_INSTANTIATE(float)
KMN_INSTANTIATE(double)
#undef KMN_INSTANTIATE

}  // namespace kmn::binding
