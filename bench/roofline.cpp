// Roofline microbenchmark: the peak fused multiply-add throughput of this CPU and its sustained
// memory read bandwidth, for the given thread counts. roofline.mjs builds it once per
// instruction-set variant, choosing the vector width (VEC_BYTES) and the number of independent
// accumulators (ACCUMULATORS) to fit the register file, and prints one JSON object on stdout:
//
//   roofline --threads 1,2 [--seconds 0.2] [--runs 5] [--mib 1024]
//
// Exit code 3: this CPU lacks an instruction set the build was compiled for.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>
#ifdef _OPENMP
#include <omp.h>
#endif

#ifndef VEC_BYTES
#define VEC_BYTES 16
#endif
#ifndef ACCUMULATORS
#define ACCUMULATORS 12
#endif

typedef float vfloat __attribute__((vector_size(VEC_BYTES)));
typedef double vdouble __attribute__((vector_size(VEC_BYTES)));

// The instruction sets the compiler was told to use, checked against the CPU before any code
// built with them runs, so that a variant too new for this CPU is reported instead of dying on an
// illegal instruction.
static const char* missingFeature() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
#if defined(__AVX512F__)
  if (!__builtin_cpu_supports("avx512f")) return "avx512f";
#endif
#if defined(__AVX2__)
  if (!__builtin_cpu_supports("avx2")) return "avx2";
#endif
#if defined(__FMA__)
  if (!__builtin_cpu_supports("fma")) return "fma";
#endif
#endif
  return nullptr;
}

using Clock = std::chrono::steady_clock;

static double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Runs body(thread index) on `threads` threads and returns the wall-clock seconds of the whole.
template <class Body>
static double timeParallel(int threads, Body body) {
  const Clock::time_point start = Clock::now();
#ifdef _OPENMP
  int ran = threads;
#pragma omp parallel num_threads(threads)
  {
    body(omp_get_thread_num());
#pragma omp single nowait
    ran = omp_get_num_threads();
  }
  // Fewer threads (OMP_THREAD_LIMIT, say) would make every figure per thread count wrong.
  if (ran != threads) {
    std::fprintf(stderr, "roofline: asked for %d threads, OpenMP gave %d\n", threads, ran);
    std::exit(1);
  }
#else
  std::vector<std::thread> others;
  for (int t = 1; t < threads; t++) others.emplace_back(body, t);
  body(0);
  for (std::thread& other : others) other.join();
#endif
  return secondsSince(start);
}

// Keeps results alive, so that the compiler cannot drop the work that produced them.
static volatile double sink;
// The FMA operands, read at run time, so that the compiler cannot fold the chains.
static volatile double fmaFactor = 0.999999, fmaAddend = 1e-6;

// ACCUMULATORS independent chains of acc = acc * a + b: the FMA latency (4 cycles on current
// cores) times the FMA pipes (2) is the least number of chains that keeps every pipe busy; more
// hide scheduling hiccups, as long as they all stay in registers. a just below 1 and a small b
// keep acc near 1 (no overflow, no subnormals).
template <class V>
static double fmaChains(long long steps, double a, double b) {
  using T = decltype(V{}[0] + 0);
  const V va = V{} + static_cast<T>(a);
  const V vb = V{} + static_cast<T>(b);
  V acc[ACCUMULATORS];
#pragma GCC unroll 32
  for (int j = 0; j < ACCUMULATORS; j++) acc[j] = V{} + static_cast<T>(j);
  for (long long i = 0; i < steps; i++) {
#pragma GCC unroll 32
    for (int j = 0; j < ACCUMULATORS; j++) acc[j] = acc[j] * va + vb;
  }
  V total = acc[0];
  for (int j = 1; j < ACCUMULATORS; j++) total += acc[j];
  double sum = 0;
  for (unsigned lane = 0; lane < sizeof(V) / sizeof(T); lane++) sum += total[lane];
  return sum;
}

