#include "plus_plus.hpp"

#include <limits>
#include <new>
#include <vector>

#include "block_partials.hpp"
#include "center_panels.hpp"
#include "chunking.hpp"
#include "tile_kernel.hpp"

namespace kmn {
namespace {

struct DotScratch {
  std::vector<double> packed, x_norm, dots;
  DotScratch(int64_t d, int64_t k_padded)
      : packed(static_cast<size_t>(d * kChunkSize)), x_norm(kChunkSize), dots(static_cast<size_t>(k_padded * kChunkSize)) {}
};

// Squared distances of one chunk's rows to the panel's centers: ||x'||^2 + ||c'||^2 - 2 x'.c',
// clamped at zero. fn(row, center, distance) receives each one.
template <typename T, typename Fn>
void chunk_distances(const Dataset<T>& data, int64_t begin, int64_t end, const CenterPanels<double>& panels,
                     DotScratch& scratch, Fn&& fn) {
  const DotKernel& kernel = dot_kernel();
  pack_rows(data.x, data.d, begin, end, panels.shift.data(), kernel.tile_rows, scratch.packed.data(),
            scratch.x_norm.data());
  kernel.dot(scratch.packed.data(), end - begin, data.d, panels.centers.data(), panels.k_padded, scratch.dots.data());
  for (int64_t r = 0; r < end - begin; ++r) {
    for (int64_t c = 0; c < panels.k; ++c) {
      const double dot = scratch.dots[c * kChunkSize + r];
      const double dist = scratch.x_norm[r] + panels.norms[c] - 2 * dot;
      fn(begin + r, c, dist > 0 ? dist : 0.0);
    }
  }
}

template <typename T>
void gather_rows(const Dataset<T>& data, const int32_t* rows, int64_t m, std::vector<double>& out) {
  out.resize(static_cast<size_t>(m * data.d));
  for (int64_t c = 0; c < m; ++c)
    for (int64_t f = 0; f < data.d; ++f) out[c * data.d + f] = data.row(rows[c])[f];
}

}  // namespace

template <typename T>
Status plus_plus_step(const Dataset<T>& data, const double* shift, const int32_t* candidates, int64_t m, int threads,
                      double* closest, PlusPlusStep* out) {
  const int64_t d = data.d;
  try {
    std::vector<double> rows;
    gather_rows(data, candidates, m, rows);
    CenterPanels<double> panels;
    panels.prepare(rows.data(), m, d, shift);

    const BlockPlan plan = BlockPlan::make(data.n, m * 8);
    const int t = effective_threads(threads, plan);
    std::vector<DotScratch> scratch;
    scratch.reserve(static_cast<size_t>(t));
    for (int i = 0; i < t; ++i) scratch.emplace_back(d, panels.k_padded);

    BlockPartials partials;
    partials.reset(plan.n_blocks, m);
    parallel_for_blocks(plan, t, [&](int64_t b, int thread) {
      double* potential = partials.block(b);
      for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
        chunk_distances(data, begin, end, panels, scratch[thread], [&](int64_t i, int64_t c, double dist) {
          potential[c] += data.weight(i) * (dist < closest[i] ? dist : closest[i]);
        });
      });
    });
    std::vector<double> potentials(static_cast<size_t>(m));
    partials.merge(potentials.data(), t);
    int64_t best = 0;
    for (int64_t c = 1; c < m; ++c)
      if (potentials[c] < potentials[best]) best = c;
    out->best = best;
    out->potential = potentials[best];

    // Lower the running distances with the chosen candidate (same values as above).
    CenterPanels<double> chosen;
    chosen.prepare(rows.data() + best * d, 1, d, shift);
    parallel_for_blocks(plan, t, [&](int64_t b, int thread) {
      for_each_chunk_in_block(plan, b, [&](int64_t, int64_t begin, int64_t end) {
        chunk_distances(data, begin, end, chosen, scratch[thread], [&](int64_t i, int64_t, double dist) {
          if (dist < closest[i]) closest[i] = dist;
        });
      });
    });
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

template Status plus_plus_step<float>(const Dataset<float>&, const double*, const int32_t*, int64_t, int, double*,
                                      PlusPlusStep*);
template Status plus_plus_step<double>(const Dataset<double>&, const double*, const int32_t*, int64_t, int, double*,
                                       PlusPlusStep*);

}  // namespace kmn
