// Plain views of the caller's data. Nothing here owns memory: the binding keeps the
// JavaScript arrays alive for as long as a kernel reads them.
#pragma once

#include <cstdint>

namespace kmn {

template <typename T>
struct Dataset {
  const T* x = nullptr;             // IN  n*d, row-major, never modified
  int64_t n = 0;                    // samples
  int64_t d = 0;                    // features
  const double* weights = nullptr;  // IN  n sample weights, or null for all ones

  double weight(int64_t i) const { return weights ? weights[i] : 1.0; }
  const T* row(int64_t i) const { return x + i * d; }
};

}  // namespace kmn
