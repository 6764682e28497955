// The prepack step (scripts/prepack.js): packing builds each platform package's binary that is
// missing or older than the native sources where its build command runs on this machine, and
// refuses to pack when one cannot be built here. Run on package trees laid out in a temporary
// folder.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

interface Platform {
  name: string;
  build: string[];
  buildsOn: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { plan } = require('../../scripts/prepack.js') as {
  plan: (root: string, platforms: Platform[], host: string) => { build: string[]; missing: string[] };
};

const root = path.join(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kmeans-prepack-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const x64: Platform = { name: 'linux-x64-gnu', build: ['node', 'scripts/build-binary.js'], buildsOn: 'linux-x64-gnu' };
const arm64: Platform = { name: 'linux-arm64-gnu', build: ['bash', 'scripts/cross.sh'], buildsOn: 'linux-x64-gnu' };
const darwin: Platform = { name: 'darwin-arm64', build: ['node', 'scripts/build-binary.js'], buildsOn: 'darwin-arm64' };

let trees = 0;
/** A package tree with native sources at time `sources` and platform binaries at the given times (seconds). */
function packageTree(sources: number, binaries: Record<string, number>): string {
  const dir = path.join(tmp, String(trees++));
  const write = (file: string, seconds: number, text = '') => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
    fs.utimesSync(path.join(dir, file), seconds, seconds);
  };
  write('CMakeLists.txt', sources - 10);
  write('native/kernels/a.cpp', sources);
  for (const [name, seconds] of Object.entries(binaries)) write(`packages/${name}/kmeans-native.node`, seconds);
  return dir;
}

describe('prepack', () => {
  it("builds a platform's binary when it is missing or older than the sources", () => {
    expect(plan(packageTree(1000, {}), [x64], 'linux-x64-gnu')).toEqual({ build: ['linux-x64-gnu'], missing: [] });
    expect(plan(packageTree(1000, { 'linux-x64-gnu': 900 }), [x64], 'linux-x64-gnu')).toEqual({
      build: ['linux-x64-gnu'],
      missing: [],
    });
    expect(plan(packageTree(1000, { 'linux-x64-gnu': 1100 }), [x64], 'linux-x64-gnu')).toEqual({
      build: [],
      missing: [],
    });
  });

  it('builds a cross-compiled platform on the host its build command runs on, and only there', () => {
    const tree = packageTree(1000, { 'linux-x64-gnu': 1100 });
    expect(plan(tree, [x64, arm64], 'linux-x64-gnu')).toEqual({ build: ['linux-arm64-gnu'], missing: [] });
    expect(plan(tree, [x64, arm64], 'darwin-arm64')).toEqual({ build: [], missing: ['linux-arm64-gnu'] });
  });

  it('refuses to pack when a binary cannot be built here, and says which', () => {
    const tree = packageTree(1000, { 'linux-x64-gnu': 1100, 'darwin-arm64': 900 });
    expect(plan(tree, [x64, darwin], 'linux-x64-gnu')).toEqual({ build: [], missing: ['darwin-arm64'] });
    fs.mkdirSync(path.join(tree, 'scripts'));
    fs.writeFileSync(path.join(tree, 'scripts', 'platforms.js'), `module.exports = ${JSON.stringify([x64, darwin])};`);
    fs.copyFileSync(path.join(root, 'scripts', 'prepack.js'), path.join(tree, 'scripts', 'prepack.js'));
    const run = spawnSync(process.execPath, [path.join(tree, 'scripts', 'prepack.js')], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cannot pack: no up-to-date binary in packages/darwin-arm64.');
  });

  it('is the prepack script of the package', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(manifest.scripts.prepack).toBe('node scripts/prepack.js');
  });
});
