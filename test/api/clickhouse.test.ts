// kmeans-native/clickhouse against a real two-shard cluster (clickhouse_harness.ts): fitSource
// over a Distributed table agrees with fit on the same rows from the same initial centers
// (centers and inertia within 1e-9 relative in float64, 1e-5 in float32, equal iteration counts
// and labels), with a weight column, a vector column and a filter; unknown tables and columns,
// non-numeric columns, NULLs and injection attempts reject with typed errors and leave the model
// as it was; an abort cancels the running query; a server killed mid-fit rejects the fit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KMeans, KMeansError } from '../../src/index';
import { type ClickHouseClient, clickhouseLabelExpression, clickhouseSource } from '../../src/clickhouse';
import { explicitTermsLimit, floatLiteral } from '../../src/clickhouse_sql';
import { type ClickHouseCluster, clusterName, findOrInstallServer, startTestCluster } from './clickhouse_harness';

const command = findOrInstallServer();
if (!command) console.warn('clickhouse-server is not installed (apt-get install clickhouse-server): skipping');

const n = 3000;
const d = 3;
const k = 4;

/** Four blobs in 3 dimensions, away from the origin, from a fixed LCG. */
function makeRows(): { rows: number[][]; weights: number[] } {
  let state = 12345;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const blobs = [
    [10, 20, 30],
    [-15, 5, 12],
    [30, -10, 4],
    [-8, -25, -20],
  ];
  const rows: number[][] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    const blob = blobs[i % 4]!;
    rows.push(blob.map((center) => center + (next() + next() + next() - 1.5) * 12));
    weights.push(0.5 + Math.floor(next() * 4));
  }
  return { rows, weights };
}

const { rows, weights } = makeRows();
const init = { data: Float64Array.from([0, 0, 0, 10, 10, 10, -10, 0, 10, 20, -20, 0]), rows: k, cols: d };

let cluster: ClickHouseCluster;
let client: ClickHouseClient;

async function onEveryServer(sql: string): Promise<void> {
  for (const server of cluster.servers) await server.client.command({ query: sql });
}

async function queryRows(sql: string): Promise<unknown[][]> {
  const result = await client.query({ query: sql, format: 'JSONCompact' });
  return ((await result.json()) as { data: unknown[][] }).data;
}

beforeAll(async () => {
  if (!command) return;
  // Small blocks: a cancelled query stops within one block (sleepEachRow sleeps a block at a time).
  cluster = await startTestCluster(command, 2, { max_block_size: 100 });
  client = cluster.servers[0]!.client;
  await onEveryServer(
    'CREATE TABLE points_local (id UInt32, x0 Float64, x1 Float64, x2 Float64, w Float64, ' +
      'v Array(Float32), label String, maybe Nullable(Float64)) ENGINE = MergeTree ORDER BY id',
  );
  await onEveryServer(
    `CREATE TABLE points AS points_local ENGINE = Distributed(${clusterName}, default, points_local)`,
  );
  // Every other row on each shard.
  for (const [s, server] of cluster.servers.entries()) {
    const values = [];
    for (let i = s; i < n; i += cluster.servers.length) {
      const [x0, x1, x2] = rows[i]!;
      values.push({ id: i, x0, x1, x2, w: weights[i], v: rows[i], label: `r${i}`, maybe: i === 7 ? null : x0 });
    }
    await server.client.insert({ table: 'points_local', values, format: 'JSONEachRow' });
  }
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 0;
  let error = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    error = Math.max(error, Math.abs(actual[i]! - expected[i]!));
  }
  return error / scale;
}

function expectCode(error: unknown, code: string): void {
  expect(error).toBeInstanceOf(KMeansError);
  expect((error as KMeansError).code).toBe(code);
}

