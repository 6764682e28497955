// How far apart the two best kernel values of a row must be for the kernel's label to be
// certain: the bound every exactness argument of the assignment rests on.
#pragma once

#include <cstdint>
#include <limits>

#include "tile_kernel.hpp"

namespace kmn {

// Bound on the error of one kernel value ||c'||^2 - 2 x'.c' (rounding of x', c', the norm and
// the dot product), with a safety factor of two; the absolute term covers products that fall
// into T's subnormal range.
template <typename T>
inline double tie_margin(KernelRounding rounding, double x_norm, double max_center_norm) {
  const double unit_roundoff = std::numeric_limits<T>::epsilon() / 2;
  const double subnormal_step = std::numeric_limits<T>::denorm_min();
  return 2.0 * (static_cast<double>(rounding.depth + 8) * unit_roundoff * (x_norm + max_center_norm) +
                static_cast<double>(rounding.terms + 8) * 2 * subnormal_step);
}

// Whether the kernel cannot tell a row's nearest center from its second nearest: their values
// are not more than twice the margin apart, or may have overflowed T. Every term of a kernel
// value (||c'||^2, each partial sum of 2 x'.c') is at most ||x'||^2 + 2 max ||c'||^2 in
// magnitude; from half of T's largest value on, some may have become infinite (so can the
// shifted values themselves, making the norms infinite), and their order means nothing.
template <typename T>
inline bool undecided(T best, T second, KernelRounding rounding, double x_norm, double max_center_norm) {
  constexpr double kOverflowFrom = static_cast<double>(std::numeric_limits<T>::max()) / 2;
  const double gap = static_cast<double>(second) - static_cast<double>(best);
  // Both tests always evaluated (no short circuit), so that the counting loop stays vectorised.
  return !(x_norm + 2 * max_center_norm < kOverflowFrom) | !(gap > 2 * tie_margin<T>(rounding, x_norm, max_center_norm));
}

}  // namespace kmn
