// Counts the rows of a step whose label the tile kernel's rounding cannot decide. Usually there
// are none, so assign_chunk only looks at rows one by one when this count is not zero. Built
// once per instruction set (like nearest_tile.cpp), where the compiler vectorises the loop;
// in baseline x86-64 code its mix of float, double and a count stays scalar.
#include "../common/tie_margin.hpp"
#include "../common/tile_kernel.hpp"

namespace kmn {
namespace KMN_ISA {
namespace {

template <typename K>
int64_t count_undecided(const K* best, const K* second, const double* x_norm, int64_t rows, KernelRounding rounding,
                        double max_center_norm) {
  int64_t count = 0;
  for (int64_t r = 0; r < rows; ++r) count += undecided<K>(best[r], second[r], rounding, x_norm[r], max_center_norm);
  return count;
}

}  // namespace

CountUndecidedFn<double> count_undecided_f64() { return &count_undecided<double>; }
CountUndecidedFn<float> count_undecided_f32() { return &count_undecided<float>; }

}  // namespace KMN_ISA
}  // namespace kmn
