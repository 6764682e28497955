#!/usr/bin/env node
'use strict';
// npm pack / npm publish (the prepack step): the package must carry a prebuilt binary for every
// platform package.json's binary.prebuilds claims, each built from the native sources as they
// are. A missing or stale binary for this machine's platform is built (npm run prebuild); one for
// another platform cannot be built here, and packing stops with what to do.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');

/** The newest modification time of the files below `dir` (or of the file itself), 0 if none. */
function newestMtime(target) {
  let stat;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, name)));
  return newest;
}

/** The claimed platforms ('linux-x64', ...) whose binary is missing or older than the native sources. */
function stalePrebuilds(packageRoot, claimed) {
  const sources = Math.max(
    newestMtime(path.join(packageRoot, 'native')),
    newestMtime(path.join(packageRoot, 'CMakeLists.txt')),
  );
  return claimed.filter((platform) => {
    const dir = path.join(packageRoot, 'prebuilds', platform);
    const binaries = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith('.node')) : [];
    return binaries.length === 0 || binaries.some((name) => fs.statSync(path.join(dir, name)).mtimeMs < sources);
  });
}

/** What packing needs: build this platform's binary, or stop for the others'. */
function plan(packageRoot, claimed, current) {
  const stale = stalePrebuilds(packageRoot, claimed);
  return { build: stale.includes(current), missing: stale.filter((platform) => platform !== current) };
}

function main() {
  const claimed = require(path.join(root, 'package.json')).binary?.prebuilds ?? [];
  const current = `${process.platform}-${process.arch}`;
  const { build, missing } = plan(root, claimed, current);
  if (missing.length > 0) {
    console.error(
      `kmeans-native: cannot pack: no up-to-date prebuilt binary for ${missing.join(', ')} in prebuilds/. ` +
        'Build each on its platform with npm run prebuild (or take it from the release workflow) and pack again.',
    );
    process.exit(1);
  }
  if (build) {
    console.log(`kmeans-native: building the prebuilt binary for ${current} (npm run prebuild)`);
    const npm = process.env.npm_execpath;
    const run = npm
      ? spawnSync(process.execPath, [npm, 'run', 'prebuild'], { cwd: root, stdio: 'inherit' })
      : spawnSync('npm', ['run', 'prebuild'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
    if (run.status !== 0) process.exit(run.status ?? 1);
    if (stalePrebuilds(root, [current]).length > 0) {
      console.error(`kmeans-native: npm run prebuild left no binary in prebuilds/${current}`);
      process.exit(1);
    }
  }
  console.log(`kmeans-native: prebuilt binaries for ${claimed.join(', ')} are in prebuilds/`);
}

module.exports = { plan, stalePrebuilds };

if (require.main === module) main();
