#include "operations.hpp"

#include "../kernels/algorithms/algorithms.hpp"
#include "../kernels/algorithms/queries.hpp"
#include "../kernels/common/reductions.hpp"
#include "../kernels/common/sizes.hpp"

namespace kmn::binding {

template <typename T>
bool DataOperation<T>::parse_data(Request& request) {
  Napi::Env env = request.env();
  if (!request.integer("n", 1, &data.n) || !request.integer("d", 1, &data.d)) return false;
  size_t length = 0;
  if (request.has("columns")) {
    // Column-major: d arrays of n values, read in place.
    std::vector<T*> columns;
    if (!request.typed_array_list("columns", &columns, &length)) return false;
    KMN_REQUIRE(env, columns.size() == static_cast<size_t>(data.d) && length == static_cast<size_t>(data.n),
                "columns must hold d arrays of n values");
    column_pointers.assign(columns.begin(), columns.end());
    data.columns = column_pointers.data();
  } else {
    T* x = nullptr;
    if (!request.typed_array("x", &x, &length)) return false;
    size_t expected = 0;
    KMN_REQUIRE(env, checked_mul(data.n, data.d, &expected) && expected == length, "x must hold n*d values");
    data.x = x;
  }
  double* weights = nullptr;
  if (!request.optional_typed_array("sampleWeight", &weights, &length)) return false;
  KMN_REQUIRE(env, weights == nullptr || length == static_cast<size_t>(data.n), "sampleWeight must hold n values");
  data.weights = weights;
  return request.threads(&threads) && controls.parse(request);
}

// Checks that `key` is a typed array of exactly `count` elements of type U.
template <typename U>
static bool sized_array(Request& request, const char* key, int64_t rows, int64_t cols, U** out) {
  size_t length = 0, expected = 0;
  if (!request.typed_array(key, out, &length)) return false;
  KMN_REQUIRE(request.env(), checked_mul(rows, cols, &expected) && expected == length,
              std::string(key) + " has the wrong length");
  return true;
}

template <typename T>
static bool centers_field(Request& request, int64_t d, int64_t* k, T** centers) {
  if (!request.integer("k", 1, k)) return false;
  return sized_array(request, "centers", *k, d, centers);
}

// --- fit -------------------------------------------------------------------------------

template <typename T>
bool FitOperation<T>::parse(Request& request) {
  if (!this->parse_data(request) || !centers_field(request, this->data.d, &k, &centers)) return false;
  if (!sized_array(request, "labels", this->data.n, 1, &labels)) return false;
  if (!request.integer("maxIter", 1, &options.max_iter) || !request.number("tol", &options.tol)) return false;
  options.threads = this->threads;
  if (request.has("algorithm") && !request.string("algorithm", &options.algorithm)) return false;
  KMN_REQUIRE(request.env(), options.algorithm == kAutoAlgorithm || is_algorithm_name(options.algorithm),
              "algorithm must be 'auto' or a name that info().algorithms lists");
  if (!request.optional_boolean("mixedPrecision", &options.mixed_precision) ||
      !request.optional_boolean("spherical", &options.spherical)) {
    return false;
  }
  options.cancel = this->controls.cancel();
  return true;
}

template <typename T>
Status FitOperation<T>::execute() {
  if (this->controls.reports()) {
    options.on_iteration = [this](int64_t iteration, const IterationStats& stats) {
      this->controls.report({static_cast<double>(iteration), stats.inertia, stats.center_shift});
    };
  }
  return fit_kmeans(this->data, k, centers, labels, options, &fit);
}

template <typename T>
Napi::Value FitOperation<T>::result(Napi::Env env) {
  const size_t iterations = fit.history.size();
  Napi::Float64Array inertia = Napi::Float64Array::New(env, iterations);
  Napi::Float64Array shift = Napi::Float64Array::New(env, iterations);
  Napi::Float64Array changes = Napi::Float64Array::New(env, iterations);
  Napi::Float64Array relocated = Napi::Float64Array::New(env, iterations);
  Napi::Float64Array evals = Napi::Float64Array::New(env, iterations);
  for (size_t i = 0; i < iterations; ++i) {
    inertia[i] = fit.history[i].inertia;
    shift[i] = fit.history[i].center_shift;
    changes[i] = static_cast<double>(fit.history[i].label_changes);
    relocated[i] = static_cast<double>(fit.history[i].relocated);
    evals[i] = static_cast<double>(fit.history[i].distance_evals);
  }
  Napi::Object history = Napi::Object::New(env);
  history.Set("inertia", inertia);
  history.Set("centerShift", shift);
  history.Set("labelChanges", changes);
  history.Set("relocated", relocated);
  history.Set("distanceEvals", evals);
  Napi::Object out = Napi::Object::New(env);
  out.Set("nIter", Napi::Number::New(env, static_cast<double>(fit.n_iter)));
  out.Set("converged", Napi::Boolean::New(env, fit.converged));
  out.Set("inertia", Napi::Number::New(env, fit.inertia));
  out.Set("history", history);
  out.Set("algorithm", Napi::String::New(env, fit.algorithm));
  return out;
}

// --- assign ------------------------------------------------------------------------------

template <typename T>
bool AssignOperation<T>::parse(Request& request) {
  T* writable_centers = nullptr;
  if (!this->parse_data(request) || !centers_field(request, this->data.d, &k, &writable_centers)) return false;
  centers = writable_centers;
  if (!sized_array(request, "labels", this->data.n, 1, &labels)) return false;
  if (request.has("sqDistances") && !sized_array(request, "sqDistances", this->data.n, 1, &sq_distances)) return false;
  if (request.has("inertiaBase") && !request.number("inertiaBase", &inertia_base)) return false;
  return request.optional_boolean("mixedPrecision", &mixed_precision);
}

template <typename T>
Status AssignOperation<T>::execute() {
  return assign_nearest(this->data, centers, k, this->threads, mixed_precision, labels, sq_distances, &weighted_sum,
                        inertia_base);
}

template <typename T>
Napi::Value AssignOperation<T>::result(Napi::Env env) {
  return Napi::Number::New(env, weighted_sum);
}

// --- clusterMeans ----------------------------------------------------------------------

template <typename T>
bool ClusterMeansOperation<T>::parse(Request& request) {
  int32_t* writable_labels = nullptr;
  if (!this->parse_data(request) || !centers_field(request, this->data.d, &k, &centers)) return false;
  if (!sized_array(request, "labels", this->data.n, 1, &writable_labels)) return false;
  for (int64_t i = 0; i < this->data.n; ++i)
    KMN_REQUIRE(request.env(), writable_labels[i] >= 0 && writable_labels[i] < k, "labels must be in [0, k)");
  labels = writable_labels;
  return sized_array(request, "weights", k, 1, &weights);
}

template <typename T>
Status ClusterMeansOperation<T>::execute() {
  return cluster_means(this->data, labels, k, this->threads, centers, weights);
}

template <typename T>
Napi::Value ClusterMeansOperation<T>::result(Napi::Env env) {
  return env.Undefined();
}

// --- transform ---------------------------------------------------------------------------

template <typename T>
bool TransformOperation<T>::parse(Request& request) {
  T* writable_centers = nullptr;
  if (!this->parse_data(request) || !centers_field(request, this->data.d, &k, &writable_centers)) return false;
  centers = writable_centers;
  bool cosine = false;
  if (!request.optional_boolean("cosine", &cosine)) return false;
  value = cosine ? TransformValue::kHalfSquared : TransformValue::kDistance;
  return sized_array(request, "out", this->data.n, k, &out);
}

template <typename T>
Status TransformOperation<T>::execute() {
  return transform(this->data, centers, k, this->threads, out, value);
}

template <typename T>
Napi::Value TransformOperation<T>::result(Napi::Env env) {
  return env.Undefined();
}

// --- firstOutOfRange --------------------------------------------------------------------

template <typename T>
bool FirstOutOfRangeOperation<T>::parse(Request& request) {
  double value = 0;
  if (!this->parse_data(request) || !request.number("limit", &value)) return false;
  KMN_REQUIRE(request.env(), value > 0, "limit must be positive");
  limit = static_cast<T>(value);
  return true;
}

template <typename T>
Status FirstOutOfRangeOperation<T>::execute() {
  return first_out_of_range(this->data, limit, this->threads, &index);
}

// --- columnStats -------------------------------------------------------------------------

template <typename T>
bool ColumnStatsOperation<T>::parse(Request& request) {
  if (!this->parse_data(request)) return false;
  if (!request.has("sums")) return sized_array(request, "means", this->data.d, 1, &means);
  double* writable_origin = nullptr;
  if (!sized_array(request, "origin", this->data.d, 1, &writable_origin)) return false;
  origin = writable_origin;
  return sized_array(request, "sums", this->data.d, 2, &sums);
}

template <typename T>
Status ColumnStatsOperation<T>::execute() {
  if (sums != nullptr) return column_sums(this->data, origin, this->threads, sums);
  return column_stats(this->data, this->threads, means, &mean_variance);
}

template <typename T>
Napi::Value ColumnStatsOperation<T>::result(Napi::Env env) {
  return sums != nullptr ? env.Undefined() : Napi::Number::New(env, mean_variance);
}

// --- plusPlus ----------------------------------------------------------------------------

template <typename T>
bool PlusPlusOperation<T>::parse(Request& request) {
  if (!this->parse_data(request)) return false;
  double* writable_shift = nullptr;
  if (!sized_array(request, "shift", this->data.d, 1, &writable_shift)) return false;
  shift = writable_shift;
  if (!request.integer("k", 1, &k) || !request.integer("trials", 1, &trials)) return false;
  KMN_REQUIRE(request.env(), k <= this->data.n, "k must not exceed n");
  double* writable_uniforms = nullptr;
  if (!sized_array(request, "uniforms", 1 + (k - 1) * trials, 1, &writable_uniforms)) return false;
  uniforms = writable_uniforms;
  if (!sized_array(request, "indices", k, 1, &indices)) return false;
  return true;
}

template <typename T>
Status PlusPlusOperation<T>::execute() {
  return plus_plus(this->data, shift, k, trials, uniforms, this->threads, this->controls.cancel(), indices);
}

template <typename T>
Napi::Value PlusPlusOperation<T>::result(Napi::Env env) {
  return env.Undefined();
}

// --- miniBatchStep -----------------------------------------------------------------------

template <typename T>
bool MiniBatchStepOperation<T>::parse(Request& request) {
  if (!this->parse_data(request) || !centers_field(request, this->data.d, &k, &centers)) return false;
  b = this->data.n;
  if (request.has("indices")) {
    int32_t* writable_indices = nullptr;
    size_t length = 0;
    if (!request.typed_array("indices", &writable_indices, &length)) return false;
    KMN_REQUIRE(request.env(), length >= 1, "indices must not be empty");
    for (size_t r = 0; r < length; ++r)
      KMN_REQUIRE(request.env(), writable_indices[r] >= 0 && writable_indices[r] < this->data.n,
                  "indices must be row indices");
    indices = writable_indices;
    b = static_cast<int64_t>(length);
  }
  if (!sized_array(request, "counts", k, 1, &counts) || !sized_array(request, "labels", b, 1, &labels)) return false;
  if (!sized_array(request, "batchWeights", k, 1, &batch_weights)) return false;
  return request.optional_boolean("mixedPrecision", &mixed_precision) &&
         request.optional_boolean("spherical", &spherical);
}

template <typename T>
Status MiniBatchStepOperation<T>::execute() {
  return minibatch_step(this->data, indices, b, k, this->threads, mixed_precision, spherical, centers, counts, labels,
                        batch_weights, &step);
}

// --- unitRows ----------------------------------------------------------------------------

template <typename T>
bool UnitRowsOperation<T>::parse(Request& request) {
  return this->parse_data(request) && sized_array(request, "out", this->data.n, this->data.d, &out);
}

template <typename T>
Status UnitRowsOperation<T>::execute() {
  return unit_rows(this->data, this->threads, out, &zero_row);
}

// --- whiten ------------------------------------------------------------------------------

template <typename T>
bool WhitenOperation<T>::parse(Request& request) {
  return this->parse_data(request) && sized_array(request, "out", this->data.n, this->data.d, &out);
}

template <typename T>
Status WhitenOperation<T>::execute() {
  return whiten(this->data, this->threads, out, &zero_columns);
}

// --- covariance --------------------------------------------------------------------------

template <typename T>
bool CovarianceOperation<T>::parse(Request& request) {
  if (!this->parse_data(request) || !sized_array(request, "means", this->data.d, 1, &means)) return false;
  if (!request.has("covariance") && !request.has("factor")) return true;
  KMN_REQUIRE(request.env(), this->data.n >= 2, "the covariance needs n >= 2");
  return sized_array(request, "covariance", this->data.d, this->data.d, &covariance) &&
         sized_array(request, "factor", this->data.d, this->data.d, &factor);
}

template <typename T>
Status CovarianceOperation<T>::execute() {
  Status status = column_means(this->data, this->threads, means);
  if (status != Status::kOk || covariance == nullptr) return status;
  status = sample_covariance(this->data, means, this->threads, covariance);
  if (status == Status::kOk) positive_definite = cholesky_upper(covariance, this->data.d, factor);
  return status;
}

#define KMN_INSTANTIATE(T)                  \
  template struct DataOperation<T>;         \
  template struct FitOperation<T>;         \
  template struct AssignOperation<T>;       \
  template struct TransformOperation<T>;    \
  template struct ClusterMeansOperation<T>; \
  template struct ColumnStatsOperation<T>;  \
  template struct FirstOutOfRangeOperation<T>; \
  template struct PlusPlusOperation<T>;     \
  template struct MiniBatchStepOperation<T>; \
  template struct UnitRowsOperation<T>;     \
  template struct WhitenOperation<T>;       \
  template struct CovarianceOperation<T>;
KMN_INSTANTIATE(float)
KMN_INSTANTIATE(double)
#undef KMN_INSTANTIATE

}  // namespace kmn::binding
