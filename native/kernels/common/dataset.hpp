// Plain views of the caller's data. Nothing here owns memory: the binding keeps the
// JavaScript arrays alive for as long as a kernel reads them.
//
// The rows come in one of two layouts: row-major (one array of n*d values) or column-major
// (d arrays of n values, one per feature). The kernels read rows, a chunk at a time: rows()
// gives a chunk as row-major rows, the data itself when it is row-major (no copy), or the
// chunk's rows gathered into a buffer of the caller's (kChunkSize*d values, see RowBuffers).
// The kernels then compute on the same values in the same order, so both layouts give the
// same bits. Another layout (sparse rows, say) brings its own way to fill that buffer.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "chunk_size.hpp"

namespace kmn {

template <typename T>
struct Dataset {
  const T* x = nullptr;               // IN  row-major rows from first_row on, d values each; or null
  int64_t n = 0;                      // samples
  int64_t d = 0;                      // features
  const double* weights = nullptr;    // IN  n sample weights, or null for all ones
  const T* const* columns = nullptr;  // IN  column-major: d arrays of n values (x is null)
  int64_t first_row = 0;              // the row x starts at (a chunk's gathered rows)

  double weight(int64_t i) const { return weights ? weights[i] : 1.0; }
  bool row_major() const { return columns == nullptr; }
  // Row i of a row-major view (the data itself, or what rows() returned).
  const T* row(int64_t i) const { return x + (i - first_row) * d; }

  // Rows [begin, end) (at most kChunkSize) as a row-major view: this data, or the rows copied
  // into `buffer` (kChunkSize*d values) when the data is column-major. Row indices stay global.
  Dataset rows(int64_t begin, int64_t end, T* buffer) const {
    if (row_major()) return *this;
    for (int64_t f = 0; f < d; ++f) {
      const T* column = columns[f];
      for (int64_t i = begin; i < end; ++i) buffer[(i - begin) * d + f] = column[i];
    }
    Dataset view = *this;
    view.x = buffer;
    view.columns = nullptr;
    view.first_row = begin;
    return view;
  }

  // Feature f of row i, whatever the layout (for loops that walk a column down the rows).
  T at(int64_t i, int64_t f) const { return row_major() ? x[(i - first_row) * d + f] : columns[f][i]; }

  // Row i copied to out (d values), whatever the layout.
  void copy_row(int64_t i, T* out) const {
    if (row_major()) {
      std::copy(row(i), row(i) + d, out);
      return;
    }
    for (int64_t f = 0; f < d; ++f) out[f] = columns[f][i];
  }
};

// One chunk buffer per thread for Dataset::rows, allocated only for data that needs one (may
// throw std::bad_alloc).
template <typename T>
class RowBuffers {
 public:
  RowBuffers(const Dataset<T>& data, int threads)
      : size_(data.row_major() ? 0 : static_cast<size_t>(kChunkSize * data.d)),
        values_(size_ * static_cast<size_t>(threads)) {}
  T* get(int thread) { return size_ == 0 ? nullptr : values_.data() + size_ * static_cast<size_t>(thread); }

 private:
  size_t size_;
  std::vector<T> values_;
};

}  // namespace kmn
