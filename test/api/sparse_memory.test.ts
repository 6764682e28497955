// A sparse fit at the size sparse input is for: 10^6 rows × 10^5 columns with 10^7 entries
// (124 MB as float64 CSR, 800 GB dense), k = 100, k-means++ and two Lloyd iterations, in a child
// process of its own. The bound on its peak resident size: what Node held before the data, plus
// the CSR arrays, plus 7·k·d float64 values (the centers, their transposed copy and the next
// centers, the cluster sums and two blocks' partial sums, the initial centers), plus 64 MB for
// Node's own growth. Under AddressSanitizer the shadow memory (an eighth of what is allocated)
// and its allocator's slack come on top, and are allowed for.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const rows = 1_000_000;
const cols = 100_000;
const perRow = 10;
const k = 100;
const MB = 2 ** 20;

interface Outcome {
  baseline: number;
  csrBytes: number;
  peak: number;
  nIter: number;
  labelsInRange: boolean;
  predictedAgree: number;
  unchanged: boolean;
}

describe('KMeans on a 10^6 × 10^5 CSR matrix', () => {
  it('fits k = 100 within the CSR size plus 7·k·d values', { timeout: 900_000 }, () => {
    // Rows of `perRow` distinct sorted columns, half from the row's topic band; values in [1, 2).
    const script = `
      const { KMeans } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'index.js'))});
      const n = ${rows}, d = ${cols}, perRow = ${perRow}, k = ${k};
      const baseline = process.memoryUsage().rss;
      let state = 0x9e3779b9;
      const next = () => { state ^= state << 13; state ^= state >>> 17; state ^= state << 5; return (state >>> 0) / 4294967296; };
      const indptr = new Int32Array(n + 1), indices = new Int32Array(n * perRow), data = new Float64Array(n * perRow);
      const band = d / k;
      for (let i = 0; i < n; i++) {
        const row = indices.subarray(i * perRow, (i + 1) * perRow);
        let count = 0;
        while (count < perRow) {
          const column = next() < 0.5 ? (i % k) * band + Math.floor(next() * band) : Math.floor(next() * d);
          if (!row.subarray(0, count).includes(column)) row[count++] = column;
        }
        row.sort();
        for (let e = i * perRow; e < (i + 1) * perRow; e++) data[e] = 1 + next();
        indptr[i + 1] = (i + 1) * perRow;
      }
      const checksum = () => {
        let sum = 0;
        for (let e = 0; e < data.length; e++) sum += data[e] * (indices[e] + 1);
        for (let i = 0; i <= n; i++) sum += indptr[i];
        return sum;
      };
      const before = checksum();
      const X = { format: 'csr', indptr, indices, data, rows: n, cols: d };
      const model = new KMeans({ nClusters: k, maxIter: 2, seed: 0 }).fit(X);
      const peak = process.resourceUsage().maxRSS * 1024;
      const predicted = model.predict(X);
      let predictedAgree = 0, labelsInRange = true;
      for (let i = 0; i < n; i++) {
        predictedAgree += predicted[i] === model.labels[i];
        labelsInRange &&= model.labels[i] >= 0 && model.labels[i] < k;
      }
      process.stdout.write(JSON.stringify({
        baseline, csrBytes: indptr.byteLength + indices.byteLength + data.byteLength, peak,
        nIter: model.nIter, labelsInRange, predictedAgree, unchanged: checksum() === before,
      }));
    `;
    const asan = process.env.ASAN_OPTIONS;
    const env = asan === undefined ? process.env : { ...process.env, ASAN_OPTIONS: `${asan}:quarantine_size_mb=0` };
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env, maxBuffer: 1 << 20 });
    expect(result.stderr).toBe('');
    const outcome = JSON.parse(result.stdout) as Outcome;
    const centersBytes = k * cols * 8;
    let bound = outcome.baseline + outcome.csrBytes + 7 * centersBytes + 64 * MB;
    if (asan !== undefined) bound += bound / 8 + 256 * MB;
    expect(outcome.csrBytes).toBe((rows + 1) * 4 + rows * perRow * 12);
    expect(outcome.peak).toBeLessThan(bound);
    expect(outcome.nIter).toBe(2);
    expect(outcome.labelsInRange).toBe(true);
    // The labels are those of the final centers, as predict gives them.
    expect(outcome.predictedAgree).toBe(rows);
    expect(outcome.unchanged).toBe(true);
  });
});
