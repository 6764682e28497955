// A plain view of compressed sparse rows (CSR), the sparse counterpart of Dataset. Nothing here
// owns memory: the binding keeps the JavaScript arrays alive while a kernel reads them.
//
// Row i holds the entries indptr[i] .. indptr[i+1] - 1: column indices[e] with value values[e].
// Indices may come in any order within a row, and a column may appear more than once: the row's
// value there is the sum of those entries (added in entry order, in T, as a dense copy of the
// row would hold it). A column that does not appear is zero; an explicit zero changes nothing.
#pragma once

#include <cstdint>

namespace kmn {

template <typename T>
struct CsrRows {
  const int32_t* indptr32 = nullptr;  // IN  n+1 row starts, or null when indptr64 is set
  const int64_t* indptr64 = nullptr;  // IN  n+1 row starts (more than 2^31 - 1 entries), or null
  const int32_t* indices = nullptr;   // IN  nnz column indices, each in [0, d)
  const T* values = nullptr;          // IN  nnz values
  const double* row_norms = nullptr;  // IN  n squared row norms (duplicates summed), or null
  const double* weights = nullptr;    // IN  n sample weights, or null for all ones
  int64_t n = 0;                      // rows
  int64_t d = 0;                      // columns

  int64_t begin(int64_t i) const { return indptr64 ? indptr64[i] : indptr32[i]; }
  int64_t end(int64_t i) const { return indptr64 ? indptr64[i + 1] : indptr32[i + 1]; }
  int64_t nnz() const { return n == 0 ? 0 : end(n - 1); }
  double weight(int64_t i) const { return weights ? weights[i] : 1.0; }

  // Adds row i into `dense` (d values, zero where the row has no entry): the row's dense values.
  void scatter(int64_t i, T* dense) const {
    for (int64_t e = begin(i), stop = end(i); e < stop; ++e) dense[indices[e]] += values[e];
  }
};

}  // namespace kmn
