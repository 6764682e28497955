#include "seeding.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>
#include <stdexcept>
#include <vector>

#include "../common/random.hpp"
#include "../common/sizes.hpp"
#include "plus_plus.hpp"

namespace kmn {
namespace {

// A row and its rank: the lower the rank, the earlier the row is chosen; equal ranks go to the
// lower row.
struct Ranked {
  double rank;
  int32_t row;
};

bool before(const Ranked& a, const Ranked& b) { return a.rank < b.rank || (a.rank == b.rank && a.row < b.row); }

bool every_weight_one(const double* weights, int64_t n) {
  if (weights == nullptr) return true;
  for (int64_t i = 0; i < n; ++i)
    if (weights[i] != 1.0) return false;
  return true;
}

}  // namespace

// The rank is minus the key, -log(1 - u) / w (+inf for a weight of zero, as the key's -inf):
// negation is exact, so ranks order and tie as the keys do.
//
// With every weight 1 the key is log(1 - u), and the rank is u itself. 1 - u is exact (u is a
// multiple of 2^-53 below 1), so key order is u order wherever the log is strictly increasing on
// those multiples. It is for any log that errs by less than 0.67 ulp: neighbouring multiples x
// and x + 2^-53 have logs about 2^-53 / x apart, which is at least e/2 ulp of log x (the closest
// case is x just below 1/e, where |log x| reaches 1 and its ulp doubles to 2^-52), so two such
// logs can neither round to one value nor swap. That leaves ties at equal u only, which the row
// order breaks in both. V8's Math.log (fdlibm's algorithm, documented below 1 ulp) stays well
// inside that bound in practice; test/native/random.test.ts samples the closest cases.
//
// Other weights need the log: std::log here, Math.log in the former JavaScript. The two may
// round a key differently in its last bit, which changes the choice only where two keys are
// equal or within an ulp or two of each other.
template <typename T>
Status random_rows(const Dataset<T>& data, int64_t k, uint32_t* state, int32_t* indices) {
  const int64_t n = data.n;
  try {
    std::vector<Ranked> ranked(static_cast<size_t>(n));
    Random rng(state);
    const bool unweighted = every_weight_one(data.weights, n);
    for (int64_t i = 0; i < n; ++i) {
      const double u = rng.next_double();
      double rank = u;
      if (!unweighted) {
        const double w = data.weights[i];
        rank = w > 0 ? -(std::log(1 - u) / w) : std::numeric_limits<double>::infinity();
      }
      ranked[static_cast<size_t>(i)] = Ranked{rank, static_cast<int32_t>(i)};
    }
    const auto first_k = ranked.begin() + k;
    if (k < n) std::nth_element(ranked.begin(), first_k, ranked.end(), before);
    std::sort(ranked.begin(), first_k, before);
    for (int64_t c = 0; c < k; ++c) indices[c] = ranked[static_cast<size_t>(c)].row;
    rng.save(state);
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

template <typename T>
Status seed_centers(const Dataset<T>& data, SeedMethod method, int64_t k, int64_t trials, const double* shift,
                    int threads, const int32_t* cancel, uint32_t* state, T* centers, int32_t* indices) {
  Status status = Status::kOk;
  if (method == SeedMethod::kRandom) {
    status = random_rows(data, k, state, indices);
  } else {
    size_t draws = 0;
    if (!checked_mul(k - 1, trials, &draws) || draws == std::numeric_limits<size_t>::max()) {
      return Status::kSizeOverflow;
    }
    try {
      Random rng(state);
      std::vector<double> uniforms(draws + 1);
      for (double& u : uniforms) u = rng.next_double();
      status = plus_plus(data, shift, k, trials, uniforms.data(), threads, cancel, indices);
      if (status == Status::kOk) rng.save(state);
    } catch (const std::bad_alloc&) {
      return Status::kAllocFailed;
    } catch (const std::length_error&) {
      return Status::kAllocFailed;
    }
  }
  if (status != Status::kOk) return status;
  for (int64_t c = 0; c < k; ++c) data.copy_row(indices[c], centers + c * data.d);
  return Status::kOk;
}

template Status random_rows<float>(const Dataset<float>&, int64_t, uint32_t*, int32_t*);
template Status random_rows<double>(const Dataset<double>&, int64_t, uint32_t*, int32_t*);
template Status seed_centers<float>(const Dataset<float>&, SeedMethod, int64_t, int64_t, const double*, int,
                                    const int32_t*, uint32_t*, float*, int32_t*);
template Status seed_centers<double>(const Dataset<double>&, SeedMethod, int64_t, int64_t, const double*, int,
                                     const int32_t*, uint32_t*, double*, int32_t*);

}  // namespace kmn
