import { mkdir, mkdtemp, readdir, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { submitEval } from '../../producers/submit-eval.js';
import { writeTaskFiles } from '../../producers/write-task-files.js';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import { EvalRunStore } from '../../shared/eval/eval-run-store.js';
import { evalSpecSchema, resolveEvalSpec } from '../../shared/eval/eval-spec.js';
import { createLogger } from '../../shared/logger.js';
import { EVAL_QUEUE } from '../../shared/queue/eval-job.js';
import { QUEUES } from '../../shared/queue/queue-names.js';
import { queueOptions } from '../../shared/queue/queue-options.js';
import type { RunStore } from '../../shared/runs/run-store.js';
import { readTrustPolicy, type TrustPolicy } from '../../shared/trust/trust-policy.js';
import { startWorkers, type RunningWorkers } from '../../workers/start-workers.js';
import { createRunFixture, type RunFixture } from '../helpers/run-fixture.js';
import { singleDistillQueue } from '../helpers/single-distill-queue.js';

const redisUrl = inject('redisUrl');

/** The run's end state and error, or 'still <state>' when it has not ended within `ms`. */
async function endOf(runs: RunStore, runId: string, ms = 15_000): Promise<{ state: string; error: string | null }> {
  const until = Date.now() + ms;
  for (;;) {
    const run = await runs.get(runId);
    if (run?.state === 'failed' || run?.state === 'published') return { state: run.state, error: run.error };
    if (Date.now() > until) return { state: `still ${run?.state ?? 'missing'}`, error: run?.error ?? null };
    await sleep(50);
  }
}

/**
 * A refused run or eval ends, with the reason, wherever in its life the refusal meets it: stopped before its first
 * item, with jobs already in the failed set, or at publication after a narrower policy replaced a wider one.
 */
describe('refusals end runs and evals instead of leaving them (in-process workers, real Redis)', () => {
  let simulator: RunningSimulator;
  let base: string;
  let root: string;
  let strict: TrustPolicy;
  const open: { workers: RunningWorkers[]; fixtures: RunFixture[] } = { workers: [], fixtures: [] };

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 8 });
    base = await realpath(await mkdtemp(join(tmpdir(), 's2d-refusal-life-')));
    root = join(base, 'root');
    await mkdir(root);
    strict = readTrustPolicy({ ...process.env, S2D_OUTPUT_ROOTS: root });
  });
  afterAll(async () => {
    await Promise.all(open.workers.map((workers) => workers.close(false)));
    await Promise.all(open.fixtures.map((fixture) => fixture.clients.close()));
    await simulator.close();
    await rm(base, { recursive: true, force: true });
  });

  function workersFor(prefix: string, trust: TrustPolicy): RunningWorkers {
    const workers = startWorkers({ redisUrl, prefix, concurrency: 4, lockDurationMs: 1_000, stalledIntervalMs: 200, trust, logger: createLogger('silent') });
    open.workers.push(workers);
    return workers;
  }

  async function fixture(label: string, spec: Parameters<typeof createRunFixture>[0]['spec']): Promise<RunFixture> {
    const run = await createRunFixture({ label, redisUrl, baseUrl: simulator.baseUrl, items: 6, spec: { sampling: { samples: 1, temperature: 0, maxTokens: 64, seed: 1 }, ...spec } });
    open.fixtures.push(run);
    return run;
  }

  it('fails a cancelled run whose output location is refused: it could not store even its stopped items', async () => {
    const outside = join(base, 'cancelled-out');
    const run = await fixture('refused-cancelled', { output: { dir: outside } });
    await run.submit();
    await run.clients.runs.stop(run.spec.runId, 'cancelled', 'by test');
    workersFor(run.prefix, strict);
    const end = await endOf(run.clients.runs, run.spec.runId);
    expect(end.state).toBe('failed');
    expect(end.error).toMatch(/^refused by the workers' trust policy: output\.dir \S+cancelled-out is outside/);
    await expect(readdir(outside)).rejects.toThrow(/ENOENT/);
  });

  it('fails a cancelled run whose endpoint is refused, instead of leaving it cancelled for ever', async () => {
    const run = await fixture('refused-endpoint', { model: { name: 'sim-llama-2-70b-chat', baseUrl: 'http://llm.example.invalid/v1' }, output: { dir: join(root, 'ep') } });
    await run.submit();
    await run.clients.runs.stop(run.spec.runId, 'cancelled', 'by test');
    workersFor(run.prefix, strict);
    const end = await endOf(run.clients.runs, run.spec.runId);
    expect(end).toMatchObject({ state: 'failed' });
    expect(end.error).toMatch(/^refused by the workers' trust policy: model\.baseUrl http:\/\/llm\.example\.invalid\/v1 is not an endpoint/);
  });

  it('a refused run with jobs in the failed set fails once, and the sweep removes them without recording them', async () => {
    const outside = join(base, 'swept-out');
    const run = await fixture('refused-swept', { output: { dir: outside }, maxAttempts: 1 });
    await run.submit();
    const crashing = new Worker(QUEUES.distill, () => Promise.reject(new Error('storage unavailable')), { connection: { url: redisUrl }, prefix: run.prefix, concurrency: 6 });
    while ((await singleDistillQueue(run.clients.distillQueues).getFailedCount()) < 6) await sleep(20);
    await crashing.close();
    workersFor(run.prefix, strict);
    const end = await endOf(run.clients.runs, run.spec.runId);
    expect(end.state).toBe('failed');
    expect(end.error).toContain('output.dir');
    for (let i = 0; i < 100 && (await singleDistillQueue(run.clients.distillQueues).getFailedCount()) > 0; i++) await sleep(50);
    expect(await singleDistillQueue(run.clients.distillQueues).getFailedCount()).toBe(0);
    await expect(readdir(outside)).rejects.toThrow(/ENOENT/);
  });

  it('fails a complete run at publication when the workers now refuse its output (no dataset outside the roots)', async () => {
    const elsewhere = join(base, 'narrowed-out');
    const run = await fixture('refused-publish', { output: { dir: elsewhere } });
    // Its items run on workers whose default policy allows the temp directory; publication waits for the narrower one.
    await run.clients.publishQueue.pause();
    await run.submit();
    const wide = workersFor(run.prefix, readTrustPolicy(process.env));
    for (let i = 0; i < 300 && (await run.clients.runs.get(run.spec.runId))?.done !== 6; i++) await sleep(50);
    expect((await run.clients.runs.get(run.spec.runId))?.done).toBe(6);
    await wide.close(false);
    workersFor(run.prefix, strict);
    await run.clients.publishQueue.resume();
    const end = await endOf(run.clients.runs, run.spec.runId);
    expect(end.state).toBe('failed');
    expect(end.error).toMatch(/^refused by the workers' trust policy: output\.dir \S+narrowed-out is outside/);
    expect((await readdir(elsewhere)).filter((name) => name !== '_staging')).toEqual([]);
  });

  it('ends an eval refused at its output `refused`, and the eval sweep removes its failed jobs', async () => {
    const prefix = `t-refused-eval-${Date.now().toString(36)}`;
    const dir = join(base, 'eval');
    await writeTaskFiles({ family: 'coin-flip', count: 4, seed: 1, dir, name: 'coins' });
    const spec = await resolveEvalSpec(
      evalSpecSchema.parse({ input: 'coins.inputs.jsonl', labels: 'coins.labels.jsonl', answerType: 'yes-no', model: { name: 'sim' }, output: { dir: 'out' }, maxAttempts: 1 }),
      { baseDir: dir, defaultBaseUrl: simulator.baseUrl },
    );
    const run = await fixture('refused-eval-clients', {});
    const redis = run.clients.redis;
    const evalQueue = new Queue(EVAL_QUEUE, queueOptions(redis, prefix, EVAL_QUEUE));
    const evals = new EvalRunStore(redis, prefix);
    try {
      await submitEval(spec, { evals, evalQueue, store: openArtifactStore(spec.output.dir) });
      const crashing = new Worker(EVAL_QUEUE, () => Promise.reject(new Error('storage unavailable')), { connection: { url: redisUrl }, prefix, concurrency: 4 });
      while ((await evalQueue.getFailedCount()) < 4) await sleep(20);
      await crashing.close();
      workersFor(prefix, strict);
      for (let i = 0; i < 300 && (await evalQueue.getFailedCount()) > 0; i++) await sleep(50);
      expect(await evalQueue.getFailedCount()).toBe(0);
      const record = await evals.get(spec.evalId);
      expect(record).toMatchObject({ state: 'refused', done: 0 });
      expect(record?.refusedBy).toMatch(/^refused by the workers' trust policy: output\.dir \S+\/eval\/out is outside/);
      expect(await readdir(join(spec.output.dir, 'evals', spec.evalId))).toEqual(['labels.jsonl']);
    } finally {
      await evalQueue.close();
    }
  });
});
