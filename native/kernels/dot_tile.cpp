// Register-tiled dot products of packed rows with a panel of centers, written out in full.
// Built like nearest_tile.cpp, once per instruction set, but always with
// -ffp-contract=off: without fused multiply-adds every (row, center) value is the same
// sequence of roundings on every CPU, which keeps seeding bitwise reproducible everywhere.
#include "tile_kernel.hpp"

namespace kmn {
namespace KMN_ISA {
namespace {

#include "tile_microkernel.inc"

void dot_tile(const double* x_packed, int64_t rows, int64_t d, const double* panels, int64_t k_padded,
              double* out) {
  using V = VecOf<double>::type;
  constexpr int64_t kWidth = panel_width<double>();
  for (int64_t r0 = 0; r0 < rows; r0 += kRows) {
    const int64_t live = rows - r0 < kRows ? rows - r0 : kRows;
    for (int64_t j0 = 0; j0 < k_padded; j0 += kWidth) {
      V acc[kRows][kPanelVectors];
      accumulate_panel(x_packed + r0 * d, d, panels + j0 * d, acc);
      for (int64_t r = 0; r < live; ++r)
        for (int v = 0; v < kPanelVectors; ++v)
          __builtin_memcpy(out + (r0 + r) * k_padded + j0 + v * lanes<double>(), &acc[r][v], sizeof(V));
    }
  }
}

}  // namespace

DotTileFn dot_tile_f64() { return &dot_tile; }

}  // namespace KMN_ISA
}  // namespace kmn
