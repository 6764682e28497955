// How far apart a sparse row's two best approximate values must be for its label to be certain:
// the bound the sparse assignment's exactness rests on (the counterpart of tie_margin.hpp).
//
// The value of center j for row x is V_j = N_j - 2 fl(x.c_j), in double, where N_j is ||c_j||^2
// summed in double and fl(x.c_j) the row_dots kernel's sum in K over the row's e entries. The
// row's own ||x||^2 is the same for every center, so it takes no part in the order. Writing
// P = sum_e |v_e| * max |c| (a bound of every sum_e |v_e c_j,f_e|) and u_K, u for the unit
// roundoffs of K and double (Higham, "Accuracy and Stability of Numerical Algorithms", 2002,
// section 3.1), |V_j - (||c_j||^2 - 2 x.c_j)| is at most
//   2 (e + e) u_K P          the dot product in K, and the duplicates of a column merged in T
//                            (the dense row's value is their rounded sum)
//   + (d/8 + 10) u ||c||^2   N_j (the exact-distance kernel's eight lanes, then across them)
//   + 2 u (max N + 2 P)      the final subtraction
//   + (2e + 2) s_K           products and sums that fall into K's subnormal range (s_K: its
//                            smallest step, an absolute error per rounding)
// for every center, with the relative bounds valid while e u_K stays below 1/4. sparse_margin
// doubles that (a safety factor of two). A center can then be the nearest only if its value is
// within twice the margin of the smallest value.
#pragma once

#include <cstdint>
#include <limits>

namespace kmn {

// The margin of one row with `entries` stored entries whose values' magnitudes add up to
// abs_sum, against centers whose largest coordinate magnitude is max_abs and largest squared
// norm max_norm; +infinity when the bound does not hold (every center is then re-checked).
template <typename K>
inline double sparse_margin(int64_t entries, double abs_sum, double max_abs, double max_norm, int64_t d) {
  constexpr double u_k = std::numeric_limits<K>::epsilon() / 2;
  constexpr double u = std::numeric_limits<double>::epsilon() / 2;
  constexpr double step_k = std::numeric_limits<K>::denorm_min();
  constexpr double overflow_from = static_cast<double>(std::numeric_limits<K>::max()) / 16;
  constexpr double inf = std::numeric_limits<double>::infinity();
  const double e = static_cast<double>(entries);
  const double products = abs_sum * max_abs;
  // Products, norms or sums that may have overflowed, or a row too long for the bound: the
  // comparisons below are false for NaN too.
  if (!(products < overflow_from) || !(max_norm < overflow_from) || !((e + 8) * u_k < 0.25)) return inf;
  const double dot = 2 * (2 * e + 8) * u_k * products;
  const double norms = (static_cast<double>(d) / 8 + 10) * u * max_norm;
  const double difference = 2 * u * (max_norm + 2 * products);
  const double subnormal = (2 * e + 2) * step_k;
  return 2 * (dot + norms + difference + subnormal);
}

}  // namespace kmn
