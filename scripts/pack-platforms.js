#!/usr/bin/env node
'use strict';
// npm run pack:platforms [-- <folder>]: the platform packages as tarballs, in the folder given
// (default: here), each binary built first when missing or stale (scripts/prepack.js). Publish
// these before the main package, whose optional dependencies name them.
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ensureBinaries } = require('./prepack.js');
const platforms = require('./platforms.js');

const root = path.join(__dirname, '..');
const destination = path.resolve(process.argv[2] ?? '.');
ensureBinaries(platforms);
for (const { name } of platforms) {
  const npm = process.env.npm_execpath;
  const args = ['pack', path.join(root, 'packages', name), '--pack-destination', destination];
  const run = npm
    ? spawnSync(process.execPath, [npm, ...args], { stdio: 'inherit' })
    : spawnSync('npm', args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
