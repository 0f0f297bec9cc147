import { Writable } from 'node:stream';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator, type SimulatorOptionsInput } from '../../infra/simulator/simulator-server.js';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import type { RunSpecInput } from '../../shared/config/run-spec.js';
import { ItemResultStore } from '../../shared/dataset/read-item-results.js';
import { createLogger } from '../../shared/logger.js';
import { RunFailedError, waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { startWorkers } from '../../workers/start-workers.js';
import { readTrustPolicy } from '../../shared/trust/trust-policy.js';
import { createRunFixture, duplicateIndices, type RunFixture } from '../helpers/run-fixture.js';
import { limiterTrajectory } from '../helpers/limiter-trajectory.js';
import { singleDistillQueue } from '../helpers/single-distill-queue.js';

const redisUrl = inject('redisUrl');
// Workers read the key from the variable the spec names; the simulator echoes a wrong key back in its 401 text.
const PLANTED_KEY = 'sk-planted-wrong-key-9f8e7d6c5b4a3210';
process.env.S2D_API_KEY_PLANTED = PLANTED_KEY;

/** Captured pino output of the workers (info level and above, as in production). */
function captureLogs(): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = (): string => chunks.join('');
  return {
    logger: createLogger('info', 'test-worker', sink),
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

interface Scenario {
  label: string;
  items: number;
  simulator: SimulatorOptionsInput;
  spec?: Partial<RunSpecInput>;
  concurrency: number;
}

describe('LLM faults in a distillation run (BullMQ, real redis-server, simulator over HTTP)', () => {
  let simulator: RunningSimulator | undefined;
  let run: RunFixture | undefined;
  afterEach(async () => {
    await run?.clients.close();
    await simulator?.close();
    run = undefined;
    simulator = undefined;
  });

  async function runScenario(scenario: Scenario): Promise<{ run: RunFixture; sim: RunningSimulator; logs: ReturnType<typeof captureLogs>; outcome: unknown }> {
    simulator = await startSimulator(scenario.simulator);
    run = await createRunFixture({ label: scenario.label, redisUrl, baseUrl: simulator.baseUrl, items: scenario.items, ...(scenario.spec === undefined ? {} : { spec: scenario.spec }) });
    const logs = captureLogs();
    await run.submit();
    // The operator binds the scenario's key variable (if it names one) to the simulator, as S2D_ALLOWED_ENDPOINTS would.
    const keyEnv = scenario.spec?.model?.apiKeyEnv;
    const trust = readTrustPolicy({ S2D_ALLOWED_ENDPOINTS: keyEnv === undefined ? simulator.baseUrl : `${simulator.baseUrl}=${keyEnv}` });
    const workers = startWorkers({ redisUrl, prefix: run.prefix, concurrency: scenario.concurrency, lockDurationMs: 30_000, stalledIntervalMs: 30_000, trust, logger: logs.logger });
    const outcome = await waitForPublication(run.clients.runs, run.spec.runId, 50).catch((error: unknown) => error);
    if (outcome !== undefined) {
      // A failed run: the workers still drain its remaining items (without calling the LLM) before they stop.
      for (;;) {
        const counts = await singleDistillQueue(run.clients.distillQueues).getJobCounts('wait', 'active', 'delayed');
        if ((counts.wait ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    await workers.close(false);
    return { run, sim: simulator, logs, outcome };
  }

  it('a 429 storm: every item counted once, none errored, no attempt used by a 429, no call paid twice', async () => {
    const items = 30;
    const { run, sim, logs, outcome } = await runScenario({
      label: 'storm',
      items,
      concurrency: 12,
      // The endpoint serves 3 requests at once and answers 429 beyond that.
      simulator: { seed: 7, latency: { ttftMs: 15, perTokenMs: 0.1, jitter: 0 }, faults: { maxInFlightRequests: 3, retryAfterSeconds: 0.1 } },
      spec: { maxAttempts: 1, model: { name: 'sim-llama-2-70b-chat', limits: { maxConcurrency: 24, maxRateLimitRequeues: 1_000 } } },
    });
    expect(outcome).toBeUndefined();
    const stats = sim.stats();
    expect(stats.stormRejections).toBeGreaterThan(0);
    expect(stats.maxActiveRequests).toBeLessThanOrEqual(3);

    const dataset = await run.readDataset();
    const { counts } = dataset.manifest;
    expect(counts.inputs).toBe(items);
    expect(counts.errored).toBe(0);
    expect(counts.accepted + counts.rejected).toBe(items);
    expect(duplicateIndices(dataset)).toEqual([]);
    // maxAttempts is 1: had any 429 used an attempt, that item would be errored. No attempt failed at all.
    expect(logs.lines().filter((line) => line.msg === 'job attempt failed')).toEqual([]);
    // rar2 × 4 samples with n honoured: one rephrase request and one answer request per sample, each paid once.
    const record = await run.clients.runs.get(run.spec.runId);
    expect(record?.llmRequests).toBe(items * (1 + 4));
    expect(stats.byStatus['200']).toBe(items * (1 + 4));

    const trajectory = await limiterTrajectory(run);
    expect(trajectory.filter((step) => step.why === '429').length).toBeGreaterThan(0);
    expect(Math.min(...trajectory.map((step) => step.cap))).toBeLessThanOrEqual(3);
  });

  it('a 401 fails the run fast with the reason, without retries and without a request per item; no key in logs or results', async () => {
    const items = 40;
    const { run, sim, logs, outcome } = await runScenario({
      label: 'auth',
      items,
      concurrency: 4,
      simulator: { seed: 8, apiKey: 'sk-the-right-key-000000000000' },
      spec: { model: { name: 'sim-llama-2-70b-chat', apiKeyEnv: 'S2D_API_KEY_PLANTED' } },
    });
    expect(outcome).toBeInstanceOf(RunFailedError);
    expect((outcome as Error).message).toMatch(/401/);
    expect((outcome as Error).message).not.toContain(PLANTED_KEY);
    const stats = sim.stats();
    // Only the items already in flight when the first 401 came back sent a request.
    expect(stats.byStatus['401'] ?? 0).toBeGreaterThan(0);
    expect(stats.requests).toBeLessThanOrEqual(8);
    expect(await singleDistillQueue(run.clients.distillQueues).getJobCounts('wait', 'active', 'delayed', 'failed')).toEqual({ wait: 0, active: 0, delayed: 0, failed: 0 });
    expect(logs.lines().filter((line) => line.msg === 'job attempt failed')).toEqual([]);

    const results = new ItemResultStore(openArtifactStore(run.spec.output.dir));
    const stored = (await Promise.all(Array.from({ length: items }, (_v, index) => results.get(run.spec.runId, index)))).filter((r) => r !== null);
    expect(stored.length).toBeGreaterThan(0);
    for (const result of stored) {
      expect(result).toMatchObject({ status: 'errored', attempts: 1 });
      expect(result.status === 'errored' ? result.reason : '').toMatch(/401.*Incorrect API key provided: (sk-)?\[redacted\]/);
    }
    expect(JSON.stringify(stored)).not.toContain(PLANTED_KEY);
    expect(logs.text()).toContain('401');
    expect(logs.text()).not.toContain(PLANTED_KEY);
    expect(JSON.stringify(await run.clients.runs.get(run.spec.runId))).not.toContain(PLANTED_KEY);
  });

  it('5xx answers are retried with backoff and the items succeed', async () => {
    const items = 10;
    const { run, sim, logs, outcome } = await runScenario({
      label: 'flaky',
      items,
      concurrency: 10,
      simulator: { seed: 9, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 }, faults: { rate500: 0.15, rate503: 0.1 } },
      spec: { maxAttempts: 12 },
    });
    expect(outcome).toBeUndefined();
    const stats = sim.stats();
    expect((stats.byStatus['500'] ?? 0) + (stats.byStatus['503'] ?? 0)).toBeGreaterThan(0);
    const dataset = await run.readDataset();
    expect(dataset.manifest.counts.errored).toBe(0);
    expect(dataset.manifest.counts.accepted + dataset.manifest.counts.rejected).toBe(items);
    // Each retry is one failed attempt seen by BullMQ, and no SDK retries hid any: requests = successes + faults.
    const failedAttempts = logs.lines().filter((line) => line.msg === 'job attempt failed').length;
    expect(failedAttempts).toBeGreaterThan(0);
    expect(stats.requests).toBe((stats.byStatus['200'] ?? 0) + (stats.byStatus['500'] ?? 0) + (stats.byStatus['503'] ?? 0));
    expect((await run.clients.runs.get(run.spec.runId))?.llmRequests).toBe(stats.byStatus['200']);
  });
});
