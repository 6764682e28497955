/**
 * How many threads a call uses when it does not say: the CPUs this process may really use. On a
 * container platform that is its cgroup's CPU quota (a pod limited to 2 CPUs on a 64-core node
 * gets 2, not 64), read once from cgroup v2's cpu.max or cgroup v1's cpu.cfs_quota_us and
 * cpu.cfs_period_us (the tightest limit on the way from the process's cgroup up to the root,
 * rounded up to whole CPUs), and never more than os.availableParallelism() (which honours CPU
 * affinity) or what the native build allows. OMP_NUM_THREADS, where set, is the user's choice
 * and is taken as it is.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { native } from './binding';

/** Where the cgroup files are: the process's membership list and the cgroup file system's mount. */
export interface CgroupFiles {
  procSelfCgroup: string;
  mount: string;
}

const systemFiles: CgroupFiles = { procSelfCgroup: '/proc/self/cgroup', mount: '/sys/fs/cgroup' };

/** The CPU quota of the process's cgroup, in CPUs (may be fractional); undefined where none is set or readable. */
export function cgroupCpuQuota(files: CgroupFiles = systemFiles): number | undefined {
  const membership = readText(files.procSelfCgroup);
  if (membership === undefined) return undefined;
  let tightest: number | undefined;
  const keep = (quota: number | undefined) => {
    if (quota !== undefined && (tightest === undefined || quota < tightest)) tightest = quota;
  };
  for (const line of membership.split('\n')) {
    // hierarchy-ID:controller-list:cgroup-path; v2's line is 0::/path.
    const match = /^(\d+):([^:]*):(\/.*)$/.exec(line.trim());
    if (!match) continue;
    const [, id, controllers, cgroupPath] = match;
    if (id === '0' && controllers === '') {
      for (const dir of upToRoot(files.mount, cgroupPath!)) keep(readCpuMax(path.join(dir, 'cpu.max')));
    } else if (controllers!.split(',').includes('cpu')) {
      for (const mount of new Set([path.join(files.mount, controllers!), path.join(files.mount, 'cpu')])) {
        for (const dir of upToRoot(mount, cgroupPath!)) keep(readCfsQuota(dir));
      }
    }
  }
  return tightest;
}

/**
 * The default thread count from its inputs: OMP_NUM_THREADS's value where set, else the fewest
 * of the cores available, the cgroup quota rounded up, and the native limit; at least 1.
 */
export function defaultThreadsFrom(inputs: {
  nativeMax: number;
  available: number;
  quota: number | undefined;
  ompNumThreads: string | undefined;
}): number {
  const { nativeMax, available, quota, ompNumThreads } = inputs;
  if (ompNumThreads !== undefined && /^\s*\d+/.test(ompNumThreads)) return Math.max(1, nativeMax);
  const fromQuota = quota === undefined ? Infinity : Math.ceil(quota);
  return Math.max(1, Math.min(nativeMax, available, fromQuota));
}

let cached: number | undefined;

/** The thread count of calls that do not give `threads` (computed once per process). */
export function defaultThreads(): number {
  cached ??= defaultThreadsFrom({
    nativeMax: native().info().maxThreads,
    available: os.availableParallelism(),
    quota: cgroupCpuQuota(),
    ompNumThreads: process.env.OMP_NUM_THREADS,
  });
  return cached;
}

/** The cgroup's directory and each one above it, up to the mount (a path the mount lacks, as in a container, finds the mount's own files on the way). */
function upToRoot(mount: string, cgroupPath: string): string[] {
  const dirs: string[] = [];
  let relative = path.posix.normalize(cgroupPath);
  for (;;) {
    dirs.push(path.join(mount, relative));
    if (relative === '/' || relative === '.') return dirs;
    relative = path.posix.dirname(relative);
  }
}

/** cgroup v2's cpu.max: "QUOTA PERIOD", or "max PERIOD" for no limit. */
function readCpuMax(file: string): number | undefined {
  const text = readText(file);
  const match = text === undefined ? null : /^(\d+)\s+(\d+)\s*$/.exec(text.trim());
  return match ? ratio(Number(match[1]), Number(match[2])) : undefined;
}

/** cgroup v1's cpu.cfs_quota_us (-1 for no limit) over cpu.cfs_period_us. */
function readCfsQuota(dir: string): number | undefined {
  const quota = Number(readText(path.join(dir, 'cpu.cfs_quota_us'))?.trim());
  const period = Number(readText(path.join(dir, 'cpu.cfs_period_us'))?.trim());
  return ratio(quota, period);
}

function ratio(quota: number, period: number): number | undefined {
  return Number.isFinite(quota) && Number.isFinite(period) && quota > 0 && period > 0 ? quota / period : undefined;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
