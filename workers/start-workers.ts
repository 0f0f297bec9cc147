import { hostname } from 'node:os';
import { Queue, Worker } from 'bullmq';
import { ADVERTISE_INTERVAL_MS, advertisePolicy } from '../shared/trust/advertised-policies.js';
import type { Env } from '../shared/config/env.js';
import { readRedisTls, type RedisTls } from '../shared/config/redis-tls.js';
import type { Logger } from '../shared/logger.js';
import { DistillQueues } from '../shared/queue/distill-queues.js';
import { QUEUES } from '../shared/queue/queue-names.js';
import { bullPrefix, queueOptions } from '../shared/queue/queue-options.js';
import { QueueRegistry } from '../shared/queue/queue-registry.js';
import { createRedisConnection, type RedisMode } from '../shared/queue/redis-connection.js';
import { checkRedisSettings } from '../shared/queue/check-redis-settings.js';
import { describeRedisError } from '../shared/queue/describe-redis-error.js';
import { RunStore } from '../shared/runs/run-store.js';
import { createFinishItem } from './distill/finish-item.js';
import { createDistillProcessor } from './distill/process-distill-job.js';
import { failedDistillJobs } from './distill/failed-distill-jobs.js';
import { sweepFailedJobs } from './sweep-failed-jobs.js';
import { createHandoffProcessor } from './handoff/process-handoff-job.js';
import { createBatchProcessor } from './batch/process-batch-job.js';
import { BatchStore } from '../shared/batch/batch-store.js';
import { createPublishProcessor } from './publish/process-publish-job.js';
import { EvalRunStore } from '../shared/eval/eval-run-store.js';
import { EVAL_QUEUE } from '../shared/queue/eval-job.js';
import { EvalContexts } from './eval/eval-contexts.js';
import { createEvalProcessor } from './eval/process-eval-job.js';
import { failedEvalJobs } from './eval/failed-eval-jobs.js';
import { RunContexts } from './run-context.js';
import { createHealthChangeHandler } from './endpoint-recovery.js';
import { describeTrustPolicy, readTrustPolicy, type TrustPolicy } from '../shared/trust/trust-policy.js';
import { startMetricsServer } from './metrics/metrics-server.js';

export interface WorkerOptions {
  redisUrl: string;
  /** TLS material for a rediss:// `redisUrl` (from {@link readRedisTls}). Default: none beyond what the URL implies. */
  redisTls?: RedisTls | undefined;
  /** S2D_REDIS_MODE: `cluster` reads `redisUrl` as seed nodes of a Redis Cluster. Default standalone. */
  redisMode?: RedisMode | undefined;
  /**
   * S2D_QUEUE_SHARDS: distill queues to consume, all of them (submitters must use the same number). Default 1. The
   * process's `concurrency` is shared out: each shard's worker takes ceil(concurrency / shards) items at once.
   */
  queueShards?: number | undefined;
  prefix: string;
  /** Items processed at once by this process. */
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Admit LLM requests through the fleet-wide endpoint limiter. Default true. */
  endpointLimiter?: boolean;
  /** What run specs may make this worker do (endpoints and keys, output locations, programs). Default: from process.env. */
  trust?: TrustPolicy;
  /** Serve Prometheus metrics at `http://<host>:<port>/metrics` (port 0: any free port, logged). Default: none. */
  metrics?: { host: string; port: number } | undefined;
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
    redisTls: readRedisTls(env),
    redisMode: env.S2D_REDIS_MODE,
    queueShards: env.S2D_QUEUE_SHARDS,
    prefix: env.S2D_PREFIX,
    concurrency: env.S2D_WORKER_CONCURRENCY,
    lockDurationMs: env.S2D_LOCK_DURATION_MS,
    stalledIntervalMs: env.S2D_STALLED_INTERVAL_MS,
    endpointLimiter: env.S2D_ENDPOINT_LIMITER === 'on',
    trust: readTrustPolicy(process.env),
    metrics: env.S2D_METRICS_PORT === undefined ? undefined : { host: env.S2D_METRICS_HOST, port: env.S2D_METRICS_PORT },
    logger,
  };
}

