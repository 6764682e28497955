// Types of clickhouse-cluster.js, for the tests.
import type { ChildProcess } from 'node:child_process';

export const clusterName: string;

export interface ClusterServer {
  httpPort: number;
  tcpPort: number;
  url: string;
  process: ChildProcess;
}

export interface Cluster {
  servers: ClusterServer[];
  /** Ends a server now (SIGKILL), as a crash would. */
  kill(index: number): void;
  stop(): Promise<void>;
}

export function findOrInstallServer(): string[] | undefined;
export function startCluster(
  command: string[],
  shards?: number,
  profile?: Record<string, string | number>,
): Promise<Cluster>;
