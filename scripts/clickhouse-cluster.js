'use strict';
// A throwaway ClickHouse cluster for the tests and the bench: `shards` clickhouse-server
// processes on free loopback ports, each with its own data and tmp folders under one temp
// folder, and a remote_servers entry `kmeans` that names them all as one shard each (the TCP
// ports carry the Distributed queries between them, the HTTP ports the clients'). stop() ends
// what start made, and so does the process's exit. The config works with 18.16 (Debian 12's
// package) and with current releases.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const clusterName = 'kmeans';

/** The server's command: clickhouse-server, or the single `clickhouse` binary of current releases. */
function serverCommand() {
  const found = (name) => {
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
function findOrInstallServer() {
  const command = serverCommand();
  if (command || process.platform !== 'linux' || process.getuid?.() !== 0) return command;
  spawnSync('apt-get', ['install', '-y', 'clickhouse-server'], { stdio: 'ignore', timeout: 300_000 });
  return serverCommand();
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function usersXml(profile) {
  const settings = Object.entries(profile)
    .map(([name, value]) => `<${name}>${value}</${name}>`)
    .join('');
  return `<yandex>
  <profiles><default>${settings}</default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`;
}

function configXml(folder, httpPort, tcpPort, shardPorts) {
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

async function waitForPing(url, child, folder) {
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

/** Ends a server: SIGTERM, then SIGKILL after 10 s. */
async function ended(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts `shards` servers as one cluster, their default profile holding `profile`'s settings;
 * rejects (after stopping what started) if one fails.
 */
async function startCluster(command, shards = 2, profile = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmeans-clickhouse-'));
  fs.writeFileSync(path.join(root, 'users.xml'), usersXml(profile));
  const ports = [];
  const taken = new Set();
  while (ports.length < shards) {
    const httpPort = await freePort();
    const tcpPort = await freePort();
    if (httpPort === tcpPort || taken.has(httpPort) || taken.has(tcpPort)) continue;
    taken.add(httpPort).add(tcpPort);
    ports.push({ httpPort, tcpPort });
  }
  const servers = [];
  const onExit = () => {
    for (const { process: child } of servers) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.on('exit', onExit);
  const stop = async () => {
    process.off('exit', onExit);
    await Promise.all(servers.map((server) => ended(server.process)));
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    for (const [index, { httpPort, tcpPort }] of ports.entries()) {
      const folder = path.join(root, `shard${index + 1}`);
      for (const dir of ['data', 'tmp', 'user_files', 'format_schemas']) {
        fs.mkdirSync(path.join(folder, dir), { recursive: true });
      }
      const config = path.join(folder, 'config.xml');
      const shardPorts = ports.map((entry) => entry.tcpPort);
      fs.writeFileSync(config, configXml(folder, httpPort, tcpPort, shardPorts));
      const child = spawn(command[0], [...command.slice(1), `--config-file=${config}`], {
        cwd: folder,
        stdio: 'ignore',
      });
      const url = `http://127.0.0.1:${httpPort}`;
      servers.push({ httpPort, tcpPort, url, process: child });
      await waitForPing(url, child, folder);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { servers, kill: (index) => servers[index].process.kill('SIGKILL'), stop };
}

module.exports = { clusterName, findOrInstallServer, startCluster };
