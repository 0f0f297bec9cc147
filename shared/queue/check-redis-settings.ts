import type { Redis } from 'ioredis';
import { isCluster, type RedisConnection } from './redis-connection.js';

/**
 * Checks the two Redis settings production depends on and returns one warning per problem (empty when all is well):
 * `maxmemory-policy` must be `noeviction` — under any other policy Redis evicts BullMQ's keys under memory pressure
 * and jobs vanish — and persistence (AOF or RDB snapshots) must be on, or a Redis restart loses every run in flight.
 * Managed Redis often disables CONFIG; that is one warning saying what to verify by hand, never a failure.
 * On a Redis Cluster every master is checked (each holds part of the keys), and a warning names its node.
 */
export async function checkRedisSettings(redis: RedisConnection): Promise<string[]> {
  if (!isCluster(redis)) return checkNode(redis);
  // The masters are known once the cluster client has read the slot map: a first command waits for that.
  await redis.ping();
  const perNode = await Promise.all(
    redis.nodes('master').map(async (node) => (await checkNode(node)).map((warning) => `${node.options.host ?? '?'}:${node.options.port ?? '?'}: ${warning}`)),
  );
  return perNode.flat();
}

async function checkNode(redis: Redis): Promise<string[]> {
  let policy: string | undefined;
  let appendonly: string | undefined;
  let save: string | undefined;
  try {
    policy = await configGet(redis, 'maxmemory-policy');
    appendonly = await configGet(redis, 'appendonly');
    save = await configGet(redis, 'save');
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return [
      `could not check the Redis settings (CONFIG GET refused: ${why}); make sure maxmemory-policy is noeviction and persistence (AOF or RDB) is on`,
    ];
  }
  const warnings: string[] = [];
  if (policy !== undefined && policy !== 'noeviction') {
    warnings.push(
      `Redis maxmemory-policy is "${policy}", not "noeviction": when memory runs short Redis evicts queue keys and jobs are lost; set maxmemory-policy noeviction`,
    );
  }
  if (appendonly !== 'yes' && (save === undefined || save.trim() === '')) {
    warnings.push('Redis persistence is off (appendonly no, no save points): a Redis restart loses every run in flight; set appendonly yes (or RDB save points)');
  }
  return warnings;
}

async function configGet(redis: Redis, name: string): Promise<string | undefined> {
  // CONFIG GET answers [name, value] (or [] for an unknown name).
  const reply = (await redis.call('CONFIG', 'GET', name)) as string[];
  return reply[1];
}
