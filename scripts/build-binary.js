#!/usr/bin/env node
'use strict';
// Builds the portable addon for this machine into a platform package folder (the folder given,
// packages/<name>/): cmake-js in build/prebuild with -DKMEANS_NATIVE_PORTABLE=ON (hidden symbols,
// $ORIGIN run path, the OpenMP runtime copied beside the addon), then the addon, stripped, as
// kmeans-native.node, the shared libraries it ships with, and the license.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const target = process.argv[2];
if (!target) {
  console.error('usage: node scripts/build-binary.js <platform package folder>');
  process.exit(2);
}
const dest = path.resolve(target);
const out = path.join(root, 'build', 'prebuild');
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const args = [cmakeJs, 'rebuild', '--out', out, '--CDKMEANS_NATIVE_PORTABLE=ON', '--CDKMEANS_NATIVE_WERROR=ON'];
const build = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const built = path.join(out, 'Release');
for (const name of fs.readdirSync(built)) {
  if (/\.so(\.\d+)*$/.test(name)) fs.copyFileSync(path.join(built, name), path.join(dest, name));
}
const addon = path.join(dest, 'kmeans-native.node');
fs.copyFileSync(path.join(built, 'kmeans_native.node'), addon);
// Symbols are hidden already; stripping drops the rest (debug info, the symbol table).
if (process.platform === 'linux') {
  const strip = spawnSync('strip', ['--strip-all', addon], { stdio: 'inherit' });
  if (strip.status !== 0) process.exit(strip.status ?? 1);
}
fs.copyFileSync(path.join(root, 'LICENSE'), path.join(dest, 'LICENSE'));
console.log(`kmeans-native: built ${path.relative(root, addon)}`);
