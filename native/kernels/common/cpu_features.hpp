// What the x86-64 CPU and its operating system let this process use, for choosing kernel
// variants at run time. Asked with CPUID and XGETBV directly rather than __builtin_cpu_supports,
// which needs the compiler's runtime library (libgcc's or compiler-rt's __cpu_model): clang-cl
// does not link that on Windows, so the addon would not link there.
#pragma once

namespace kmn {

struct X86Features {
  bool avx = false;      // AVX, with the OS saving the YMM registers
  bool avx2 = false;     // AVX2 (and AVX usable)
  bool fma = false;      // FMA3 (and AVX usable)
  bool avx512f = false;  // AVX-512 Foundation, with the OS saving the ZMM and mask registers
};

// Read once per process; all false on other architectures.
const X86Features& x86_features();

}  // namespace kmn
