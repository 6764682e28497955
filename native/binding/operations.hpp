// The operations the addon exports, one struct each (see run_operation.hpp for the shape). Each
// struct's kFields (with DataOperation's kDataFields) is its request's one schema: the parser may
// read no other field, a request holding another is refused, the addon reports it (schema), and
// a test holds src/binding.ts's request types to it.
// Each reads `x` (n*d, float64 or float32) and `threads`; the other fields are listed per
// operation. Output arrays are allocated by the facade and written in place.
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

#include "../driver.hpp"
#include "../kernels/algorithms/empty_clusters.hpp"
#include "../kernels/algorithms/minibatch.hpp"
#include "../kernels/algorithms/plus_plus.hpp"
#include "../kernels/algorithms/seeding.hpp"
#include "../kernels/common/covariance.hpp"
#include "../kernels/common/dataset.hpp"
#include "../kernels/common/reductions.hpp"
#include "call_controls.hpp"
#include "convert.hpp"

namespace kmn::binding {

// Fields common to every operation: n, d, the rows as x (n*d values, row-major) or as columns
// (d arrays of n values, column-major), optional sampleWeight, threads, and the call's optional
// cancel and onProgress (call_controls.hpp).
template <typename T>
struct DataOperation {
  static constexpr const char* kDataFields[] = {"x", "columns", "n", "d", "sampleWeight", "threads", "cancel", "onProgress"};
  std::vector<Napi::Reference<Napi::Value>> references;
  std::vector<const T*> column_pointers;  // column-major data: what data.columns points at
  Dataset<T> data;
  int threads = 1;
  CallControls controls;

  bool parse_data(Request& request);
};

// fit: centers (INOUT k*d, initial then final), labels (OUT n), k, maxIter, tol (absolute),
// optional algorithm (a name of kernels/algorithms/algorithms.hpp's table, or 'auto'; default
// 'lloyd'), mixedPrecision, spherical. Reports (iteration, inertia, centerShift) after each
// iteration; cancel stops it before the next. Result: { nIter, converged, inertia, algorithm
// (the one that ran: 'auto' resolved, memory fallbacks applied), history: { inertia,
// centerShift, labelChanges, relocated, distanceEvals } } with one Float64Array entry per
// iteration.
template <typename T>
struct FitOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"centers", "k", "labels", "maxIter", "tol", "algorithm", "mixedPrecision", "spherical"};
  T* centers = nullptr;
  int32_t* labels = nullptr;
  int64_t k = 0;
  FitOptions options;
  FitResult fit;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env);
};

// assign: centers (IN k*d), k, labels (OUT n), optional sqDistances (OUT n, float64), optional
// inertiaBase (for data read in pieces: the total of the pieces before). Result: the weighted
// sum of squared distances (added to inertiaBase).
template <typename T>
struct AssignOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"centers", "k", "labels", "sqDistances", "mixedPrecision", "inertiaBase"};
  double inertia_base = 0;
  const T* centers = nullptr;
  int64_t k = 0;
  int32_t* labels = nullptr;
  double* sq_distances = nullptr;
  bool mixed_precision = false;
  double weighted_sum = 0;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env);
};

// clusterMeans: labels (IN n, each in [0, k)), k, centers (INOUT k*d: clusters with members
// get their weighted mean, the others keep their center), weights (OUT k, float64).
// Result: undefined.
template <typename T>
struct ClusterMeansOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"labels", "k", "centers", "weights"};
  const int32_t* labels = nullptr;
  int64_t k = 0;
  T* centers = nullptr;
  double* weights = nullptr;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env);
};

// transform: centers (IN k*d), k, out (OUT n*k, same type as x), optional cosine (unit rows
// and centers: out holds 1 - cos, else the Euclidean distance). Result: undefined.
template <typename T>
struct TransformOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"centers", "k", "cosine", "out"};
  const T* centers = nullptr;
  int64_t k = 0;
  T* out = nullptr;
  TransformValue value = TransformValue::kDistance;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env);
};

// firstOutOfRange: limit (> 0). Result: the index of the first value that is NaN or whose
// magnitude is not below limit (infinities included), or -1.
template <typename T>
struct FirstOutOfRangeOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"limit"};
  T limit = 0;
  int64_t index = -1;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env) { return Napi::Number::New(env, static_cast<double>(index)); }
};

