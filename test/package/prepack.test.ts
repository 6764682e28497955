// The prepack step (scripts/prepack.js): packing builds this platform's prebuilt binary where it
// is missing or older than the native sources, and refuses to pack without the binaries of the
// other platforms package.json claims. Run on a package tree laid out in a temporary folder.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { plan } = require('../../scripts/prepack.js') as {
  plan: (root: string, claimed: string[], current: string) => { build: boolean; missing: string[] };
};

const root = path.join(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kmeans-prepack-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let trees = 0;
/** A package tree with native sources at time `sources` and prebuilt binaries at the given times (seconds). */
function packageTree(sources: number, binaries: Record<string, number>): string {
  const dir = path.join(tmp, String(trees++));
  const write = (file: string, seconds: number) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), '');
    fs.utimesSync(path.join(dir, file), seconds, seconds);
  };
  write('CMakeLists.txt', sources - 10);
  write('native/kernels/a.cpp', sources);
  for (const [platform, seconds] of Object.entries(binaries))
    write(`prebuilds/${platform}/kmeans-native.node`, seconds);
  return dir;
}

describe('prepack', () => {
  it("builds this platform's binary when it is missing or older than the sources", () => {
    expect(plan(packageTree(1000, {}), ['linux-x64'], 'linux-x64')).toEqual({ build: true, missing: [] });
    expect(plan(packageTree(1000, { 'linux-x64': 900 }), ['linux-x64'], 'linux-x64')).toEqual({
      build: true,
      missing: [],
    });
    expect(plan(packageTree(1000, { 'linux-x64': 1100 }), ['linux-x64'], 'linux-x64')).toEqual({
      build: false,
      missing: [],
    });
  });

  it("refuses to pack without the other claimed platforms' binaries, or with stale ones", () => {
    const tree = packageTree(1000, { 'linux-x64': 1100, 'darwin-arm64': 900 });
    expect(plan(tree, ['linux-x64', 'darwin-arm64', 'win32-x64'], 'linux-x64')).toEqual({
      build: false,
      missing: ['darwin-arm64', 'win32-x64'],
    });
    const script = `
      const fs = require('node:fs'), path = require('node:path');
      const tree = ${JSON.stringify(tree)};
      fs.writeFileSync(path.join(tree, 'package.json'), JSON.stringify({ binary: { prebuilds: ['linux-x64', 'darwin-arm64'] } }));
      fs.mkdirSync(path.join(tree, 'scripts'), { recursive: true });
      fs.copyFileSync(${JSON.stringify(path.join(root, 'scripts', 'prepack.js'))}, path.join(tree, 'scripts', 'prepack.js'));`;
    spawnSync(process.execPath, ['-e', script]);
    const run = spawnSync(process.execPath, [path.join(tree, 'scripts', 'prepack.js')], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cannot pack: no up-to-date prebuilt binary for darwin-arm64 in prebuilds/');
  });

  it('is the prepack script of the package, which claims linux-x64', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(manifest.scripts.prepack).toBe('node scripts/prepack.js');
    expect(manifest.binary.prebuilds).toEqual(['linux-x64']);
  });
});
