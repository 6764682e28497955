#!/usr/bin/env node
'use strict';
// npm pack / npm publish of kmeans-native (the prepack step), and npm run pack:platforms: every
// platform package (scripts/platforms.js) must hold its binary, built from the native sources
// as they are. A missing or stale binary is built where its build command runs on this machine;
// one that cannot be built here stops packing, with what to do.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');

/** The newest modification time of the files below `target` (or of the file itself), 0 if none. */
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

/** The platform packages (names) whose binary is missing or older than the native sources. */
function staleBinaries(packageRoot, names) {
  const sources = Math.max(
    newestMtime(path.join(packageRoot, 'native')),
    newestMtime(path.join(packageRoot, 'CMakeLists.txt')),
  );
  return names.filter((name) => {
    const binary = path.join(packageRoot, 'packages', name, 'kmeans-native.node');
    return !fs.existsSync(binary) || fs.statSync(binary).mtimeMs < sources;
  });
}

/** This machine as a platform package names it: linux-x64-gnu, darwin-arm64, ... */
function hostName() {
  const libc =
    process.platform !== 'linux' ? [] : process.report.getReport().header.glibcVersionRuntime ? ['gnu'] : ['musl'];
  return [process.platform, process.arch, ...libc].join('-');
}

/** What packing needs: the platforms to build here, and those that cannot be. */
function plan(packageRoot, platforms, host) {
  const stale = new Set(
    staleBinaries(
      packageRoot,
      platforms.map((platform) => platform.name),
    ),
  );
  const build = platforms.filter((platform) => stale.has(platform.name) && platform.buildsOn === host);
  const missing = platforms.filter((platform) => stale.has(platform.name) && platform.buildsOn !== host);
  return { build: build.map((platform) => platform.name), missing: missing.map((platform) => platform.name) };
}

/** Builds what is missing or stale, or exits when something cannot be built here. */
function ensureBinaries(platforms = require('./platforms.js')) {
  const host = hostName();
  const { build, missing } = plan(root, platforms, host);
  if (missing.length > 0) {
    console.error(
      `kmeans-native: cannot pack: no up-to-date binary in packages/${missing.join(', packages/')}. ` +
        `This machine (${host}) cannot build it: run npm run prebuild where its build command runs ` +
        '(scripts/platforms.js), or take it from the release workflow, and pack again.',
    );
    process.exit(1);
  }
  for (const name of build) {
    const { build: command } = platforms.find((platform) => platform.name === name);
    const folder = path.join('packages', name);
    console.log(`kmeans-native: building the binary of ${folder}`);
    const run = spawnSync(command[0] === 'node' ? process.execPath : command[0], [...command.slice(1), folder], {
      cwd: root,
      stdio: 'inherit',
    });
    if (run.status !== 0) process.exit(run.status ?? 1);
    if (staleBinaries(root, [name]).length > 0) {
      console.error(`kmeans-native: the build left no binary in ${folder}`);
      process.exit(1);
    }
  }
  console.log(`kmeans-native: the binaries of ${platforms.map((platform) => platform.name).join(', ')} are up to date`);
}

module.exports = { plan, staleBinaries, hostName, ensureBinaries };

if (require.main === module) ensureBinaries();
