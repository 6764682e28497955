// The one chunk loop. Samples are cut into chunks of kChunkSize rows, and chunks into blocks
// that never depend on the thread count. Each block accumulates its partial results in chunk
// order, and blocks are merged in block order, so every reduction adds the same numbers in the
// same order whatever the number of threads: a fit gives bitwise-identical results on 1 or 64
// threads. The reductions of a fit use fixed blocks (BlockPlan::fixed): kRowsPerBlock rows,
// set by the row index alone, so data read in pieces that start on a block boundary, each
// piece's blocks merged after the previous piece's, gives the same bits as all of it at once.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "chunk_size.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace kmn {

// Upper bound on blocks: enough to balance many threads, few enough that per-block
// partial sums (blocks*k*d doubles) stay small.
constexpr int64_t kMaxBlocks = 64;
// Per-block partial sums of one fit may use at most this many bytes in total.
constexpr int64_t kPartialsBudgetBytes = int64_t{64} << 20;
// Chunks per fixed block: enough rows that merging a block's k*d sums costs little beside
// labelling them, few enough to keep many threads busy on modest data.
constexpr int64_t kChunksPerBlock = 4;
constexpr int64_t kRowsPerBlock = kChunksPerBlock * kChunkSize;

struct BlockPlan {
  int64_t n = 0;         // samples
  int64_t n_chunks = 0;  // ceil(n / kChunkSize), the remainder chunk included
  int64_t n_blocks = 0;  // fixed by n (and by the size of one block's partials)
  int64_t chunks_per_block = 0;  // fixed blocks; 0: n_chunks spread evenly over n_blocks

  // Plan with at most max_blocks blocks; per_block_bytes caps the count so that all
  // blocks' partial results together fit in kPartialsBudgetBytes.
  static BlockPlan make(int64_t n, int64_t per_block_bytes = 0) {
    BlockPlan plan;
    plan.n = n;
    plan.n_chunks = (n + kChunkSize - 1) / kChunkSize;
    int64_t blocks = std::min(plan.n_chunks, kMaxBlocks);
    if (per_block_bytes > 0) blocks = std::min(blocks, std::max<int64_t>(1, kPartialsBudgetBytes / per_block_bytes));
    plan.n_blocks = std::max<int64_t>(1, blocks);
    return plan;
  }

  // Blocks of kChunksPerBlock chunks (the last may be shorter): boundaries at multiples of
  // kRowsPerBlock, whatever n is.
  static BlockPlan fixed(int64_t n) {
    BlockPlan plan;
    plan.n = n;
    plan.n_chunks = (n + kChunkSize - 1) / kChunkSize;
    plan.n_blocks = std::max<int64_t>(1, (plan.n_chunks + kChunksPerBlock - 1) / kChunksPerBlock);
    plan.chunks_per_block = kChunksPerBlock;
    return plan;
  }

  int64_t first_chunk(int64_t block) const {
    return chunks_per_block > 0 ? std::min(n_chunks, block * chunks_per_block) : block * n_chunks / n_blocks;
  }
  int64_t chunk_begin(int64_t chunk) const { return chunk * kChunkSize; }
  int64_t chunk_end(int64_t chunk) const { return std::min(n, (chunk + 1) * kChunkSize); }
};

// Work (values read, or multiply-adds) below which a further thread does not pay: waking a
// thread that has gone to sleep since the last call costs about as much as scanning this many
// values (up to a few hundred microseconds in a virtual machine). KMEANS_NATIVE_WORK_PER_THREAD
// sets another value (1: as many threads as there are blocks, as tests of thread independence
// want); read at each call, it costs a look-up in the environment per pass.
inline int64_t work_per_thread() {
  const char* setting = std::getenv("KMEANS_NATIVE_WORK_PER_THREAD");
  const long long value = setting ? std::atoll(setting) : 0;
  return value > 0 ? value : int64_t{1} << 18;
}

// Threads actually worth starting: never more than there are blocks, nor more than the work
// (work_per_row per row) keeps busy. Results never depend on it.
inline int effective_threads(int requested, const BlockPlan& plan, int64_t work_per_row) {
  const int64_t worth = std::max<int64_t>(1, plan.n * std::max<int64_t>(1, work_per_row) / work_per_thread());
  return static_cast<int>(std::max<int64_t>(1, std::min({int64_t{requested}, plan.n_blocks, worth})));
}

inline int current_thread() {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

// Calls fn(block, thread) for every block, blocks spread over `threads` threads.
// fn must not throw: allocate scratch per thread before calling.
template <typename Fn>
void parallel_for_blocks(const BlockPlan& plan, int threads, Fn&& fn) {
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
  for (int64_t block = 0; block < plan.n_blocks; ++block) {
    fn(block, current_thread());
  }
  (void)threads;
}

// Calls fn(chunk, begin, end) for each chunk of the block, in order.
template <typename Fn>
void for_each_chunk_in_block(const BlockPlan& plan, int64_t block, Fn&& fn) {
  const int64_t last = plan.first_chunk(block + 1);
  for (int64_t chunk = plan.first_chunk(block); chunk < last; ++chunk) {
    fn(chunk, plan.chunk_begin(chunk), plan.chunk_end(chunk));
  }
}

// Splits [0, count) into equal parts over threads, parts of at least `grain` elements: for
// element-wise work whose result does not depend on who computes it (merging block partials
// element by element, for example).
template <typename Fn>
void parallel_for_range(int64_t count, int threads, Fn&& fn, int64_t grain = 4096) {
  const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(threads, (count + grain - 1) / grain));
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(static_cast<int>(parts))
#endif
  for (int64_t part = 0; part < parts; ++part) {
    fn(part * count / parts, (part + 1) * count / parts);
  }
}

}  // namespace kmn
