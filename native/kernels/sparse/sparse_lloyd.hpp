// One Lloyd pass over sparse rows (CSR): each row's nearest center, then, for an updating pass,
// the weighted per-cluster sums of the rows. Never densifies the data: a row is scattered into
// a d-value buffer of its thread's only while it is labelled, and the buffer is left zero.
//
// Labels. row_dots gives x.c_j for every center (centers transposed, loop over k contiguous);
// the value ||c_j||^2 - 2 x.c_j orders the centers (||x||^2 is the same for all of them). The
// centers within twice sparse_margin of the smallest value are the only ones that can be the
// nearest; when there is more than one, each is re-checked with the exact squared distance of
// the dense pass (the exact-distance kernel on the scattered row), lowest index on a tie. So a
// label is the nearest center exactly as the dense pass finds it: the same labels, but where
// two centers' exact distances tie within their own last bits.
//
// Distances. A row's squared distance to its center is computed over its entries only, as
// sum_f ((x_f - c_f)^2 - c_f^2) + ||c||^2 in double: the columns where x is zero add c_f^2 each,
// which the norm holds. Its rounding error is at most about (e + 2) u (||x - c||^2 + 2 ||c||^2)
// for a row of e entries (u: double's unit roundoff), where the dense pass's sum of squares errs
// relative to ||x - c||^2 alone; no label depends on it (the inertia does; the farthest rows
// only through which rows get the exact distance that ranks them).
//
// Sums. Per fixed block of rows (BlockPlan::fixed), each row's weighted values added to its
// cluster's sums in row order, blocks added to the total in block order (SparseBlockSums): the
// same numbers in the same order as the dense pass adds them, so the same bits, whatever the
// number of threads.
#pragma once

#include <cstdint>
#include <vector>

#include "../algorithms/empty_clusters.hpp"
#include "../common/block_partials.hpp"
#include "../common/chunking.hpp"
#include "../common/status.hpp"
#include "csr.hpp"
#include "sparse_block_sums.hpp"

namespace kmn {

// The centers as the sparse pass reads them, prepared once per pass (may throw std::bad_alloc).
template <typename T>
struct SparseCenters {
  int64_t k = 0, d = 0, k_padded = 0;  // k_padded: k rounded up to kSparseCenterPad
  const T* rows = nullptr;             // IN  k*d, the caller's (row-major)
  std::vector<T> transposed;           // d*k_padded: center j's column f at [f * k_padded + j], zero padding
  std::vector<double> norms;           // k: ||c_j||^2, by the exact-distance kernel
  double max_norm = 0;                 // the largest norm
  double max_abs = 0;                  // the largest |c_j,f|

  void prepare(const T* centers, int64_t k, int64_t d);
};

// Each thread's buffers (written before they are read, but for `dense`, which stays zero).
template <typename T>
struct SparseScratch {
  std::vector<T> dots;         // k_padded: x.c_j
  std::vector<double> values;  // k: ||c_j||^2 - 2 x.c_j
  std::vector<T> dense;        // d: the row being labelled, zero elsewhere
};

struct SparsePassStats {
  double inertia = 0;          // weighted squared distances to the centers used for assignment
  int64_t label_changes = 0;   // rows whose label changed
  double center_shift = 0;     // updating passes: sum over clusters of ||new - old||^2
  int64_t relocated = 0;       // updating passes: empty clusters given a row
};

// Buffers for the passes of one fit (or one assignment), allocated once (may throw
// std::bad_alloc). `updates`: whether passes will add up the per-cluster sums.
template <typename T>
struct SparseWorkspace {
  BlockPlan plan;  // fixed blocks: the labels, inertia and sums are added up over them
  int threads = 1;
  int64_t k = 0, d = 0;
  bool spherical = false;  // updating passes scale the new centers to unit length (unit_rows.hpp)
  SparseCenters<T> centers;
  std::vector<SparseScratch<T>> scratch;  // one per thread
  BlockPartials block_stats;              // per block: label changes, inertia
  SparseBlockSums block_sums;             // updating passes
  std::vector<double> sums;               // updating passes: k*d sums, then k weights

  SparseWorkspace(const CsrRows<T>& data, int64_t k, int requested_threads, bool updates);
};

// Labels every row against `centers` (labels: INOUT n, the previous labels in, to count the
// changes); with centers_new, also the new centers: weighted means, empty clusters given the
// rows farthest from their centers as the dense pass gives them (empty_clusters.hpp), scaled to
// unit length when ws.spherical (the shift is then from the unit centers, as the dense pass's).
template <typename T>
Status sparse_pass(const CsrRows<T>& data, const T* centers /* IN k*d */, T* centers_new /* OUT k*d, or null */,
                   int32_t* labels /* INOUT n */, SparseWorkspace<T>& ws, SparsePassStats* stats);

// Adds to *out the weighted squared distances of the rows to their centers, in block order.
template <typename T>
Status sparse_inertia(const CsrRows<T>& data, const T* centers /* IN k*d */, const int32_t* labels /* IN n */,
                      SparseWorkspace<T>& ws, double* out /* INOUT */);

// The `count` rows farthest from their centers (by the dense pass's exact squared distances,
// computed for the rows that the sparse ones cannot rule out), farthest first, the lower index
// first on a tie; their values written out dense (count*d): farthest_rows's rows.
template <typename T>
Status sparse_farthest_rows(const CsrRows<T>& data, const T* centers /* IN k*d */, const int32_t* labels /* IN n */,
                            int64_t count, SparseWorkspace<T>& ws, RowMoves<T>* moves);

}  // namespace kmn
