// The distance kernels. A chunk of rows, shifted and packed (center_panels.hpp), is held
// against a panel of `panel_width` centers at a time in registers.
//  - nearest: fuses the argmin in, so no distance matrix is ever written out; gives the
//    nearest and second-nearest value of ||c'||^2 - 2 x'.c' per row.
//  - dot: writes x'.c' for every (row, center) pair; used by seeding, whose candidate set is
//    small, and built without fused multiply-adds so its values are the same on every CPU.
//
// nearest_tile.cpp and dot_tile.cpp are compiled once per instruction set; the widest one the
// CPU supports is chosen at run time. KMEANS_NATIVE_SIMD=portable|avx2 forces a narrower
// variant (to test the portable path on any machine).
#pragma once

#include <cstdint>

namespace kmn {

// Rows per register tile; packed chunks have their row count rounded up to this.
constexpr int64_t kTileRows = 4;

template <typename T>
using NearestTileFn = void (*)(const T* x_packed,  // IN  rows_padded*d, row-major, shifted
                               int64_t rows,        // rows to label (<= rows_padded)
                               int64_t d,
                               const T* panels,     // IN  k_padded/panel_width panels of d*panel_width
                               const T* norms,      // IN  k_padded ||c'||^2, +inf for padding
                               int64_t k_padded,
                               int32_t* label,      // OUT rows: argmin (lowest index on a tie)
                               T* best,             // OUT rows: smallest value
                               T* second);          // OUT rows: second smallest value

using DotTileFn = void (*)(const double* x_packed,  // IN  rows_padded*d, row-major, shifted
                           int64_t rows, int64_t d,
                           const double* panels,     // IN  as for NearestTileFn
                           int64_t k_padded,
                           double* out);             // OUT rows*k_padded: x'.c'

template <typename T>
struct TileKernel {
  const char* isa;       // "avx512", "avx2" or "portable"
  int64_t panel_width;   // centers per panel
  NearestTileFn<T> nearest;
};

struct DotKernel {
  int64_t panel_width;
  DotTileFn dot;
};

// The variants chosen for this CPU (decided once, on first use).
template <typename T>
const TileKernel<T>& tile_kernel();
const DotKernel& dot_kernel();

// Name of the instruction set in use: "avx512", "avx2" or "portable".
const char* simd_name();

}  // namespace kmn
