// Overflow-checked buffer sizes: every n*d, k*d or blocks*k*d product goes through here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace kmn {

// Returns false when a*b does not fit in size_t (or either factor is negative).
inline bool checked_mul(int64_t a, int64_t b, size_t* out) {
  if (a < 0 || b < 0) return false;
  if (a != 0 && static_cast<uint64_t>(b) > std::numeric_limits<size_t>::max() / static_cast<uint64_t>(a)) {
    return false;
  }
  *out = static_cast<size_t>(a) * static_cast<size_t>(b);
  return true;
}

}  // namespace kmn
