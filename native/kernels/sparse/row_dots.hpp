// The inner product of one sparse row with every center: the whole cost of a sparse Lloyd
// assignment. The centers are kept transposed (d rows of k_padded values), so each entry of the
// row adds value * (its column of every center) to k_padded running sums that lie side by
// side, the loop over centers running over contiguous memory in vector registers.
// Compiled once per instruction set (row_dots.cpp), like the tile kernels, and chosen at run
// time with them (simd_name()).
#pragma once

#include <cstdint>

namespace kmn {

// Centers per vector block of the transposed layout: k is padded (with zero centers) to a
// multiple of it, a whole number of vectors on every instruction set.
constexpr int64_t kSparseCenterPad = 16;

// out[j] = sum over the row's entries e, in entry order, of values[e] * transposed[indices[e] *
// k_padded + j], for every j < k_padded, computed in T (multiply-adds may be fused).
template <typename T>
using RowDotsFn = void (*)(const int32_t* indices,  // IN  nnz, each < d
                           const T* values,         // IN  nnz
                           int64_t nnz,
                           const T* transposed,     // IN  d*k_padded: center j's column f at [f * k_padded + j]
                           int64_t k_padded,        // a multiple of kSparseCenterPad
                           T* out);                 // OUT k_padded

// The variant for this CPU (the instruction set the tile kernels use).
template <typename T>
RowDotsFn<T> row_dots_kernel();

}  // namespace kmn
