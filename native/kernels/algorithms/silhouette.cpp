// Silhouette samples in tiles. The scored rows are sorted by cluster once (a counting sort that
// keeps their order within a cluster), so that a tile of members runs through each cluster in
// turn. Work is cut into groups of kGroupRows rows; a thread takes a group, gathers its rows into
// a feature-major block (in double, scaled to unit length under cosine), and walks every member
// tile by tile, adding each member's distance to the group's rows' sums for that member's
// cluster. Rows are computed side by side, one accumulator each, so each row's sum is
// still the plain left-to-right sum over the members in order: no thread-dependent rounding.
#include "silhouette.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <new>
#include <vector>

#include "../common/chunking.hpp"
#include "silhouette_tile.hpp"

namespace kmn {

namespace {

using silhouette_tile::kGroupRows;        // rows per unit of parallel work
constexpr int64_t kTileValues = 8192;    // member values gathered at a time (64 KiB)

// The scored rows sorted by cluster, and what the groups share.
struct Scored {
  const int32_t* rows = nullptr;  // m rows, or null for rows 0..m-1
  int64_t m = 0, d = 0, k = 0;
  std::vector<int64_t> counts;    // k: scored rows per cluster
  std::vector<int32_t> members;   // m positions p into the scored rows, by cluster
  std::vector<int32_t> member_labels;  // m: the cluster of each entry of members
  std::vector<double> norms;      // m: the length of each scored row (cosine only)

