#!/usr/bin/env node
'use strict';
// The prebuilt linux-arm64 (glibc) binary, cross-compiled on an x86-64 Linux machine:
//   node scripts/build-arm64.js <platform package folder>     (npm run build:arm64 -- <dir>)
// Builds the portable addon as scripts/build-binary.js does for this machine (hidden symbols,
// RPATH $ORIGIN, -Werror), with the aarch64 toolchain (cmake/aarch64-linux-gnu.cmake, from
// apt-get install g++-aarch64-linux-gnu), in build/arm64-prebuild; then puts into the folder
// (packages/linux-arm64-gnu when packing) the stripped addon as kmeans-native.node, the
// toolchain's libgomp.so.1 (OpenMP) that it loads from beside itself, and the license.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const target = process.argv[2];
if (!target) {
  console.error('usage: node scripts/build-arm64.js <platform package folder>');
  process.exit(2);
}
const output = path.resolve(target);
const out = path.join(root, 'build', 'arm64-prebuild');
const prefix = process.env.KMEANS_CROSS_PREFIX ?? 'aarch64-linux-gnu-';

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
run(process.execPath, [
  cmakeJs,
  'rebuild',
  '--arch',
  'arm64',
  '--out',
  out,
  `--CDCMAKE_TOOLCHAIN_FILE=${path.join(root, 'cmake', 'aarch64-linux-gnu.cmake')}`,
  `--CDKMN_CROSS_PREFIX=${prefix}`,
  '--CDKMEANS_NATIVE_PORTABLE=ON',
  '--CDKMEANS_NATIVE_WERROR=ON',
]);

const built = path.join(out, 'Release');
fs.mkdirSync(output, { recursive: true });
const addon = path.join(output, 'kmeans-native.node');
fs.copyFileSync(path.join(built, 'kmeans_native.node'), addon);
run(`${prefix}strip`, ['--strip-all', addon]);
fs.copyFileSync(path.join(built, 'libgomp.so.1'), path.join(output, 'libgomp.so.1'));
fs.copyFileSync(path.join(root, 'LICENSE'), path.join(output, 'LICENSE'));
console.log(`kmeans-native: linux-arm64 binary in ${output}`);
