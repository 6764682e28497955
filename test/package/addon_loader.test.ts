// Where the addon is loaded from (src/addon_loader.ts): KMEANS_NATIVE_BINARY alone when set, then
// a build from source, then the platform package; otherwise one typed error naming the platform,
// what was tried and how to build from source. Run on package trees laid out in a temporary
// folder, holding copies of the addon built here.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AddonTarget, addonCandidates, hostTarget, loadAddon } from '../../src/addon_loader';
import { KMeansError } from '../../src/errors';

const root = path.join(__dirname, '..', '..');
const builtAddon = path.join(root, 'build', 'Release', 'kmeans_native.node');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kmeans-loader-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const linuxGnu: AddonTarget = { platform: 'linux', arch: 'x64', libc: 'gnu' };
let trees = 0;
/** A package tree, with a source build and the linux-x64-gnu platform package as asked. */
function packageTree(has: { sourceBuild?: 'good' | 'broken'; platformPackage?: boolean }): string {
  const dir = path.join(tmp, String(trees++));
  fs.mkdirSync(dir);
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ optionalDependencies: { 'kmeans-native-linux-x64-gnu': '0.1.0' } }),
  );
  if (has.sourceBuild) {
    fs.mkdirSync(path.join(dir, 'build', 'Release'), { recursive: true });
    const file = path.join(dir, 'build', 'Release', 'kmeans_native.node');
    if (has.sourceBuild === 'good') fs.copyFileSync(builtAddon, file);
    else fs.writeFileSync(file, 'not a shared library');
  }
  if (has.platformPackage) {
    const pkg = path.join(dir, 'node_modules', 'kmeans-native-linux-x64-gnu');
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'kmeans-native-linux-x64-gnu' }));
    fs.copyFileSync(builtAddon, path.join(pkg, 'kmeans-native.node'));
  }
  return dir;
}

function loadError(search: Parameters<typeof loadAddon>[0]): KMeansError {
  try {
    loadAddon(search);
  } catch (error) {
    return error as KMeansError;
  }
  throw new Error('the addon loaded');
}

describe('the addon loader', () => {
  it('takes a build from source before the platform package', () => {
    const tree = packageTree({ sourceBuild: 'good', platformPackage: true });
    const loaded = loadAddon({ root: tree, env: {}, target: linuxGnu });
    expect(loaded.file).toBe(path.join(tree, 'build', 'Release', 'kmeans_native.node'));
    expect(typeof (loaded.addon as { info: unknown }).info).toBe('function');
  });

  it("takes the platform package's binary when there is no source build, or a broken one", () => {
    for (const sourceBuild of [undefined, 'broken'] as const) {
      const tree = packageTree({ sourceBuild, platformPackage: true });
      const loaded = loadAddon({ root: tree, env: {}, target: linuxGnu });
      expect(loaded.file).toBe(path.join(tree, 'node_modules', 'kmeans-native-linux-x64-gnu', 'kmeans-native.node'));
    }
  });

  it('takes KMEANS_NATIVE_BINARY alone when it is set', () => {
    const tree = packageTree({ sourceBuild: 'good', platformPackage: true });
    const env = { KMEANS_NATIVE_BINARY: builtAddon };
    expect(addonCandidates({ root: tree, env, target: linuxGnu })).toEqual([
      { kind: 'override', what: 'KMEANS_NATIVE_BINARY', file: builtAddon },
    ]);
    expect(loadAddon({ root: tree, env, target: linuxGnu }).file).toBe(builtAddon);
    const missing = path.join(tree, 'nowhere.node');
    const error = loadError({ root: tree, env: { KMEANS_NATIVE_BINARY: missing }, target: linuxGnu });
    expect(error.code).toBe('ERR_KMEANS_ADDON_NOT_FOUND');
    expect(error.message).toContain(`Tried KMEANS_NATIVE_BINARY: ${missing} did not load (Cannot find module`);
  });

  it('says what it tried, for which platform, and how to build from source', () => {
    const tree = packageTree({});
    const error = loadError({ root: tree, env: {}, target: linuxGnu });
    expect(error).toBeInstanceOf(KMeansError);
    expect(error.code).toBe('ERR_KMEANS_ADDON_NOT_FOUND');
    expect(error.message).toBe(
      `Could not load the kmeans-native addon for linux-x64-gnu (node ${process.version}). ` +
        `Tried a build from source: no ${path.join(tree, 'build', 'Release', 'kmeans_native.node')}; ` +
        'the platform package kmeans-native-linux-x64-gnu: not installed. ' +
        'The prebuilt binary is in kmeans-native-linux-x64-gnu, an optional dependency: install it (not --omit=optional). ' +
        'Or build from source: add the build tools (npm install cmake-js node-addon-api), ' +
        'then npm rebuild kmeans-native (needs CMake and a C++17 compiler).',
    );
  });

  it('looks for the package of the C library and platform at hand, and says when none is made', () => {
    const tree = packageTree({ platformPackage: true });
    const musl = loadError({ root: tree, env: {}, target: { ...linuxGnu, libc: 'musl' } });
    expect(musl.message).toContain('for linux-x64-musl');
    expect(musl.message).toContain('the platform package kmeans-native-linux-x64-musl: not installed');
    expect(musl.message).toContain('No prebuilt binary for linux-x64-musl (there are: kmeans-native-linux-x64-gnu).');
    const darwin = loadError({ root: tree, env: {}, target: { platform: 'darwin', arch: 'arm64', libc: null } });
    expect(darwin.message).toContain('the platform package kmeans-native-darwin-arm64: not installed');
  });

  it('names this machine as the platform packages and the packing script do', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { hostName } = require('../../scripts/prepack.js') as { hostName: () => string };
    const target = hostTarget();
    expect([target.platform, target.arch, ...(target.libc ? [target.libc] : [])].join('-')).toBe(hostName());
    if (process.platform === 'linux') expect(target.libc).toBe(fs.existsSync('/etc/alpine-release') ? 'musl' : 'gnu');
  });
});
