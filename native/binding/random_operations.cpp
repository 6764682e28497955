// The operations that draw from the library's generator: seedCenters and randomDraws (their
// fields are listed in operations.hpp).
#include "../kernels/common/random.hpp"
#include "operations.hpp"

namespace kmn::binding {
namespace {

bool state_field(Request& request, uint32_t** state) {
  return array_of(request, "state", Random::kStateWords, state);
}

}  // namespace

// --- seedCenters -------------------------------------------------------------------------

template <typename T>
bool SeedCentersOperation<T>::parse(Request& request) {
  if (!this->parse_data(request)) return false;
  Napi::Env env = request.env();
  std::string name;
  if (!request.string("method", &name)) return false;
  KMN_REQUIRE(env, name == "k-means++" || name == "random", "method must be k-means++ or random");
  method = name == "random" ? SeedMethod::kRandom : SeedMethod::kPlusPlus;
  if (!request.integer("k", 1, &k)) return false;
  KMN_REQUIRE(env, k <= this->data.n, "k must not exceed n");
  if (method == SeedMethod::kPlusPlus) {
    if (!request.integer("trials", 1, &trials)) return false;
    double* writable_shift = nullptr;
    if (!array_of(request, "shift", this->data.d, &writable_shift)) return false;
    shift = writable_shift;
  }
  if (!state_field(request, &state)) return false;
  if (!array_of(request, "centers", k * this->data.d, &centers) || !array_of(request, "indices", k, &indices))
    return false;
  return true;
}

template <typename T>
Status SeedCentersOperation<T>::execute() {
  return seed_centers(this->data, method, k, trials, shift, this->threads, this->controls.cancel(), state, centers, indices);
}

// --- randomDraws -------------------------------------------------------------------------

template <typename T>
bool RandomDrawsOperation<T>::parse(Request& request) {
  Napi::Env env = request.env();
  if (!controls.parse(request) || !state_field(request, &state)) return false;
  if (request.has("seed")) {
    if (!request.integer("seed", 0, &seed)) return false;
    seeded = true;
  }
  KMN_REQUIRE(env, request.has("doubles") != request.has("integers"), "give one of doubles and integers");
  if (request.has("doubles")) return request.typed_array("doubles", &doubles, &count);
  if (!request.typed_array("integers", &integers, &count) || !request.integer("below", 1, &below)) return false;
  KMN_REQUIRE(env, below <= (int64_t{1} << 31), "below must be at most 2^31");
  return true;
}

template <typename T>
Status RandomDrawsOperation<T>::execute() {
  Random rng = seeded ? Random(static_cast<uint64_t>(seed)) : Random(state);
  if (doubles != nullptr) {
    for (size_t i = 0; i < count; ++i) doubles[i] = rng.next_double();
  } else {
    for (size_t i = 0; i < count; ++i) integers[i] = static_cast<int32_t>(rng.next_int(below));
  }
  rng.save(state);
  return Status::kOk;
}

template struct SeedCentersOperation<float>;
template struct SeedCentersOperation<double>;
template struct RandomDrawsOperation<float>;
template struct RandomDrawsOperation<double>;

}  // namespace kmn::binding
