// The distance kernels. Below kWideFromFeatures (center_panels.hpp), a chunk of rows, shifted
// and packed transposed, is held in registers a tile of `tile_rows` rows at a time, against
// kTileCenters centers at a time; vector lanes hold rows (nearest_tile.cpp). Wider rows go
// through the wide-row kernel (wide_tile.cpp), blocked like a matrix product.
//  - nearest: fuses the argmin in, so no distance matrix is ever written out; gives the
//    nearest and second-nearest value of ||c'||^2 - 2 x'.c' per row.
//  - values: writes that value for every (row, center) pair; used by seeding, whose candidate
//    set is small, to screen out the pairs whose exact distance cannot matter.
//
// The kernels are compiled once per instruction set; the widest one the CPU supports is chosen
// at run time. KMEANS_NATIVE_SIMD=portable|avx2 forces a narrower variant (to test the portable
// path on any machine).
#pragma once

#include <cstdint>

#include "chunk_size.hpp"

namespace kmn {

// How many roundings a kernel value goes through, which its error bound (tie_margin.hpp) scales
// with: `depth`, the most additions (or multiply-adds) any one product passes through on its way
// into the dot product (the relative error: Higham, "Accuracy and Stability of Numerical
// Algorithms", 2002, section 3.1), and `terms`, the roundings in all (each may lose up to half a
// subnormal step, an absolute error). The transposed tile adds a row's d products one after
// another: both are d. The wide kernel sums them in lanes, then across lanes: a far smaller depth.
struct KernelRounding {
  int64_t depth = 0;
  int64_t terms = 0;
};

// Centers per register tile; center sets are padded to a multiple of it.
constexpr int64_t kTileCenters = 4;

// x_packed holds feature f of row r at [f * kChunkSize + r] (shifted), rows padded with
// zeros up to a multiple of tile_rows; centers are k_padded*d, row-major (shifted).
template <typename T>
using NearestTileFn = void (*)(const T* x_packed,  // IN  d*kChunkSize
                               int64_t rows,        // rows to label
                               int64_t d,
                               const T* centers,    // IN  k_padded*d
                               const T* norms,      // IN  k_padded ||c'||^2, +inf for padding
                               int64_t k_padded,
                               int32_t* label,      // OUT rows (padded): argmin, lowest index on a tie
                               T* best,             // OUT rows (padded): smallest value
                               T* second);          // OUT rows (padded): second smallest value

// Every value ||c'||^2 - 2 x'.c' of the packed rows against the centers (for seeding, which
// needs each candidate's, not only the nearest).
template <typename T>
using ValueTileFn = void (*)(const T* x_packed,  // IN  d*kChunkSize, as for NearestTileFn
                             int64_t rows, int64_t d,
                             const T* centers,    // IN  k_padded*d
                             const T* norms,      // IN  k_padded
                             int64_t k_padded,
                             T* out);             // OUT k_padded*kChunkSize: center j, row r at [j * kChunkSize + r]

// Adds each row (weighted) to its cluster's sums and weight, and returns the weighted sum of the
// rows' exact squared distances to their centers (only that, when sums is null). The same bits
// on every instruction set.
template <typename T>
using AccumulateRowsFn = double (*)(const T* x,                // IN  rows*d, row-major
                                    int64_t rows, int64_t d,
                                    const int32_t* labels,      // IN  rows
                                    const double* weights,      // IN  rows, or null for all ones
                                    const T* centers,           // IN  k*d
                                    double* sums,               // INOUT k*d
                                    double* cluster_weights);   // INOUT k

// Packs rows [begin, end) of x into the transposed layout the tiles read, minus `shift` (a
// vector of T, so that x - shift is one rounding, as c - shift is for the centers), with rows up
// to a multiple of tile_rows zeroed, and gives each row's ||x'||^2 (double).
// K is the type the distances are computed in: T itself, or float for float64 data in mixed
// precision.
template <typename T, typename K = T>
using PackRowsFn = void (*)(const T* x,           // IN  n*d, row-major
                            int64_t d, int64_t begin, int64_t end,
                            const K* shift,        // IN  d
                            int64_t tile_rows,
                            K* packed,             // OUT d*kChunkSize
                            double* norms);        // OUT kChunkSize

// The number of rows whose best and second values are too close for the kernel's label to be
// certain (tie_margin.hpp's `undecided`).
template <typename T>
using CountUndecidedFn = int64_t (*)(const T* best, const T* second,  // IN rows
                                     const double* x_norm,            // IN rows: ||x'||^2
                                     int64_t rows, KernelRounding rounding, double max_center_norm);

// The exact squared Euclidean distance (in double) that decides a label whenever the tile
// kernel cannot: the same bits on every instruction set.
template <typename T>
using ExactDistanceFn = double (*)(const T* a, const T* b, int64_t d);

// The wide-row kernel (wide_tile.cpp), for rows long enough that a transposing pack does not pay:
// rows and centers in row-major micro-panels (row_group rows or center_group centers, feature
// blocks of `lanes` values side by side, zero-padded to whole blocks), blocked like a matrix
// product. Sizes are in center_panels.hpp (wide_* helpers).
//
// Rows [begin, end) of x, shifted and rounded to K, into micro-panels; norms as for PackRowsFn.
template <typename T, typename K>
using PackWideRowsFn = void (*)(const T* x,       // IN  n*d, row-major
                                int64_t d, int64_t begin, int64_t end,
                                const K* shift,    // IN  d
                                K* packed,         // OUT wide_packed_size(end - begin, d)
                                double* norms);    // OUT end - begin

// Shifted centers into micro-panels, with each center group's norm and index per lane of the
// microkernel's sums (indices stored bitwise as K-sized integers).
template <typename K>
using PackWideCentersFn = void (*)(const K* centers,  // IN  k*d, row-major, shifted
                                   const K* norms,    // IN  k
                                   int64_t k, int64_t d,
                                   K* panel,          // OUT groups*blocks*center_group*lanes
                                   K* lane_norms,     // OUT groups*sum_lanes: +inf for padding
                                   K* lane_labels);   // OUT groups*sum_lanes

// Labels packed rows against the packed center groups: label, best and second as NearestTileFn.
template <typename K>
using NearestWideFn = void (*)(const K* packed,       // IN  from PackWideRowsFn
                               int64_t rows, int64_t d,
                               const K* panel, const K* lane_norms, const K* lane_labels,  // IN  from PackWideCentersFn
                               int64_t groups,        // center groups
                               int64_t range_blocks,  // feature blocks summed at a time (wide_range_blocks)
                               K* work,               // scratch: wide_work_size(rows)
                               int32_t* label, K* best, K* second);  // OUT rows

// Every value ||c'||^2 - 2 x'.c' of packed rows against packed center groups, as ValueTileFn.
template <typename K>
using ValuesWideFn = void (*)(const K* packed, int64_t rows, int64_t d, const K* panel, const K* lane_norms,
                              int64_t groups, int64_t range_blocks,
                              K* work,   // scratch: wide_work_size(rows)
                              K* out);   // OUT groups*center_group*kChunkSize: value of center j, row r at [j * kChunkSize + r]

template <typename K>
struct WideKernel {
  int64_t row_group;     // rows per micro-panel
  int64_t center_group;  // centers per micro-panel
  int64_t lanes;         // features per block
  int64_t sum_lanes;     // lanes of one microkernel's sums (a multiple of lanes)
  int64_t block_groups;  // center groups whose partial sums are kept at a time
  int64_t panel_bytes;   // bytes of a center micro-panel's feature range that should stay in L1
  PackWideCentersFn<K> pack_centers;
  NearestWideFn<K> nearest;
  ValuesWideFn<K> values;
};

template <typename T>
struct TileKernel {
  const char* isa;     // "avx512", "avx2" or "portable"
  int64_t tile_rows;   // rows per register tile
  PackRowsFn<T> pack;
  NearestTileFn<T> nearest;
  ValueTileFn<T> values;
  AccumulateRowsFn<T> accumulate;
  CountUndecidedFn<T> count_undecided;
  ExactDistanceFn<T> exact_distance;
  WideKernel<T> wide;
};

// The variants chosen for this CPU (decided once, on first use).
template <typename T>
const TileKernel<T>& tile_kernel();

// The packing of T rows into K tiles: tile_kernel<T>().pack when K is T; for float64 rows in
// float tiles (mixed precision), a converting variant.
template <typename T, typename K>
PackRowsFn<T, K> pack_kernel();
template <typename T, typename K>
PackWideRowsFn<T, K> wide_pack_kernel();

// Name of the instruction set in use: "avx512", "avx2" or "portable".
const char* simd_name();

}  // namespace kmn
