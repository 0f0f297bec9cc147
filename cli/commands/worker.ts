import { parseArgs } from 'node:util';
import { readEnv } from '../../shared/config/env.js';
import { installTwoStageShutdown } from '../../shared/lifecycle/two-stage-shutdown.js';
import { createLogger } from '../../shared/logger.js';
import { startWorkers, workerOptionsFromEnv } from '../../workers/start-workers.js';
import { requireRedisUrl } from '../require-redis-url.js';

export const workerUsage = `s2d worker [--concurrency N]
  Runs distill and publish workers until SIGTERM/SIGINT (drains in-flight items; a second signal or
  S2D_SHUTDOWN_DEADLINE_MS forces). Start more processes, on any machine sharing Redis and the output
  location, to scale out.`;

export async function workerCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { concurrency: { type: 'string' } }, strict: true });
  const env = readEnv();
  const logger = createLogger(env.S2D_LOG_LEVEL, 's2d-worker');
  const options = workerOptionsFromEnv(env, requireRedisUrl(env, 'worker'), logger);
  if (values.concurrency !== undefined) options.concurrency = Math.max(1, Number.parseInt(values.concurrency, 10) || 1);
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
