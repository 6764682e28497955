#include "cpu_features.hpp"

#include <cstdint>

#if defined(__x86_64__) || defined(_M_X64)
#define KMN_CPU_FEATURES_X86 1
#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#endif
#else
#define KMN_CPU_FEATURES_X86 0
#endif

namespace kmn {

#if KMN_CPU_FEATURES_X86
namespace {

struct CpuidRegisters {
  uint32_t eax, ebx, ecx, edx;
};

CpuidRegisters cpuid(uint32_t leaf, uint32_t subleaf) {
  CpuidRegisters r{};
#if defined(_MSC_VER) && !defined(__clang__)
  int out[4];
  __cpuidex(out, static_cast<int>(leaf), static_cast<int>(subleaf));
  r = {static_cast<uint32_t>(out[0]), static_cast<uint32_t>(out[1]), static_cast<uint32_t>(out[2]),
       static_cast<uint32_t>(out[3])};
#else  // GCC, Clang, Apple clang and clang-cl all take GNU inline assembly
  __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
#endif
  return r;
}

// XCR0: which register states the operating system saves on a context switch. Only valid when
// CPUID says OSXSAVE.
uint64_t enabled_register_states() {
#if defined(_MSC_VER) && !defined(__clang__)
  return _xgetbv(0);
#else
  uint32_t low, high;
  __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
  return (static_cast<uint64_t>(high) << 32) | low;
#endif
}

constexpr uint64_t kSseAndYmmStates = 0x6;     // XMM (bit 1) and the upper halves of YMM (bit 2)
constexpr uint64_t kZmmAndMaskStates = 0xe0;   // opmask (5), upper ZMM0-15 (6), ZMM16-31 (7)

X86Features read_x86_features() {
  X86Features f;
  const uint32_t max_leaf = cpuid(0, 0).eax;
  if (max_leaf < 1) return f;
  const CpuidRegisters leaf1 = cpuid(1, 0);
  const bool osxsave = (leaf1.ecx >> 27) & 1;
  if (!osxsave) return f;
  const uint64_t states = enabled_register_states();
  const bool ymm_saved = (states & kSseAndYmmStates) == kSseAndYmmStates;
#if defined(__APPLE__)
  // macOS turns the AVX-512 state on at a thread's first AVX-512 instruction, so XCR0 does not
  // show it beforehand; the kernel supports it wherever the CPU does.
  const bool zmm_saved = ymm_saved;
#else
  const bool zmm_saved = ymm_saved && (states & kZmmAndMaskStates) == kZmmAndMaskStates;
#endif
  f.avx = ymm_saved && ((leaf1.ecx >> 28) & 1);
  f.fma = f.avx && ((leaf1.ecx >> 12) & 1);
  if (max_leaf >= 7) {
    const CpuidRegisters leaf7 = cpuid(7, 0);
    f.avx2 = f.avx && ((leaf7.ebx >> 5) & 1);
    f.avx512f = zmm_saved && f.avx && ((leaf7.ebx >> 16) & 1);
  }
  return f;
}

}  // namespace
#endif

const X86Features& x86_features() {
#if KMN_CPU_FEATURES_X86
  static const X86Features features = read_x86_features();
#else
  static const X86Features features;
#endif
  return features;
}

}  // namespace kmn
