import { parseArgs } from 'node:util';
import { readEnv } from '../../shared/config/env.js';
import { readS3Settings } from '../../shared/config/s3-env.js';
import { installTwoStageShutdown } from '../../shared/lifecycle/two-stage-shutdown.js';
import { createLogger } from '../../shared/logger.js';
import { startWorkers, workerOptionsFromEnv } from '../../workers/start-workers.js';
import { intFlag } from '../flag-values.js';
import { requireRedisUrl } from '../require-redis-url.js';

export const workerUsage = `s2d worker [--concurrency N]
  Runs the distill, publish, handoff and eval workers until SIGTERM/SIGINT (drains in-flight items; a second signal or
  S2D_SHUTDOWN_DEADLINE_MS forces). Start more processes, on any machine sharing Redis and the output
  location, to scale out.`;

export async function workerCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { concurrency: { type: 'string' } }, strict: true });
  const env = readEnv();
  const concurrency = intFlag(values.concurrency, '--concurrency', env.S2D_WORKER_CONCURRENCY, 1);
  // Runs on S3 are only opened when a job needs them: a bad S3 setting fails the worker now, not every such job.
  readS3Settings();
  const logger = createLogger(env.S2D_LOG_LEVEL, 's2d-worker');
  const options = { ...workerOptionsFromEnv(env, requireRedisUrl(env, 'worker'), logger), concurrency };
  const workers = startWorkers(options);
  const outcome = await installTwoStageShutdown(
    { drain: () => workers.close(false), force: () => workers.close(true) },
    env.S2D_SHUTDOWN_DEADLINE_MS,
    logger,
  );
  logger.info({ outcome }, 'worker stopped');
  // A forced stop abandoned in-flight items (other workers redo them): say so to the supervisor.
  return outcome === 'drained' ? 0 : 1;
}