// Steps of fmaChains that one thread runs in about `seconds`.
template <class V>
static long long fmaSteps(double seconds) {
  long long steps = 1 << 16;
  for (;;) {
    const Clock::time_point start = Clock::now();
    sink = fmaChains<V>(steps, fmaFactor, fmaAddend);
    const double elapsed = secondsSince(start);
    if (elapsed > seconds / 8) return std::max(1LL, static_cast<long long>(steps * seconds / elapsed));
    steps *= 4;
  }
}

// GFLOP/s of one run: every thread runs `steps` steps (2 flops per lane of each FMA).
template <class V>
static double fmaRun(int threads, long long steps) {
  using T = decltype(V{}[0] + 0);
  std::vector<double> results(threads);
  const double elapsed =
      timeParallel(threads, [&](int t) { results[t] = fmaChains<V>(steps, fmaFactor, fmaAddend); });
  sink = results[0];
  return 2.0 * threads * static_cast<double>(steps) * ACCUMULATORS * (sizeof(V) / sizeof(T)) / elapsed / 1e9;
}

// Sums count vectors with 8 independent accumulators, so that the adds never wait on one another
// and only the loads set the pace.
static double sumVectors(const vdouble* p, size_t count) {
  vdouble s[8] = {};
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
#pragma GCC unroll 8
    for (int j = 0; j < 8; j++) s[j] += p[i + j];
  }
  for (; i < count; i++) s[0] += p[i];
  for (int j = 1; j < 8; j++) s[0] += s[j];
  double sum = 0;
  for (unsigned lane = 0; lane < sizeof(vdouble) / sizeof(double); lane++) sum += s[0][lane];
  return sum;
}

// Every value is the number of its 4 KiB page: no two pages alike, so that no layer below (a
// hypervisor merging identical pages, say) can serve the reads from a single page in cache.
constexpr size_t kPageBytes = 4096;

static size_t pageOf(size_t vector) { return vector * sizeof(vdouble) / kPageBytes; }

// The part of [0, count) that thread t of threads reads.
static void share(size_t count, int threads, int t, size_t* begin, size_t* end) {
  *begin = count * t / threads;
  *end = count * (t + 1) / threads;
}

// GB/s of one run: `passes` sweeps of every thread over its share of the array.
static double readRun(const vdouble* array, size_t count, int threads, int passes) {
  std::vector<double> sums(threads);
  const double elapsed = timeParallel(threads, [&](int t) {
    size_t begin, end;
    share(count, threads, t, &begin, &end);
    double sum = 0;
    for (int pass = 0; pass < passes; pass++) {
      // Tells the compiler that memory may have changed since the last sweep: sumVectors reads
      // nothing else, so it could otherwise sweep once and multiply by the passes.
      __asm__ volatile("" ::: "memory");
      sum += sumVectors(array + begin, end - begin);
    }
    sums[t] = sum;
  });
  double total = 0;
  for (double sum : sums) total += sum;
  // The total tells that every pass read the whole array (a sweep skipped or cut short would be
  // off by far more than the rounding).
  const double pages = static_cast<double>(pageOf(count - 1) + 1);
  const double expected = passes * (pages * (pages - 1) / 2) * (kPageBytes / sizeof(double));
  if (std::fabs(total - expected) > 1e-9 * expected) {
    std::fprintf(stderr, "roofline: read check failed (%g, expected %g)\n", total, expected);
    std::exit(1);
  }
  return passes * static_cast<double>(count) * sizeof(vdouble) / elapsed / 1e9;
}

struct Settings {
  std::vector<int> threads;
  double seconds = 0.2;
  int runs = 5;
  size_t mib = 1024;
};

