#!/usr/bin/env bash
# Fuzzes the native entry points (native/fuzz/fuzz_kernels.cpp) for a bounded time, against
# kernels built with AddressSanitizer and UndefinedBehaviorSanitizer in build/fuzz (the other
# build folders are left alone). With a clang++ that has libFuzzer: a coverage-guided campaign
# from a fixed seed that grows the corpus in build/fuzz/corpus, then that corpus replayed on the
# narrower instruction sets (KMEANS_NATIVE_SIMD). Otherwise (g++): the standalone driver's
# seeded random inputs, split the same way. Exits non-zero on any finding, with the failing
# input saved under build/fuzz; the last line is a summary with the number of inputs executed.
#
# Environment (all optional):
#   KMEANS_NATIVE_FUZZ_CXX      the compiler (default: clang++ when it has libFuzzer, else g++)
#   KMEANS_NATIVE_FUZZ_TIME     libFuzzer: seconds of fuzzing (default 60)
#   KMEANS_NATIVE_FUZZ_RUNS     libFuzzer: also stop after this many inputs (default: no cap);
#                               standalone: inputs on the widest instruction set, plus a fifth
#                               of that on each narrower one (default 5000)
#   KMEANS_NATIVE_FUZZ_SEED     the campaign's seed (default 1)
#   KMEANS_NATIVE_FUZZ_MAX_LEN  the longest input, in bytes (default 4096)
#   KMEANS_NATIVE_FUZZ_REPLAY   libFuzzer: corpus files replayed per narrower instruction set
#                               (default 300)
#   KMEANS_NATIVE_FUZZ_JOBS     parallel compile jobs (default: the number of CPUs)
# To run one input again: build/fuzz/<driver>/kmn_fuzz_kernels FILE (with
# KMEANS_NATIVE_FUZZ_DUMP=1, the decoded problem is printed first).
set -euo pipefail
cd "$(dirname "$0")/.."

