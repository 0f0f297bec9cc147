import { Redis } from 'ioredis';

/**
 * A connection suitable for BullMQ workers and s2d's own keys: `maxRetriesPerRequest: null` so blocking commands
 * survive reconnects instead of failing the job.
 */
export function createRedisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}