static Settings parseSettings(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const char* value = argv[i + 1];
    if (name == "--threads") {
      for (const char* p = value; *p;) {
        char* next;
        const long t = std::strtol(p, &next, 10);
        if (next == p || t < 1) break;
        settings.threads.push_back(static_cast<int>(t));
        p = *next == ',' ? next + 1 : next;
      }
    } else if (name == "--seconds") {
      settings.seconds = std::atof(value);
    } else if (name == "--runs") {
      settings.runs = std::atoi(value);
    } else if (name == "--mib") {
      settings.mib = std::strtoul(value, nullptr, 10);
    } else {
      std::fprintf(stderr, "roofline: unknown option %s\n", name.c_str());
      std::exit(2);
    }
  }
  if (settings.threads.empty()) settings.threads.push_back(1);
  if (settings.seconds <= 0 || settings.runs < 1 || settings.mib < 1) {
    std::fprintf(stderr, "roofline: --seconds, --runs and --mib must be positive\n");
    std::exit(2);
  }
  return settings;
}

// {"1": x, "2": y}
static void printPerThreads(const std::vector<int>& threads, const std::vector<double>& values) {
  std::printf("{");
  for (size_t i = 0; i < threads.size(); i++) {
    std::printf("%s\"%d\": %.2f", i ? ", " : "", threads[i], values[i]);
  }
  std::printf("}");
}

int main(int argc, char** argv) {
  if (const char* missing = missingFeature()) {
    std::fprintf(stderr, "roofline: this CPU lacks %s\n", missing);
    return 3;
  }
  const Settings settings = parseSettings(argc, argv);
  const std::vector<int>& threadCounts = settings.threads;
  const int most = *std::max_element(threadCounts.begin(), threadCounts.end());

  // Far larger than any cache. Written before the timing (by the threads that read it most), so
  // that no run pays for page faults.
  const size_t count = settings.mib * (1 << 20) / sizeof(vdouble);
  vdouble* array = static_cast<vdouble*>(std::aligned_alloc(kPageBytes, count * sizeof(vdouble)));
  if (!array) {
    std::fprintf(stderr, "roofline: cannot allocate %zu MiB\n", settings.mib);
    return 1;
  }
  timeParallel(most, [&](int t) {
    size_t begin, end;
    share(count, most, t, &begin, &end);
    for (size_t i = begin; i < end; i++) array[i] = vdouble{} + static_cast<double>(pageOf(i));
  });

  // Run lengths of about settings.seconds: FMA steps from a one-thread trial (every thread runs
  // as many), sweeps of the array from one sweep per thread count.
  const long long steps32 = fmaSteps<vfloat>(settings.seconds);
  const long long steps64 = fmaSteps<vdouble>(settings.seconds);
  std::vector<int> passes;
  for (int threads : threadCounts) {
    const double once = readRun(array, count, threads, 1);
    const double sweep = static_cast<double>(count) * sizeof(vdouble) / once / 1e9;
    passes.push_back(std::max(1, static_cast<int>(settings.seconds / sweep + 0.5)));
  }

  // The best of the runs, taken in rounds over every measurement, so that a stretch of
  // interference from other work on the machine spoils one run of each rather than all runs of one.
  const size_t m = threadCounts.size();
  std::vector<double> f32(m), f64(m), read(m);
  for (int run = 0; run < settings.runs; run++) {
    for (size_t i = 0; i < m; i++) {
      f32[i] = std::max(f32[i], fmaRun<vfloat>(threadCounts[i], steps32));
      f64[i] = std::max(f64[i], fmaRun<vdouble>(threadCounts[i], steps64));
      read[i] = std::max(read[i], readRun(array, count, threadCounts[i], passes[i]));
    }
  }
  std::free(array);

#ifdef _OPENMP
  const char* parallel = "OpenMP";
#else
  const char* parallel = "std::thread";
#endif
  std::printf("{\"vectorBits\": %d, \"accumulators\": %d, \"parallel\": \"%s\", \"arrayBytes\": %zu, ",
              VEC_BYTES * 8, ACCUMULATORS, parallel, count * sizeof(vdouble));
  std::printf("\"fmaGflops\": {\"float32\": ");
  printPerThreads(threadCounts, f32);
  std::printf(", \"float64\": ");
  printPerThreads(threadCounts, f64);
  std::printf("}, \"readGBs\": ");
  printPerThreads(threadCounts, read);
  std::printf("}\n");
  return 0;
}
