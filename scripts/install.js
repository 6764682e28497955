'use strict';
// npm install: use a prebuilt binary from prebuilds/ when one loads on this machine,
// otherwise build the addon from source with cmake-js (CMake and a C++17 compiler needed).
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');

function prebuildLoads() {
  process.env.PREBUILDS_ONLY = '1';
  try {
    require('node-gyp-build')(root);
    return true;
  } catch {
    return false;
  } finally {
    delete process.env.PREBUILDS_ONLY;
  }
}

if (prebuildLoads()) {
  console.log('kmeans-native: using the prebuilt binary');
} else {
  console.log('kmeans-native: no prebuilt binary for this platform, building from source');
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const build = spawnSync(process.execPath, [cmakeJs, 'compile'], { cwd: root, stdio: 'inherit' });
  process.exit(build.status ?? 1);
}
