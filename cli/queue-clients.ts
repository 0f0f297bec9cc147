import { Queue } from 'bullmq';
import type { Env } from '../shared/config/env.js';
import { readRedisTls, type RedisTls } from '../shared/config/redis-tls.js';
import { maskUrlCredentials } from '../shared/config/setting-values.js';
import { describeRedisError } from '../shared/queue/describe-redis-error.js';
import { DistillQueues } from '../shared/queue/distill-queues.js';
import { QUEUES } from '../shared/queue/queue-names.js';
import { queueOptions } from '../shared/queue/queue-options.js';
import { createRedisConnection, type RedisConnection, type RedisMode } from '../shared/queue/redis-connection.js';
import { RunStore } from '../shared/runs/run-store.js';
import { CliError } from './cli-error.js';
import { requireRedisUrl } from './require-redis-url.js';

/** The producer-side handles on Redis that submit, status and demo share. */
export interface QueueClients {
  redis: RedisConnection;
  runs: RunStore;
  /** The distill queue shards (S2D_QUEUE_SHARDS; one by default). */
  distillQueues: DistillQueues;
  publishQueue: Queue;
  close(): Promise<void>;
}

export interface QueueClientOptions {
  /** TLS material for a rediss:// URL (from {@link readRedisTls}). Default: none beyond what the URL implies. */
  tls?: RedisTls | undefined;
  /** How long to wait for Redis to answer before giving up (ms). Default 5000. */
  connectTimeoutMs?: number;
  /** S2D_REDIS_MODE: `cluster` reads the URL as seed nodes of a Redis Cluster. Default standalone. */
  mode?: RedisMode | undefined;
  /** S2D_QUEUE_SHARDS: distill queues the work is spread over. Default 1. */
  queueShards?: number | undefined;
}

/** The clients of a command that needs REDIS_URL: URL, TLS files and prefix from the environment. */
export function openQueueClientsFromEnv(env: Env, command: string): Promise<QueueClients> {
  return openQueueClients(requireRedisUrl(env, command), env.S2D_PREFIX, { tls: readRedisTls(env), mode: env.S2D_REDIS_MODE, queueShards: env.S2D_QUEUE_SHARDS });
}

/**
 * Connects, and fails within `connectTimeoutMs` with one clear line when Redis cannot be reached or refuses the
 * credentials; the line never carries the password.
 */
export async function openQueueClients(redisUrl: string, prefix: string, options: QueueClientOptions = {}): Promise<QueueClients> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  let lastError = '';
  const redis = createRedisConnection(
    redisUrl,
    (error) => {
      lastError = describeRedisError(error);
    },
    options.tls,
    options.mode ?? 'standalone',
  );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const why = lastError === '' ? '' : ` (${lastError})`;
      reject(new CliError(`cannot reach Redis at ${maskUrlCredentials(redisUrl)} within ${connectTimeoutMs / 1000} s${why}`));
    }, connectTimeoutMs);
  });
  try {
    await Promise.race([redis.ping(), timedOut]);
  } catch (error) {
    redis.disconnect();
    if (error instanceof CliError) throw error;
    // A refused AUTH rejects the first command with an error whose `command.args` holds the password: never rethrow it.
    throw new CliError(`Redis at ${maskUrlCredentials(redisUrl)} refused the connection: ${describeRedisError(error)}`);
  } finally {
    clearTimeout(timer);
  }
  const distillQueues = new DistillQueues(redis, prefix, options.queueShards ?? 1);
  const publishQueue = new Queue(QUEUES.publish, queueOptions(redis, prefix, QUEUES.publish));
  return {
    redis,
    runs: new RunStore(redis, prefix),
    distillQueues,
    publishQueue,
    close: async () => {
      await Promise.all([distillQueues.close(), publishQueue.close()]);
      await redis.quit().catch(() => undefined);
    },
  };
}
