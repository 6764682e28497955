// Register-tiled nearest-center kernel, compiled once per instruction set (tile_kernel.hpp).
// KMN_ISA names the variant and KMN_VECTOR_BYTES its vector width. Everything lives in a
// namespace of its own so that no symbol compiled for one instruction set can be picked by
// the linker for another; for the same reason no header with inline code is included.
#include "tile_kernel.hpp"

namespace kmn {
namespace KMN_ISA {
namespace {

#include "tile_microkernel.inc"

template <typename T>
void nearest_tile(const T* x_packed, int64_t rows, int64_t d, const T* panels, const T* norms,
                  int64_t k_padded, int32_t* label, T* best, T* second) {
  using V = typename VecOf<T>::type;
  constexpr int64_t kWidth = panel_width<T>();
  const T inf = __builtin_inf();

  for (int64_t r0 = 0; r0 < rows; r0 += kRows) {
    T row_best[kRows], row_second[kRows];
    int32_t row_label[kRows];
    for (int r = 0; r < kRows; ++r) {
      row_best[r] = inf;
      row_second[r] = inf;
      row_label[r] = 0;
    }
    for (int64_t j0 = 0; j0 < k_padded; j0 += kWidth) {
      V acc[kRows][kPanelVectors];
      accumulate_panel(x_packed + r0 * d, d, panels + j0 * d, acc);
      // value = ||c'||^2 - 2 x'.c'; strict < keeps the lowest index on an exact tie.
      for (int v = 0; v < kPanelVectors; ++v) {
        const V norm = load(norms + j0 + v * lanes<T>());
        for (int r = 0; r < kRows; ++r) {
          const V value = norm - (acc[r][v] + acc[r][v]);
          for (int lane = 0; lane < lanes<T>(); ++lane) {
            const T val = value[lane];
            if (val < row_best[r]) {
              row_second[r] = row_best[r];
              row_best[r] = val;
              row_label[r] = static_cast<int32_t>(j0 + v * lanes<T>() + lane);
            } else if (val < row_second[r]) {
              row_second[r] = val;
            }
          }
        }
      }
    }
    const int64_t live = rows - r0 < kRows ? rows - r0 : kRows;
    for (int64_t r = 0; r < live; ++r) {
      label[r0 + r] = row_label[r];
      best[r0 + r] = row_best[r];
      second[r0 + r] = row_second[r];
    }
  }
}

}  // namespace

NearestTileFn<double> nearest_tile_f64() { return &nearest_tile<double>; }
NearestTileFn<float> nearest_tile_f32() { return &nearest_tile<float>; }
int64_t panel_width_f64() { return panel_width<double>(); }
int64_t panel_width_f32() { return panel_width<float>(); }

}  // namespace KMN_ISA
}  // namespace kmn
