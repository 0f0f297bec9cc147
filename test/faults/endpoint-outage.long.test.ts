import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_OUTAGE_OPTIONS } from '../../shared/limits/outage-options.js';
import { maxProbesWithin } from '../../shared/limits/outage-schedule.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { createRunFixture, type RunFixture } from '../helpers/run-fixture.js';
import { workerEnv } from '../helpers/worker-env.js';
import { accountRun, CHOICES_PER_ITEM, reportScenario, SAMPLES, SAMPLING, waitForDone, WORKER_CONCURRENCY, WorkerFleet } from './fault-harness.js';
import { endpointHealth, ProgressTrace, reportOutage, SwitchableEndpoint, submitAndReachSteadyRate } from './outage-harness.js';

const redisUrl = inject('redisUrl');
const exec = promisify(execFile);
const BIN = new URL('../../bin/s2d.mjs', import.meta.url).pathname;
const s2d = (run: RunFixture, ...args: string[]): Promise<{ stdout: string; stderr: string }> =>
  exec(process.execPath, [BIN, ...args], { env: workerEnv(redisUrl, run.prefix) });

// Minutes-long endpoint faults on real processes (npm run test:faults; excluded from npm test, see vitest.config.ts).
describe('fault (long): minutes of outage, 503s and 429s', () => {
  let endpoint: SwitchableEndpoint;
  beforeAll(async () => {
    endpoint = await SwitchableEndpoint.start({ seed: 28, latency: { ttftMs: 150, perTokenMs: 1, jitter: 0.2 }, maxConcurrentSequences: 4096 });
  });
  afterAll(async () => {
    await endpoint.close();
  });

  it('down 3 minutes (connection refused) with maxMinutes 1: the run pauses with the reason, resumes by itself, nothing errors', { timeout: 600_000 }, async () => {
    const items = 200;
    const workers = 2;
    const run = await createRunFixture({
      label: 'fault-down3m',
      redisUrl,
      baseUrl: endpoint.baseUrl,
      items,
      spec: { sampling: SAMPLING, model: { name: 'sim-llama-2-70b-chat', baseUrl: endpoint.baseUrl, outage: { maxMinutes: 1 } } },
    });
    const fleet = WorkerFleet.forRun(redisUrl, run.prefix);
    const trace = new ProgressTrace(run.clients.runs, run.spec.runId);
    try {
      for (let i = 0; i < workers; i++) fleet.spawn();
      const before = endpoint.totals();
      const { faultAt: downAt, preRate } = await submitAndReachSteadyRate(run, trace);
      await endpoint.stop('refused');
      let pausedAfterMs: number | null = null;
      let statusText = '';
      let statusJson: { state?: string; pause?: { cause?: string; detail?: string }; endpoint?: { state?: string; downSince?: string } } = {};
      while (Date.now() - downAt < 180_000) {
        const record = await run.clients.runs.get(run.spec.runId);
        if (pausedAfterMs === null && record?.state === 'paused') {
          pausedAfterMs = Date.now() - downAt;
          statusText = (await s2d(run, 'status', run.spec.runId)).stdout;
          statusJson = JSON.parse((await s2d(run, 'status', run.spec.runId, '--json')).stdout) as typeof statusJson;
        }
        await sleep(500);
      }
      const duringDown = await endpointHealth(run);
      await endpoint.restart();
      const upAt = Date.now();
      const downMs = upAt - downAt;
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      await trace.stop();
      const dataset = await run.readDataset();
      const after = endpoint.totals();
      const toFullSpeed = trace.timeToRate(upAt, 0.8 * preRate, 3_000);
      const figures = accountRun('LLM endpoint down 3 min (refused), maxMinutes 1', dataset, { stats: () => after }, before.completionsReturned);
      const bound = maxProbesWithin(downMs, DEFAULT_OUTAGE_OPTIONS);
      reportScenario({ ...figures, notes: `down ${(downMs / 1000).toFixed(1)} s, paused after ${((pausedAfterMs ?? 0) / 1000).toFixed(1)} s, probes ${duringDown.sentWhileDown}` });
      reportOutage({
        kind: 'down 3 min, connection refused, maxMinutes 1',
        lengthS: downMs / 1000,
        erroredByOutage: figures.errored,
        sentDuringOutage: duringDown.sentWhileDown,
        bound,
        toFullSpeedS: toFullSpeed === null ? null : toFullSpeed / 1000,
        notes: `requests = probes counted in Redis (a closed port cannot count them); paused after ${((pausedAfterMs ?? 0) / 1000).toFixed(0)} s; pre-outage ${preRate.toFixed(1)} items/s`,
      });
      console.info(`status while paused:\n${statusText}`);
      expect(pausedAfterMs).not.toBeNull();
      expect(pausedAfterMs ?? 0).toBeGreaterThanOrEqual(60_000);
      expect(statusText).toMatch(new RegExp(`state +paused: endpoint ${endpoint.baseUrl.replace(/[.]/g, '\\.')} down since \\d{4}-.*Z \\(resumes by itself when the endpoint recovers`));
      expect(statusText).toMatch(/endpoint +http:\/\/127\.0\.0\.1:\d+\/v1 \(sim-llama-2-70b-chat\): down since .*failed probes/);
      expect(statusJson).toMatchObject({ state: 'paused', pause: { cause: 'outage' }, endpoint: { state: 'down' } });
      // Resumed by itself (nobody ran s2d resume) and published with nothing errored, every item once.
      expect(figures.itemsIn).toBe(items);
      expect(figures.itemsOut).toBe(items);
      expect(figures.duplicates).toBe(0);
      expect(figures.errored).toBe(0);
      expect(duringDown.sentWhileDown).toBeLessThanOrEqual(bound);
      expect(figures.extraCalls).toBeLessThanOrEqual(workers * WORKER_CONCURRENCY * CHOICES_PER_ITEM);
    } finally {
      await trace.stop();
      await fleet.stopAll();
      await run.clients.close();
    }
  });

  it('100% 503 for 60 s: the endpoint is down after a handful, probes bound what is sent, nothing errors', { timeout: 400_000 }, async () => {
    const items = 240;
    const workers = 2;
    const run = await createRunFixture({ label: 'fault-503', redisUrl, baseUrl: endpoint.baseUrl, items, spec: { sampling: SAMPLING } });
    const fleet = WorkerFleet.forRun(redisUrl, run.prefix);
    const trace = new ProgressTrace(run.clients.runs, run.spec.runId);
    try {
      for (let i = 0; i < workers; i++) fleet.spawn();
      const before = endpoint.totals();
      const { faultAt: stormAt, preRate } = await submitAndReachSteadyRate(run, trace);
      const at503 = endpoint.totals().byStatus['503'] ?? 0;
      endpoint.simulator.setFaults({ rate503: 1 });
      await sleep(60_000);
      const duringDown = await endpointHealth(run);
      endpoint.simulator.setFaults({});
      const upAt = Date.now();
      const sent503 = (endpoint.totals().byStatus['503'] ?? 0) - at503;
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      await trace.stop();
      const dataset = await run.readDataset();
      const toFullSpeed = trace.timeToRate(upAt, 0.8 * preRate, 3_000);
      const bound = workers * WORKER_CONCURRENCY * SAMPLES + maxProbesWithin(upAt - stormAt, DEFAULT_OUTAGE_OPTIONS);
      const figures = accountRun('100% 503 for 60 s', dataset, { stats: () => endpoint.totals() }, before.completionsReturned);
      reportScenario({ ...figures, notes: `503s ${sent503}, probes ${duringDown.sentWhileDown}` });
      reportOutage({
        kind: '100% 503',
        lengthS: (upAt - stormAt) / 1000,
        erroredByOutage: figures.errored,
        sentDuringOutage: sent503,
        bound,
        toFullSpeedS: toFullSpeed === null ? null : toFullSpeed / 1000,
        notes: `pre-outage ${preRate.toFixed(1)} items/s, probes ${duringDown.sentWhileDown}`,
      });
      expect(duringDown.state).toBe('down');
      expect(figures.itemsIn).toBe(items);
      expect(figures.itemsOut).toBe(items);
      expect(figures.duplicates).toBe(0);
      expect(figures.errored).toBe(0);
      expect(sent503).toBeGreaterThan(0);
      expect(sent503).toBeLessThanOrEqual(bound);
      expect(figures.extraCalls).toBe(0);
      expect(toFullSpeed).not.toBeNull();
    } finally {
      await trace.stop();
      await fleet.stopAll();
      await run.clients.close();
    }
  });

  it('100% 429 for 60 s, then normal service: no item errors and throughput is back to 80% of the pre-storm rate within a minute', { timeout: 600_000 }, async () => {
    // Requests of a couple of seconds, as from a real model: the adaptive cap's growth after the storm is then what
    // decides how long recovery takes (with millisecond requests any growth rule looks instant). Growing the cap back
    // one per round of successes took over a minute here; slow start takes a few rounds.
    const slow = await SwitchableEndpoint.start({ seed: 29, latency: { ttftMs: 1_200, perTokenMs: 12, jitter: 0.2 }, maxConcurrentSequences: 4096 });
    const items = 600;
    const workers = 3;
    const concurrency = 8;
    const run = await createRunFixture({ label: 'fault-429-60s', redisUrl, baseUrl: slow.baseUrl, items, spec: { sampling: SAMPLING } });
    const fleet = WorkerFleet.forRun(redisUrl, run.prefix, { S2D_WORKER_CONCURRENCY: String(concurrency) });
    const trace = new ProgressTrace(run.clients.runs, run.spec.runId);
    try {
      for (let i = 0; i < workers; i++) fleet.spawn();
      const before = slow.totals();
      await run.submit();
      trace.start();
      await waitForDone(run.clients.runs, run.spec.runId, 24, 120_000);
      const steadyFrom = Date.now();
      await sleep(25_000);
      const stormAt = Date.now();
      const preRate = trace.rate(steadyFrom, stormAt);
      const at429 = slow.totals().byStatus['429'] ?? 0;
      slow.simulator.setFaults({ rate429: 1, retryAfterSeconds: 1 });
      await sleep(5_000);
      const duringStorm = await endpointHealth(run);
      await sleep(55_000);
      slow.simulator.setFaults({});
      const normalAt = Date.now();
      const sent429 = (slow.totals().byStatus['429'] ?? 0) - at429;
      await waitForDone(run.clients.runs, run.spec.runId, items, 240_000);
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      await trace.stop();
      const dataset = await run.readDataset();
      const toRate = trace.timeToRate(normalAt, 0.8 * preRate, 5_000);
      const figures = accountRun('100% 429 for 60 s, then normal', dataset, { stats: () => slow.totals() }, before.completionsReturned);
      const caps = (await endpointHealth(run)).cap;
      reportScenario({ ...figures, notes: `429s ${sent429}, pre-storm ${preRate.toFixed(2)} items/s, 80% of it ${toRate === null ? 'never' : `after ${(toRate / 1000).toFixed(1)} s`}, cap at the end ${caps ?? '?'}` });
      reportOutage({
        kind: '100% 429 (Retry-After 1 s)',
        lengthS: (normalAt - stormAt) / 1000,
        erroredByOutage: figures.errored,
        sentDuringOutage: sent429,
        bound: workers * concurrency * SAMPLES + 2 * 60,
        toFullSpeedS: toRate === null ? null : toRate / 1000,
        notes: `pre-storm ${preRate.toFixed(2)} items/s; 80% of it over a trailing 5 s window`,
      });
      expect(duringStorm.state).toBe('rate-limited');
      expect(figures.itemsIn).toBe(items);
      expect(figures.itemsOut).toBe(items);
      expect(figures.duplicates).toBe(0);
      expect(figures.errored).toBe(0);
      // One request per Retry-After at the floor, after the burst that was in flight when the storm began.
      expect(sent429).toBeLessThanOrEqual(workers * concurrency * SAMPLES + 2 * 60);
      expect(toRate).not.toBeNull();
      expect(toRate ?? Infinity).toBeLessThanOrEqual(60_000);
    } finally {
      await trace.stop();
      await fleet.stopAll();
      await run.clients.close();
      await slow.close();
    }
  });
});
