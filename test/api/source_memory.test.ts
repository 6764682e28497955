// fitSource over 20 million rows × 16 float32 (1.28 GB, never held whole): a generator makes the
// rows afresh on every pass, in chunks of 65,536 rows in one reused buffer. The fit's peak
// resident size stays within a stated bound far below the data's size, and its result is then
// checked against fit on the same rows held in memory.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

/** The bound on the fitting process's peak resident size (Node itself takes about 60 MB). */
const rssBound = 320 * 2 ** 20;

describe('fitSource on data larger than the memory it may use', () => {
  it('fits 20M × 16 float32 rows exactly within the bound', { timeout: 600_000 }, () => {
    const script = `
      const { KMeans, chunkSource } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'index.js'))});
      const rows = 20_000_000, cols = 16, chunkRows = 65_536, k = 8;
      // Eight blobs with a deterministic spread: the value of (row, column).
      const fill = (out, first, count) => {
        for (let r = 0; r < count; r++) {
          const i = first + r;
          let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b);
          for (let c = 0; c < cols; c++) {
            h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
            out[r * cols + c] = (i % k) * 4 + ((h >>> 8) / 16777216) * 3;
          }
        }
      };
      const buffer = new Float32Array(chunkRows * cols);
      const source = chunkSource(function* () {
        for (let first = 0; first < rows; first += chunkRows) {
          const count = Math.min(chunkRows, rows - first);
          fill(buffer, first, count);
          yield { data: buffer.subarray(0, count * cols), rows: count, cols };
        }
      });
      const init = new Float32Array(k * cols);
      fill(init, 0, k);
      const options = { nClusters: k, init: { data: init, rows: k, cols }, maxIter: 3, tol: 0 };
      (async () => {
        const model = await new KMeans(options).fitSource(source);
        const peak = process.resourceUsage().maxRSS * 1024;
        const all = new Float32Array(rows * cols);
        fill(all, 0, rows);
        const reference = new KMeans({ ...options, algorithm: 'lloyd' }).fit({ data: all, rows, cols });
        const same = model.clusterCenters.data.every((value, i) => Object.is(value, reference.clusterCenters.data[i]));
        process.stdout.write(JSON.stringify({ peak, same, inertia: [model.inertia, reference.inertia], nIter: [model.nIter, reference.nIter] }));
      })().catch((error) => { process.stderr.write(String(error && error.stack)); process.exitCode = 1; });
    `;
    const asan = process.env.ASAN_OPTIONS;
    const env = asan === undefined ? process.env : { ...process.env, ASAN_OPTIONS: `${asan}:quarantine_size_mb=0` };
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env, maxBuffer: 1 << 20 });
    expect(result.stderr).toBe('');
    const outcome = JSON.parse(result.stdout) as { peak: number; same: boolean; inertia: number[]; nIter: number[] };
    expect(outcome.peak).toBeLessThan(rssBound);
    expect(outcome.same).toBe(true);
    expect(outcome.inertia[0]).toBe(outcome.inertia[1]);
    expect(outcome.nIter[0]).toBe(outcome.nIter[1]);
  });
});
