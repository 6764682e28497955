// A throwaway ClickHouse cluster for the tests: `shards` clickhouse-server processes on free
// loopback ports, each with its own data and tmp folders under one temp folder, and a
// remote_servers entry `kmeans` that names them all as one shard each (the TCP ports carry the
// Distributed queries between them, the HTTP ports @clickhouse/client's). stop() ends what
// start made, and so does the process's exit. The config works with 18.16 (Debian 12's
// package) and with current releases.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { type ClickHouseClient, clickhouseConnect } from '../../src/clickhouse';

export const clusterName = 'kmeans';

export interface ClickHouseServer {
  httpPort: number;
  tcpPort: number;
  url: string;
  process: ChildProcess;
  client: ClickHouseClient;
}

export interface ClickHouseCluster {
  servers: ClickHouseServer[];
  /** Ends a server now (SIGKILL), as a crash would. */
  kill(index: number): void;
  stop(): Promise<void>;
}

/** The server's command: clickhouse-server, or the single `clickhouse` binary of current releases. */
function serverCommand(): string[] | undefined {
  const found = (name: string) => {
    for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/bin']) {
      const file = path.join(dir, name);
      if (dir && fs.existsSync(file)) return file;
    }
    return undefined;
  };
  const server = found('clickhouse-server');
  if (server) return [server];
  const single = found('clickhouse');
  return single ? [single, 'server'] : undefined;
}

/** The server's command, installing Debian's package first when it is missing and apt can. */
export function findOrInstallServer(): string[] | undefined {
  const command = serverCommand();
  if (command || process.platform !== 'linux' || process.getuid?.() !== 0) return command;
  spawnSync('apt-get', ['install', '-y', 'clickhouse-server'], { stdio: 'ignore', timeout: 300_000 });
  return serverCommand();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const usersXml = (profile: Record<string, string | number>) => `<yandex>
  <profiles><default>${Object.entries(profile)
    .map(([name, value]) => `<${name}>${value}</${name}>`)
    .join('')}</default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`;

function configXml(folder: string, httpPort: number, tcpPort: number, shardPorts: number[]): string {
  const shards = shardPorts
    .map((port) => `<shard><replica><host>127.0.0.1</host><port>${port}</port></replica></shard>`)
    .join('');
  return `<yandex>
  <logger><level>warning</level><log>${folder}/server.log</log><errorlog>${folder}/error.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <path>${folder}/data/</path>
  <tmp_path>${folder}/tmp/</tmp_path>
  <user_files_path>${folder}/user_files/</user_files_path>
  <format_schema_path>${folder}/format_schemas/</format_schema_path>
  <users_config>${folder}/../users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>67108864</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <remote_servers><${clusterName}>${shards}</${clusterName}></remote_servers>
</yandex>
`;
}

async function waitForPing(url: string, child: ChildProcess, folder: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${url}/ping`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const log = path.join(folder, 'error.log');
  const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : '';
  throw new Error(`clickhouse-server did not start at ${url} (exit code ${child.exitCode}): ${tail}`);
}

/**
 * Starts `shards` servers as one cluster, their default profile holding `profile`'s settings;
 * rejects (after stopping what started) if one fails.
 */
export async function startCluster(
  command: string[],
  shards = 2,
  profile: Record<string, string | number> = {},
): Promise<ClickHouseCluster> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmeans-clickhouse-'));
  fs.writeFileSync(path.join(root, 'users.xml'), usersXml(profile));
  const ports: Array<{ httpPort: number; tcpPort: number }> = [];
  const taken = new Set<number>();
  while (ports.length < shards) {
    const httpPort = await freePort();
    const tcpPort = await freePort();
    if (httpPort === tcpPort || taken.has(httpPort) || taken.has(tcpPort)) continue;
    taken.add(httpPort).add(tcpPort);
    ports.push({ httpPort, tcpPort });
  }
  const servers: ClickHouseServer[] = [];
  const children: ChildProcess[] = [];
  const onExit = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.on('exit', onExit);
  const stop = async () => {
    process.off('exit', onExit);
    await Promise.all(servers.map((server) => server.client.close().catch(() => undefined)));
    await Promise.all(children.map((child) => ended(child)));
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    for (const [index, { httpPort, tcpPort }] of ports.entries()) {
      const folder = path.join(root, `shard${index + 1}`);
      for (const dir of ['data', 'tmp', 'user_files', 'format_schemas'])
        fs.mkdirSync(path.join(folder, dir), { recursive: true });
      const config = path.join(folder, 'config.xml');
      fs.writeFileSync(
        config,
        configXml(
          folder,
          httpPort,
          tcpPort,
          ports.map((p) => p.tcpPort),
        ),
      );
      const child = spawn(command[0]!, [...command.slice(1), `--config-file=${config}`], {
        cwd: folder,
        stdio: 'ignore',
      });
      children.push(child);
      const url = `http://127.0.0.1:${httpPort}`;
      await waitForPing(url, child, folder);
      const client = await clickhouseConnect({ url, log: { level: 127 } });
      servers.push({ httpPort, tcpPort, url, process: child, client });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    servers,
    kill: (index) => servers[index]!.process.kill('SIGKILL'),
    stop,
  };
}

/** Ends a server: SIGTERM, then SIGKILL after 10 s. */
async function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
