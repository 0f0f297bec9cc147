import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUES } from '../shared/queue/queue-names.js';
import { queueOptions } from '../shared/queue/queue-options.js';
import { createRedisConnection } from '../shared/queue/redis-connection.js';
import { RunStore } from '../shared/runs/run-store.js';
import { CliError } from './cli-error.js';

/** The producer-side handles on Redis that submit, status and demo share. */
export interface QueueClients {
  redis: Redis;
  runs: RunStore;
  distillQueue: Queue;
  publishQueue: Queue;
  close(): Promise<void>;
}

/** Connects, and fails within `connectTimeoutMs` with one clear line when Redis cannot be reached. */
export async function openQueueClients(redisUrl: string, prefix: string, connectTimeoutMs = 5_000): Promise<QueueClients> {
  let lastError = '';
  const redis = createRedisConnection(redisUrl, (error) => {
    lastError = error.message;
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const why = lastError === '' ? '' : ` (${lastError})`;
      reject(new CliError(`cannot reach Redis at ${withoutPassword(redisUrl)} within ${connectTimeoutMs / 1000} s${why}`));
    }, connectTimeoutMs);
  });
  try {
    await Promise.race([redis.ping(), timedOut]);
  } catch (error) {
    redis.disconnect();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const distillQueue = new Queue(QUEUES.distill, queueOptions(redis, prefix));
  const publishQueue = new Queue(QUEUES.publish, queueOptions(redis, prefix));
  return {
    redis,
    runs: new RunStore(redis, prefix),
    distillQueue,
    publishQueue,
    close: async () => {
      await Promise.all([distillQueue.close(), publishQueue.close()]);
      await redis.quit().catch(() => undefined);
    },
  };
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable REDIS_URL)';
  }
}
