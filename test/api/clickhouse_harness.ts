// The tests' ClickHouse cluster: scripts/clickhouse-cluster.js's servers (two shards of one
// cluster on loopback ports), each with a @clickhouse/client client; stop() closes the clients
// and ends the servers.
import { type ClickHouseClient, clickhouseConnect } from '../../src/clickhouse';
import { type Cluster, type ClusterServer, startCluster } from '../../scripts/clickhouse-cluster';

export { clusterName, findOrInstallServer } from '../../scripts/clickhouse-cluster';

export interface ClickHouseServer extends ClusterServer {
  client: ClickHouseClient;
}

export interface ClickHouseCluster extends Omit<Cluster, 'servers'> {
  servers: ClickHouseServer[];
}

export async function startTestCluster(
  command: string[],
  shards = 2,
  profile: Record<string, string | number> = {},
): Promise<ClickHouseCluster> {
  const cluster = await startCluster(command, shards, profile);
  const servers: ClickHouseServer[] = [];
  for (const server of cluster.servers) {
    // Errors are the tests' to check: the client logs none.
    servers.push({ ...server, client: await clickhouseConnect({ url: server.url, log: { level: 127 } }) });
  }
  return {
    servers,
    kill: cluster.kill,
    async stop() {
      await Promise.all(servers.map((server) => server.client.close().catch(() => undefined)));
      await cluster.stop();
    },
  };
}
