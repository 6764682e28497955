// Picks the row_dots variant of the instruction set the tile kernels use (dispatch.cpp decides
// which, KMEANS_NATIVE_SIMD included).
#include <cstring>

#include "../common/tile_kernel.hpp"
#include "row_dots.hpp"

namespace kmn {

#define KMN_DECLARE_VARIANT(isa)         \
  namespace isa {                        \
  RowDotsFn<double> row_dots_f64();      \
  RowDotsFn<float> row_dots_f32();       \
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

#if defined(KMN_HAVE_X86_VARIANTS) || defined(KMN_HAVE_ARM64_VARIANTS)
namespace {

template <typename T>
RowDotsFn<T> pick(RowDotsFn<T> portable_fn, RowDotsFn<T> avx2_fn, RowDotsFn<T> avx512_fn) {
  const char* isa = simd_name();
  if (std::strcmp(isa, "avx512") == 0 && avx512_fn) return avx512_fn;
  if (std::strcmp(isa, "avx2") == 0 && avx2_fn) return avx2_fn;
  return portable_fn;
}

template <typename T>
RowDotsFn<T> pick(RowDotsFn<T> portable_fn, RowDotsFn<T> neon_fn) {
  return std::strcmp(simd_name(), "neon") == 0 ? neon_fn : portable_fn;
}

}  // namespace
#endif

template <>
RowDotsFn<double> row_dots_kernel<double>() {
#ifdef KMN_HAVE_X86_VARIANTS
  static const RowDotsFn<double> kernel = pick(portable::row_dots_f64(), avx2::row_dots_f64(), avx512::row_dots_f64());
#elif defined(KMN_HAVE_ARM64_VARIANTS)
  static const RowDotsFn<double> kernel = pick(portable::row_dots_f64(), neon::row_dots_f64());
#else
  static const RowDotsFn<double> kernel = portable::row_dots_f64();
#endif
  return kernel;
}

template <>
RowDotsFn<float> row_dots_kernel<float>() {
#ifdef KMN_HAVE_X86_VARIANTS
  static const RowDotsFn<float> kernel = pick(portable::row_dots_f32(), avx2::row_dots_f32(), avx512::row_dots_f32());
#elif defined(KMN_HAVE_ARM64_VARIANTS)
  static const RowDotsFn<float> kernel = pick(portable::row_dots_f32(), neon::row_dots_f32());
#else
  static const RowDotsFn<float> kernel = portable::row_dots_f32();
#endif
  return kernel;
}

}  // namespace kmn
