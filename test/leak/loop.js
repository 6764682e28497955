'use strict';
// Runs the library's stateful paths ITERATIONS times (default 10,000): fit, predict, fitAsync,
// an aborted fitAsync, MiniBatchKMeans.partialFit, a model file round trip. Prints JSON with the
// resident set size after a warm-up and at the end (both after a full GC) and the heap used.
// Run with --expose-gc. Used by scripts/check-leaks.sh, and with fewer iterations under valgrind.
const { KMeans, MiniBatchKMeans, AbortError } = require('../../dist/index.js');

const iterations = Number(process.argv[2] ?? 10_000);
const warmup = Math.min(1000, Math.floor(iterations / 10));

function data(seed, n, d) {
  const values = new Float64Array(n * d);
  let state = seed;
  for (let i = 0; i < values.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    values[i] = (state / 2147483648) * 10 + (i % 3) * 5;
  }
  return { data: values, rows: n, cols: d };
}

function snapshot() {
  global.gc();
  return { rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed };
}

async function once(i) {
  const X = data(i, 300, 4);
  const X32 = { data: Float32Array.from(X.data), rows: X.rows, cols: X.cols };
  const km = new KMeans({ nClusters: 4, seed: i, algorithm: ['lloyd', 'hamerly', 'elkan'][i % 3] }).fit(X);
  km.predict(X32);
  km.transform(X);
  await new KMeans({ nClusters: 3, seed: i }).fitAsync(X32, { onProgress: () => {} });
  const controller = new AbortController();
  const aborted = new KMeans({ nClusters: 5, seed: i, maxIter: 1000, tol: 0 }).fitAsync(X, {
    signal: controller.signal,
  });
  controller.abort();
  await aborted.catch((error) => {
    if (!(error instanceof AbortError)) throw error;
  });
  const mb = new MiniBatchKMeans({ nClusters: 4, seed: i, batchSize: 64 });
  mb.partialFit(X);
  mb.partialFit(X32);
  KMeans.fromJSON(JSON.stringify(km)).predict(X);
}

(async () => {
  for (let i = 0; i < warmup; i++) await once(i);
  const before = snapshot();
  for (let i = warmup; i < iterations; i++) await once(i);
  const after = snapshot();
  console.log(JSON.stringify({ iterations, warmup, before, after }));
})();