time_limit=${KMEANS_NATIVE_FUZZ_TIME:-60}
runs=${KMEANS_NATIVE_FUZZ_RUNS:-}
seed=${KMEANS_NATIVE_FUZZ_SEED:-1}
max_len=${KMEANS_NATIVE_FUZZ_MAX_LEN:-4096}
replay_count=${KMEANS_NATIVE_FUZZ_REPLAY:-300}
jobs=${KMEANS_NATIVE_FUZZ_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
root=build/fuzz
mkdir -p "$root"

# Whether $1 links a libFuzzer target with the sanitizers.
has_libfuzzer() {
  local probe="$root/probe"
  mkdir -p "$probe"
  printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' >"$probe/probe.cpp"
  "$1" -fsanitize=fuzzer,address,undefined "$probe/probe.cpp" -o "$probe/probe" >/dev/null 2>&1
}

cxx=${KMEANS_NATIVE_FUZZ_CXX:-}
if [ -z "$cxx" ]; then
  cxx=g++
  if command -v clang++ >/dev/null && has_libfuzzer clang++; then cxx=clang++; fi
fi
command -v "$cxx" >/dev/null || { echo "fuzz-native: compiler $cxx not found" >&2; exit 2; }
if has_libfuzzer "$cxx"; then driver=libfuzzer; else driver=standalone; fi
build="$root/$driver"

generator=()
if command -v ninja >/dev/null; then generator=(-G Ninja); fi
start=$(date +%s)
# Configures and builds $build with $cxx; the output goes to build/fuzz/build-<driver>.log.
build_target() {
  log_file="$root/build-$driver.log"
  # A build folder keeps the compiler it was configured with: start afresh when it changes.
  if [ -f "$build/CMakeCache.txt" ] && ! grep -qx "CMAKE_CXX_COMPILER:[A-Z]*=$(command -v "$cxx")" "$build/CMakeCache.txt"; then
    rm -rf "$build"
  fi
  cmake -S . -B "$build" "${generator[@]}" -DCMAKE_CXX_COMPILER="$(command -v "$cxx")" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DKMEANS_NATIVE_FUZZ=ON -DKMEANS_NATIVE_FUZZ_DRIVER="$driver" -DKMEANS_NATIVE_WERROR=ON >"$log_file" 2>&1 &&
    cmake --build "$build" --target kmn_fuzz_kernels --parallel "$jobs" >>"$log_file" 2>&1
}
if ! build_target; then
  if [ -n "${KMEANS_NATIVE_FUZZ_CXX:-}" ] || [ "$cxx" = g++ ]; then
    tail -n 40 "$log_file"
    echo "fuzz-native: the build with $cxx failed (log: $log_file)"
    exit 2
  fi
  # A build break under clang++ is not a finding of the fuzzer: fuzz with g++ rather than not at all.
  grep -m 5 'error:' "$log_file" || true
  echo "fuzz-native: WARNING: the kernels do not build with $cxx (log: $log_file); using g++ and the standalone driver instead"
  cxx=g++
  driver=standalone
  build="$root/$driver"
  if ! build_target; then
    tail -n 40 "$log_file"
    echo "fuzz-native: the build with $cxx failed (log: $log_file)"
    exit 2
  fi
fi
built=$(date +%s)
echo "fuzz-native: built $build/kmn_fuzz_kernels with $cxx in $((built - start)) s"

binary="$build/kmn_fuzz_kernels"
# Many small parallel regions on few cores: idle OpenMP threads must sleep, not spin (spinning
# made the campaign four times slower on two cores).
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# The instruction sets to replay on besides the widest (KMEANS_NATIVE_SIMD only narrows it).
narrower=(avx2 portable)

if [ "$driver" = libfuzzer ]; then
  corpus="$root/corpus"
  artifacts="$root/artifacts/"
  mkdir -p "$corpus" "$artifacts"
  log="$root/libfuzzer.log"
  # The full log goes to $log; progress lines and any report are shown.
  set +e
  "$binary" -seed="$seed" -max_total_time="$time_limit" ${runs:+-runs="$runs"} -max_len="$max_len" -len_control=0 -timeout=60 \
    -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" 2>&1 | tee "$log" |
    grep --line-buffered -E '^#[0-9]+[[:space:]]+(INITED|DONE|pulse)|ERROR|invariant violated|problem:|Test unit written'
  status=${PIPESTATUS[0]}
  set -e
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  coverage=$(sed -n 's/^#[0-9]*[[:space:]].* cov: \([0-9]*\) ft: \([0-9]*\).*/cov \1, ft \2/p' "$log" | tail -n 1)
  if [ "$status" -ne 0 ]; then
    echo "fuzz-native: FAILED: libFuzzer found a failing input (see above: saved under $artifacts; run it again with $binary FILE); ${executed:-?} inputs executed"
    exit 1
  fi
  # A sample of the corpus (file names are hashes: the first ones by name are any ones).
  mapfile -t sample < <(find "$corpus" -type f | LC_ALL=C sort | head -n "$replay_count")
  files=${#sample[@]}
  replayed=0
  for isa in "${narrower[@]}"; do
    [ "$files" -gt 0 ] || break
    if ! KMEANS_NATIVE_SIMD=$isa "$binary" -artifact_prefix="$artifacts" "${sample[@]}" >"$root/replay-$isa.log" 2>&1; then
      grep -E 'ERROR|invariant violated|problem:' "$root/replay-$isa.log" || tail -n 20 "$root/replay-$isa.log"
      failing=$(sed -n 's/^Running: //p' "$root/replay-$isa.log" | tail -n 1)
      echo "fuzz-native: FAILED: corpus file $failing fails with KMEANS_NATIVE_SIMD=$isa (log: $root/replay-$isa.log)"
      exit 1
    fi
    replayed=$((replayed + files))
  done
  total=$((${executed:-0} + replayed))
  echo "fuzz-native: libFuzzer ($cxx), seed $seed: $total inputs executed ($executed fuzzed in ${time_limit} s, ${coverage:-cov ?}; $files corpus files replayed on each of ${narrower[*]}), no finding, $(( $(date +%s) - start )) s in all"
else
  count=${runs:-5000}
  extra=$((count / 5))
  crashes="$root/crashes"
  mkdir -p "$crashes"
  binary_path="$PWD/$binary"
  # Inputs [first, first + n) of the seed on one instruction set; a failing input is written to
  # the current folder, so the driver runs in the crash folder.
  run_batch() {
    local setting=(-u KMEANS_NATIVE_SIMD)
    [ "$1" = widest ] || setting=("KMEANS_NATIVE_SIMD=$1")
    (cd "$crashes" && env "${setting[@]}" "$binary_path" --runs "$3" --seed "$seed" --first "$2" --max-len "$max_len")
  }
  total=0
  for isa in widest "${narrower[@]}"; do
    n=$count
    [ "$isa" = widest ] || n=$extra
    [ "$n" -gt 0 ] || continue
    if ! run_batch "$isa" "$total" "$n"; then
      # The driver names the input crash-<seed>-<index>; the batches number inputs from 0.
      failing=$(ls -t "$crashes" | head -n 1)
      index=${failing##*-}
      case $index in '' | *[!0-9]*) executed=? ;; *) executed=$((index + 1)) ;; esac
      echo "fuzz-native: FAILED: standalone driver ($cxx, instruction set $isa): input $crashes/$failing fails (run it again with $binary FILE); $executed inputs executed"
      exit 1
    fi
    total=$((total + n))
  done
  echo "fuzz-native: standalone driver ($cxx), seed $seed: $total inputs executed ($count on the widest instruction set, $extra on each of ${narrower[*]}), no finding, $(( $(date +%s) - start )) s in all"
fi
