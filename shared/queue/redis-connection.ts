import { Redis } from 'ioredis';

/**
 * A connection suitable for BullMQ workers and s2d's own keys: `maxRetriesPerRequest: null` so blocking commands
 * survive reconnects instead of failing the job. ioredis keeps reconnecting on its own; `onError` hears each
 * failure (without a listener ioredis prints every one as an unhandled error).
 */
export function createRedisConnection(url: string, onError: (error: Error) => void): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
  redis.on('error', onError);
  return redis;
}
