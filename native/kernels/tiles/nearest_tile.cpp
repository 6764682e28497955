// Register-tiled nearest-center kernel, compiled once per instruction set (tile_kernel.hpp).
// KMN_ISA names the variant and KMN_VECTOR_BYTES its vector width. Everything lives in a
// namespace of its own so that no symbol compiled for one instruction set can be picked by
// the linker for another; for the same reason no header with inline code is included.
#include "../common/tile_kernel.hpp"

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

template <typename T>
void value_tile(const T* x_packed, int64_t rows, int64_t d, const T* centers, const T* norms, int64_t k_padded,
                T* out) {
  using V = typename VecOf<T>::type;
  for (int64_t r0 = 0; r0 < rows; r0 += tile_rows<T>()) {
    for (int64_t j0 = 0; j0 < k_padded; j0 += kCenters) {
      V acc[kRowVectors][kCenters];
      accumulate_tile(x_packed + r0, d, centers + j0 * d, acc);
      for (int c = 0; c < kCenters; ++c)
        for (int v = 0; v < kRowVectors; ++v)
          store(out + (j0 + c) * kChunkSize + r0 + v * lanes<T>(), norms[j0 + c] - (acc[v][c] + acc[v][c]));
    }
  }
}

// 8x8 blocks moved through registers: rows are read whole and features written whole.
template <typename T> struct Block8;
template <> struct Block8<double> {
  typedef double type __attribute__((vector_size(64)));
  typedef int64_t mask __attribute__((vector_size(64)));
};
template <> struct Block8<float> {
  typedef float type __attribute__((vector_size(32)));
  typedef int32_t mask __attribute__((vector_size(32)));
};

// A shuffle of two vectors by lane indices: GCC's __builtin_shuffle takes them as a mask
// vector, Clang's __builtin_shufflevector as arguments (GCC has that one only from version 12).
#if defined(__clang__)
#define KMN_SHUFFLE(M, a, b, ...) __builtin_shufflevector(a, b, __VA_ARGS__)
#else
#define KMN_SHUFFLE(M, a, b, ...) __builtin_shuffle(a, b, M{__VA_ARGS__})
#endif

