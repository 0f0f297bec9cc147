/**
 * Distillation throughput through the real queue: worker processes × items/s against the simulator with a realistic
 * latency model, and the request savings of asking for `n` choices. Baselines are measured in the same run.
 */
import { waitForPublication } from '../shared/runs/wait-for-publication.js';
import { spawnWorkerProcess } from '../cli/spawn-worker-process.js';
import type { startSimulator } from '../infra/simulator/simulator-server.js';
import { createRunFixture } from '../test/helpers/run-fixture.js';

export interface ThroughputResult {
  label: string;
  workers: number;
  items: number;
  seconds: number;
  itemsPerSecond: number;
  requestsPerItem: number;
}

export async function measureThroughput(options: {
  label: string;
  redisUrl: string;
  simulator: Awaited<ReturnType<typeof startSimulator>>;
  workers: number;
  items: number;
  useN: 'auto' | 'never';
}): Promise<ThroughputResult> {
  const run = await createRunFixture({
    label: options.label,
    redisUrl: options.redisUrl,
    baseUrl: options.simulator.baseUrl,
    items: options.items,
    spec: {
      model: { name: 'sim-llama-2-70b-chat', baseUrl: options.simulator.baseUrl, useN: options.useN },
      sampling: { samples: 8, temperature: 0.8, maxTokens: 512, seed: 1 },
    },
  });
  const workers = Array.from({ length: options.workers }, () =>
    spawnWorkerProcess({ ...process.env, REDIS_URL: options.redisUrl, S2D_PREFIX: run.prefix, S2D_LOG_LEVEL: 'warn', S2D_WORKER_CONCURRENCY: '16' }),
  );
  try {
    // Let the workers boot before the clock starts: process start-up is not throughput.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const requestsBefore = options.simulator.stats().requests;
    const started = process.hrtime.bigint();
    await run.submit();
    await waitForPublication(run.clients.runs, run.spec.runId, 20);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const requests = options.simulator.stats().requests - requestsBefore;
    return {
      label: options.label,
      workers: options.workers,
      items: options.items,
      seconds,
      itemsPerSecond: options.items / seconds,
      requestsPerItem: requests / options.items,
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await run.clients.close();
  }
}
