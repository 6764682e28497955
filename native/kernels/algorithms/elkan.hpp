// Elkan's algorithm (C. Elkan, "Using the triangle inequality to accelerate k-means", ICML
// 2003): exact Lloyd iterations with an upper bound on each sample's distance to its center
// and a lower bound on its distance to every center, plus the distances between centers. A
// sample is compared with a center only when no bound rules the center out; each distance
// computed is the exact float64 one, and ties go to the lowest index, so every label (and so
// every center) is the one Lloyd gives.
//
// Cost per pass: O(k^2 d) for the center distances, O(n k) bound updates and checks, O(d) per
// distance computed. Extra memory: n*k floats for the lower bounds (kept under a budget: the
// fit falls back to Hamerly's algorithm beyond it) and k*k doubles.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "../common/assign.hpp"
#include "../common/center_panels.hpp"
#include "../common/dataset.hpp"
#include "../common/tile_kernel.hpp"
#include "step.hpp"
#include "hamerly.hpp"

namespace kmn {

// The lower bounds of all samples may take at most this many bytes.
constexpr int64_t kElkanBoundsBudgetBytes = int64_t{1} << 30;

inline bool elkan_fits(int64_t n, int64_t k) {
  return n <= kElkanBoundsBudgetBytes / static_cast<int64_t>(sizeof(float)) / (k > 0 ? k : 1);
}

// A float that is not above `value`: lower bounds stay valid when stored in float.
inline float round_down(double value) {
  float rounded = static_cast<float>(value);
  if (static_cast<double>(rounded) > value) rounded = std::nextafter(rounded, -std::numeric_limits<float>::infinity());
  return rounded;
}

struct ElkanBounds {
  std::vector<double> upper;    // n: distance to the center (upper bound)
  std::vector<float> lower;     // n*k: distance to each center (lower bounds)
  std::vector<double> half_distance;  // k*k: half the distance between two centers
  std::vector<double> half_gap;       // k: half the distance to the nearest other center
  std::vector<double> moved;          // k: how far each center moved in the last update
  bool valid = false;

  void resize(int64_t n, int64_t k) {
    upper.assign(static_cast<size_t>(n), 0.0);
    lower.assign(static_cast<size_t>(n * k), 0.0f);
    half_distance.assign(static_cast<size_t>(k * k), 0.0);
    half_gap.assign(static_cast<size_t>(k), 0.0);
    moved.assign(static_cast<size_t>(k), 0.0);
  }

  template <typename T>
  void prepare_pass(const T* centers /* IN k*d */, int64_t k, int64_t d) {
    const ExactDistanceFn<T> exact_distance = tile_kernel<T>().exact_distance;
    for (int64_t j = 0; j < k; ++j) {
      half_gap[j] = std::numeric_limits<double>::infinity();
      half_distance[j * k + j] = 0;
    }
    for (int64_t a = 0; a < k; ++a)
      for (int64_t b = a + 1; b < k; ++b) {
        const double half = 0.5 * std::sqrt(exact_squared(centers + a * d, centers + b * d, d, exact_distance)) * (1 - kBoundSlack);
        half_distance[a * k + b] = half_distance[b * k + a] = half;
        if (half < half_gap[a]) half_gap[a] = half;
        if (half < half_gap[b]) half_gap[b] = half;
      }
  }