// columnStats: means (OUT d, float64). Result: the mean of the column variances. For data read
// in pieces, instead: origin (IN d, float64: the first row of all the data) and sums (INOUT 2*d,
// float64), to which the piece's deviations from origin and their squares are added
// (column_sums); the result is then undefined.
template <typename T>
struct ColumnStatsOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"means", "origin", "sums"};
  const double* origin = nullptr;
  double* sums = nullptr;
  double* means = nullptr;
  double mean_variance = 0;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env);
};

// plusPlus: shift (IN d, float64: the column means), k, trials, uniforms (IN 1 + (k - 1) *
// trials, float64 in [0, 1): the draws, in the order they are used), indices (OUT k, int32: the
// chosen rows). cancel stops it before the next center. Result: undefined.
template <typename T>
struct PlusPlusOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"shift", "k", "trials", "uniforms", "indices"};
  const double* shift = nullptr;
  int64_t k = 0, trials = 0;
  const double* uniforms = nullptr;
  int32_t* indices = nullptr;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env);
};

// miniBatchStep: indices (IN b, int32 row indices; absent: every row is the batch), k,
// centers (INOUT k*d), counts (INOUT k, float64: weight seen per center), labels (OUT b),
// batchWeights (OUT k, float64), mixedPrecision, spherical. Result: the batch's inertia
// against the centers before the step.
template <typename T>
struct MiniBatchStepOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"indices", "k", "centers", "counts", "labels", "batchWeights", "mixedPrecision", "spherical"};
  const int32_t* indices = nullptr;
  int64_t b = 0;
  int64_t k = 0;
  T* centers = nullptr;
  double* counts = nullptr;
  int32_t* labels = nullptr;
  double* batch_weights = nullptr;
  bool mixed_precision = false;
  bool spherical = false;
  MiniBatchStep step;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env) { return Napi::Number::New(env, step.inertia); }
};

// unitRows: out (OUT n*d, same type as x): the rows scaled to unit length. Result: the index
// of the first row of length zero, or -1.
template <typename T>
struct UnitRowsOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"out"};
  T* out = nullptr;
  int64_t zero_row = -1;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env) { return Napi::Number::New(env, static_cast<double>(zero_row)); }
};

// whiten: out (OUT n*d, same type as x): every column divided by its standard deviation
// (scipy.cluster.vq.whiten). Result: the number of columns of deviation zero (left unchanged).
template <typename T>
struct WhitenOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"out"};
  T* out = nullptr;
  int64_t zero_columns = 0;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env) { return Napi::Number::New(env, static_cast<double>(zero_columns)); }
};

// seedCenters: method ('k-means++' or 'random'), k, trials and shift (IN d, float64: the column
// means; both read for k-means++ only), state (INOUT Uint32Array(4): the generator's state,
// replaced by the state after the draws), centers (OUT k*d, same type as x), indices (OUT k,
// int32: the chosen rows). For k-means++, cancel stops it before the next center. Result:
// undefined.
template <typename T>
struct SeedCentersOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"method", "k", "trials", "shift", "state", "centers", "indices"};
  SeedMethod method = SeedMethod::kPlusPlus;
  int64_t k = 0, trials = 1;
  const double* shift = nullptr;
  uint32_t* state = nullptr;
  T* centers = nullptr;
  int32_t* indices = nullptr;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env) { return env.Undefined(); }
};

// randomDraws: state (INOUT Uint32Array(4)), optional seed (integer in [0, 2^53): the state is
// first set as `new Random(seed)` sets it), and either doubles (OUT Float64Array: uniform in
// [0, 1)) or integers (OUT Int32Array) with below (1 <= below <= 2^31: uniform in [0, below)),
// filled in order from the generator. Reads no x; threads is accepted and unused (the draws are
// one sequence). Result: undefined.
template <typename T>
struct RandomDrawsOperation {
  static constexpr const char* kFields[] = {"state", "seed", "doubles", "integers", "below", "threads", "cancel", "onProgress"};
  std::vector<Napi::Reference<Napi::Value>> references;
  CallControls controls;
  uint32_t* state = nullptr;
  bool seeded = false;
  int64_t seed = 0;
  double* doubles = nullptr;
  int32_t* integers = nullptr;
  size_t count = 0;
  int64_t below = 1;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env) { return env.Undefined(); }
};

