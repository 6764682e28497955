/**
 * Finds and loads the native addon, trying in order: the file KMEANS_NATIVE_BINARY names (alone,
 * when set), a build from source in build/Release, then the binary of the platform package
 * (kmeans-native-linux-x64-gnu, ...) that npm installs as an optional dependency. On failure it
 * throws one error that names the platform, says what was tried and how to build from source.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KMeansError } from './errors';

/** The machine a binary is for: Node's platform and arch, and on Linux the C library. */
export interface AddonTarget {
  platform: string;
  arch: string;
  /** 'gnu' (glibc) or 'musl' on Linux, null elsewhere. */
  libc: 'gnu' | 'musl' | null;
}

/** Where to look and what is in the environment; defaults are this package on this machine. */
export interface AddonSearch {
  /** The package folder (holding build/ and, above it, node_modules/). */
  root: string;
  env: NodeJS.ProcessEnv;
  target: AddonTarget;
}

/** The file a platform package holds its binary in, and the one cmake-js builds. */
const PACKAGE_BINARY = 'kmeans-native.node';
const SOURCE_BUILD = path.join('build', 'Release', 'kmeans_native.node');

/** Linux's C library: glibc's ldd says so, musl's names itself; else ask the process report. */
function linuxLibc(): 'gnu' | 'musl' {
  try {
    const ldd = fs.readFileSync('/usr/bin/ldd', 'latin1');
    if (ldd.includes('musl')) return 'musl';
    if (ldd.includes('GNU C Library') || ldd.includes('glibc')) return 'gnu';
  } catch {
    // No ldd (a distroless image): the report below tells.
  }
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return header?.glibcVersionRuntime ? 'gnu' : 'musl';
}

export function hostTarget(): AddonTarget {
  return {
    platform: process.platform,
    arch: process.arch,
    libc: process.platform === 'linux' ? linuxLibc() : null,
  };
}

/** 'kmeans-native-linux-x64-gnu', 'kmeans-native-darwin-arm64', ...: the package holding the target's binary. */
export function platformPackageName(target: AddonTarget): string {
  return ['kmeans-native', target.platform, target.arch, ...(target.libc ? [target.libc] : [])].join('-');
}

export function targetName(target: AddonTarget): string {
  return platformPackageName(target).slice('kmeans-native-'.length);
}

/** One place the addon may be: what it is, and its file (null: the platform package is not installed). */
export interface AddonCandidate {
  kind: 'override' | 'source build' | 'platform package';
  what: string;
  file: string | null;
}

/** The places to try, in order. */
export function addonCandidates(search: AddonSearch): AddonCandidate[] {
  const override = search.env.KMEANS_NATIVE_BINARY;
  if (override) return [{ kind: 'override', what: 'KMEANS_NATIVE_BINARY', file: path.resolve(override) }];
  const name = platformPackageName(search.target);
  let packaged: string | null = null;
  try {
    packaged = require.resolve(`${name}/${PACKAGE_BINARY}`, { paths: [search.root] });
  } catch {
    // Not installed: npm skips it on other platforms, and with --omit=optional or --no-optional.
  }
  return [
    { kind: 'source build', what: 'a build from source', file: path.join(search.root, SOURCE_BUILD) },
    { kind: 'platform package', what: `the platform package ${name}`, file: packaged },
  ];
}

/** The platform packages this version names as optional dependencies. */
function prebuiltPackages(root: string): string[] {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      optionalDependencies?: Record<string, string>;
    };
    return Object.keys(manifest.optionalDependencies ?? {});
  } catch {
    return [];
  }
}

/** The addon and the file it came from. */
export interface LoadedAddon {
  addon: unknown;
  file: string;
}

export function loadAddon(search: Partial<AddonSearch> = {}): LoadedAddon {
  const full: AddonSearch = {
    root: search.root ?? path.join(__dirname, '..'),
    env: search.env ?? process.env,
    target: search.target ?? hostTarget(),
  };
  const tried: string[] = [];
  let lastError: unknown;
  for (const { kind, what, file } of addonCandidates(full)) {
    if (file === null) {
      tried.push(`${what}: not installed`);
      continue;
    }
    // A source build is optional: only an existing one counts (a broken one is reported).
    if (kind === 'source build' && !fs.existsSync(file)) {
      tried.push(`${what}: no ${file}`);
      continue;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return { addon: require(file) as unknown, file };
    } catch (error) {
      lastError = error;
      tried.push(`${what}: ${file} did not load (${(error as Error).message.split('\n')[0]})`);
    }
  }
  const name = platformPackageName(full.target);
  const prebuilt = prebuiltPackages(full.root);
  throw new KMeansError(
    'ERR_KMEANS_ADDON_NOT_FOUND',
    `Could not load the kmeans-native addon for ${targetName(full.target)} (node ${process.version}). ` +
      `Tried ${tried.join('; ')}. ` +
      (prebuilt.includes(name)
        ? `The prebuilt binary is in ${name}, an optional dependency: install it (not --omit=optional). `
        : `No prebuilt binary for ${targetName(full.target)} (there are: ${prebuilt.join(', ') || 'none'}). `) +
      'Or build from source: add the build tools (npm install cmake-js node-addon-api), ' +
      'then npm rebuild kmeans-native (needs CMake and a C++17 compiler).',
    { cause: lastError },
  );
}
