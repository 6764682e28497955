#!/usr/bin/env bash
# The native code with clang: builds the addon with clang++ and -Werror in build/clang (OpenMP
# through libomp where clang finds it, else single-threaded), then runs the native and reference
# tests against that build. Guards against constructs only GCC accepts (Apple clang and clang-cl
# are clang too). Exits non-zero on a compile error, a warning or a failed test.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang++ >/dev/null || { echo "check-clang: clang++ not found (apt-get install -y clang)" >&2; exit 2; }
CC=clang CXX=clang++ npx cmake-js compile --out build/clang --CDKMEANS_NATIVE_WERROR=ON
npm run build:ts
KMEANS_NATIVE_BINARY="$PWD/build/clang/Release/kmeans_native.node" npx vitest run test/native test/api/reference.test.ts test/api/sparse_kmeans.test.ts "$@"
