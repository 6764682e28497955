// The passes over the data of scalable k-means++ (k-means||: Bahmani, Moseley, Vattani, Kumar
// & Vassilvitskii, "Scalable K-Means++", VLDB 2012). The facade (src/parallel_init.ts) runs the
// rounds and the final weighted k-means++ on the candidates; each function here is one pass
// over one piece of the data (all of it, for data in memory): rows first_row.. of all the data,
// first_row on a fixed-block boundary (chunking.hpp), with running totals passed from piece to
// piece, so that data read in pieces gives the same bits as all of it at once, on any number
// of threads.
//
// Every random choice is a function of a key (drawn by the facade from the library's generator)
// and of the row's index in all the data (row_uniform), never of the chunking or the threads.
// Distances to the candidates go through the tile kernels (assign.hpp); a row's distance is the
// exact squared distance to its exact nearest candidate (lowest index on a tie), so its bits
// are the same on every instruction set and in mixed precision.
//
// Cost per pass: n * m * d multiply-adds for m candidates, plus O(n * d) for the exact distances;
// extra memory O(threads * chunk * d + m * d), and for the weights O(slots * m).
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "../common/dataset.hpp"
#include "../common/status.hpp"

namespace kmn {

// A uniform double in [0, 1) (53 bits) for row `row` of all the data under `key`: SplitMix64's
// output function (Steele, Lea & Flood, OOPSLA 2014) on key + (row + 1) * its increment.
inline double row_uniform(uint64_t key, int64_t row) {
  uint64_t z = key + (static_cast<uint64_t>(row) + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

// The row drawn so far: the largest key, and its row in all the data (-1: none yet).
struct RowDraw {
  double key = -std::numeric_limits<double>::infinity();
  int64_t row = -1;
};

// One row drawn with probability proportional to its weight (Efraimidis & Spirakis 2006): the
// row of positive weight with the largest key log(1 - u_i) / w_i, u_i = row_uniform(key, row),
// the lowest row on a tie. `best` holds the earlier pieces' draw, and is replaced where this
// piece holds a larger key.
template <typename T>
void draw_weighted_row(const Dataset<T>& data, uint64_t key, int64_t first_row, int threads, RowDraw* best /* INOUT */);

// Adds the weighted squared distance of every row to its nearest of the m candidates to *cost,
// in fixed-block order.
template <typename T>
Status candidate_cost(const Dataset<T>& data, const T* candidates /* IN m*d */, int64_t m, int threads, bool mixed,
                      double* cost /* INOUT */);

// The rows i of positive weight with u_i < oversampling * (w_i * d_i) / cost, d_i the squared
// distance to the nearest candidate and u_i = row_uniform(key, first_row + i): their indices in
// the piece, ascending. cost > 0.
template <typename T>
Status sample_candidates(const Dataset<T>& data, const T* candidates /* IN m*d */, int64_t m, int threads, bool mixed,
                         int64_t first_row, uint64_t key, double oversampling, double cost,
                         std::vector<int64_t>* chosen /* OUT */);

// Adds the weight of every row to its nearest candidate's total, in fixed-block order.
template <typename T>
Status candidate_weights(const Dataset<T>& data, const T* candidates /* IN m*d */, int64_t m, int threads, bool mixed,
                         double* weights /* INOUT m */);

}  // namespace kmn
