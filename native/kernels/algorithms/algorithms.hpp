// The one table of k-means algorithms. Adding an algorithm takes its step header (the concept
// is in step.hpp) and one row in AlgorithmTable; the driver, the binding and the names the addon
// reports (and TypeScript checks) all read this table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "elkan.hpp"
#include "hamerly.hpp"
#include "lloyd.hpp"

namespace kmn {

template <template <class, class> class... Steps>
struct StepList {};

// Each row: a step type. The order is the order the addon reports the names in.
using AlgorithmTable = StepList<LloydStep, ElkanStep, HamerlyStep>;

// The name that asks for the rule below rather than one algorithm.
constexpr const char* kAutoAlgorithm = "auto";

// 'auto', from the benchmark's fits to convergence (bench/, --mode fit): Hamerly's bounds pay
// once a pass has many clusters to rule out (k >= 32: 0.6 to 0.85 of Lloyd's time on
// (100000, 64, 256), (100000, 2, 500), (50000, 768, 50), (100000, 1536, 100)), or a few (k > 8)
// with wide rows, where each distance saved is long (d >= 128: (60000, 784, 10), 0.85 to 1.0).
// With fewer clusters and narrow rows, checking the bounds and labelling the rows that fail them
// costs more than it saves ((200000, 16, 16): 1.3; (10000, 32, 20): 1.25; digits-shaped
// (1797, 64, 10): 1.7 to 4). Elkan's n*k bounds did not beat Hamerly's on any of them.
inline const char* auto_algorithm(int64_t /* n */, int64_t k, int64_t d) {
  return k >= 32 || (k > 8 && d >= 128) ? "hamerly" : "lloyd";
}

namespace table_detail {
template <template <class, class> class... Steps>
std::vector<std::string> names(StepList<Steps...>) {
  return {Steps<float, float>::kName...};
}
template <template <class, class> class... Steps>
bool step_fits(StepList<Steps...>, const std::string& name, int64_t n, int64_t k, const char** fallback) {
  bool fits = true;
  // Stops at the step named; the value of the fold itself is not needed.
  static_cast<void>(((name == Steps<float, float>::kName ? (fits = Steps<float, float>::fits(n, k),
                                                            *fallback = Steps<float, float>::kFallback, true)
                                                         : false) ||
                     ...));
  return fits;
}
template <typename T, typename K, template <class, class> class... Steps, typename F>
bool with_step(StepList<Steps...>, const std::string& name, F&& f) {
  return ((name == Steps<T, K>::kName ? (f(static_cast<Steps<T, K>*>(nullptr)), true) : false) || ...);
}
}  // namespace table_detail

// The algorithms' names, in table order.
inline std::vector<std::string> algorithm_names() { return table_detail::names(AlgorithmTable{}); }

inline bool is_algorithm_name(const std::string& name) {
  for (const std::string& known : algorithm_names())
    if (known == name) return true;
  return false;
}

// The algorithm a fit of n rows, k clusters and d features runs when `requested` (a name in the
// table, or "auto") is asked for: 'auto' resolved, then each step that exceeds its memory
// budget replaced by its fallback.
inline std::string resolve_algorithm(const std::string& requested, int64_t n, int64_t k, int64_t d) {
  std::string name = requested == kAutoAlgorithm ? auto_algorithm(n, k, d) : requested;
  for (;;) {
    const char* fallback = nullptr;
    if (table_detail::step_fits(AlgorithmTable{}, name, n, k, &fallback) || fallback == nullptr) return name;
    name = fallback;
  }
}

// Calls f(static_cast<Step<T, K>*>(nullptr)) for the step named `name`; false if there is none.
template <typename T, typename K, typename F>
bool with_algorithm_step(const std::string& name, F&& f) {
  return table_detail::with_step<T, K>(AlgorithmTable{}, name, f);
}

}  // namespace kmn
