#!/usr/bin/env bash
# The whole test suite against the addon built with AddressSanitizer and UndefinedBehaviorSanitizer
# (in build/sanitize, so the regular build stays as it is). Node is not instrumented: the sanitizer
# runtimes are preloaded, and leak checking is left to npm run test:leaks (Node itself does not
# free everything at exit). Any finding aborts the process that made it, which fails its test.
# Extra arguments go to vitest (e.g. a test file, or the bounded set CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
npx cmake-js compile --out build/sanitize --CDKMEANS_NATIVE_SANITIZE=ON --CDKMEANS_NATIVE_WERROR=ON
npm run build:ts
export KMEANS_NATIVE_BINARY="$PWD/build/sanitize/Release/kmeans_native.node"
CXX_COMPILER=${CXX:-c++}
LD_PRELOAD="$("$CXX_COMPILER" -print-file-name=libasan.so) $("$CXX_COMPILER" -print-file-name=libubsan.so)"
export LD_PRELOAD
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The tests must really run the sanitized binary.
node -e "
  require('./dist/index.js').info();
  const maps = require('node:fs').readFileSync('/proc/self/maps', 'utf8');
  if (!maps.includes(process.env.KMEANS_NATIVE_BINARY) || !maps.includes('libasan')) throw new Error('the sanitized addon is not loaded');
"
# test/native/emulated_cpus.test.ts runs node under qemu-x86_64, which cannot host ASan's runtime.
npx vitest run --exclude '**/emulated_cpus.test.ts' "$@"
