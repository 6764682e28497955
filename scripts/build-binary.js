#!/usr/bin/env node
'use strict';
// Builds the release addon into a platform package folder (packages/<name>/ when packing):
//   node scripts/build-binary.js <folder>                 for this machine (npm run prebuild)
//   node scripts/build-binary.js --arch arm64 <folder>    linux-arm64, cross-compiled on x86-64
//                                                         Linux (npm run build:arm64 -- <dir>)
// cmake-js with -DKMEANS_NATIVE_PORTABLE=ON (hidden symbols, $ORIGIN run path, the OpenMP runtime
// copied beside the addon) and -Werror, in build/prebuild or build/arm64-prebuild; the arm64
// build uses the aarch64 toolchain (cmake/aarch64-linux-gnu.cmake, from apt-get install
// g++-aarch64-linux-gnu; KMEANS_CROSS_PREFIX names another). Then the folder gets the addon,
// stripped, as kmeans-native.node, the shared libraries it ships with, and the license.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const cross = args[0] === '--arch' ? args.splice(0, 2)[1] : undefined;
const target = args[0];
if (!target || args.length !== 1 || (cross !== undefined && cross !== 'arm64')) {
  console.error('usage: node scripts/build-binary.js [--arch arm64] <platform package folder>');
  process.exit(2);
}
const dest = path.resolve(target);

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const prefix = process.env.KMEANS_CROSS_PREFIX ?? 'aarch64-linux-gnu-';
const out = path.join(root, 'build', cross ? 'arm64-prebuild' : 'prebuild');
const crossOptions = cross
  ? [
      '--arch',
      'arm64',
      `--CDCMAKE_TOOLCHAIN_FILE=${path.join(root, 'cmake', 'aarch64-linux-gnu.cmake')}`,
      `--CDKMN_CROSS_PREFIX=${prefix}`,
    ]
  : [];
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
run(process.execPath, [
  cmakeJs,
  'rebuild',
  '--out',
  out,
  ...crossOptions,
  '--CDKMEANS_NATIVE_PORTABLE=ON',
  '--CDKMEANS_NATIVE_WERROR=ON',
]);

const built = path.join(out, 'Release');
fs.mkdirSync(dest, { recursive: true });
for (const name of fs.readdirSync(built)) {
  if (/\.so(\.\d+)*$/.test(name)) fs.copyFileSync(path.join(built, name), path.join(dest, name));
}
const addon = path.join(dest, 'kmeans-native.node');
fs.copyFileSync(path.join(built, 'kmeans_native.node'), addon);
// Symbols are hidden already; stripping drops the rest (debug info, the symbol table).
if (cross) run(`${prefix}strip`, ['--strip-all', addon]);
else if (process.platform === 'linux') run('strip', ['--strip-all', addon]);
fs.copyFileSync(path.join(root, 'LICENSE'), path.join(dest, 'LICENSE'));
console.log(`kmeans-native: built ${path.relative(root, addon) || addon}`);
