// Samples per chunk: the unit of parallel work and of the kernels' packed tiles. Apart from
// chunking.hpp so that the per-instruction-set kernels can include it (no inline code here).
#pragma once

#include <cstdint>

namespace kmn {

constexpr int64_t kChunkSize = 256;

}  // namespace kmn
