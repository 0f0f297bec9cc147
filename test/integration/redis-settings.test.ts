import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnWorkerProcess } from '../../cli/spawn-worker-process.js';
import { startLocalRedis, type LocalRedis } from '../../infra/redis/local-redis.js';
import { checkRedisSettings } from '../../shared/queue/check-redis-settings.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';
import { workerEnv } from '../helpers/worker-env.js';

describe('Redis production settings check (real redis-server processes)', () => {
  const started: LocalRedis[] = [];
  const clients: Redis[] = [];
  const connect = async (options: Parameters<typeof startLocalRedis>[0]): Promise<{ server: LocalRedis; redis: Redis }> => {
    const server = await startLocalRedis(options);
    started.push(server);
    const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
    clients.push(redis);
    return { server, redis };
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => undefined)));
    await Promise.all(started.splice(0).map((s) => s.stop()));
  });

  it('warns once for an evicting policy and once for no persistence', async () => {
    const { redis } = await connect({ maxmemoryPolicy: 'allkeys-lru' });
    const warnings = await checkRedisSettings(redis);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^Redis maxmemory-policy is "allkeys-lru", not "noeviction": .*jobs are lost/);
    expect(warnings[1]).toMatch(/^Redis persistence is off .*set appendonly yes/);
  });

  it('is quiet for noeviction with AOF, and warns only about persistence without it', async () => {
    expect(await checkRedisSettings((await connect({ persistence: true })).redis)).toEqual([]);
    expect(await checkRedisSettings((await connect({})).redis)).toEqual([expect.stringMatching(/^Redis persistence is off/) as unknown]);
    expect(await checkRedisSettings((await connect({ extraArgs: ['--save', '3600 1'] })).redis)).toEqual([]);
  });

  it('tolerates a Redis whose CONFIG command is disabled (managed Redis) with one warning', async () => {
    const { redis } = await connect({ extraArgs: ['--rename-command', 'CONFIG', ''] });
    expect(await checkRedisSettings(redis)).toEqual([expect.stringMatching(/^could not check the Redis settings \(CONFIG GET refused: .*\); make sure maxmemory-policy is noeviction/) as unknown]);
  });

  it('a worker process started against a wrongly configured Redis logs the warnings', async () => {
    const { server } = await connect({ maxmemoryPolicy: 'volatile-lru' });
    const worker = spawnWorkerProcess(workerEnv(server.url, isolatedPrefix('redis-check')));
    try {
      // Both warnings are logged one after the other; under load the second can reach stderr a moment later.
      while (!worker.stderrTail().includes(String.raw`maxmemory-policy is \"volatile-lru\"`) || !worker.stderrTail().includes('Redis persistence is off')) {
        if (worker.child.exitCode !== null) throw new Error(`worker exited: ${worker.stderrTail()}`);
        await sleep(50);
      }
      expect(worker.stderrTail()).toMatch(/"level":40.*Redis persistence is off/);
    } finally {
      expect(await worker.stop(5_000)).toBe(0);
    }
  });
});
