// The addon is context-aware: it loads and works in worker threads, in several at once, while
// the main thread fits too, and every one of them gets the same result.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

const entry = path.join(__dirname, '..', '..', 'dist', 'index.js');

// Each worker (and the main thread) fits the same generated data, sync and async.
const job = `
const { KMeans, MiniBatchKMeans } = require(${JSON.stringify(entry)});
async function run(seed) {
  const n = 20000, d = 8;
  const data = new Float64Array(n * d);
  let state = 12345;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    data[i] = (state / 2147483648) * 10 + (Math.floor(i / d) % 5) * 20;
  }
  const X = { data, rows: n, cols: d };
  const sync = new KMeans({ nClusters: 5, seed }).fit(X);
  const async = await new KMeans({ nClusters: 5, seed }).fitAsync(X);
  const mini = new MiniBatchKMeans({ nClusters: 5, seed }).fit(X);
  return { inertia: sync.inertia, asyncInertia: async.inertia, centers: Array.from(sync.clusterCenters.data), mini: mini.inertia };
}
`;

function inWorker(seed: number): Promise<unknown> {
  const source = `${job}
const { parentPort, workerData } = require('node:worker_threads');
run(workerData).then((result) => parentPort.postMessage(result));`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: seed });
    worker.once('message', (message) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

describe('worker threads', () => {
  it('several workers and the main thread fit at the same time, with identical results', async () => {
    const main = new Function('require', `${job}; return run;`)(require) as (seed: number) => Promise<unknown>;
    const [here, ...workers] = await Promise.all([main(7), inWorker(7), inWorker(7), inWorker(7)]);
    for (const result of workers) expect(result).toEqual(here);
    expect((here as { inertia: number }).inertia).toBe((here as { asyncInertia: number }).asyncInertia);
  }, 60_000);

  it('a worker can load the addon again after another one exited', async () => {
    const first = await inWorker(3);
    const second = await inWorker(3);
    expect(second).toEqual(first);
  }, 60_000);
});
