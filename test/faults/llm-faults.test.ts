import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { createRunFixture } from '../helpers/run-fixture.js';
import { accountRun, reportScenario, SAMPLING, WorkerFleet } from './fault-harness.js';

const redisUrl = inject('redisUrl');
const POISON = 'POISONPILL';
// Each attempt re-asks only the calls that failed (paid ones come from the call cache), yet at a 15% fault rate an
// item of nine calls needs several attempts now and then: a user facing such an endpoint raises maxAttempts so.
const MAX_ATTEMPTS = 8;

describe('fault: the LLM endpoint misbehaves', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator({
      seed: 24,
      latency: { ttftMs: 5, perTokenMs: 0.1, jitter: 0.2 },
      faults: { rate500: 0.1, rate503: 0.05, rateSlow: 0.03, slowDelayMs: 6_000, poisonMarker: POISON },
    });
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('5xx and slow replies are retried, a poison item ends in the rejects with its last error, and the run completes', { timeout: 120_000 }, async () => {
    const items = 100;
    const poisonLines = [
      JSON.stringify({ id: 'poison-1', prompt: `Take the last letter of each word in "${POISON} apple" and join them.` }),
      JSON.stringify({ id: 'poison-2', prompt: `Concatenate the last letters of the words "pear ${POISON}".` }),
    ];
    const run = await createRunFixture({
      label: 'fault-llm',
      redisUrl,
      baseUrl: simulator.baseUrl,
      items,
      extraLines: poisonLines,
      // A short per-request timeout turns the slow replies into timeouts, which must retry like 5xx.
      spec: { sampling: SAMPLING, model: { name: 'sim-llama-2-70b-chat', baseUrl: simulator.baseUrl, timeoutMs: 3_000 }, maxAttempts: MAX_ATTEMPTS, retryBackoffMs: 100 },
    });
    const fleet = WorkerFleet.forRun(redisUrl, run.prefix);
    try {
      fleet.spawn();
      fleet.spawn();
      const before = simulator.stats();
      await run.submit();
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      const dataset = await run.readDataset();
      const after = simulator.stats();
      const faults = {
        '500': after.faults['500'] - before.faults['500'],
        '503': after.faults['503'] - before.faults['503'],
        slow: after.faults.slow - before.faults.slow,
        poison: after.faults.poison - before.faults.poison,
      };
      const figures = accountRun('5xx 15% + slow 3% + 2 poison items', dataset, simulator, before.completionsReturned, poisonLines.length);
      reportScenario({ ...figures, notes: `injected 500×${faults['500']} 503×${faults['503']} slow×${faults.slow} poison×${faults.poison}` });
      expect(figures.itemsIn).toBe(items + poisonLines.length);
      expect(figures.itemsOut).toBe(items + poisonLines.length);
      expect(figures.duplicates).toBe(0);
      expect(faults['500'] + faults['503']).toBeGreaterThan(20);
      expect(faults.slow).toBeGreaterThan(0);
      // The poison items, and only they, end errored, each with the endpoint's last error as its reason.
      const errored = dataset.rejects.filter((r) => r.status === 'errored');
      expect(errored.map((r) => `${r.id}: ${r.id.startsWith('poison') ? 'poison' : r.reason}`).sort()).toEqual(['poison-1: poison', 'poison-2: poison']);
      for (const reject of errored) expect(reject.reason).toMatch(/poison item|500/);
      // A poison item is tried once per attempt (the SDK retries nothing underneath), then given up.
      expect(faults.poison).toBe(poisonLines.length * MAX_ATTEMPTS);
      // A slow reply abandoned by the client may have been decoded (paid) by the server and is then asked again.
      expect(figures.extraCalls).toBeLessThanOrEqual(faults.slow * 4);
    } finally {
      await fleet.stopAll();
      await run.clients.close();
    }
  });
});
