import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { createRunFixture } from '../helpers/run-fixture.js';
import { accountRun, reportScenario, SAMPLES, SAMPLING, waitForDone, WORKER_CONCURRENCY, WorkerFleet } from './fault-harness.js';

const redisUrl = inject('redisUrl');

describe('fault: workers SIGKILLed on a timer', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    // Enough latency that every kill lands on items with calls in flight.
    simulator = await startSimulator({ seed: 21, latency: { ttftMs: 25, perTokenMs: 0.5, jitter: 0.2 } });
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('a run survives a worker killed every 700 ms: every item lands once, extra calls bounded by what was in flight', async () => {
    const items = 150;
    const run = await createRunFixture({ label: 'fault-kills', redisUrl, baseUrl: simulator.baseUrl, items, spec: { sampling: SAMPLING } });
    const fleet = WorkerFleet.forRun(redisUrl, run.prefix);
    try {
      for (let i = 0; i < 3; i++) fleet.spawn();
      const choicesBefore = simulator.stats().completionsReturned;
      await run.submit();
      await waitForDone(run.clients.runs, run.spec.runId, 10);
      let kills = 0;
      // Kill a worker, start a replacement, repeat, while the run is still going.
      for (;;) {
        const record = await run.clients.runs.get(run.spec.runId);
        if (record?.state !== 'running' || record.done >= items * 0.8 || kills >= 6) break;
        const alive = fleet.alive();
        const victim = alive[kills % alive.length];
        if (victim === undefined) break;
        victim.child.kill('SIGKILL');
        expect(await victim.exited).toBe('SIGKILL');
        kills++;
        fleet.spawn();
        await sleep(700);
      }
      expect(kills).toBeGreaterThanOrEqual(2);
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      const figures = accountRun('worker SIGKILL every 700 ms', await run.readDataset(), simulator, choicesBefore);
      reportScenario({ ...figures, notes: `${kills} kills, bound ${kills * WORKER_CONCURRENCY * SAMPLES}` });
      expect(figures.itemsIn).toBe(items);
      expect(figures.itemsOut).toBe(items);
      expect(figures.duplicates).toBe(0);
      expect(figures.errored).toBe(0);
      // Only calls in flight on a killed worker can be paid again, and not all of those: a request cut off by the kill
      // is never answered (the simulator counts no choices for it), and an answered one is in the item's call cache
      // as soon as the worker reads it. What is paid twice is what was answered in the moment before the kill and not
      // yet cached: per kill, at most WORKER_CONCURRENCY items × the choices one item has in flight at once, which
      // for rar2 is SAMPLES (its rephrase request with n = SAMPLES, then SAMPLES one-choice answer requests).
      expect(figures.extraCalls).toBeLessThanOrEqual(kills * WORKER_CONCURRENCY * SAMPLES);
    } finally {
      await fleet.stopAll();
      await run.clients.close();
    }
  });
});
