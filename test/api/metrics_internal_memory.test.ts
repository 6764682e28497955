// The silhouette of a large data set in bounded memory: 50,000 rows by default, and the full
// 200,000 rows of the fixture with KMEANS_TEST_LARGE_SILHOUETTE=1 (about a minute on two cores;
// scikit-learn took ten). The n×n distances would take 20 GB (320 GB at full size); the
// process's peak resident size must stay under a bound that Node and the data alone nearly fill,
// and the score must be scikit-learn's.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const rssBound = 256 * 2 ** 20;
const rows = process.env.KMEANS_TEST_LARGE_SILHOUETTE === '1' ? 200_000 : 50_000;

interface LargeCase {
  n: number;
  d: number;
  k: number;
  silhouetteScore: number;
}
const large: LargeCase[] = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'internal_metrics_reference.json'), 'utf8'),
).large;

describe('silhouetteScore on many rows', () => {
  it(`scores ${rows} hashed rows as scikit-learn does, in bounded memory`, { timeout: 600_000 }, () => {
    const { n, d, k, silhouetteScore: expected } = large.find((entry) => entry.n === rows)!;
    // hashedRows of metrics_internal_data.ts, in the child.
    const script = `
      const { silhouetteScore } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'metrics.js'))});
      const n = ${n}, d = ${d}, k = ${k};
      const data = new Float64Array(n * d), labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        labels[i] = i % k;
        for (let f = 0; f < d; f++) {
          let h = (i * d + f + 1) >>> 0;
          h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
          data[i * d + f] = 2 * ((5 * labels[i] + 3 * f) % 7) + (h >>> 20) / 1024;
        }
      }
      const started = performance.now();
      const score = silhouetteScore({ data, rows: n, cols: d }, labels);
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(JSON.stringify({ score, seconds, peak: process.resourceUsage().maxRSS * 1024 }));
    `;
    const asan = process.env.ASAN_OPTIONS;
    const env = asan === undefined ? process.env : { ...process.env, ASAN_OPTIONS: `${asan}:quarantine_size_mb=0` };
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env, maxBuffer: 1 << 20 });
    expect(result.stderr).toBe('');
    const outcome = JSON.parse(result.stdout) as { score: number; seconds: number; peak: number };
    expect(outcome.peak).toBeLessThan(rssBound);
    expect(Math.abs(outcome.score - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected));
  });
});
