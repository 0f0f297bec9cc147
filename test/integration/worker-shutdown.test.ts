import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { spawnWorkerProcess, type WorkerProcess } from '../../cli/spawn-worker-process.js';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { createRunFixture, duplicateIndices } from '../helpers/run-fixture.js';
import { workerEnv } from '../helpers/worker-env.js';
import { singleDistillQueue } from '../helpers/single-distill-queue.js';

const redisUrl = inject('redisUrl');
const SAMPLES = 4;
const REQUESTS_PER_ITEM = 1 + SAMPLES;

const env = (prefix: string): NodeJS.ProcessEnv => workerEnv(redisUrl, prefix, { S2D_SHUTDOWN_DEADLINE_MS: '60000' });

async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await sleep(20);
}

describe('s2d worker shutdown', () => {
  const workers: WorkerProcess[] = [];
  const simulators: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop(2_000)));
    await Promise.all(simulators.map((simulator) => simulator.close()));
  });

  it('SIGTERM drains: in-flight items finish, the worker exits 0, and no LLM call is paid twice', async () => {
    const simulator = await startSimulator({ seed: 3, latency: { ttftMs: 40, perTokenMs: 1, jitter: 0.2 } });
    simulators.push(simulator);
    const items = 40;
    const run = await createRunFixture({ label: 'drain', redisUrl, baseUrl: simulator.baseUrl, items, spec: { sampling: { samples: SAMPLES, temperature: 0.8, maxTokens: 256, seed: 3 } } });
    try {
      const first = spawnWorkerProcess(env(run.prefix));
      workers.push(first);
      await run.submit();
      await until(async () => ((await run.clients.runs.get(run.spec.runId))?.done ?? 0) >= 5);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      // Drained, not abandoned: nothing of the first worker is left active for another worker to redo.
      expect(await singleDistillQueue(run.clients.distillQueues).getActiveCount()).toBe(0);

      const second = spawnWorkerProcess(env(run.prefix));
      workers.push(second);
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      expect(await second.stop()).toBe(0);
      const dataset = await run.readDataset();
      expect(dataset.provenance.length + dataset.rejects.length).toBe(items);
      expect(duplicateIndices(dataset)).toEqual([]);
      expect(simulator.stats().requests).toBe(items * REQUESTS_PER_ITEM);
    } finally {
      await run.clients.close();
    }
  });

  it("a second SIGTERM forces the worker out mid-item (exit 1); its items finish on another worker, once", async () => {
    // Slow replies: an item takes seconds, so the forced worker certainly leaves items unfinished.
    const simulator = await startSimulator({ seed: 3, latency: { ttftMs: 1_500, perTokenMs: 0, jitter: 0 } });
    simulators.push(simulator);
    const items = 4;
    const run = await createRunFixture({ label: 'force', redisUrl, baseUrl: simulator.baseUrl, items, spec: { sampling: { samples: SAMPLES, temperature: 0.8, maxTokens: 256, seed: 3 } } });
    try {
      const first = spawnWorkerProcess(env(run.prefix));
      workers.push(first);
      await run.submit();
      await until(() => Promise.resolve(simulator.stats().requests > 0));
      first.child.kill('SIGTERM');
      await sleep(100);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(1);
      expect((await run.clients.runs.get(run.spec.runId))?.done).toBe(0);

      const second = spawnWorkerProcess(env(run.prefix));
      workers.push(second);
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      await second.stop();
      const dataset = await run.readDataset();
      expect(dataset.provenance.length + dataset.rejects.length).toBe(items);
      expect(duplicateIndices(dataset)).toEqual([]);
    } finally {
      await run.clients.close();
    }
  });
});
