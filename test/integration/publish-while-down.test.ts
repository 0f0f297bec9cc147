import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { spawnWorkerProcess } from '../../cli/spawn-worker-process.js';
import { findFreePort } from '../../infra/redis/find-free-port.js';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { EndpointLimiter } from '../../shared/limits/endpoint-limiter.js';
import { endpointLimitsSchema } from '../../shared/limits/endpoint-limits.js';
import { outageOptionsSchema } from '../../shared/limits/outage-options.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { createRunFixture } from '../helpers/run-fixture.js';
import { workerEnv } from '../helpers/worker-env.js';

const redisUrl = inject('redisUrl');
const OUTAGE = { probeInitialMs: 200, probeMaxMs: 1_000 };

// A run cancelled during an outage has nothing left to send: its items are recorded as cancelled without a call. It
// must still not publish while its endpoint is down, and must not wait for ever either: the publish job probes.
describe('publication waits while the run\'s endpoint is down', () => {
  let simulator: RunningSimulator | undefined;
  afterAll(async () => {
    await simulator?.close();
  });

  it('parks the publish job while down (probing it itself), publishes once the endpoint answers', { timeout: 60_000 }, async () => {
    const port = await findFreePort();
    const baseUrl = `http://127.0.0.1:${port}/v1`;
    const run = await createRunFixture({ label: 'publish-down', redisUrl, baseUrl, items: 6, spec: { model: { name: 'sim-llama-2-70b-chat', baseUrl, outage: OUTAGE } } });
    // The fleet has marked the endpoint down (outage-class failures of different items).
    const limiter = new EndpointLimiter({
      redis: run.clients.redis,
      prefix: run.prefix,
      baseUrl,
      model: 'sim-llama-2-70b-chat',
      limits: endpointLimitsSchema.parse({}),
      outage: outageOptionsSchema.parse(OUTAGE),
      leaseMs: 10_000,
    });
    for (const item of ['other#1', 'other#2', 'other#3']) await (await limiter.acquire(0, item)).unreachable();
    expect((await limiter.health()).state).toBe('down');
    await run.submit();
    await run.clients.runs.stop(run.spec.runId, 'cancelled', 'by test');
    const worker = spawnWorkerProcess(workerEnv(redisUrl, run.prefix, { S2D_LOG_LEVEL: 'info' }));
    try {
      // Every item is recorded (cancelled, no call), yet the run does not publish: the endpoint is down.
      for (let i = 0; i < 200 && (await run.clients.runs.get(run.spec.runId))?.done !== 6; i++) await sleep(25);
      await sleep(3_000);
      expect(await run.clients.runs.get(run.spec.runId)).toMatchObject({ done: 6, state: 'cancelled', manifestLocation: null });
      expect(worker.stderrTail()).toMatch(/not publishing while the LLM endpoint is down/);
      // The publish job probed it meanwhile (nobody else sends anything): probes failed, connection refused.
      const probing = await limiter.health();
      expect(probing.failedProbes).toBeGreaterThan(0);
      simulator = await startSimulator({ port });
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      expect((await limiter.health()).state).toBe('healthy');
      // The probe was the publish job's one-token request.
      expect(simulator.stats().requests).toBe(1);
      const dataset = await run.readDataset();
      expect(dataset.manifest.counts).toMatchObject({ inputs: 6, rejected: 6 });
    } finally {
      await worker.stop(5_000);
      await run.clients.close();
    }
  });
});
