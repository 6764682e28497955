#!/usr/bin/env bash
# The native code for a Windows target: clang compiles every native source for x86_64 Windows
# (the MinGW-w64 target, whose C++ library headers Debian ships), with and without OpenMP, with
# Microsoft extensions on, and each distance-kernel variant with its instruction-set flags and
# the definitions CMakeLists.txt's kmn_tile_variant gives it, with -Werror. It catches Linux-only
# calls and headers and what clang rejects on Windows. The OpenMP pass compiles to objects, whose
# undefined symbols must not include the compiler's own runtime helpers (libgcc / compiler-rt:
# __cpu_model for __builtin_cpu_supports, __udivti3, __muldc3 and the like), which clang-cl does
# not link on Windows. Then the command lines of a clang-cl build, as CMake writes them, must
# mean to clang-cl what they mean to clang (scripts/check-clang-cl-options.js). It links nothing
# and is not clang-cl's MSVC library, so it does not replace a build on Windows. Needs clang
# (with llvm-nm and llvm-lib), cmake, libomp-14-dev (omp.h) and g++-mingw-w64-x86-64-posix.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang++ >/dev/null || { echo "check-windows-target: clang++ not found (apt-get install -y clang)" >&2; exit 2; }
# llvm-nm, or Debian's versioned one (clang-14 depends on llvm-14, which has llvm-nm-14)
nm=$(command -v llvm-nm || command -v llvm-nm-14 || true)
[ -n "$nm" ] || { echo "check-windows-target: llvm-nm not found (apt-get install -y llvm)" >&2; exit 2; }
cxx_headers=$(ls -d /usr/lib/gcc/x86_64-w64-mingw32/*-posix/include/c++ 2>/dev/null | tail -n 1)
[ -n "$cxx_headers" ] || { echo "check-windows-target: no MinGW-w64 C++ headers (apt-get install -y g++-mingw-w64-x86-64-posix)" >&2; exit 2; }
napi=$(node -p "require('node-api-headers').include_dir")
addon_api=$(node -p "require('node-addon-api').include_dir")

isa_flags() {
  case $1 in
    portable) echo "-DKMN_ISA=portable -DKMN_VECTOR_BYTES=16 -DKMN_VECTOR_REGISTERS=16" ;;
    avx2) echo "-DKMN_ISA=avx2 -DKMN_VECTOR_BYTES=32 -DKMN_VECTOR_REGISTERS=16 -mavx2 -mfma" ;;
    avx512) echo "-DKMN_ISA=avx512 -DKMN_VECTOR_BYTES=64 -DKMN_VECTOR_REGISTERS=32 -mavx512f -mavx2 -mfma -DKMN_ROW_VECTORS=4" ;;
  esac
}
is_kernel_variant() { [[ $1 == native/kernels/tiles/*.cpp && $1 != */dispatch.cpp ]] || [[ $1 == native/kernels/sparse/row_dots.cpp ]]; }

objects=$(mktemp -d)
trap 'rm -rf "$objects"' EXIT
checked=0
for openmp in -fopenmp -fno-openmp; do
  for source in $(git ls-files 'native/*.cpp' | grep -v '^native/fuzz/'); do
    variants=(none)
    if is_kernel_variant "$source"; then variants=(portable avx2 avx512); fi
    for variant in "${variants[@]}"; do
      output=(-fsyntax-only)
      if [ "$openmp" = -fopenmp ]; then output=(-O2 -c -o "$objects/$checked.o"); fi
      # shellcheck disable=SC2046
      clang++ --target=x86_64-w64-mingw32 -std=c++17 "${output[@]}" -fms-extensions "$openmp" \
        -Wall -Wextra -Werror -isystem "$cxx_headers" -isystem "$cxx_headers/x86_64-w64-mingw32" \
        -Inative -I"$napi" -I"$addon_api" -DNAPI_VERSION=8 -DNODE_ADDON_API_DISABLE_DEPRECATED \
        -DKMN_HAVE_X86_VARIANTS $( [ "$variant" = none ] || isa_flags "$variant") "$source"
      checked=$((checked + 1))
    done
  done
done

# libgcc / compiler-rt helpers: CPU model data, integer and complex arithmetic by mode suffix
# (__udivti3, __popcountdi2, __muldc3, __powidf2), float conversions (__fixdfti, __floattidf).
runtime_helpers='^(__cpu_(model|features2|indicator_init)|__[a-z]+(qi|hi|si|di|ti|sf|df|xf|tf|sc|dc|xc|tc)[0-9]|__(fix|float)[a-z]+)$'
found=$("$nm" --undefined-only --format=just-symbols "$objects"/*.o | grep -E "$runtime_helpers" | sort -u || true)
if [ -n "$found" ]; then
  echo "check-windows-target: the objects need the compiler's runtime library, which clang-cl does not link:" >&2
  echo "$found" >&2
  exit 1
fi
echo "check-windows-target: $checked compilations for x86_64 Windows, no error or warning, no compiler runtime helper needed"

# The options CMakeLists.txt gives a clang-cl build (what `cmake-js compile -T ClangCL` uses on
# Windows): CMake configures one here, with clang itself in clang-cl's driver mode (a link named
# clang-cl) and without linking, since the MSVC library is not here, and each command line must
# mean to clang-cl what it means to clang.
clang=$(readlink -f "$(command -v clang++)")
mkdir -p "$objects/bin"
ln -s "$clang" "$objects/bin/clang-cl"
cmake -S . -B "$objects/clang-cl" -DCMAKE_BUILD_TYPE=Release -DCMAKE_SYSTEM_NAME=Windows \
  -DCMAKE_SYSTEM_PROCESSOR=AMD64 -DCMAKE_CXX_COMPILER="$objects/bin/clang-cl" \
  -DCMAKE_CXX_COMPILER_TARGET=x86_64-pc-windows-msvc -DCMAKE_AR="$(dirname "$clang")/llvm-lib" \
  -DCMAKE_TRY_COMPILE_TARGET_TYPE=STATIC_LIBRARY -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DCMAKE_JS_INC="$napi" -DKMEANS_NATIVE_WERROR=ON >"$objects/clang-cl.log" 2>&1 ||
  { cat "$objects/clang-cl.log" >&2; exit 1; }
node scripts/check-clang-cl-options.js "$objects/clang-cl/compile_commands.json"
