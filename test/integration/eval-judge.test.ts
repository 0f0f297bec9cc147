import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openQueueClients, type QueueClients } from '../../cli/queue-clients.js';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { submitEval } from '../../producers/submit-eval.js';
import { writeTaskFiles } from '../../producers/write-task-files.js';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import { evalItemKey, evalResultKey } from '../../shared/eval/eval-keys.js';
import { parseEvalResult, type EvalResult } from '../../shared/eval/eval-result.js';
import { EvalRunStore } from '../../shared/eval/eval-run-store.js';
import { evalSpecSchema, resolveEvalSpec, type EvalSpecInput, type ResolvedEvalSpec } from '../../shared/eval/eval-spec.js';
import { createLogger } from '../../shared/logger.js';
import { EVAL_QUEUE } from '../../shared/queue/eval-job.js';
import { queueOptions } from '../../shared/queue/queue-options.js';
import { startWorkers, type RunningWorkers } from '../../workers/start-workers.js';
import { readTrustPolicy } from '../../shared/trust/trust-policy.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';

const redisUrl = inject('redisUrl');

/** One simulator + in-process workers + a labelled set; `evaluate` submits an eval and waits for its result. */
async function evalBench(label: string, simulatorInput: Parameters<typeof startSimulator>[0], family: 'pairwise-judge' | 'arithmetic', count: number, keyEnv?: string) {
  const simulator = await startSimulator(simulatorInput);
  // The workers' operator binds the key variable to the simulator (S2D_ALLOWED_ENDPOINTS) when the eval names one.
  const trust = keyEnv === undefined ? undefined : readTrustPolicy({ S2D_ALLOWED_ENDPOINTS: `${simulator.baseUrl}=${keyEnv}` });
  const dir = await mkdtemp(join(tmpdir(), `s2d-${label}-`));
  await writeTaskFiles({ family, count, seed: 11, dir, name: 'set' });
  const prefix = isolatedPrefix(label);
  const clients: QueueClients = await openQueueClients(redisUrl, prefix);
  const evalQueue = new Queue(EVAL_QUEUE, queueOptions(clients.redis, prefix, EVAL_QUEUE));
  const evals = new EvalRunStore(clients.redis, prefix);
  const workers: RunningWorkers = startWorkers({
    redisUrl,
    prefix,
    concurrency: 8,
    lockDurationMs: 30_000,
    stalledIntervalMs: 30_000,
    ...(trust === undefined ? {} : { trust }),
    logger: createLogger('silent'),
  });
  const spec = (input: Partial<EvalSpecInput>): Promise<ResolvedEvalSpec> =>
    resolveEvalSpec(
      evalSpecSchema.parse({
        name: label,
        input: 'set.inputs.jsonl',
        labels: 'set.labels.jsonl',
        answerType: family === 'pairwise-judge' ? 'verdict' : 'number',
        model: { name: 'sim-llama-2-70b-chat', baseUrl: simulator.baseUrl },
        output: { dir: 'out' },
        ...input,
      }),
      { baseDir: dir, defaultBaseUrl: undefined },
    );
  const evaluate = async (resolved: ResolvedEvalSpec): Promise<EvalResult> => {
    const store = openArtifactStore(resolved.output.dir);
    await submitEval(resolved, { evals, evalQueue, store });
    for (let i = 0; i < 1200; i++) {
      const bytes = await store.get(evalResultKey(resolved.evalId));
      if (bytes !== null) return parseEvalResult(JSON.parse(new TextDecoder().decode(bytes)), resolved.evalId);
      await sleep(50);
    }
    throw new Error(`eval ${resolved.evalId} did not finish`);
  };
  const close = async (): Promise<void> => {
    await workers.close(false);
    await evalQueue.close();
    await clients.close();
    await simulator.close();
  };
  return { simulator, spec, evaluate, close };
}

