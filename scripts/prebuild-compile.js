#!/usr/bin/env node
'use strict';
// Stands in for node-gyp when prebuildify makes the prebuilt binary (npm run prebuild):
// builds the portable addon with cmake-js in build/prebuild, then puts it, with the shared
// libraries it ships with, in build/Release, where prebuildify collects them.
// prebuildify's node-gyp arguments (rebuild --target --devdir --arch --release) need no
// translation: the addon uses Node-API only, whose headers come from node-api-headers.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const out = path.join(root, 'build', 'prebuild');
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const args = [cmakeJs, 'rebuild', '--out', out, '--CDKMEANS_NATIVE_PORTABLE=ON', '--CDKMEANS_NATIVE_WERROR=ON'];
const build = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const built = path.join(out, 'Release');
const release = path.join(root, 'build', 'Release');
fs.mkdirSync(release, { recursive: true });
for (const name of fs.readdirSync(built)) {
  if (/\.node$|\.so(\.\d+)*$/.test(name)) fs.copyFileSync(path.join(built, name), path.join(release, name));
}