// covariance: means (OUT d, float64: each column summed in row order), optional covariance and
// factor (OUT d*d, float64, both or neither; n >= 2): the sample covariance (over n - 1, as
// numpy.cov) and Lᵀ, upper triangular with L·Lᵀ = covariance. Result: whether the covariance
// is positive definite (false leaves factor zero, as it does when the two are absent).
template <typename T>
struct CovarianceOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"means", "covariance", "factor"};
  double* means = nullptr;
  double* covariance = nullptr;
  double* factor = nullptr;
  bool positive_definite = false;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env) { return Napi::Boolean::New(env, positive_definite); }
};

// --- Data read in pieces (source_operations.cpp). Each piece starts on a fixed-block boundary
// (kRowsPerBlock rows) of all the data, its first row being firstRow; totals passed from piece to
// piece add up to the bits a call on all the rows would give.

// passChunk: one piece of a Lloyd pass. centers (IN k*d), k, shift (IN d, float64: the first
// pass's center mean), sums (INOUT k*d + k, float64: per-cluster sums, then weights), stats
// (INOUT 3, float64: label changes, inertia, distance evaluations), fingerprint (INOUT 2,
// uint32: the labels' fingerprint, low word first), firstRow, mixedPrecision. With Hamerly's
// bounds kept by the caller: upper and lower (INOUT n, float64), labels (INOUT n, int32: the
// previous pass's) and hamerly (IN 2k + 4, float64: HamerlyBounds' state, which updateCenters
// writes). Result: undefined.
template <typename T>
struct PassChunkOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"centers", "k", "shift", "sums", "stats", "fingerprint", "firstRow", "mixedPrecision", "upper", "lower", "labels", "hamerly"};
  double* upper = nullptr;
  double* lower = nullptr;
  int32_t* labels = nullptr;
  const double* hamerly = nullptr;
  const T* centers = nullptr;
  int64_t k = 0, first_row = 0;
  const double* shift = nullptr;
  double* sums = nullptr;
  double* stats = nullptr;
  uint32_t* fingerprint = nullptr;
  bool mixed_precision = false;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env) { return env.Undefined(); }
};

// farthestRows: the piece's `count` rows farthest from their nearest center (exact squared
// distance), farthest first, the lower row first on a tie. centers (IN k*d), k, count, firstRow,
// mixedPrecision; distances (OUT count, float64), rows (OUT count, float64: indices in all the
// data), labels (OUT count, int32), weights (OUT count, float64), values (OUT count*d, as x).
// Result: how many were written (count, or n if fewer).
template <typename T>
struct FarthestRowsOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"centers", "k", "count", "firstRow", "mixedPrecision", "distances", "rows", "labels", "weights", "values"};
  const T* centers = nullptr;
  int64_t k = 0, count = 0, first_row = 0, written = 0;
  bool mixed_precision = false;
  double* distances = nullptr;
  double* rows = nullptr;
  int32_t* labels = nullptr;
  double* weights = nullptr;
  T* values = nullptr;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env) { return Napi::Number::New(env, static_cast<double>(written)); }
};

// updateCenters: the end of a pass whose sums were added up piece by piece. sums (INOUT k*d +
// k), centers (IN k*d: the pass's), k, d, moveValues (IN m*d, as centers), moveWeights (IN m),
// moveLabels (IN m, int32): the rows the m empty clusters take, farthest first; spherical;
// out (OUT k*d); optional hamerly (INOUT 2k + 4: the moves, and the new centers' gaps for the
// next pass). Result: the center shift.
template <typename T>
struct UpdateCentersOperation {
  static constexpr const char* kFields[] = {"sums", "centers", "k", "d", "moveValues", "moveWeights", "moveLabels", "spherical", "out", "hamerly", "threads", "cancel", "onProgress"};
  double* hamerly = nullptr;
  std::vector<Napi::Reference<Napi::Value>> references;
  CallControls controls;
  double* sums = nullptr;
  const T* centers = nullptr;
  T* out = nullptr;
  int64_t k = 0, d = 0;
  RowMoves<T> moves;
  bool spherical = false;
  double shift = 0;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env) { return Napi::Number::New(env, shift); }
};

// inertia: labels (IN n, each in [0, k)), centers (IN k*d), k, base (the total of the pieces
// before). Result: base plus the weighted sum of squared distances of the rows to their centers.
template <typename T>
struct InertiaOperation : DataOperation<T> {
  static constexpr const char* kFields[] = {"labels", "centers", "k", "base"};
  const int32_t* labels = nullptr;
  const T* centers = nullptr;
  int64_t k = 0;
  double total = 0;

  bool parse(Request& request);
  Status execute();
  Napi::Value result(Napi::Env env) { return Napi::Number::New(env, total); }
};

}  // namespace kmn::binding
