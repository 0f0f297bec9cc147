/**
 * Redis holds work in flight, not history: used memory after publishing runs of growing size should stay at the
 * empty baseline, and the peak during a run should not grow with the run's size beyond the bounded backlog.
 */
import type { RedisConnection } from '../shared/queue/redis-connection.js';
import type { startSimulator } from '../infra/simulator/simulator-server.js';
import { createLogger } from '../shared/logger.js';
import { startWorkers } from '../workers/start-workers.js';
import { waitForPublication } from '../shared/runs/wait-for-publication.js';
import { createRunFixture } from '../test/helpers/run-fixture.js';

export interface FootprintResult {
  items: number;
  peakBytes: number;
  afterBytes: number;
}

async function usedMemory(redis: RedisConnection): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

export async function measureFootprint(options: { redisUrl: string; simulator: Awaited<ReturnType<typeof startSimulator>>; items: number; maxBacklog: number }): Promise<FootprintResult> {
  const run = await createRunFixture({ label: `mem${options.items}`, redisUrl: options.redisUrl, baseUrl: options.simulator.baseUrl, items: options.items });
  const workers = startWorkers({ redisUrl: options.redisUrl, prefix: run.prefix, concurrency: 32, lockDurationMs: 30_000, stalledIntervalMs: 15_000, logger: createLogger('silent') });
  let peak = 0;
  const sampler = setInterval(() => {
    void usedMemory(run.clients.redis).then((bytes) => {
      peak = Math.max(peak, bytes);
    });
  }, 20);
  try {
    await run.submit({ maxBacklog: options.maxBacklog });
    await waitForPublication(run.clients.runs, run.spec.runId, 20);
  } finally {
    clearInterval(sampler);
    await workers.close(false);
  }
  const after = await usedMemory(run.clients.redis);
  await run.clients.close();
  return { items: options.items, peakBytes: peak, afterBytes: after };
}

export { usedMemory };
