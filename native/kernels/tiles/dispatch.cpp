// Chooses the distance-kernel variant once per process: the widest instruction set that both
// the CPU and the build have, unless KMEANS_NATIVE_SIMD asks for a narrower one.
#include <cstdlib>
#include <cstring>

#if defined(KMN_HAVE_ARM64_VARIANTS) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

#include "../common/cpu_features.hpp"
#include "../common/tile_kernel.hpp"

namespace kmn {

#define KMN_DECLARE_VARIANT(isa)      \
  namespace isa {                     \
  NearestTileFn<double> nearest_tile_f64(); \
  NearestTileFn<float> nearest_tile_f32();  \
  ValueTileFn<double> value_tile_f64();     \
  ValueTileFn<float> value_tile_f32();      \
  int64_t tile_rows_f64();          \
  int64_t tile_rows_f32();          \
  AccumulateRowsFn<double> accumulate_rows_f64(); \
  PackRowsFn<double> pack_rows_f64(); \
  PackRowsFn<float> pack_rows_f32();  \
  PackRowsFn<double, float> pack_rows_f64_to_f32(); \
  AccumulateRowsFn<float> accumulate_rows_f32();  \
  CountUndecidedFn<double> count_undecided_f64(); \
  CountUndecidedFn<float> count_undecided_f32();  \
  ExactDistanceFn<double> exact_distance_f64(); \
  ExactDistanceFn<float> exact_distance_f32();  \
  WideKernel<double> wide_kernel_f64();         \
  WideKernel<float> wide_kernel_f32();          \
  PackWideRowsFn<double, double> pack_wide_rows_f64(); \
  PackWideRowsFn<float, float> pack_wide_rows_f32();   \
  PackWideRowsFn<double, float> pack_wide_rows_f64_to_f32(); \
  }
KMN_DECLARE_VARIANT(portable)
#ifdef KMN_HAVE_X86_VARIANTS
KMN_DECLARE_VARIANT(avx2)
KMN_DECLARE_VARIANT(avx512)
#endif
#ifdef KMN_HAVE_ARM64_VARIANTS
KMN_DECLARE_VARIANT(neon)
#endif
#undef KMN_DECLARE_VARIANT

namespace {

enum class Isa { kPortable, kAvx2, kAvx512, kNeon };

Isa best_supported() {
#ifdef KMN_HAVE_X86_VARIANTS
  const X86Features& cpu = x86_features();
  const bool avx2 = cpu.avx2 && cpu.fma;
  if (avx2 && cpu.avx512f) return Isa::kAvx512;
  if (avx2) return Isa::kAvx2;
#endif
#ifdef KMN_HAVE_ARM64_VARIANTS
  // Advanced SIMD is part of every AArch64 Linux system, but the kernel says so in HWCAP_ASIMD;
  // without it (or where that cannot be asked) the portable variant, built without it, runs.
#if defined(__linux__) && defined(HWCAP_ASIMD)
  if (getauxval(AT_HWCAP) & HWCAP_ASIMD) return Isa::kNeon;
#elif defined(__APPLE__)
  return Isa::kNeon;  // every Apple arm64 CPU has it
#endif
#endif
  return Isa::kPortable;
}

Isa choose() {
  Isa isa = best_supported();
  const char* forced = std::getenv("KMEANS_NATIVE_SIMD");
  if (forced == nullptr) return isa;
  if (std::strcmp(forced, "portable") == 0) return Isa::kPortable;
  if (std::strcmp(forced, "avx2") == 0 && isa == Isa::kAvx512) return Isa::kAvx2;
  // "neon" (the only set beyond portable on arm64), an unknown value, or a wider set than the CPU
  // has: keep the best supported
  return isa;
}

Isa chosen() {
  static const Isa isa = choose();
  return isa;
}

#define KMN_VARIANT_SWITCH(expr)                                  \
  switch (chosen()) {                                             \
    KMN_WIDER_CASES(expr)                                         \
    default: { namespace v = portable; return expr; }             \
  }
// The cases of the variants this build has beyond the portable one.
#ifdef KMN_HAVE_X86_VARIANTS
#define KMN_WIDER_CASES(expr)                                     \
  case Isa::kAvx512: { namespace v = avx512; return expr; }       \
  case Isa::kAvx2: { namespace v = avx2; return expr; }
#elif defined(KMN_HAVE_ARM64_VARIANTS)
#define KMN_WIDER_CASES(expr)                                     \
  case Isa::kNeon: { namespace v = neon; return expr; }
#else
#define KMN_WIDER_CASES(expr)
#endif

const char* isa_name() {
  switch (chosen()) {
    case Isa::kAvx512: return "avx512";
    case Isa::kAvx2: return "avx2";
    case Isa::kNeon: return "neon";
    default: return "portable";
  }
}

}  // namespace

template <>
const TileKernel<double>& tile_kernel<double>() {
  static const TileKernel<double> kernel = []() -> TileKernel<double> {
    KMN_VARIANT_SWITCH(
        (TileKernel<double>{isa_name(), v::tile_rows_f64(), v::pack_rows_f64(), v::nearest_tile_f64(), v::value_tile_f64(),
                            v::accumulate_rows_f64(), v::count_undecided_f64(), v::exact_distance_f64(),
                            v::wide_kernel_f64()}))
  }();
  return kernel;
}

template <>
const TileKernel<float>& tile_kernel<float>() {
  static const TileKernel<float> kernel = []() -> TileKernel<float> {
    KMN_VARIANT_SWITCH(
        (TileKernel<float>{isa_name(), v::tile_rows_f32(), v::pack_rows_f32(), v::nearest_tile_f32(), v::value_tile_f32(),
                           v::accumulate_rows_f32(), v::count_undecided_f32(), v::exact_distance_f32(),
                           v::wide_kernel_f32()}))
  }();
  return kernel;
}

template <>
PackRowsFn<double, double> pack_kernel<double, double>() {
  return tile_kernel<double>().pack;
}

template <>
PackRowsFn<float, float> pack_kernel<float, float>() {
  return tile_kernel<float>().pack;
}

template <>
PackRowsFn<double, float> pack_kernel<double, float>() {
  static const PackRowsFn<double, float> pack = []() -> PackRowsFn<double, float> {
    KMN_VARIANT_SWITCH((v::pack_rows_f64_to_f32()))
  }();
  return pack;
}

template <>
PackWideRowsFn<double, double> wide_pack_kernel<double, double>() {
  static const PackWideRowsFn<double, double> pack = []() -> PackWideRowsFn<double, double> {
    KMN_VARIANT_SWITCH((v::pack_wide_rows_f64()))
  }();
  return pack;
}

template <>
PackWideRowsFn<float, float> wide_pack_kernel<float, float>() {
  static const PackWideRowsFn<float, float> pack = []() -> PackWideRowsFn<float, float> {
    KMN_VARIANT_SWITCH((v::pack_wide_rows_f32()))
  }();
  return pack;
}

template <>
PackWideRowsFn<double, float> wide_pack_kernel<double, float>() {
  static const PackWideRowsFn<double, float> pack = []() -> PackWideRowsFn<double, float> {
    KMN_VARIANT_SWITCH((v::pack_wide_rows_f64_to_f32()))
  }();
  return pack;
}

const char* simd_name() { return isa_name(); }

}  // namespace kmn
