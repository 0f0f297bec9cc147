import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startLocalRedis, type LocalRedis } from '../../infra/redis/local-redis.js';

const run = promisify(execFile);

export interface LocalRedisCluster {
  /** A cluster-mode REDIS_URL naming every node as a seed: `redis://127.0.0.1:P1,127.0.0.1:P2,…`. */
  url: string;
  ports: number[];
  /** Stops every node and removes their directories. */
  stop(): Promise<void>;
}

/**
 * A private Redis Cluster of `masters` nodes (no replicas) on loopback, each a redis-server child with
 * `--cluster-enabled yes` in its own temp directory, joined with `redis-cli --cluster create`. Resolves once every node
 * reports `cluster_state:ok`.
 */
export async function startLocalRedisCluster(masters = 3): Promise<LocalRedisCluster> {
  const nodes: LocalRedis[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      // Each node has its own --dir, so the cluster config file name can be the same.
      nodes.push(await startLocalRedis({ extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000'] }));
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    await Promise.all(nodes.map((node) => waitForClusterOk(node.port)));
  } catch (error) {
    await Promise.all(nodes.map((node) => node.stop()));
    throw error;
  }
  return {
    url: `redis://${nodes.map((node) => `127.0.0.1:${node.port}`).join(',')}`,
    ports: nodes.map((node) => node.port),
    stop: async () => {
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
}

async function waitForClusterOk(port: number, timeoutMs = 20_000): Promise<void> {
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = (await redis.call('CLUSTER', 'INFO')) as string;
      if (info.includes('cluster_state:ok')) return;
      if (Date.now() > deadline) throw new Error(`cluster node on port ${port} not ok within ${timeoutMs} ms: ${info.split('\n')[0] ?? ''}`);
      await sleep(100);
    }
  } finally {
    redis.disconnect();
  }
}
