// The step of a k-means algorithm: how one chunk of rows gets its labels in a pass. The pass
// (pass.hpp) and the fit loop (driver.cpp) are written once over this concept, and the table in
// algorithms.hpp lists the steps by name. A step type S<T, K> (T: the data's type, K: the type
// distances are computed in) provides:
//
//   static constexpr const char* kName;      the name users pass as `algorithm`
//   static constexpr bool kGathers;          labels the rows failing its bounds gathered in a block
//   static bool fits(int64_t n, int64_t k);  whether its state fits its memory budget
//   static constexpr const char* kFallback;  the step to run when it does not (nullptr: always fits)
//   S(int64_t n, int64_t k, int64_t d);      its state for one fit (may throw std::bad_alloc)
//   void before_pass(const T* centers, int64_t k, int64_t d);
//   void label_chunk(data, begin, end, context, scratch, labels, &distance_evals, on_rows);
//       labels rows [begin, end) (labels holds the previous pass's) and calls on_rows(first,
//       last) after each step of rows, as assign_chunk does, so the pass sums those rows while
//       they are in cache
//   static const int32_t* chunk_labels(const ChunkScratch<T, K>&);  where label_chunk writes
//       the chunk's labels (chunk-relative), readable from the first on_rows call
//   void after_pass();                        the pass has labelled every row
//   void after_update(const T* before, const T* after, int64_t k, int64_t d);  centers moved
//
// Every step must give exactly the labels Lloyd's gives (the nearest center, the lowest index
// on a tie): accelerated steps only skip distances they can prove do not matter.
#pragma once

#include <cstdint>

#include "../common/center_panels.hpp"
#include "../common/tile_kernel.hpp"

namespace kmn {

// What every step reads in a pass: the centers, their packed panels and the tile kernel.
template <typename T, typename K>
struct PassContext {
  const T* centers;  // IN k*d
  const CenterPanels<K>& panels;
  const TileKernel<K>& kernel;
};

}  // namespace kmn