  int64_t row(int64_t p) const { return rows ? rows[p] : p; }
};

// One thread's buffers.
struct Workspace {
  std::vector<double> block;  // d * kGroupRows: block[f * kGroupRows + lane]
  std::vector<double> tile;   // tile_rows * d: members, row-major
  std::vector<double> sums;   // k * kGroupRows: sums[c * kGroupRows + lane]
};

// Row p of the scored rows, in double (divided by its length under cosine), to out[f * stride].
template <typename T>
void gather(const Dataset<T>& data, const Scored& scored, int64_t p, bool cosine, double* out, int64_t stride) {
  const int64_t i = scored.row(p);
  if (cosine) {
    const double norm = scored.norms[static_cast<size_t>(p)];
    for (int64_t f = 0; f < data.d; ++f) out[f * stride] = static_cast<double>(data.at(i, f)) / norm;
  } else {
    for (int64_t f = 0; f < data.d; ++f) out[f * stride] = static_cast<double>(data.at(i, f));
  }
}

// s from the row's sums over each cluster (stride kGroupRows), as scikit-learn computes it.
double silhouette_of(const Scored& scored, int64_t own, const double* sums) {
  const int64_t own_count = scored.counts[static_cast<size_t>(own)];
  if (own_count <= 1) return 0.0;
  const double a = sums[own * kGroupRows] / static_cast<double>(own_count - 1);
  double b = std::numeric_limits<double>::infinity();
  for (int64_t c = 0; c < scored.k; ++c) {
    const int64_t count = scored.counts[static_cast<size_t>(c)];
    if (c == own || count == 0) continue;
    b = std::min(b, sums[c * kGroupRows] / static_cast<double>(count));
  }
  const double larger = std::max(a, b);
  if (!(b < std::numeric_limits<double>::infinity()) || larger == 0.0) return 0.0;
  return (b - a) / larger;
}

template <typename T>
void score_group(const Dataset<T>& data, const Scored& scored, int64_t group, Workspace& space, const int32_t* labels,
                 bool cosine, silhouette_tile::AddTileFn add_tile, double* out) {
  const int64_t d = scored.d, begin = group * kGroupRows, end = std::min(scored.m, begin + kGroupRows);
  std::fill(space.block.begin(), space.block.end(), 0.0);  // lanes past the end compute on zeros
  for (int64_t p = begin; p < end; ++p) gather(data, scored, p, cosine, space.block.data() + (p - begin), kGroupRows);
  std::fill(space.sums.begin(), space.sums.end(), 0.0);
  const int64_t tile_rows = static_cast<int64_t>(space.tile.size()) / d;
  for (int64_t first = 0; first < scored.m; first += tile_rows) {
    const int64_t count = std::min(tile_rows, scored.m - first);
    for (int64_t q = 0; q < count; ++q)
      gather(data, scored, scored.members[static_cast<size_t>(first + q)], cosine, space.tile.data() + q * d, 1);
    add_tile(space.block.data(), end - begin, space.tile.data(), scored.member_labels.data() + first, count, d,
             space.sums.data());
  }
  for (int64_t p = begin; p < end; ++p)
    out[p] = silhouette_of(scored, labels[scored.row(p)], space.sums.data() + (p - begin));
}

// Counts the scored rows per cluster and sorts them by cluster (stable).
void sort_by_cluster(const int32_t* labels, Scored& scored) {
  scored.counts.assign(static_cast<size_t>(scored.k), 0);
  for (int64_t p = 0; p < scored.m; ++p) ++scored.counts[static_cast<size_t>(labels[scored.row(p)])];
  std::vector<int64_t> next(static_cast<size_t>(scored.k), 0);
  for (int64_t c = 1; c < scored.k; ++c)
    next[static_cast<size_t>(c)] = next[static_cast<size_t>(c - 1)] + scored.counts[static_cast<size_t>(c - 1)];
  scored.members.resize(static_cast<size_t>(scored.m));
  scored.member_labels.resize(static_cast<size_t>(scored.m));
  for (int64_t p = 0; p < scored.m; ++p) {
    const int32_t cluster = labels[scored.row(p)];
    const int64_t slot = next[static_cast<size_t>(cluster)]++;
    scored.members[static_cast<size_t>(slot)] = static_cast<int32_t>(p);
    scored.member_labels[static_cast<size_t>(slot)] = cluster;
  }
}

// The first scored row of length zero (in scored order), or -1; fills scored.norms.
template <typename T>
int64_t measure_norms(const Dataset<T>& data, Scored& scored) {
  scored.norms.resize(static_cast<size_t>(scored.m));
  for (int64_t p = 0; p < scored.m; ++p) {
    const int64_t i = scored.row(p);
    double squares = 0.0;
    for (int64_t f = 0; f < data.d; ++f) {
      const double value = static_cast<double>(data.at(i, f));
      squares += value * value;
    }
    if (squares == 0.0) return i;
    scored.norms[static_cast<size_t>(p)] = std::sqrt(squares);
  }
  return -1;
}

template <PairDistance kMetric, typename T>
Status score_all(const Dataset<T>& data, const Scored& scored, const int32_t* labels, int threads,
                 const int32_t* cancel, double* out) {
  const int64_t groups = (scored.m + kGroupRows - 1) / kGroupRows;
  // Threads worth waking for m^2 * d work, never more than there are groups; results do not
  // depend on it.
  const double work = static_cast<double>(scored.m) * static_cast<double>(scored.m) * static_cast<double>(scored.d);
  const double worth = std::max(1.0, work / static_cast<double>(work_per_thread()));
  const int used = static_cast<int>(std::max<int64_t>(
      1, std::min<int64_t>({int64_t{threads}, groups, static_cast<int64_t>(std::min(worth, 4096.0))})));
  const int64_t tile_rows = std::max<int64_t>(1, std::min(scored.m, kTileValues / scored.d));
  std::vector<Workspace> spaces(static_cast<size_t>(used));
  for (Workspace& space : spaces) {
    space.block.resize(static_cast<size_t>(scored.d * kGroupRows));
    space.tile.resize(static_cast<size_t>(tile_rows * scored.d));
    space.sums.resize(static_cast<size_t>(scored.k * kGroupRows));
  }
  const bool cosine = kMetric == PairDistance::kCosine;
  const silhouette_tile::AddTileFn add_tile = silhouette_tile::add_tile_for_cpu<kMetric>();
  std::atomic<bool> stopped{false};
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(used)
#endif
  for (int64_t group = 0; group < groups; ++group) {
    if (stopped.load(std::memory_order_relaxed)) continue;
    if (cancel && __atomic_load_n(cancel, __ATOMIC_RELAXED) != 0) {
      stopped.store(true, std::memory_order_relaxed);
      continue;
    }
    score_group(data, scored, group, spaces[static_cast<size_t>(current_thread())], labels, cosine, add_tile, out);
  }
  return stopped.load() ? Status::kCancelled : Status::kOk;
}

}  // namespace

bool parse_pair_distance(const std::string& name, PairDistance* out) {
  if (name == "euclidean") *out = PairDistance::kEuclidean;
  else if (name == "sqeuclidean") *out = PairDistance::kSquaredEuclidean;
  else if (name == "cosine") *out = PairDistance::kCosine;
  else if (name == "manhattan") *out = PairDistance::kManhattan;
  else return false;
  return true;
}

template <typename T>
Status silhouette_samples(const Dataset<T>& data, const int32_t* labels, int64_t k, const int32_t* rows, int64_t m,
                          PairDistance metric, int threads, const int32_t* cancel, double* out, int64_t* zero_row) {
  *zero_row = -1;
  if (m == 0) return Status::kOk;
  try {
    Scored scored;
    scored.rows = rows;
    scored.m = m;
    scored.d = data.d;
    scored.k = k;
    sort_by_cluster(labels, scored);
    if (metric == PairDistance::kCosine) {
      *zero_row = measure_norms(data, scored);
      if (*zero_row >= 0) return Status::kOk;
    }
    switch (metric) {
      case PairDistance::kEuclidean:
        return score_all<PairDistance::kEuclidean>(data, scored, labels, threads, cancel, out);
      case PairDistance::kSquaredEuclidean:
        return score_all<PairDistance::kSquaredEuclidean>(data, scored, labels, threads, cancel, out);
      case PairDistance::kCosine:
        return score_all<PairDistance::kCosine>(data, scored, labels, threads, cancel, out);
      case PairDistance::kManhattan:
        return score_all<PairDistance::kManhattan>(data, scored, labels, threads, cancel, out);
    }
  } catch (const std::bad_alloc&) {
    return Status::kAllocFailed;
  }
  return Status::kOk;
}

template Status silhouette_samples<float>(const Dataset<float>&, const int32_t*, int64_t, const int32_t*, int64_t,
                                          PairDistance, int, const int32_t*, double*, int64_t*);
template Status silhouette_samples<double>(const Dataset<double>&, const int32_t*, int64_t, const int32_t*, int64_t,
                                           PairDistance, int, const int32_t*, double*, int64_t*);

}  // namespace kmn