  template <typename T>
  void record_moves(const T* before /* IN k*d */, const T* after /* IN k*d */, int64_t k, int64_t d) {
    const ExactDistanceFn<T> exact_distance = tile_kernel<T>().exact_distance;
    for (int64_t j = 0; j < k; ++j)
      moved[j] = std::sqrt(exact_squared(before + j * d, after + j * d, d, exact_distance)) * (1 + kBoundSlack);
  }
};

// Labels rows [begin, end) into scratch.final_label, keeping bounds, and calls on_rows as
// hamerly_chunk does. The first pass labels every row with Lloyd's kernel and starts each
// lower bound at the second-nearest distance.
template <typename T, typename K, typename OnRows>
void elkan_chunk(const Dataset<T>& data, int64_t begin, int64_t end, const T* centers /* IN k*d */,
                 const CenterPanels<K>& panels, const TileKernel<K>& kernel, ChunkScratch<T, K>& scratch,
                 ElkanBounds& bounds, const int32_t* labels /* IN n */, int64_t* distance_evals, OnRows&& on_rows) {
  const int64_t rows = end - begin, d = data.d, k = panels.k;
  int32_t* final_label = scratch.final_label.data();
  const ExactDistanceFn<T> exact_distance = tile_kernel<T>().exact_distance;
  if (!bounds.valid) {
    assign_chunk(data, begin, end, centers, panels, kernel, scratch, [](int64_t, int64_t) {}, true);
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t i = begin + r;
      const int32_t a = scratch.label[r];
      final_label[r] = a;
      bounds.upper[i] = std::sqrt(exact_squared(data.row(i), centers + a * d, d, exact_distance)) * (1 + kBoundSlack);
      const float second = round_down(std::sqrt(scratch.second_sq_lower[r]) * (1 - kBoundSlack));
      float* lower = bounds.lower.data() + i * k;
      for (int64_t j = 0; j < k; ++j) lower[j] = second;
      lower[a] = round_down(bounds.upper[i] * (1 - 2 * kBoundSlack) / (1 + kBoundSlack));
    }
    *distance_evals += rows * k;
  } else {
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t i = begin + r;
      const T* row = data.row(i);
      float* lower = bounds.lower.data() + i * k;
      for (int64_t j = 0; j < k; ++j) {
        const double moved_down = static_cast<double>(lower[j]) - bounds.moved[j];
        lower[j] = moved_down > 0 ? round_down(moved_down) : 0.0f;
      }
      int32_t a = labels[i];
      double upper = bounds.upper[i] + bounds.moved[a];
      double sq_a = 0;
      bool tight = false;
      if (upper >= bounds.half_gap[a]) {
        for (int64_t j = 0; j < k; ++j) {
          if (j == a) continue;
          const double* half = bounds.half_distance.data() + static_cast<int64_t>(a) * k;
          if (upper < static_cast<double>(lower[j]) || upper < half[j]) continue;
          if (!tight) {
            sq_a = exact_distance(row, centers + static_cast<int64_t>(a) * d, d);
            upper = std::sqrt(sq_a) * (1 + kBoundSlack);
            lower[a] = round_down(std::sqrt(sq_a) * (1 - kBoundSlack));
            tight = true;
            ++*distance_evals;
            if (upper < static_cast<double>(lower[j]) || upper < half[j]) continue;
          }
          const double sq_j = exact_distance(row, centers + j * d, d);
          ++*distance_evals;
          lower[j] = round_down(std::sqrt(sq_j) * (1 - kBoundSlack));
          // Lloyd's rule: the exact nearest, the lowest index on a tie.
          if (sq_j < sq_a || (sq_j == sq_a && j < a)) {
            a = static_cast<int32_t>(j);
            sq_a = sq_j;
            upper = std::sqrt(sq_j) * (1 + kBoundSlack);
          }
        }
      }
      bounds.upper[i] = upper;
      final_label[r] = a;
    }
  }
  const int64_t step = rows_per_step<T, K>(d);
  for (int64_t first = 0; first < rows; first += step) on_rows(first, first + step < rows ? first + step : rows);
}

}  // namespace kmn

namespace kmn {

// Elkan's algorithm as a step of the pass (step.hpp). Its n*k lower bounds have a memory
// budget; beyond it the fit runs Hamerly's step, which gives the same labels.
template <typename T, typename K>
class ElkanStep {
 public:
  static constexpr const char* kName = "elkan";
  static constexpr bool kGathers = true;
  static constexpr const char* kFallback = "hamerly";
  static bool fits(int64_t n, int64_t k) { return elkan_fits(n, k); }

  ElkanStep(int64_t n, int64_t k, int64_t) { bounds_.resize(n, k); }

  void before_pass(const T* centers, int64_t k, int64_t d) { bounds_.prepare_pass(centers, k, d); }

  static const int32_t* chunk_labels(const ChunkScratch<T, K>& scratch) { return scratch.final_label.data(); }

  template <typename OnRows>
  void label_chunk(const Dataset<T>& data, int64_t begin, int64_t end, const PassContext<T, K>& context,
                   ChunkScratch<T, K>& scratch, const int32_t* labels, int64_t* distance_evals, OnRows&& on_rows) {
    elkan_chunk(data, begin, end, context.centers, context.panels, context.kernel, scratch, bounds_, labels,
                distance_evals, on_rows);
  }

  void after_pass() { bounds_.valid = true; }
  void after_update(const T* before, const T* after, int64_t k, int64_t d) { bounds_.record_moves(before, after, k, d); }

 private:
  ElkanBounds bounds_;
};

}  // namespace kmn
