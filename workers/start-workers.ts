import { Queue, Worker } from 'bullmq';
import type { Env } from '../shared/config/env.js';
import type { Logger } from '../shared/logger.js';
import { QUEUES } from '../shared/queue/queue-names.js';
import { queueOptions } from '../shared/queue/queue-options.js';
import { createRedisConnection } from '../shared/queue/redis-connection.js';
import { checkRedisSettings } from '../shared/queue/check-redis-settings.js';
import { RunStore } from '../shared/runs/run-store.js';
import { createFinishItem } from './distill/finish-item.js';
import { createDistillProcessor } from './distill/process-distill-job.js';
import { sweepFailedJobs } from './distill/sweep-failed-jobs.js';
import { createPublishProcessor } from './publish/process-publish-job.js';
import { RunContexts } from './run-context.js';

export interface WorkerOptions {
  redisUrl: string;
  prefix: string;
  /** Items processed at once by this process. */
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  logger: Logger;
}

export interface RunningWorkers {
  /**
   * Stop taking jobs. force=false waits for in-flight jobs; force=true abandons them at once (the caller exits the
   * process) and other workers take them over when their locks lapse.
   */
  close(force: boolean): Promise<void>;
}

export function workerOptionsFromEnv(env: Env, redisUrl: string, logger: Logger): WorkerOptions {
  return {
    redisUrl,
    prefix: env.S2D_PREFIX,
    concurrency: env.S2D_WORKER_CONCURRENCY,
    lockDurationMs: env.S2D_LOCK_DURATION_MS,
    stalledIntervalMs: env.S2D_STALLED_INTERVAL_MS,
    logger,
  };
}

/** Starts the distill and publish workers of one process. Scale out by running more processes. */
export function startWorkers(options: WorkerOptions): RunningWorkers {
  const { prefix, logger } = options;
  let lastRedisError = '';
  const redis = createRedisConnection(options.redisUrl, (error) => {
    // Reconnects repeat the same error many times a second: log each distinct one once.
    if (error.message === lastRedisError) return;
    lastRedisError = error.message;
    logger.error({ err: error.message }, 'Redis connection error; reconnecting');
  });
  redis.on('ready', () => {
    lastRedisError = '';
  });
  const runs = new RunStore(redis, prefix);
  const contexts = new RunContexts(runs);
  const publishQueue = new Queue(QUEUES.publish, queueOptions(redis, prefix));
  const distillQueue = new Queue(QUEUES.distill, queueOptions(redis, prefix));
  const finish = createFinishItem({ redis, prefix, runs, publishQueue });
  const common = {
    connection: redis,
    prefix,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.stalledIntervalMs,
    // A job whose worker died is retried this many times before BullMQ gives up on it.
    maxStalledCount: 3,
  };
  const distill = new Worker(QUEUES.distill, createDistillProcessor({ redis, prefix, runs, contexts, finish, logger }), {
    ...common,
    concurrency: options.concurrency,
  });
  const publish = new Worker(QUEUES.publish, createPublishProcessor({ runs, contexts, logger }), { ...common, concurrency: 1 });
  for (const worker of [distill, publish]) {
    worker.on('failed', (job, error) => {
      logger.warn({ queue: worker.name, jobId: job?.id, attemptsMade: job?.attemptsMade, err: error.message }, 'job attempt failed');
    });
    worker.on('error', (error) => {
      logger.error({ queue: worker.name, err: error.message }, 'worker error');
    });
  }
  let sweeping = false;
  const sweep = (): void => {
    // One sweep at a time per process: a slow store must not pile sweeps up.
    if (sweeping) return;
    sweeping = true;
    sweepFailedJobs({ distillQueue, runs, contexts, finish, logger })
      .catch((error: unknown) => {
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'sweeping failed jobs did not complete; will retry');
      })
      .finally(() => {
        sweeping = false;
      });
  };
  sweep();
  const sweeper = setInterval(sweep, options.stalledIntervalMs);
  logger.info({ prefix, concurrency: options.concurrency }, 'worker started');
  void checkRedisSettings(redis).then(
    (warnings) => {
      for (const warning of warnings) logger.warn(warning);
    },
    () => undefined,
  );
  return {
    close: async (force) => {
      clearInterval(sweeper);
      if (force) {
        // BullMQ's close(true) cannot overrule a drain already under way (it returns the same promise), so forcing
        // means dropping the connections; the process then exits, and the items' locks lapse to other workers.
        redis.disconnect();
        return;
      }
      await Promise.all([distill.close(), publish.close()]);
      await Promise.all([publishQueue.close(), distillQueue.close()]);
      await redis.quit().catch(() => undefined);
    },
  };
}
