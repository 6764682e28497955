// Register-tiled nearest-center kernel, compiled once per instruction set (tile_kernel.hpp).
// KMN_ISA names the variant and KMN_VECTOR_BYTES its vector width. Everything lives in a
// namespace of its own so that no symbol compiled for one instruction set can be picked by
// the linker for another; for the same reason no header with inline code is included.
#include "tile_kernel.hpp"

namespace kmn {
namespace KMN_ISA {
namespace {

#include "tile_microkernel.inc"

// Lanes hold rows, so the running argmin is plain vector code: no horizontal step per center.
template <typename T>
void nearest_tile(const T* x_packed, int64_t rows, int64_t d, const T* centers, const T* norms, int64_t k_padded,
                  int32_t* label, T* best, T* second) {
  using V = typename VecOf<T>::type;
  using I = typename VecOf<T>::index;
  const T inf = __builtin_inf();

  for (int64_t r0 = 0; r0 < rows; r0 += tile_rows<T>()) {
    V row_best[kRowVectors], row_second[kRowVectors];
    I row_label[kRowVectors];
    for (int v = 0; v < kRowVectors; ++v) {
      row_best[v] = V{} + inf;
      row_second[v] = V{} + inf;
      row_label[v] = I{};
    }
    for (int64_t j0 = 0; j0 < k_padded; j0 += kCenters) {
      V acc[kRowVectors][kCenters];
      accumulate_tile(x_packed + r0, d, centers + j0 * d, acc);
      // value = ||c'||^2 - 2 x'.c'. Centers come in index order and `<` is strict, so the
      // lowest index wins an exact tie; a tie also makes second == best, which the caller
      // re-checks.
      for (int c = 0; c < kCenters; ++c) {
        const T norm = norms[j0 + c];
        using Index = decltype(I{}[0]);
        const I index = I{} + static_cast<Index>(j0 + c);
        for (int v = 0; v < kRowVectors; ++v) {
          const V value = norm - (acc[v][c] + acc[v][c]);
          const auto closer = value < row_best[v];
          const V larger = value < row_best[v] ? row_best[v] : value;
          row_second[v] = larger < row_second[v] ? larger : row_second[v];
          row_best[v] = closer ? value : row_best[v];
          row_label[v] = closer ? index : row_label[v];
        }
      }
    }
    for (int v = 0; v < kRowVectors; ++v) {
      const int64_t at = r0 + v * lanes<T>();
      store(best + at, row_best[v]);
      store(second + at, row_second[v]);
      for (int lane = 0; lane < lanes<T>(); ++lane) label[at + lane] = static_cast<int32_t>(row_label[v][lane]);
    }
  }
}

}  // namespace

NearestTileFn<double> nearest_tile_f64() { return &nearest_tile<double>; }
NearestTileFn<float> nearest_tile_f32() { return &nearest_tile<float>; }
int64_t tile_rows_f64() { return tile_rows<double>(); }
int64_t tile_rows_f32() { return tile_rows<float>(); }

}  // namespace KMN_ISA
}  // namespace kmn
