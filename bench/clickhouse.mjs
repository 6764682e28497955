// Beyond one machine: the time of one k-means iteration run inside ClickHouse (clickhouseSource's
// assignment pass, one aggregate query) on one server and over a Distributed table of two,
// against an iteration of fit on the same rows in memory, and against pulling the rows into
// Node once. The servers are started here (scripts/clickhouse-cluster.js) on loopback ports:
// on one machine the two shards share its cores, so the two-shard figure shows the cost of the
// distribution, not its gain. Usage:
//   node bench/clickhouse.mjs [--rows 500000] [--cols 8] [--k 8] [--repeats 5]
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { KMeans } from '../dist/index.mjs';
import { clickhouseConnect, clickhouseSource } from '../dist/clickhouse.mjs';

const require = createRequire(import.meta.url);
const { clusterName, findOrInstallServer, startCluster } = require('../scripts/clickhouse-cluster.js');

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '500000' },
    cols: { type: 'string', default: '8' },
    k: { type: 'string', default: '8' },
    repeats: { type: 'string', default: '5' },
  },
});
const [rows, cols, k, repeats] = ['rows', 'cols', 'k', 'repeats'].map((name) => Number(values[name]));
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function timed(run) {
  const times = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return median(times);
}

// Blobs: row i in group i*7 mod k (center 3·group in every coordinate), offset by an integer
// hash of (i, j) scaled into [-4, 4): the same float64 values in ClickHouse and here.
const value = (i, j) => (((i * 7919 + j * 104729) % 10007) / 10007) * 8 - 4 + ((i * 7) % k) * 3;
const columnSql = (j) => `((number * 7919 + ${j * 104729}) % 10007) / 10007 * 8 - 4 + ((number * 7) % ${k}) * 3`;
const names = Array.from({ length: cols }, (_, j) => `x${j}`);

const command = findOrInstallServer();
if (!command) throw new Error('clickhouse-server is not installed (apt-get install clickhouse-server)');
const cluster = await startCluster(command, 2);
const clients = await Promise.all(cluster.servers.map(({ url }) => clickhouseConnect({ url, log: { level: 127 } })));
try {
  const schema = `(${names.map((name) => `${name} Float64`).join(', ')}) ENGINE = MergeTree ORDER BY tuple()`;
  const select = (where) => `SELECT ${names.map((_, j) => columnSql(j)).join(', ')} FROM numbers(${rows}) ${where}`;
  // All the rows on the first server; half of them on each for the Distributed table.
  await clients[0].command({ query: `CREATE TABLE one_server ${schema}` });
  await clients[0].command({ query: `INSERT INTO one_server ${select('')}` });
  for (const [s, client] of clients.entries()) {
    await client.command({ query: `CREATE TABLE half ${schema}` });
    await client.command({ query: `INSERT INTO half ${select(`WHERE number % 2 = ${s}`)}` });
    await client.command({
      query: `CREATE TABLE two_shards AS half ENGINE = Distributed(${clusterName}, default, half)`,
    });
  }

  const X = { data: new Float64Array(rows * cols), rows, cols };
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) X.data[i * cols + j] = value(i, j);
  const init = { data: X.data.slice(0, k * cols), rows: k, cols };
  const centers = Float64Array.from(init.data);
  console.log(`${rows} rows × ${cols} float64 columns, k = ${k}; median of ${repeats}`);

  // One iteration in memory: fit with maxIter 1 (one pass, the update, the final assign pass) / 2.
  const memoryMs = await timed(() => new KMeans({ nClusters: k, init, maxIter: 1, algorithm: 'lloyd' }).fit(X));
  console.log(`in memory (fit, Lloyd):            ${(memoryMs / 2).toFixed(1)} ms per iteration`);
  for (const table of ['one_server', 'two_shards']) {
    const source = clickhouseSource({ client: clients[0], table, columns: names });
    const ms = await timed(() => source.pushdown.assignPass(centers, k));
    console.log(`in ClickHouse, ${table.padEnd(10)}:        ${ms.toFixed(1)} ms per iteration`);
  }
  const pullMs = await timed(async () => {
    const result = await clients[0].query({
      query: `SELECT ${names.join(', ')} FROM two_shards`,
      format: 'JSONCompact',
    });
    await result.json();
  });
  console.log(`pulling the rows into Node once:   ${pullMs.toFixed(1)} ms (JSONCompact over HTTP)`);
  const model = await new KMeans({ nClusters: k, init }).fitSource(
    clickhouseSource({ client: clients[0], table: 'two_shards', columns: names }),
  );
  const inMemory = new KMeans({ nClusters: k, init }).fit(X);
  console.log(
    `fitSource over two shards: ${model.nIter} iterations (fit: ${inMemory.nIter}), inertia ${model.inertia.toPrecision(10)} (fit: ${inMemory.inertia.toPrecision(10)})`,
  );
} finally {
  await Promise.all(clients.map((client) => client.close()));
  await cluster.stop();
}
