// The operations for data read in pieces: passChunk, farthestRows, updateCenters and inertia
// (their fields are listed in operations.hpp). A fit over such data drives the pass from the
// facade, piece by piece, through the same kernel functions as a fit in memory (pass.hpp).
#include <cstring>
#include <new>
#include <vector>

#include "../kernels/algorithms/hamerly.hpp"
#include "../kernels/algorithms/lloyd.hpp"
#include "../kernels/algorithms/pass.hpp"
#include "../kernels/algorithms/queries.hpp"
#include "../kernels/common/chunking.hpp"
#include "../kernels/common/reductions.hpp"
#include "operations.hpp"

namespace kmn::binding {
namespace {

template <typename U>
bool const_array_of(Request& request, const char* key, int64_t count, const U** out) {
  U* writable = nullptr;
  if (!array_of(request, key, count, &writable)) return false;
  *out = writable;
  return true;
}

// firstRow: where the piece starts in all the data, on a block boundary.
bool first_row_field(Request& request, int64_t* first_row) {
  if (!request.integer("firstRow", 0, first_row)) return false;
  KMN_REQUIRE(request.env(), *first_row % kRowsPerBlock == 0,
              "firstRow must be a multiple of " + std::to_string(kRowsPerBlock));
  return true;
}

// One piece of an updating pass with `step`; labels: the previous pass's (INOUT n).
template <typename T, typename K, typename Step>
Status pass_piece(const Dataset<T>& data, const T* centers, int64_t k, const double* shift, int threads,
                  int64_t first_row, Step& step, int32_t* labels, double* sums, double* stats, uint32_t* fingerprint) {
  PassWorkspace<T, K> ws(data, k, threads, Step::kGathers);
  ws.shift.assign(shift, shift + data.d);
  const Status status = begin_pass(centers, ws, step);
  if (status != Status::kOk) return status;
  uint64_t print = 0;
  std::memcpy(&print, fingerprint, sizeof(print));
  PassTotals totals{sums, stats, print};
  label_rows(data, centers, labels, ws, step, true, first_row, totals);
  std::memcpy(fingerprint, &totals.fingerprint, sizeof(print));
  return Status::kOk;
}

template <typename T, typename K>
Status pass_chunk(const PassChunkOperation<T>& op) {
  const Dataset<T>& data = op.data;
  try {
    if (op.hamerly != nullptr) {
      HamerlyStep<T, K> step(op.upper, op.lower, op.hamerly, op.k);
      step.use_loaded_gaps();
      return pass_piece<T, K>(data, op.centers, op.k, op.shift, op.threads, op.first_row, step, op.labels, op.sums,
                              op.stats, op.fingerprint);
    }
    LloydStep<T, K> step(data.n, op.k, data.d);
    std::vector<int32_t> labels(static_cast<size_t>(data.n), -1);
    return pass_piece<T, K>(data, op.centers, op.k, op.shift, op.threads, op.first_row, step, labels.data(), op.sums,
                            op.stats, op.fingerprint);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
}

}  // namespace

// --- passChunk ---------------------------------------------------------------------------

template <typename T>
bool PassChunkOperation<T>::parse(Request& request) {
  if (!this->parse_data(request) || !request.integer("k", 1, &k)) return false;
  const int64_t d = this->data.d;
  if (!const_array_of(request, "centers", k * d, &centers) || !const_array_of(request, "shift", d, &shift)) return false;
  if (!array_of(request, "sums", k * d + k, &sums) || !array_of(request, "stats", 3, &stats) ||
      !array_of(request, "fingerprint", 2, &fingerprint)) {
    return false;
  }
  if (!first_row_field(request, &first_row) || !request.optional_boolean("mixedPrecision", &mixed_precision)) return false;
  if (!request.has("hamerly")) return true;
  const int64_t n = this->data.n;
  return const_array_of(request, "hamerly", HamerlyBounds::state_size(k), &hamerly) &&
         array_of(request, "upper", n, &upper) && array_of(request, "lower", n, &lower) &&
         array_of(request, "labels", n, &labels);
}

template <typename T>
Status PassChunkOperation<T>::execute() {
  if constexpr (sizeof(T) == sizeof(double)) {
    if (mixed_precision) return pass_chunk<T, float>(*this);
  }
  return pass_chunk<T, T>(*this);
}

// --- farthestRows --------------------------------------------------------------------------

template <typename T>
bool FarthestRowsOperation<T>::parse(Request& request) {
  if (!this->parse_data(request) || !request.integer("k", 1, &k) || !request.integer("count", 1, &count)) return false;
  const int64_t d = this->data.d;
  if (!const_array_of(request, "centers", k * d, &centers) || !first_row_field(request, &first_row)) return false;
  if (!request.optional_boolean("mixedPrecision", &mixed_precision)) return false;
  return array_of(request, "distances", count, &distances) && array_of(request, "rows", count, &rows) &&
         array_of(request, "labels", count, &labels) && array_of(request, "weights", count, &weights) &&
         array_of(request, "values", count * d, &values);
}

template <typename T>
Status FarthestRowsOperation<T>::execute() {
  const Dataset<T>& data = this->data;
  try {
    std::vector<int32_t> nearest(static_cast<size_t>(data.n));
    double ignored = 0;
    Status status = assign_nearest(data, centers, k, this->threads, mixed_precision, nearest.data(), nullptr, &ignored);
    if (status != Status::kOk) return status;
    RowMoves<T> moves;
    std::vector<double> found_distances;
    std::vector<int64_t> found_rows;
    status = farthest_rows(data, centers, nearest.data(), k, count, this->threads, &moves, &found_distances, &found_rows);
    if (status != Status::kOk) return status;
    written = moves.count();
    for (int64_t e = 0; e < written; ++e) {
      distances[e] = found_distances[e];
      rows[e] = static_cast<double>(first_row + found_rows[e]);
      labels[e] = moves.labels[e];
      weights[e] = moves.weights[e];
    }
    std::copy(moves.values.begin(), moves.values.end(), values);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

// --- updateCenters -------------------------------------------------------------------------

template <typename T>
bool UpdateCentersOperation<T>::parse(Request& request) {
  if (!controls.parse(request) || !request.integer("k", 1, &k) || !request.integer("d", 1, &d)) return false;
  if (!array_of(request, "sums", k * d + k, &sums) || !const_array_of(request, "centers", k * d, &centers) ||
      !array_of(request, "out", k * d, &out)) {
    return false;
  }
  T* values = nullptr;
  double* move_weights = nullptr;
  int32_t* move_labels = nullptr;
  size_t count = 0;
  if (!request.typed_array("moveWeights", &move_weights, &count)) return false;
  const int64_t m = static_cast<int64_t>(count);
  if (!array_of(request, "moveValues", m * d, &values) || !array_of(request, "moveLabels", m, &move_labels)) return false;
  for (int64_t e = 0; e < m; ++e)
    KMN_REQUIRE(request.env(), move_labels[e] >= 0 && move_labels[e] < k, "moveLabels must be in [0, k)");
  int64_t threads = 1;
  if (!request.integer("threads", 1, &threads)) return false;
  moves.values.assign(values, values + m * d);
  moves.weights.assign(move_weights, move_weights + m);
  moves.labels.assign(move_labels, move_labels + m);
  if (request.has("hamerly") && !array_of(request, "hamerly", HamerlyBounds::state_size(k), &hamerly)) return false;
  return request.optional_boolean("spherical", &spherical);
}

template <typename T>
Status UpdateCentersOperation<T>::execute() {
  shift = update_centers(sums, centers, k, d, moves, spherical, out);
  if (hamerly == nullptr) return Status::kOk;
  try {
    // As HamerlyStep's after_update, then its before_pass for the next pass; a pass has filled the bounds.
    HamerlyBounds bounds;
    bounds.load_state(hamerly, k);
    bounds.record_moves(centers, out, k, d);
    bounds.prepare_pass(out, k, d);
    bounds.valid = true;
    bounds.save_state(hamerly, k);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

// --- inertia -------------------------------------------------------------------------------

template <typename T>
bool InertiaOperation<T>::parse(Request& request) {
  if (!this->parse_data(request) || !request.integer("k", 1, &k)) return false;
  if (!const_array_of(request, "centers", k * this->data.d, &centers) ||
      !const_array_of(request, "labels", this->data.n, &labels) || !request.number("base", &total)) {
    return false;
  }
  for (int64_t i = 0; i < this->data.n; ++i)
    KMN_REQUIRE(request.env(), labels[i] >= 0 && labels[i] < k, "labels must be in [0, k)");
  return true;
}

template <typename T>
Status InertiaOperation<T>::execute() {
  return inertia(this->data, centers, labels, this->threads, &total);
}

#define KMN_INSTANTIATE(T)                   \
  template struct PassChunkOperation<T>;     \
  template struct FarthestRowsOperation<T>;  \
  template struct UpdateCentersOperation<T>; \
  template struct InertiaOperation<T>;
KMN_INSTANTIATE(float)
KMN_INSTANTIATE(double)
#undef KMN_INSTANTIATE

}  // namespace kmn::binding
