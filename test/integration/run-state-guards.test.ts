import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { manifestKey } from '../../shared/dataset/dataset-layout.js';
import type { RunRecord } from '../../shared/runs/run-store.js';
import { startWorkers, type RunningWorkers } from '../../workers/start-workers.js';
import { captureLogs, type CapturedLogs } from '../helpers/capture-logs.js';
import { createRunFixture, type RunFixture } from '../helpers/run-fixture.js';

const redisUrl = inject('redisUrl');
const ITEMS = 4;

/** Polls the run until `condition` holds, or fails the test after `timeoutMs`. */
async function until(run: RunFixture, what: string, condition: (record: RunRecord) => boolean, timeoutMs = 20_000): Promise<RunRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await run.clients.runs.get(run.spec.runId);
    if (record !== null && condition(record)) return record;
    if (Date.now() > deadline) throw new Error(`run ${run.spec.runId}: ${what} did not happen within ${timeoutMs} ms (state ${record?.state ?? 'missing'}, done ${record?.done ?? 0})`);
    await sleep(20);
  }
}

// Every item of these runs is in flight (its first LLM call sent) before the test changes the run's state, so the
// items finish after the change: the last one's finish hands the run to the publish worker.
describe('run state guards with real workers (BullMQ, real redis-server, simulator over HTTP)', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 31, latency: { ttftMs: 300, perTokenMs: 0, jitter: 0 } });
  });
  afterAll(async () => {
    await simulator.close();
  });

  async function startInFlight(label: string): Promise<{ run: RunFixture; workers: RunningWorkers; logs: CapturedLogs }> {
    const run = await createRunFixture({ label, redisUrl, baseUrl: simulator.baseUrl, items: ITEMS });
    const logs = captureLogs();
    const requestsBefore = simulator.stats().requests;
    await run.submit();
    const workers = startWorkers({ redisUrl, prefix: run.prefix, concurrency: ITEMS, lockDurationMs: 30_000, stalledIntervalMs: 30_000, logger: logs.logger });
    while (simulator.stats().requests - requestsBefore < ITEMS) await sleep(5);
    return { run, workers, logs };
  }

  it('a run that fails while its last items are in flight is not published when they finish; the publish worker says why', async () => {
    const { run, workers, logs } = await startInFlight('fail-inflight');
    try {
      const reason = 'the LLM endpoint refuses this run: 401 (stand-in for another worker\'s refusal)';
      expect(await run.clients.runs.fail(run.spec.runId, reason)).toEqual({ ok: true, already: false });
      await until(run, 'every item done', (record) => record.done === ITEMS);
      // The last finish queued a publish job; wait for the worker to have decided about it.
      const deadline = Date.now() + 20_000;
      const skipped = (): boolean => logs.lines().some((line) => line.runId === run.spec.runId && line.msg === 'not publishing: the run has failed');
      while (!skipped() && (await run.clients.runs.getState(run.spec.runId)) !== 'published' && Date.now() < deadline) await sleep(20);
      const record = await run.clients.runs.get(run.spec.runId);
      expect(record).toMatchObject({ state: 'failed', error: reason, publishedAt: null, manifestLocation: null });
      expect(await run.store.exists(manifestKey(run.spec.name, run.spec.runId))).toBe(false);
      expect(skipped()).toBe(true);
    } finally {
      await workers.close(false);
      await run.clients.close();
    }
  });

  it('a run paused while its last items are in flight publishes when they finish, and keeps no resumeState', async () => {
    const { run, workers } = await startInFlight('pause-inflight');
    try {
      expect(await run.clients.runs.pause(run.spec.runId)).toEqual({ ok: true, already: false });
      const record = await until(run, 'publication', (r) => r.state === 'published' || r.state === 'failed');
      expect(record).toMatchObject({ state: 'published', done: ITEMS, resumeState: null });
    } finally {
      await workers.close(false);
      await run.clients.close();
    }
  });
});