template <typename T>
inline void transpose8(typename Block8<T>::type (&r)[8]) {
  using V = typename Block8<T>::type;
  using M [[maybe_unused]] = typename Block8<T>::mask;
  V a[8], b[8];
  for (int i = 0; i < 4; ++i) {
    a[2 * i] = KMN_SHUFFLE(M, r[2 * i], r[2 * i + 1], 0, 8, 2, 10, 4, 12, 6, 14);
    a[2 * i + 1] = KMN_SHUFFLE(M, r[2 * i], r[2 * i + 1], 1, 9, 3, 11, 5, 13, 7, 15);
  }
  for (int o = 0; o < 8; o += 4) {
    b[o + 0] = KMN_SHUFFLE(M, a[o + 0], a[o + 2], 0, 1, 8, 9, 4, 5, 12, 13);
    b[o + 1] = KMN_SHUFFLE(M, a[o + 1], a[o + 3], 0, 1, 8, 9, 4, 5, 12, 13);
    b[o + 2] = KMN_SHUFFLE(M, a[o + 0], a[o + 2], 2, 3, 10, 11, 6, 7, 14, 15);
    b[o + 3] = KMN_SHUFFLE(M, a[o + 1], a[o + 3], 2, 3, 10, 11, 6, 7, 14, 15);
  }
  for (int j = 0; j < 4; ++j) {
    r[j] = KMN_SHUFFLE(M, b[j], b[j + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    r[j + 4] = KMN_SHUFFLE(M, b[j], b[j + 4], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}
#undef KMN_SHUFFLE

// Zeroes the padding rows and computes each row's squared norm from the packed values.
template <typename K>
void finish_packing(int64_t rows, int64_t d, int64_t tile_rows, K* packed, double* norms) {
  const int64_t padded = (rows + tile_rows - 1) / tile_rows * tile_rows;
  for (int64_t f = 0; f < d; ++f)
    for (int64_t r = rows; r < padded; ++r) packed[f * kChunkSize + r] = K(0);
  for (int64_t r = 0; r < rows; ++r) norms[r] = 0;
  for (int64_t f = 0; f < d; ++f) {
    const K* line = packed + f * kChunkSize;
    for (int64_t r = 0; r < rows; ++r) norms[r] += static_cast<double>(line[r]) * static_cast<double>(line[r]);
  }
}

// d < 8: rows are shorter than one block; a loop of fixed length lets the compiler keep the
// shift in registers and unroll the row.
// One packed value: x - s rounded once to K (from float64 to float: the exact difference in
// double, then rounded, which the tie margin covers).
template <typename T, typename K>
inline K shifted(T value, K shift) {
  return static_cast<K>(static_cast<T>(value) - static_cast<T>(shift));
}

template <typename T, typename K, int D>
void pack_short_rows(const T* source, int64_t rows, const K* shift, K* packed) {
  K offset[D];
  for (int f = 0; f < D; ++f) offset[f] = shift[f];
  for (int64_t r = 0; r < rows; ++r)
    for (int f = 0; f < D; ++f) packed[f * kChunkSize + r] = shifted<T, K>(source[r * D + f], offset[f]);
}

template <typename T, typename K>
void pack_rows(const T* x, int64_t d, int64_t begin, int64_t end, const K* shift, int64_t tile_rows, K* packed,
               double* norms) {
  using V = typename Block8<T>::type;
  using W = typename Block8<K>::type;
  const int64_t rows = end - begin;
  if (d < 8) {
    switch (d) {
#define KMN_SHORT(D) \
  case D: pack_short_rows<T, K, D>(x + begin * D, rows, shift, packed); break;
      KMN_SHORT(1) KMN_SHORT(2) KMN_SHORT(3) KMN_SHORT(4) KMN_SHORT(5) KMN_SHORT(6) KMN_SHORT(7)
#undef KMN_SHORT
      default: break;
    }
    finish_packing(rows, d, tile_rows, packed, norms);
    return;
  }
  const int64_t full_rows = rows / 8 * 8, full_features = d / 8 * 8;
  const T* source = x + begin * d;
  // Ask for the next rows while these are packed: the data streams from memory.
  const char* ahead = reinterpret_cast<const char*>(source + rows * d);
  const int64_t ahead_bytes = rows * d * static_cast<int64_t>(sizeof(T));
  int64_t prefetched = 0;
  // Features in groups of 64, so that the lines written for one group stay in L1 until full.
  constexpr int64_t kFeatureGroup = 64;
  const int64_t lines_per_block = ahead_bytes / 64 / ((full_rows / 8) * ((full_features + 7) / 8) + 1) + 1;
  for (int64_t g0 = 0; g0 < full_features; g0 += kFeatureGroup) {
    const int64_t g1 = g0 + kFeatureGroup < full_features ? g0 + kFeatureGroup : full_features;
    for (int64_t r0 = 0; r0 < full_rows; r0 += 8) {
      for (int64_t f0 = g0; f0 < g1; f0 += 8) {
        for (int64_t line = 0; line < lines_per_block && prefetched < ahead_bytes; ++line, prefetched += 64)
          __builtin_prefetch(ahead + prefetched);
        W narrow_offset, block[8];
        __builtin_memcpy(&narrow_offset, shift + f0, sizeof(W));
        const V offset = __builtin_convertvector(narrow_offset, V);
        for (int i = 0; i < 8; ++i) {
          V row;
          __builtin_memcpy(&row, source + (r0 + i) * d + f0, sizeof(V));
          block[i] = __builtin_convertvector(row - offset, W);
        }
        transpose8<K>(block);
        for (int j = 0; j < 8; ++j) __builtin_memcpy(packed + (f0 + j) * kChunkSize + r0, &block[j], sizeof(W));
      }
    }
  }
  for (int64_t f = full_features; f < d; ++f)
    for (int64_t r = 0; r < full_rows; ++r) packed[f * kChunkSize + r] = shifted<T, K>(source[r * d + f], shift[f]);
  for (int64_t r = full_rows; r < rows; ++r)
    for (int64_t f = 0; f < d; ++f) packed[f * kChunkSize + r] = shifted<T, K>(source[r * d + f], shift[f]);
  finish_packing(rows, d, tile_rows, packed, norms);
}

}  // namespace

PackRowsFn<double> pack_rows_f64() { return &pack_rows<double, double>; }
PackRowsFn<float> pack_rows_f32() { return &pack_rows<float, float>; }
PackRowsFn<double, float> pack_rows_f64_to_f32() { return &pack_rows<double, float>; }
NearestTileFn<double> nearest_tile_f64() { return &nearest_tile<double>; }
NearestTileFn<float> nearest_tile_f32() { return &nearest_tile<float>; }
ValueTileFn<double> value_tile_f64() { return &value_tile<double>; }
ValueTileFn<float> value_tile_f32() { return &value_tile<float>; }
int64_t tile_rows_f64() { return tile_rows<double>(); }
int64_t tile_rows_f32() { return tile_rows<float>(); }

}  // namespace KMN_ISA
}  // namespace kmn
