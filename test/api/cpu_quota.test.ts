// The default thread count follows the CPUs a process may use: its cgroup's CPU quota, read from
// fake cgroup files laid out as cgroup v2 and v1 lay them out (on a host and in a container).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cgroupCpuQuota, defaultThreadsFrom } from '../../src/cpu_quota';
import { info } from '../../src/index';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmeans-cgroup-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let layouts = 0;
/** A fake /proc/self/cgroup and cgroup mount holding `files` (paths relative to the mount). */
function fakeCgroup(membership: string, files: Record<string, string>) {
  const base = path.join(root, String(layouts++));
  const mount = path.join(base, 'sys', 'fs', 'cgroup');
  fs.mkdirSync(mount, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(mount, name)), { recursive: true });
    fs.writeFileSync(path.join(mount, name), text);
  }
  const procSelfCgroup = path.join(base, 'cgroup');
  fs.writeFileSync(procSelfCgroup, membership);
  return { procSelfCgroup, mount };
}

describe('cgroupCpuQuota', () => {
  it('reads cgroup v2 cpu.max of the process cgroup', () => {
    const files = fakeCgroup('0::/kubepods/pod1\n', { 'kubepods/pod1/cpu.max': '150000 100000\n' });
    expect(cgroupCpuQuota(files)).toBe(1.5);
  });

  it('takes no limit from "max", and the tightest limit on the way up', () => {
    expect(cgroupCpuQuota(fakeCgroup('0::/a\n', { 'a/cpu.max': 'max 100000\n' }))).toBeUndefined();
    const nested = fakeCgroup('0::/a/b\n', {
      'a/b/cpu.max': 'max 100000\n',
      'a/cpu.max': '200000 100000\n',
      'cpu.max': '800000 100000\n',
    });
    expect(cgroupCpuQuota(nested)).toBe(2);
  });

  it("finds a container's own files at the mount when its cgroup path is the host's", () => {
    const files = fakeCgroup('0::/kubepods/burstable/pod7/abc\n', { 'cpu.max': '100000 100000\n' });
    expect(cgroupCpuQuota(files)).toBe(1);
  });

  it('reads cgroup v1 cpu.cfs_quota_us over cpu.cfs_period_us, under either mount name', () => {
    const combined = fakeCgroup('5:memory:/x\n4:cpu,cpuacct:/docker/abc\n', {
      'cpu,cpuacct/docker/abc/cpu.cfs_quota_us': '300000\n',
      'cpu,cpuacct/docker/abc/cpu.cfs_period_us': '100000\n',
    });
    expect(cgroupCpuQuota(combined)).toBe(3);
    const separate = fakeCgroup('2:cpuacct:/\n1:cpu:/job\n', {
      'cpu/job/cpu.cfs_quota_us': '50000\n',
      'cpu/job/cpu.cfs_period_us': '100000\n',
    });
    expect(cgroupCpuQuota(separate)).toBe(0.5);
    const unlimited = fakeCgroup('1:cpu:/\n', { 'cpu/cpu.cfs_quota_us': '-1\n', 'cpu/cpu.cfs_period_us': '100000\n' });
    expect(cgroupCpuQuota(unlimited)).toBeUndefined();
  });

  it('gives undefined where there is nothing to read or it cannot be read', () => {
    expect(cgroupCpuQuota({ procSelfCgroup: path.join(root, 'none'), mount: path.join(root, 'none') })).toBeUndefined();
    expect(cgroupCpuQuota(fakeCgroup('0::/\n', {}))).toBeUndefined();
    expect(cgroupCpuQuota(fakeCgroup('0::/\n', { 'cpu.max': 'lots\n' }))).toBeUndefined();
    expect(cgroupCpuQuota(fakeCgroup('garbage\n', { 'cpu.max': '100000 100000\n' }))).toBeUndefined();
    expect(cgroupCpuQuota(fakeCgroup('0::/\n', { 'cpu.max': '0 100000\n' }))).toBeUndefined();
  });
});

describe('the default thread count', () => {
  const host = { nativeMax: 64, available: 64, ompNumThreads: undefined };

  it('is the quota rounded up, within the cores available and the native limit', () => {
    expect(defaultThreadsFrom({ ...host, quota: 2 })).toBe(2);
    expect(defaultThreadsFrom({ ...host, quota: 1.5 })).toBe(2);
    expect(defaultThreadsFrom({ ...host, quota: 0.25 })).toBe(1);
    expect(defaultThreadsFrom({ ...host, quota: undefined })).toBe(64);
    expect(defaultThreadsFrom({ ...host, available: 8, quota: 16 })).toBe(8);
    expect(defaultThreadsFrom({ ...host, nativeMax: 1, quota: 4 })).toBe(1);
  });

  it('is what OMP_NUM_THREADS asked for, where it is set', () => {
    expect(defaultThreadsFrom({ ...host, nativeMax: 12, quota: 2, ompNumThreads: '12' })).toBe(12);
    expect(defaultThreadsFrom({ ...host, nativeMax: 12, quota: 2, ompNumThreads: '' })).toBe(2);
  });

  it("is this process's, as info() reports it", () => {
    const expected = defaultThreadsFrom({
      nativeMax: info().maxThreads,
      available: os.availableParallelism(),
      quota: cgroupCpuQuota(),
      ompNumThreads: process.env.OMP_NUM_THREADS,
    });
    expect(info().defaultThreads).toBe(expected);
    expect(info().defaultThreads).toBeGreaterThanOrEqual(1);
  });
});
