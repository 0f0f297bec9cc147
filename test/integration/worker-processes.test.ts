import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { spawnWorkerProcess, type WorkerProcess } from '../../cli/spawn-worker-process.js';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { createRunFixture, duplicateIndices } from '../helpers/run-fixture.js';
import { workerEnv } from '../helpers/worker-env.js';

const redisUrl = inject('redisUrl');
const SAMPLES = 4;
const CONCURRENCY = 4;
const REQUESTS_PER_ITEM = 1 + SAMPLES; // rar2 with `n`: one rephrase request, one answer request per sample

const env = (prefix: string, logLevel = 'warn'): NodeJS.ProcessEnv =>
  workerEnv(redisUrl, prefix, { S2D_LOG_LEVEL: logLevel, S2D_WORKER_CONCURRENCY: String(CONCURRENCY) });

describe('s2d worker processes', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    // Some latency so items are in flight when a worker is killed.
    simulator = await startSimulator({ seed: 9, latency: { ttftMs: 20, perTokenMs: 0.5, jitter: 0.2 } });
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop(2_000)));
    await simulator.close();
  });

  it('two workers publish the dataset exactly once', async () => {
    const run = await createRunFixture({ label: 'two-workers', redisUrl, baseUrl: simulator.baseUrl, items: 60, spec: { sampling: { samples: SAMPLES, temperature: 0.8, maxTokens: 256, seed: 3 } } });
    try {
      const pair = [spawnWorkerProcess(env(run.prefix, 'info')), spawnWorkerProcess(env(run.prefix, 'info'))];
      workers.push(...pair);
      await run.submit();
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      const exits = await Promise.all(pair.map((worker) => worker.stop()));
      expect(exits).toEqual([0, 0]);
      const logs = pair.map((worker) => worker.stderrTail()).join('\n');
      expect(logs.match(/"msg":"dataset published"/g) ?? []).toHaveLength(1);
      const dataset = await run.readDataset();
      expect(dataset.manifest.counts.inputs).toBe(60);
      expect(duplicateIndices(dataset)).toEqual([]);
      expect(dataset.provenance.length + dataset.rejects.length).toBe(60);
    } finally {
      await run.clients.close();
    }
  });

  it('a worker SIGKILLed mid-run loses nothing: every item lands once, and only in-flight calls are paid again', async () => {
    const items = 80;
    const run = await createRunFixture({ label: 'sigkill', redisUrl, baseUrl: simulator.baseUrl, items, spec: { sampling: { samples: SAMPLES, temperature: 0.8, maxTokens: 256, seed: 3 } } });
    try {
      const victim = spawnWorkerProcess(env(run.prefix, 'debug'));
      const survivor = spawnWorkerProcess(env(run.prefix));
      workers.push(victim, survivor);
      const requestsBefore = simulator.stats().requests;
      await run.submit();
      // Kill once the run is well under way, with items certainly in flight on both workers.
      for (;;) {
        const record = await run.clients.runs.get(run.spec.runId);
        if ((record?.done ?? 0) >= items / 4) break;
        await sleep(20);
      }
      victim.child.kill('SIGKILL');
      expect(await victim.exited).toBe('SIGKILL');
      const victimDone = (victim.stderrTail().match(/"msg":"item done"/g) ?? []).length;
      expect(victimDone).toBeGreaterThan(0);
      await waitForPublication(run.clients.runs, run.spec.runId, 50);

      const dataset = await run.readDataset();
      expect(dataset.manifest.counts.inputs).toBe(items);
      expect(dataset.provenance.length + dataset.rejects.length).toBe(items);
      expect(duplicateIndices(dataset)).toEqual([]);
      expect(dataset.chatLines).toHaveLength(dataset.manifest.counts.accepted);

      const paid = simulator.stats().requests - requestsBefore;
      const extra = paid - items * REQUESTS_PER_ITEM;
      // At most the killed worker's in-flight items can have their unfinished calls paid again.
      expect(extra).toBeGreaterThanOrEqual(0);
      expect(extra).toBeLessThanOrEqual(CONCURRENCY * REQUESTS_PER_ITEM);
      console.info(`sigkill: items ${items}, victim finished ${victimDone} before the kill, paid requests ${paid}, extra ${extra}`);
    } finally {
      await run.clients.close();
    }
  });
});