describe('judge evaluation on pair lines (real Redis, simulator over HTTP)', () => {
  let bench: Awaited<ReturnType<typeof evalBench>>;
  beforeAll(async () => {
    bench = await evalBench('eval-judge', { seed: 6, latency: { ttftMs: 1, perTokenMs: 0, jitter: 0 } }, 'pairwise-judge', 60);
  });
  afterAll(async () => {
    await bench.close();
  });

  it('BSM with swap-ab agrees with the known verdict far more often and flips far less than System 1', async () => {
    const swap = { perturbations: { kinds: ['swap-ab' as const] } };
    const [system1, bsm] = await Promise.all([
      bench.evaluate(await bench.spec({ strategy: 'system1', ...swap })),
      bench.evaluate(await bench.spec({ strategy: 'bsm', ...swap })),
    ]);
    for (const result of [system1, bsm]) {
      expect(result.metrics.items).toBe(60);
      expect(result.metrics.errored).toBe(0);
      expect(result.metrics.inconsistency?.items).toBeGreaterThan(0);
    }
    expect(bsm.metrics.accuracy).toBeGreaterThan(system1.metrics.accuracy + 0.15);
    const flips1 = system1.metrics.inconsistency?.rate ?? 0;
    const flipsBsm = bsm.metrics.inconsistency?.rate ?? 1;
    expect(flips1).toBeGreaterThan(0.5);
    expect(flipsBsm).toBeLessThan(flips1 - 0.25);
    // Both orders are paid for: System 1 makes 2 calls per item, BSM branch (shared by both orders) + solves.
    expect(system1.metrics.callsPerItem).toBe(2);
    expect(bsm.metrics.callsPerItem).toBeGreaterThan(4);
    expect(bsm.metrics.tokensPerItem).toBeGreaterThan(10 * system1.metrics.tokensPerItem);
  });

  it('without perturbations a judge eval reports accuracy and no inconsistency', async () => {
    const result = await bench.evaluate(await bench.spec({ name: 'plain', strategy: 'system1' }));
    expect(result.metrics.items).toBe(60);
    expect(result.metrics.callsPerItem).toBe(1);
    expect(result.metrics.inconsistency).toBeUndefined();
  });
});

describe('eval workers in a 429 storm use the fleet limiter and re-queue without using attempts', () => {
  let bench: Awaited<ReturnType<typeof evalBench>>;
  beforeAll(async () => {
    bench = await evalBench('eval-storm', { seed: 8, latency: { ttftMs: 15, perTokenMs: 0.2, jitter: 0.2 }, faults: { maxInFlightRequests: 3, retryAfterSeconds: 0.1 } }, 'arithmetic', 48);
  });
  afterAll(async () => {
    await bench.close();
  });

  it('ends with 0 errored items at maxAttempts 1 although the endpoint answered 429s', async () => {
    const before = bench.simulator.stats();
    const result = await bench.evaluate(await bench.spec({ strategy: 'rar2', maxAttempts: 1 }));
    const after = bench.simulator.stats();
    expect((after.byStatus['429'] ?? 0) - (before.byStatus['429'] ?? 0)).toBeGreaterThan(0);
    expect(result.metrics.items).toBe(48);
    expect(result.metrics.errored).toBe(0);
    expect(result.metrics.callsPerItem).toBe(2);
  });
});

describe('an eval the endpoint refuses (bad key) fails fast', () => {
  let bench: Awaited<ReturnType<typeof evalBench>>;
  beforeAll(async () => {
    process.env.S2D_API_KEY_EVALWRONG = 'sk-wrong-eval-key-0123456789';
    bench = await evalBench('eval-refused', { seed: 9, apiKey: 'sk-the-right-key', latency: { ttftMs: 20, perTokenMs: 0.2, jitter: 0.2 } }, 'arithmetic', 60, 'S2D_API_KEY_EVALWRONG');
  });
  afterAll(async () => {
    await bench.close();
  });

  it('records every item errored with the reason after a handful of refused requests, not one per item', async () => {
    const before = bench.simulator.stats();
    const spec = await bench.spec({ model: { name: 'sim-llama-2-70b-chat', baseUrl: bench.simulator.baseUrl, apiKeyEnv: 'S2D_API_KEY_EVALWRONG' } });
    const result = await bench.evaluate(spec);
    const refused = (bench.simulator.stats().byStatus['401'] ?? 0) - (before.byStatus['401'] ?? 0);
    expect(result.metrics.items).toBe(60);
    expect(result.metrics.errored).toBe(60);
    // At most the items already in flight on the 8 worker slots when the first 401 came back.
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThanOrEqual(16);
    expect(JSON.stringify(result)).not.toContain('sk-wrong-eval-key-0123456789');
  });

  it("records every item errored, without a request, when the workers' policy does not allow the eval's endpoint", async () => {
    const elsewhere = 'http://127.0.0.2:9/v1';
    const spec = await bench.spec({ model: { name: 'sim-llama-2-70b-chat', baseUrl: elsewhere } });
    const result = await bench.evaluate(spec);
    expect(result.metrics.items).toBe(60);
    expect(result.metrics.errored).toBe(60);
    expect(result.metrics.callsPerItem).toBe(0);
    const record = await openArtifactStore(spec.output.dir).get(evalItemKey(spec.evalId, 0));
    expect(new TextDecoder().decode(record ?? new Uint8Array())).toContain(`refused by the workers' trust policy: model.baseUrl ${elsewhere} is not an endpoint these workers allow`);
  });
});
