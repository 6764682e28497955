// The built package as users load it: require and import, and every instruction-set variant
// of the native kernels giving the same bits. Runs the compiled dist/ in child processes.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(__dirname, '..', '..');

function node(source: string, env: NodeJS.ProcessEnv = {}, type: 'commonjs' | 'module' = 'commonjs'): string {
  const args = type === 'module' ? ['--input-type=module', '-e', source] : ['-e', source];
  return execFileSync(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
}

describe('package entry points', () => {
  const fitScript = (load: string) => `${load}
    const km = new KMeans({ nClusters: 2, seed: 1 }).fit([[0, 0], [0, 1], [10, 10], [10, 11]]);
    console.log(JSON.stringify({ labels: Array.from(km.labels), inertia: km.inertia, error: typeof KMeansError }));`;

  it('works with require', () => {
    const out = JSON.parse(node(fitScript("const { KMeans, KMeansError } = require('kmeans-native');")));
    expect(out).toEqual({ labels: expect.any(Array), inertia: 1, error: 'function' });
    expect(new Set(out.labels).size).toBe(2);
  });

  it('works with import, and shares one module instance with require', () => {
    const out = JSON.parse(node(fitScript("import { KMeans, KMeansError } from 'kmeans-native';"), {}, 'module'));
    expect(out.inertia).toBe(1);
    const same = node(
      "import { KMeans } from 'kmeans-native'; import { createRequire } from 'node:module';" +
        "console.log(createRequire(import.meta.url)('kmeans-native').KMeans === KMeans);",
      {},
      'module',
    );
    expect(same.trim()).toBe('true');
  });
});

describe('kmeans-native/vq entry point', () => {
  it("works with import and require, and is the main entry's vq namespace", () => {
    const esm = node(
      "import { kmeans2 } from 'kmeans-native/vq'; import { vq } from 'kmeans-native';" +
        "const { label } = kmeans2([[0], [1], [10], [11]], [[0], [10]], { minit: 'matrix' });" +
        'console.log(JSON.stringify({ label: Array.from(label), same: vq.kmeans2 === kmeans2 }));',
      {},
      'module',
    );
    expect(JSON.parse(esm)).toEqual({ label: [0, 0, 1, 1], same: true });
    const cjs = node("console.log(typeof require('kmeans-native/vq').whiten)");
    expect(cjs.trim()).toBe('function');
  });
});

describe('kmeans-native/metrics entry point', () => {
  it("works with import and require, and is the main entry's metrics namespace", () => {
    const esm = node(
      "import { contingencyMatrix } from 'kmeans-native/metrics'; import { metrics } from 'kmeans-native';" +
        "console.log(JSON.stringify({ table: contingencyMatrix(['a', 'b', 'b'], [1, 1, 0]), same: metrics.contingencyMatrix === contingencyMatrix }));",
      {},
      'module',
    );
    expect(JSON.parse(esm)).toEqual({
      table: [
        [0, 1],
        [1, 1],
      ],
      same: true,
    });
    const cjs = node("console.log(typeof require('kmeans-native/metrics').contingencyMatrix)");
    expect(cjs.trim()).toBe('function');
  });
});

describe('instruction-set variants', () => {
  // The same fit under each kernel variant this CPU supports: labels, centers, inertia (each
  // iteration's too) and k-means++ choices must agree bit for bit (the portable variant runs on
  // any CPU).
  const script = `
    const { KMeans, info } = require('kmeans-native');
    let s = 7; const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    // Narrow rows (the transposed tile) and wide ones (the wide-row kernel), of lengths that are
    // not a multiple of any vector width.
    for (const [n, d] of [[3000, 13], [1500, 203]]) {
      for (const Type of [Float64Array, Float32Array]) {
        const data = Type.from({ length: n * d }, (_, i) => Math.round(rand() * 40) / 4 + (i % d));
        const km = new KMeans({ nClusters: 9, seed: 3, nInit: 2 }).fit({ data, rows: n, cols: d });
        console.log(info().simd, Type.name, Buffer.from(km.clusterCenters.data.buffer).toString('base64'),
          Buffer.from(km.labels.buffer).toString('base64'), km.inertia, km.nIter, km.history.inertia.join());
      }
    }`;
  const variants = ['portable', 'avx2', 'avx512'];

  it('agree bit for bit', () => {
    const outputs = variants.map((simd) => node(script, { KMEANS_NATIVE_SIMD: simd }).trim().split('\n'));
    const stripVariant = (lines: string[]) => lines.map((line) => line.split(' ').slice(1).join(' '));
    expect(outputs[0]![0]!.startsWith('portable ')).toBe(true);
    for (const output of outputs.slice(1)) expect(stripVariant(output)).toEqual(stripVariant(outputs[0]!));
  });
});
