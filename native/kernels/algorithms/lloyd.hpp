// One Lloyd pass over the data (Lloyd 1982): assign every row to its nearest center and,
// unless only labels are wanted, accumulate the weighted per-cluster sums that give the new
// centers. Cost per pass: n*k*d multiply-adds in the tile kernel, n*d for the sums, and
// blocks*k*d for merging; extra memory O(threads*chunk*d + blocks*k*d), never n*k.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "../common/assign.hpp"
#include "../common/block_partials.hpp"
#include "../common/center_panels.hpp"
#include "../common/chunking.hpp"
#include "../common/dataset.hpp"
#include "../common/status.hpp"
#include "elkan.hpp"
#include "hamerly.hpp"

namespace kmn {

struct IterationStats {
  double inertia = 0;          // weighted sum of squared distances to the centers used for assignment (exact)
  double center_shift = 0;     // sum over clusters of ||new - old||^2
  int64_t label_changes = 0;   // rows whose label changed in this pass
  int64_t relocated = 0;       // empty clusters given a new center
  int64_t distance_evals = 0;  // sample-to-center distances computed (n*k per Lloyd pass)
};

enum class Algorithm {
  kLloyd,    // every distance, every pass
  kHamerly,  // two bounds per sample skip most distances (hamerly.hpp); the same labels and centers
  kElkan,    // k + 1 bounds per sample (elkan.hpp); the same labels and centers
};

// Buffers for all passes of one fit, allocated once (may throw std::bad_alloc). T is the data's
// type; K the type distances are computed in: T, or float for float64 data in mixed precision
// (Lloyd's labels are unchanged: rows the float values cannot decide are re-checked exactly).
template <typename T, typename K = T>
struct LloydWorkspace {
  // Labels are computed over as many blocks as the data has (that sets the parallelism). The
  // per-cluster sums of a block are added up in the same pass, in block order as the blocks
  // finish (OrderedPartials), unless a few slots of k*d sums exceed the memory budget: then a
  // second pass sums over fewer blocks (sum_plan), whose partial sums fit it. The choice depends
  // on k and d only, never on the thread count.
  BlockPlan assign_plan, sum_plan;
  bool fused = true;
  int threads = 1;
  int64_t k = 0, d = 0;
  CenterPanels<K> panels;
  std::vector<ChunkScratch<T, K>> scratch;  // one per thread
  BlockPartials pass_stats;              // per assign block: label changes, inertia, distance evaluations
  OrderedPartials ordered_sums;          // fused: per assign block, k*d sums then k weights
  BlockPartials cluster_sums;            // otherwise: the same per sum block
  std::vector<double> merged_stats, merged_sums;
  Algorithm algorithm = Algorithm::kLloyd;  // Elkan becomes Hamerly when its bounds exceed the budget
  bool spherical = false;                // cosine k-means: new centers scaled to unit length
  HamerlyBounds bounds;                  // Hamerly only
  ElkanBounds elkan;                     // Elkan only
  // Lloyd on small data: the rows packed once, with a shift fixed at the first pass.
  std::unique_ptr<PackedRows<T, K>> packed;
  std::vector<double> shift;             // d: the first pass's center mean

  LloydWorkspace(int64_t n, int64_t k_, int64_t d_, int requested_threads, Algorithm algorithm_ = Algorithm::kLloyd);
};

// Assigns labels against `centers`; with update, also writes the new centers (empty
// clusters relocated as scikit-learn does) to centers_new. With Hamerly's algorithm the
// passes must follow one another on the same workspace (the bounds carry over).
template <typename T, typename K>
Status lloyd_pass(const Dataset<T>& data, const T* centers /* IN k*d */, T* centers_new /* OUT k*d, or null */,
                  int32_t* labels /* INOUT n */, LloydWorkspace<T, K>& ws, IterationStats* stats);

// Labels and exact squared distances of each row to its nearest center (predict, vq); with
// mixed (float64 data only), the kernel computes in float and near-ties are re-checked.
template <typename T>
Status assign_nearest(const Dataset<T>& data, const T* centers /* IN k*d */, int64_t k, int threads, bool mixed,
                      int32_t* labels /* OUT n */, double* sq_dist /* OUT n, or null */, double* weighted_sum /* OUT */);

// Weighted means of the rows of each cluster (SciPy's update_cluster_means): clusters with
// positive weight get their mean in `centers`, the others keep the center already there.
template <typename T>
Status cluster_means(const Dataset<T>& data, const int32_t* labels /* IN n, each in [0, k) */, int64_t k, int threads,
                     T* centers /* INOUT k*d */, double* weights /* OUT k: total weight per cluster */);

}  // namespace kmn
