// The package's manifest and its platform packages (packages/<name>/): nothing to install at run
// time beyond the platform package, which package.json names at its own version, with os, cpu
// and libc that match its folder; the build tools only as an opt-in (optional peers) and for
// development. Also that package-lock.json carries each platform package, so npm ci stays in sync.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { platformPackageName } from '../../src/addon_loader';

const root = path.join(__dirname, '..', '..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
const manifest = readJson('package.json');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const platforms = require('../../scripts/platforms.js') as { name: string; build: string[]; buildsOn: string }[];
// node-api-headers comes with cmake-js, and is a devDependency to pin it.
const buildTools = ['cmake-js', 'node-addon-api'];

/** 'linux-x64-gnu' -> the os, cpu and libc fields npm matches it by. */
function fieldsOf(name: string) {
  const [os, cpu, libc] = name.split('-');
  return { os: [os], cpu: [cpu], ...(libc ? { libc: [libc === 'gnu' ? 'glibc' : libc] } : {}) };
}

describe('the main package', () => {
  it('depends on nothing at run time but its platform package', () => {
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.optionalDependencies).toEqual(
      Object.fromEntries(platforms.map(({ name }) => [`kmeans-native-${name}`, manifest.version])),
    );
  });

  it('takes the build tools as optional peers (building from source), and as devDependencies', () => {
    for (const tool of buildTools) {
      expect(manifest.peerDependencies[tool]).toBe(manifest.devDependencies[tool]);
      expect(manifest.peerDependenciesMeta[tool]).toEqual({ optional: true });
    }
    // cmake-js reads the Node-API version here, to take the headers from node-api-headers.
    expect(manifest.binary.napi_versions).toEqual([8]);
    expect(manifest.devDependencies['node-api-headers']).toBeDefined();
  });

  it('ships the sources and install script for a build from source, and no binary', () => {
    expect(manifest.files).toEqual(expect.arrayContaining(['native/', 'CMakeLists.txt', 'scripts/install.js']));
    expect(manifest.files.filter((entry: string) => /prebuilds|\.node$|packages/.test(entry))).toEqual([]);
    expect(manifest.scripts.install).toBe('node scripts/install.js');
  });

  it('has each platform package in package-lock.json, as optional', () => {
    const lock = readJson('package-lock.json');
    for (const { name } of platforms) {
      expect(lock.packages[`node_modules/kmeans-native-${name}`]).toMatchObject({
        version: manifest.version,
        optional: true,
        ...fieldsOf(name),
      });
    }
  });
});

describe.each(platforms)('the platform package $name', ({ name, build, buildsOn }) => {
  const folder = path.join('packages', name);
  const platformManifest = readJson(path.join(folder, 'package.json'));

  it('is named for its folder, at the main version, for the platform its folder names', () => {
    expect(platformManifest).toMatchObject({
      name: `kmeans-native-${name}`,
      version: manifest.version,
      license: manifest.license,
      ...fieldsOf(name),
    });
    expect(platformManifest.engines).toEqual(manifest.engines);
    expect(platformManifest.dependencies).toBeUndefined();
    expect(platformManifest.scripts).toBeUndefined();
  });

  it('is the package the loader looks for on that platform', () => {
    const [platform = '', arch = '', libc] = name.split('-');
    expect(platformPackageName({ platform, arch, libc: (libc ?? null) as 'gnu' | 'musl' | null })).toBe(
      platformManifest.name,
    );
  });

  it('ships the binary (and the runtime libraries beside it) and a README', () => {
    expect(platformManifest.files).toContain('kmeans-native.node');
    expect(fs.existsSync(path.join(root, folder, 'README.md'))).toBe(true);
    const script = build.find((part) => part.startsWith('scripts/')) ?? 'no script';
    expect(fs.existsSync(path.join(root, script))).toBe(true);
    expect(buildsOn).toMatch(/^[a-z0-9]+-[a-z0-9]+(-gnu|-musl)?$/);
  });
});