describe.skipIf(!command)('clickhouseSource over a Distributed table of two shards', () => {
  it('the cluster holds the rows on both shards', async () => {
    const [[total]] = (await queryRows('SELECT count() FROM points')) as [[string]];
    expect(Number(total)).toBe(n);
    for (const server of cluster.servers) {
      const result = await server.client.query({ query: 'SELECT count() FROM points_local', format: 'JSONCompact' });
      expect(Number(((await result.json()) as { data: [[string]] }).data[0][0])).toBe(n / 2);
    }
  });

  it('the server reads the literals of the centers as the same float64 values', async () => {
    const values = Float64Array.from([0.1, 1 / 3, -0, 1e21, 1e-7, 1.7976931348623157e308, 5e-324, -1e-310, 123456.789]);
    const values2 = Float64Array.from([...values, ...values.map((value) => -value * 0.7)]);
    const [[back]] = (await queryRows(`SELECT [${Array.from(values2, floatLiteral).join(', ')}]`)) as [[number[]]];
    expect(Float64Array.from(back)).toEqual(values2);
  });

  it('fits as fit does from the same initial centers (float64 columns)', async () => {
    const memory = new KMeans({ nClusters: k, init }).fit(rows);
    const progress: number[] = [];
    const pushed = await new KMeans({ nClusters: k, init }).fitSource(
      clickhouseSource({ client, table: 'points', columns: ['x0', 'x1', 'x2'] }),
      { onProgress: ({ iteration }) => progress.push(iteration) },
    );
    expect(pushed.nIter).toBe(memory.nIter);
    expect(pushed.converged).toBe(memory.converged);
    expect(relativeError(pushed.clusterCenters.data, memory.clusterCenters.data)).toBeLessThan(1e-9);
    expect(Math.abs(pushed.inertia - memory.inertia) / memory.inertia).toBeLessThan(1e-9);
    expect(pushed.predict(rows)).toEqual(memory.labels);
    expect(progress).toEqual(Array.from({ length: memory.nIter }, (_, i) => i + 1));
    expect(pushed.history.inertia.length).toBe(memory.nIter);
    expect(relativeError(pushed.history.inertia, memory.history.inertia)).toBeLessThan(1e-9);
  });

  it('with a weight column and a filter', async () => {
    const kept = rows.map((_, i) => i).filter((i) => rows[i]![0]! > -20);
    const X = kept.map((i) => rows[i]!);
    const sampleWeight = kept.map((i) => weights[i]!);
    const memory = new KMeans({ nClusters: k, init }).fit(X, { sampleWeight });
    const pushed = await new KMeans({ nClusters: k, init }).fitSource(
      clickhouseSource({
        client,
        table: 'default.points',
        columns: ['x0', 'x1', 'x2'],
        weight: 'w',
        where: 'x0 > -20',
      }),
    );
    expect(pushed.nIter).toBe(memory.nIter);
    expect(relativeError(pushed.clusterCenters.data, memory.clusterCenters.data)).toBeLessThan(1e-9);
    expect(Math.abs(pushed.inertia - memory.inertia) / memory.inertia).toBeLessThan(1e-9);
    expect(pushed.predict(X)).toEqual(memory.labels);
  });

  it('a vector column of Float32 fits as fit on float32 rows', async () => {
    const data = Float32Array.from(rows.flat());
    const X = { data, rows: n, cols: d };
    const init32 = { data: Float32Array.from(init.data), rows: k, cols: d };
    const memory = new KMeans({ nClusters: k, init: init32 }).fit(X, { sampleWeight: weights });
    const pushed = await new KMeans({ nClusters: k, init: init32 }).fitSource(
      clickhouseSource({ client, table: 'points', vector: 'v', weight: 'w' }),
    );
    expect(pushed.clusterCenters.data).toBeInstanceOf(Float32Array);
    expect(pushed.nIter).toBe(memory.nIter);
    expect(relativeError(pushed.clusterCenters.data, memory.clusterCenters.data)).toBeLessThan(1e-5);
    expect(Math.abs(pushed.inertia - memory.inertia) / memory.inertia).toBeLessThan(1e-5);
    expect(pushed.predict(X)).toEqual(memory.labels);
  });

  it('an empty cluster takes the farthest row, as fit does', async () => {
    const far = { data: Float64Array.from([...init.data.subarray(0, 9), 1000, 1000, 1000]), rows: k, cols: d };
    const memory = new KMeans({ nClusters: k, init: far }).fit(rows);
    const pushed = await new KMeans({ nClusters: k, init: far }).fitSource(
      clickhouseSource({ client, table: 'points', columns: ['x0', 'x1', 'x2'] }),
    );
    expect(memory.history.relocated[0]).toBe(1);
    expect(pushed.history.relocated[0]).toBe(1);
    expect(pushed.nIter).toBe(memory.nIter);
    expect(relativeError(pushed.clusterCenters.data, memory.clusterCenters.data)).toBeLessThan(1e-9);
  });

  it('many centers (k·d beyond the explicit terms): the same fit, the same labels in the cluster', async () => {
    const many = 200;
    expect(many * d).toBeGreaterThan(explicitTermsLimit);
    const start = { data: Float64Array.from(rows.slice(0, many).flat()), rows: many, cols: d };
    const memory = new KMeans({ nClusters: many, init: start, maxIter: 4 }).fit(rows);
    const pushed = await new KMeans({ nClusters: many, init: start, maxIter: 4 }).fitSource(
      clickhouseSource({ client, table: 'points', columns: ['x0', 'x1', 'x2'] }),
    );
    expect(pushed.nIter).toBe(memory.nIter);
    expect(relativeError(pushed.clusterCenters.data, memory.clusterCenters.data)).toBeLessThan(1e-9);
    expect(Math.abs(pushed.inertia - memory.inertia) / memory.inertia).toBeLessThan(1e-9);
    const expression = clickhouseLabelExpression(memory, { columns: ['x0', 'x1', 'x2'] });
    const labelled = (await queryRows(`SELECT ${expression} FROM points ORDER BY id`)) as [string][];
    expect(Int32Array.from(labelled, ([label]) => Number(label))).toEqual(memory.labels);
  });

  it('clickhouseLabelExpression labels the rows in the cluster as predict does', async () => {
    const model = new KMeans({ nClusters: k, init }).fit(rows);
    const expression = clickhouseLabelExpression(model, { columns: ['x0', 'x1', 'x2'] });
    const labelled = (await queryRows(`SELECT id, ${expression} FROM points ORDER BY id`)) as [number, string][];
    const inCluster = Int32Array.from(labelled, ([, label]) => Number(label));
    expect(inCluster).toEqual(model.labels);
    // Labelling every shard's rows where they are, and reading them back through a Distributed table.
    await onEveryServer('CREATE TABLE labels_local (id UInt32, cluster UInt32) ENGINE = MergeTree ORDER BY id');
    await onEveryServer(
      `CREATE TABLE labels AS labels_local ENGINE = Distributed(${clusterName}, default, labels_local)`,
    );
    await onEveryServer(`INSERT INTO labels_local SELECT id, ${expression} AS cluster FROM points_local`);
    const stored = (await queryRows('SELECT cluster FROM labels ORDER BY id')) as [number][];
    expect(Int32Array.from(stored, ([label]) => label)).toEqual(model.labels);
    // A vector column, and a float32 model.
    const X = { data: Float32Array.from(rows.flat()), rows: n, cols: d };
    const model32 = new KMeans({ nClusters: k, init: { ...init, data: Float32Array.from(init.data) } }).fit(X);
    const vectorExpression = clickhouseLabelExpression(model32, { vector: 'v' });
    const labelled32 = (await queryRows(`SELECT ${vectorExpression} FROM points ORDER BY id`)) as [string][];
    expect(Int32Array.from(labelled32, ([label]) => Number(label))).toEqual(model32.labels);
    expect(() => clickhouseLabelExpression(model, { columns: ['x0', 'x1'] })).toThrow(
      expect.objectContaining({ code: 'ERR_KMEANS_INVALID_OPTION' }) as Error,
    );
    expect(() => clickhouseLabelExpression(model, { columns: ['x0', 'x1', 'x2; DROP TABLE points'] })).toThrow(
      expect.objectContaining({ code: 'ERR_KMEANS_INVALID_OPTION' }) as Error,
    );
  });

  it("init 'k-means||' in the cluster: mean inertia over 10 seeds within 2% of k-means++ in memory", async () => {
    const source = clickhouseSource({ client, table: 'points', columns: ['x0', 'x1', 'x2'] });
    let pushed = 0;
    let memory = 0;
    for (let seed = 0; seed < 10; seed++) {
      const model = await new KMeans({ nClusters: k, init: 'k-means||', seed }).fitSource(source);
      expect(model.clusterCenters.rows).toBe(k);
      pushed += model.inertia / 10;
      memory += new KMeans({ nClusters: k, init: 'k-means++', seed }).fit(rows).inertia / 10;
    }
    expect(Math.abs(pushed - memory) / memory).toBeLessThan(0.02);
    // The same seed, the same centers (within the rounding of the server's sums).
    const again = async () =>
      (await new KMeans({ nClusters: k, init: 'k-means||', seed: 7 }).fitSource(source)).clusterCenters.data;
    expect(relativeError(await again(), await again())).toBeLessThan(1e-9);
  });

  it('init "random" is refused', async () => {
    const source = clickhouseSource({ client, table: 'points', columns: ['x0', 'x1', 'x2'] });
    const error = await new KMeans({ nClusters: k, init: 'random' })
      .fitSource(source)
      .catch((caught: unknown) => caught);
    expectCode(error, 'ERR_KMEANS_INVALID_OPTION');
  });

  describe('errors leave the model as it was', () => {
    async function rejects(options: Parameters<typeof clickhouseSource>[0], code: string): Promise<void> {
      const model = new KMeans({ nClusters: k, init }).fit(rows);
      const centers = model.clusterCenters.data.slice();
      const error = await model.fitSource(clickhouseSource(options)).catch((caught: unknown) => caught);
      expectCode(error, code);
      expect(model.clusterCenters.data).toEqual(centers);
      expect(model.inertia).toBeGreaterThan(0);
    }

    it('an unknown table or column is ERR_KMEANS_SQL', async () => {
      await rejects({ client, table: 'no_such_table', columns: ['x0', 'x1', 'x2'] }, 'ERR_KMEANS_SQL');
      await rejects({ client, table: 'points', columns: ['x0', 'x1', 'nope'] }, 'ERR_KMEANS_SQL');
      await rejects({ client, table: 'points', columns: ['x0', 'x1', 'x2'], weight: 'nope' }, 'ERR_KMEANS_SQL');
    });

    it('a non-numeric column is ERR_KMEANS_INVALID_DATA', async () => {
      await rejects({ client, table: 'points', columns: ['x0', 'x1', 'label'] }, 'ERR_KMEANS_INVALID_DATA');
      await rejects({ client, table: 'points', vector: 'x0' }, 'ERR_KMEANS_INVALID_DATA');
    });

    it('a NULL is ERR_KMEANS_NULL_VALUE', async () => {
      await rejects({ client, table: 'points', columns: ['x0', 'x1', 'maybe'] }, 'ERR_KMEANS_NULL_VALUE');
      // Without the NULL row, the Nullable column fits.
      const model = await new KMeans({ nClusters: k, init }).fitSource(
        clickhouseSource({ client, table: 'points', columns: ['x0', 'x1', 'maybe'], where: 'id != 7' }),
      );
      expect(model.nIter).toBeGreaterThan(0);
    });

    it('no rows is ERR_KMEANS_EMPTY_DATA', async () => {
      await rejects(
        { client, table: 'points', columns: ['x0', 'x1', 'x2'], where: 'id > 1000000' },
        'ERR_KMEANS_EMPTY_DATA',
      );
    });

    it('a bad SQL filter is ERR_KMEANS_SQL', async () => {
      await rejects(
        { client, table: 'points', columns: ['x0', 'x1', 'x2'], where: 'no_such_column > 1' },
        'ERR_KMEANS_SQL',
      );
    });

    it('injection attempts in identifiers are refused before any query', async () => {
      const attempts = [
        'points; DROP TABLE points_local',
        'points`; DROP TABLE points_local; --',
        'x0) FROM system.one --',
        '',
        '1x',
        'a.b.c',
        'x0 ',
      ];
      for (const name of attempts) {
        for (const options of [
          { client, table: name, columns: ['x0'] },
          { client, table: 'points', columns: ['x0', name] },
          { client, table: 'points', vector: name },
          { client, table: 'points', columns: ['x0'], weight: name },
        ]) {
          expect(() => clickhouseSource(options)).toThrow(
            expect.objectContaining({ code: 'ERR_KMEANS_INVALID_OPTION' }) as Error,
          );
        }
      }
      const [[total]] = (await queryRows('SELECT count() FROM points')) as [[string]];
      expect(Number(total)).toBe(n);
    });

    it('bad options are ERR_KMEANS_INVALID_OPTION', () => {
      const bad = [
        { client, table: 'points' },
        { client, table: 'points', columns: ['x0'], vector: 'v' },
        { client, table: 'points', columns: [] },
        { client: {}, table: 'points', columns: ['x0'] },
        { client, table: 'points', columns: ['x0'], where: '' },
        { client, table: 'points', columns: ['x0'], colums: ['x1'] },
      ];
      for (const options of bad) {
        expect(() => clickhouseSource(options as never)).toThrow(
          expect.objectContaining({ code: 'ERR_KMEANS_INVALID_OPTION' }) as Error,
        );
      }
    });
  });

  it('an abort cancels the running query', async () => {
    const controller = new AbortController();
    // Each shard sleeps 2.5 ms per row: a pass takes 3.75 s unless it is cancelled.
    const source = clickhouseSource({
      client,
      table: 'points',
      columns: ['x0', 'x1', 'x2'],
      where: 'sleepEachRow(0.0025) = 0',
    });
    const model = new KMeans({ nClusters: k, init });
    const started = Date.now();
    setTimeout(() => controller.abort(), 300);
    const error = await model.fitSource(source, { signal: controller.signal }).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(() => model.clusterCenters).toThrow(expect.objectContaining({ code: 'ERR_KMEANS_NOT_FITTED' }) as Error);
    // The query is gone from every server (KILL QUERY ends the shards' parts too).
    let running = 1;
    for (let attempt = 0; attempt < 30 && running > 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      running = 0;
      for (const server of cluster.servers) {
        const result = await server.client.query({
          query:
            "SELECT count() FROM system.processes WHERE query LIKE '%sleepEachRow(0.0025)%' AND query NOT LIKE '%system.processes%'",
          format: 'JSONCompact',
        });
        running += Number(((await result.json()) as { data: [[string]] }).data[0][0]);
      }
    }
    expect(running).toBe(0);
    // Well before the 3.75 s a pass would take.
    expect(Date.now() - started).toBeLessThan(2500);
  });

  // Last: the cluster is left with one shard down.
  it('a server killed mid-fit rejects the fit with ERR_KMEANS_SQL', async () => {
    const model = new KMeans({ nClusters: k, init }).fit(rows);
    const centers = model.clusterCenters.data.slice();
    const source = clickhouseSource({
      client,
      table: 'points',
      columns: ['x0', 'x1', 'x2'],
      where: 'sleepEachRow(0.0025) = 0',
    });
    setTimeout(() => cluster.kill(1), 300);
    const error = await model.fitSource(source).catch((caught: unknown) => caught);
    expectCode(error, 'ERR_KMEANS_SQL');
    expect(model.clusterCenters.data).toEqual(centers);
  });
});
