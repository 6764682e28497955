'use strict';
// npm install: nothing to do when a binary loads (the platform package's, which npm installs as
// an optional dependency where the platform matches). Otherwise, when the build tools are
// installed (cmake-js, which brings node-api-headers, and node-addon-api: devDependencies here,
// added by the user elsewhere), build the addon from source; without them, say how to get a binary.
//
// Without a binary or the build tools the install still succeeds (as sharp's does): the package
// may be installed where it is never loaded (a lockfile made on another platform, a lint job,
// a bundler's build machine), and the error comes when it is loaded, with the same advice.
// A source build the user opted into that fails does fail the install.
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');

/** The loader of dist/ (absent in a clone before its first build): the file it loads, or why not. */
function loadedBinary() {
  try {
    return { file: require('../dist/addon_loader.js').loadAddon().file };
  } catch (error) {
    return { error };
  }
}

function buildToolsInstalled() {
  try {
    for (const tool of ['cmake-js/package.json', 'node-addon-api/package.json'])
      require.resolve(tool, { paths: [root] });
    return true;
  } catch {
    return false;
  }
}

const loaded = loadedBinary();
if (loaded.file) {
  console.log(`kmeans-native: using ${loaded.file}`);
} else if (buildToolsInstalled()) {
  console.log('kmeans-native: no binary loads on this platform: building from source with cmake-js');
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
  const build = spawnSync(process.execPath, [cmakeJs, 'compile'], { cwd: root, stdio: 'inherit' });
  process.exit(build.status ?? 1);
} else {
  console.warn(
    `kmeans-native: no binary loads on this platform, and the build tools are not installed. ${loaded.error?.message ?? ''}`,
  );
}
