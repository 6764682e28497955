// The sparse row-times-centers kernel (row_dots.hpp), compiled once per instruction set with
// the tile kernels (KMN_ISA names the variant, KMN_VECTOR_BYTES its vector width). As there, no
// header with inline code is included, so that nothing compiled for one instruction set can be
// picked by the linker for another.
#include "row_dots.hpp"

namespace kmn {
namespace KMN_ISA {
namespace {

template <typename T>
struct Vector {
  typedef T type __attribute__((vector_size(KMN_VECTOR_BYTES)));
};

template <typename T>
constexpr int64_t kLanes = KMN_VECTOR_BYTES / static_cast<int64_t>(sizeof(T));

template <typename V, typename T>
inline V load(const T* p) {
  V v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
}

template <typename V, typename T>
inline void store(T* p, const V& v) {
  __builtin_memcpy(p, &v, sizeof(v));
}

// Sums for `Count` vectors of centers starting at j0, held in registers over all the entries.
template <int Count, typename T>
inline void dots_block(const int32_t* indices, const T* values, int64_t nnz, const T* transposed, int64_t k_padded,
                       int64_t j0, T* out) {
  using V = typename Vector<T>::type;
  constexpr int64_t lanes = kLanes<T>;
  V acc[Count] = {};
  for (int64_t e = 0; e < nnz; ++e) {
    const V value = V{} + values[e];
    const T* column = transposed + static_cast<int64_t>(indices[e]) * k_padded + j0;
    for (int q = 0; q < Count; ++q) acc[q] += value * load<V>(column + q * lanes);
  }
  for (int q = 0; q < Count; ++q) store(out + j0 + q * lanes, acc[q]);
}

template <typename T>
void row_dots(const int32_t* indices, const T* values, int64_t nnz, const T* transposed, int64_t k_padded, T* out) {
  constexpr int64_t lanes = kLanes<T>;
  // Vectors of sums kept in registers at a time (each sum adds its entries in the same order
  // whatever the block): twice as many where there are 32 vector registers of 16 bytes.
  constexpr int kBlock = KMN_VECTOR_REGISTERS == 32 && KMN_VECTOR_BYTES == 16 ? 8 : 4;
  int64_t j0 = 0;
  for (; j0 + kBlock * lanes <= k_padded; j0 += kBlock * lanes)
    dots_block<kBlock>(indices, values, nnz, transposed, k_padded, j0, out);
  for (; j0 < k_padded; j0 += lanes) dots_block<1>(indices, values, nnz, transposed, k_padded, j0, out);
}

}  // namespace

RowDotsFn<double> row_dots_f64() { return &row_dots<double>; }
RowDotsFn<float> row_dots_f32() { return &row_dots<float>; }

}  // namespace KMN_ISA
}  // namespace kmn
