import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUES } from '../shared/queue/queue-names.js';
import { createRedisConnection } from '../shared/queue/redis-connection.js';
import { RunStore } from '../shared/runs/run-store.js';

/** The producer-side handles on Redis that submit, status and demo share. */
export interface QueueClients {
  redis: Redis;
  runs: RunStore;
  distillQueue: Queue;
  publishQueue: Queue;
  close(): Promise<void>;
}

export function openQueueClients(redisUrl: string, prefix: string): QueueClients {
  const redis = createRedisConnection(redisUrl);
  const distillQueue = new Queue(QUEUES.distill, { connection: redis, prefix });
  const publishQueue = new Queue(QUEUES.publish, { connection: redis, prefix });
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
