// Register-tiled dot products of packed rows with a set of centers, written out in full.
// Built like nearest_tile.cpp, once per instruction set, but always with
// -ffp-contract=off: without fused multiply-adds every (row, center) value is the same
// sequence of roundings on every CPU, which keeps seeding bitwise reproducible everywhere.
#include "tile_kernel.hpp"

namespace kmn {
namespace KMN_ISA {
namespace {

#include "tile_microkernel.inc"

void dot_tile(const double* x_packed, int64_t rows, int64_t d, const double* centers, int64_t k_padded,
              double* out) {
  for (int64_t r0 = 0; r0 < rows; r0 += tile_rows<double>()) {
    for (int64_t j0 = 0; j0 < k_padded; j0 += kCenters) {
      VecF64 acc[kRowVectors][kCenters];
      accumulate_tile(x_packed + r0, d, centers + j0 * d, acc);
      for (int c = 0; c < kCenters; ++c)
        for (int v = 0; v < kRowVectors; ++v) store(out + (j0 + c) * kChunkSize + r0 + v * lanes<double>(), acc[v][c]);
    }
  }
}

}  // namespace

DotTileFn dot_tile_f64() { return &dot_tile; }

}  // namespace KMN_ISA
}  // namespace kmn