/** Starts the distill, publish and hand-off workers of one process. Scale out by running more processes. */
export function startWorkers(options: WorkerOptions): RunningWorkers {
  const { prefix, logger } = options;
  let lastRedisError = '';
  const redis = createRedisConnection(
    options.redisUrl,
    (error) => {
      // Reconnects repeat the same error many times a second: log each distinct one once.
      if (error.message === lastRedisError) return;
      lastRedisError = error.message;
      logger.error({ err: describeRedisError(error) }, 'Redis connection error; reconnecting');
    },
    options.redisTls,
    options.redisMode ?? 'standalone',
  );
  redis.on('ready', () => {
    lastRedisError = '';
  });
  const runs = new RunStore(redis, prefix);
  const publishQueue = new Queue(QUEUES.publish, queueOptions(redis, prefix, QUEUES.publish));
  const distillQueues = new DistillQueues(redis, prefix, options.queueShards ?? 1);
  const evalQueue = new Queue(EVAL_QUEUE, queueOptions(redis, prefix, EVAL_QUEUE));
  const onHealthChange = createHealthChangeHandler({ redis, runs, queues: [...distillQueues.all, evalQueue], logger });
  const limiterStore = options.endpointLimiter === false ? undefined : { redis, prefix, onHealthChange };
  const trust = options.trust ?? readTrustPolicy(process.env);
  const contexts = new RunContexts(runs, process.env, limiterStore, trust);
  const finish = createFinishItem({ redis, prefix, runs, publishQueue });
  // Each worker's prefix is its queue's (bullPrefix: hash-tagged per queue on a Redis Cluster).
  const common = (queueName: string) => ({
    connection: redis,
    prefix: bullPrefix(redis, prefix, queueName),
    lockDuration: options.lockDurationMs,
    stalledInterval: options.stalledIntervalMs,
    // A job whose worker died is retried this many times before BullMQ gives up on it.
    maxStalledCount: 3,
  });
  const batchQueue = new Queue(QUEUES.batch, queueOptions(redis, prefix, QUEUES.batch));
  const processDistill = createDistillProcessor({ redis, prefix, runs, contexts, finish, logger, batchQueue });
  const shardConcurrency = Math.ceil(options.concurrency / distillQueues.all.length);
  const distillWorkers = distillQueues.all.map((queue) => new Worker(queue.name, processDistill, { ...common(queue.name), concurrency: shardConcurrency }));
  const handoffQueues = new QueueRegistry(redis, prefix);
  const publish = new Worker(QUEUES.publish, createPublishProcessor({ runs, contexts, logger, queues: handoffQueues, batches: new BatchStore(redis, prefix) }), { ...common(QUEUES.publish), concurrency: 1 });
  // Hand-off steps are short (an upload, a status look); polls wait in the delayed set, not in a slot.
  const handoff = new Worker(QUEUES.handoff, createHandoffProcessor({ redis, prefix, runs, contexts, logger }), { ...common(QUEUES.handoff), concurrency: 2 });
  // A batcher step is short too (an upload, a create, a look, an ingest); its polls wait in the delayed set.
  const batcher = new Worker(QUEUES.batch, createBatchProcessor({ redis, prefix, runs, contexts, distillQueues, logger }), { ...common(QUEUES.batch), concurrency: 2 });
  // Evaluation items share the workers (and their concurrency setting) with distillation: one fleet, one scaler.
  const evals = new EvalRunStore(redis, prefix);
  const evalContexts = new EvalContexts(evals, process.env, limiterStore, trust);
  const evaluate = new Worker(EVAL_QUEUE, createEvalProcessor({ redis, prefix, evals, contexts: evalContexts, logger }), {
    ...common(EVAL_QUEUE),
    concurrency: options.concurrency,
  });
  const workers = [...distillWorkers, publish, handoff, evaluate, batcher];
  for (const worker of workers) {
    worker.on('failed', (job, error) => {
      logger.warn({ queue: worker.name, jobId: job?.id, attemptsMade: job?.attemptsMade, err: error.message }, 'job attempt failed');
    });
    worker.on('error', (error) => {
      logger.error({ queue: worker.name, err: error.message }, 'worker error');
    });
  }
  const failedDistill = failedDistillJobs({ distillQueues: distillQueues.all, runs, contexts, finish, logger });
  const failedEval = failedEvalJobs({ evalQueue, redis, prefix, evals, contexts: evalContexts, logger });
  let sweeping = false;
  const sweep = (): void => {
    // One sweep at a time per process: a slow store must not pile sweeps up.
    if (sweeping) return;
    sweeping = true;
    Promise.all([
      sweepFailedJobs(failedDistill, logger),
      sweepFailedJobs(failedEval, logger),
    ])
      .catch((error: unknown) => {
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'sweeping failed jobs did not complete; will retry');
      })
      .finally(() => {
        sweeping = false;
      });
  };
  sweep();
  const sweeper = setInterval(sweep, options.stalledIntervalMs);
  // Submitters check specs against what live workers allow (advisory; each worker enforces its own policy anyway).
  const advertise = (): void => {
    advertisePolicy(redis, prefix, trust, hostname()).catch((error: unknown) => {
      logger.debug({ err: error instanceof Error ? error.message : String(error) }, 'could not advertise the trust policy; will retry');
    });
  };
  advertise();
  const advertiser = setInterval(advertise, ADVERTISE_INTERVAL_MS);
  logger.info({ prefix, concurrency: options.concurrency, trust: describeTrustPolicy(trust) }, 'worker started');
  const metrics =
    options.metrics === undefined
      ? Promise.resolve(null)
      : startMetricsServer({ ...options.metrics, fleet: { redis, prefix, runs, queues: [...distillQueues.all, publishQueue, handoffQueues.get(QUEUES.handoff), evalQueue] } }).then(
          (server) => {
            logger.info({ url: server.url }, 'metrics listening');
            return server;
          },
          (error: unknown) => {
            // A busy port must not stop the worker from working: it runs without metrics and says so.
            logger.error({ err: error instanceof Error ? error.message : String(error) }, 'could not start the metrics endpoint; running without it');
            return null;
          },
        );
  void checkRedisSettings(redis).then(
    (warnings) => {
      for (const warning of warnings) logger.warn(warning);
    },
    () => undefined,
  );
  return {
    close: async (force) => {
      clearInterval(sweeper);
      clearInterval(advertiser);
      await (await metrics)?.close();
      if (force) {
        // BullMQ's close(true) cannot overrule a drain already under way (it returns the same promise), so forcing
        // means dropping the connections; the process then exits, and the items' locks lapse to other workers.
        redis.disconnect();
        return;
      }
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all([publishQueue.close(), distillQueues.close(), handoffQueues.close(), evalQueue.close(), batchQueue.close()]);
      await redis.quit().catch(() => undefined);
    },
  };
}
