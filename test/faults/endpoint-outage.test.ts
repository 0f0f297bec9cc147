import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_OUTAGE_OPTIONS } from '../../shared/limits/outage-options.js';
import { maxProbesWithin } from '../../shared/limits/outage-schedule.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { createRunFixture } from '../helpers/run-fixture.js';
import { accountRun, CHOICES_PER_ITEM, reportScenario, SAMPLING, SAMPLES, WORKER_CONCURRENCY, WorkerFleet } from './fault-harness.js';
import { endpointHealth, ProgressTrace, reportOutage, SwitchableEndpoint, submitAndReachSteadyRate } from './outage-harness.js';
import { setTimeout as sleep } from 'node:timers/promises';

const redisUrl = inject('redisUrl');
const POISON = 'POISONPILL';
const WORKERS = 2;
/** Requests the fleet can have at the endpoint at once: workers × items × a step's parallel requests. */
const MAX_IN_FLIGHT = WORKERS * WORKER_CONCURRENCY * SAMPLES;
/** Latency like a loaded server (a request takes a few hundred ms), so a run is mid-flight for seconds. */
const LATENCY = { ttftMs: 150, perTokenMs: 1, jitter: 0.2 };

// The endpoint goes away mid-run and comes back on the same address (the simulator stopped and started again on its
// port, worker processes running). Default suite: 20 s down, and a poison item during a short outage. The 3-minute
// outage, 60 s of 503s and 60 s of 429s are in endpoint-outage.long.test.ts (npm run test:faults).
describe('fault: the LLM endpoint is down mid-run and comes back', () => {
  let endpoint: SwitchableEndpoint;
  beforeAll(async () => {
    endpoint = await SwitchableEndpoint.start({ seed: 27, latency: LATENCY, maxConcurrentSequences: 1024, faults: { poisonMarker: POISON } });
  });
  afterAll(async () => {
    await endpoint.close();
  });

  it('down 20 s (connections reset): no item errors, every item lands once, only probes are sent while down', { timeout: 240_000 }, async () => {
    const items = 240;
    const run = await createRunFixture({ label: 'fault-down20', redisUrl, baseUrl: endpoint.baseUrl, items, spec: { sampling: SAMPLING } });
    const fleet = WorkerFleet.forRun(redisUrl, run.prefix);
    const trace = new ProgressTrace(run.clients.runs, run.spec.runId);
    try {
      for (let i = 0; i < WORKERS; i++) fleet.spawn();
      const before = endpoint.totals();
      const { faultAt: downAt, preRate } = await submitAndReachSteadyRate(run, trace);
      await endpoint.stop('reset');
      let sawDown = false;
      while (Date.now() - downAt < 20_000) {
        sawDown ||= (await endpointHealth(run)).state === 'down';
        await sleep(250);
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
      const bound = MAX_IN_FLIGHT + maxProbesWithin(downMs, DEFAULT_OUTAGE_OPTIONS);
      const figures = accountRun('LLM endpoint down 20 s (reset)', dataset, { stats: () => after }, before.completionsReturned);
      reportScenario({ ...figures, notes: `down ${(downMs / 1000).toFixed(1)} s, ${endpoint.connectionsWhileDown} connections while down, probes ${duringDown.sentWhileDown}` });
      reportOutage({
        kind: 'down, connections reset',
        lengthS: downMs / 1000,
        erroredByOutage: figures.errored,
        sentDuringOutage: endpoint.connectionsWhileDown,
        bound,
        toFullSpeedS: toFullSpeed === null ? null : toFullSpeed / 1000,
        notes: `pre-outage ${preRate.toFixed(1)} items/s, probes ${duringDown.sentWhileDown}`,
      });
      expect(sawDown).toBe(true);
      // Each change of the endpoint's health is logged once, by the worker whose request made it.
      const logs = fleet.workers.map((w) => w.stderrTail()).join('\n');
      expect(logs.match(/LLM endpoint down: items park/g)?.length).toBe(1);
      expect(logs.match(/LLM endpoint up again/g)?.length).toBe(1);
      expect(figures.itemsIn).toBe(items);
      expect(figures.itemsOut).toBe(items);
      expect(figures.duplicates).toBe(0);
      expect(figures.errored).toBe(0);
      // Nothing reaches a down endpoint but the probes (and what was already on its way when it went).
      expect(duringDown.sentWhileDown).toBeLessThanOrEqual(maxProbesWithin(downMs, DEFAULT_OUTAGE_OPTIONS));
      expect(endpoint.connectionsWhileDown).toBeLessThanOrEqual(bound);
      expect(endpoint.connectionsWhileDown).toBeGreaterThan(0);
      // Calls paid before the outage are cached: at most the requests cut off in flight are paid again.
      expect(figures.extraCalls).toBeLessThanOrEqual(WORKERS * WORKER_CONCURRENCY * CHOICES_PER_ITEM);
      expect(toFullSpeed).not.toBeNull();
    } finally {
      await trace.stop();
      await fleet.stopAll();
      await run.clients.close();
    }
  });

  it('a poison item during an outage: it alone ends errored, after exactly maxAttempts poison answers; the outage uses none of them', { timeout: 180_000 }, async () => {
    const items = 40;
    const maxAttempts = 3;
    const poisonLines = [
      JSON.stringify({ id: 'poison-1', prompt: `Take the last letter of each word in "${POISON} apple" and join them.` }),
      JSON.stringify({ id: 'poison-2', prompt: `Concatenate the last letters of the words "pear ${POISON}".` }),
    ];
    const run = await createRunFixture({
      label: 'fault-poison-outage',
      redisUrl,
      baseUrl: endpoint.baseUrl,
      items,
      extraLines: poisonLines,
      // The poison items' backoff (2 s, 4 s) spans the outage, so they fail before, during and after it.
      spec: { sampling: SAMPLING, maxAttempts, retryBackoffMs: 2_000 },
    });
    const fleet = WorkerFleet.forRun(redisUrl, run.prefix);
    try {
      for (let i = 0; i < WORKERS; i++) fleet.spawn();
      const poisonBefore = endpoint.simulator.stats().faults.poison;
      await run.submit();
      // The poison items come last: the endpoint goes down as soon as both have used their first attempt.
      while (endpoint.simulator.stats().faults.poison - poisonBefore < poisonLines.length) await sleep(10);
      const poisonAtDown = endpoint.simulator.stats().faults.poison - poisonBefore;
      const downAt = Date.now();
      await endpoint.stop('refused');
      await sleep(10_000);
      const duringDown = await endpointHealth(run);
      await endpoint.restart();
      const downMs = Date.now() - downAt;
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      const dataset = await run.readDataset();
      const poisonAfter = endpoint.simulator.stats().faults.poison;
      const poisonAnswers = poisonAtDown + poisonAfter;
      const errored = dataset.rejects.filter((r) => r.status === 'errored');
      reportOutage({
        kind: 'down, connection refused, 2 poison items',
        lengthS: downMs / 1000,
        erroredByOutage: errored.filter((r) => !r.id.startsWith('poison')).length,
        sentDuringOutage: duringDown.sentWhileDown,
        bound: maxProbesWithin(downMs, DEFAULT_OUTAGE_OPTIONS),
        toFullSpeedS: null,
        notes: `requests counted as probes in Redis (a closed port cannot count them); poison answers ${poisonAnswers} (${poisonAtDown} before the outage)`,
      });
      expect(dataset.manifest.counts.inputs).toBe(items + poisonLines.length);
      expect(dataset.provenance.length + dataset.rejects.length).toBe(items + poisonLines.length);
      expect(errored.map((r) => r.id).sort()).toEqual(['poison-1', 'poison-2']);
      for (const reject of errored) expect(reject.reason).toMatch(/poison item/);
      // Each poison item was answered 500 once per attempt: its connection errors during the outage used none.
      expect(poisonAtDown).toBeGreaterThanOrEqual(poisonLines.length);
      expect(poisonAnswers).toBe(poisonLines.length * maxAttempts);
      expect(duringDown.sentWhileDown).toBeLessThanOrEqual(maxProbesWithin(downMs, DEFAULT_OUTAGE_OPTIONS));
    } finally {
      await fleet.stopAll();
      await run.clients.close();
    }
  });
});
