import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnWorkerProcess, type WorkerProcess } from '../../cli/spawn-worker-process.js';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { promoteRunJobs } from '../../shared/queue/promote-run-jobs.js';
import type { RunRecord } from '../../shared/runs/run-store.js';
import { createRunFixture, duplicateIndices, type PublishedDataset, type RunFixture } from '../helpers/run-fixture.js';
import { workerEnv } from '../helpers/worker-env.js';
import { singleDistillQueue } from '../helpers/single-distill-queue.js';

const exec = promisify(execFile);
const BIN = new URL('../../bin/s2d.mjs', import.meta.url).pathname;
const redisUrl = inject('redisUrl');
const SAMPLING = { samples: 4, temperature: 0.8, maxTokens: 256, seed: 3 };
const REQUESTS_PER_ITEM = 1 + SAMPLING.samples; // rar2 with `n`
const CONCURRENCY = 3;

/** Runs the real CLI against the run's Redis prefix. */
const s2d = (run: RunFixture, ...args: string[]) =>
  exec(process.execPath, [BIN, ...args], { env: { ...process.env, REDIS_URL: redisUrl, S2D_PREFIX: run.prefix } });

async function until(run: RunFixture, condition: (record: RunRecord) => boolean | Promise<boolean>): Promise<RunRecord> {
  for (;;) {
    const record = await run.clients.runs.get(run.spec.runId);
    if (record !== null && (await condition(record))) return record;
    await sleep(20);
  }
}

/** Every input line lands exactly once, and the manifest agrees with the files. */
function expectReconciled(dataset: PublishedDataset, items: number): void {
  const c = dataset.manifest.counts;
  expect(c.inputs).toBe(items);
  expect(c.accepted + c.rejected + c.errored).toBe(items);
  expect(dataset.provenance.length + dataset.rejects.length).toBe(items);
  expect(duplicateIndices(dataset)).toEqual([]);
  expect(new Set([...dataset.provenance, ...dataset.rejects].map((r) => r.index)).size).toBe(items);
}

describe('run control with real worker processes', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  const workers: WorkerProcess[] = [];
  const startWorkers = (run: RunFixture, count: number): WorkerProcess[] => {
    const started = Array.from({ length: count }, () =>
      spawnWorkerProcess(workerEnv(redisUrl, run.prefix, { S2D_WORKER_CONCURRENCY: String(CONCURRENCY) })),
    );
    workers.push(...started);
    return started;
  };

  beforeAll(async () => {
    // Latency, so that items are in flight when a run is cancelled or paused.
    simulator = await startSimulator({ seed: 4, latency: { ttftMs: 15, perTokenMs: 0.3, jitter: 0.2 } });
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop(2_000)));
    await simulator.close();
  });

  it('cancel mid-run with 2 workers: in-flight items finish, the rest are cancelled rejects, a partial dataset reconciles', async () => {
    const items = 150;
    const run = await createRunFixture({ label: 'cancel', redisUrl, baseUrl: simulator.baseUrl, items, spec: { sampling: SAMPLING } });
    try {
      startWorkers(run, 2);
      // A small backlog keeps the producer reading while the run is cancelled, so both paths are exercised:
      // queued jobs the workers skip, and lines the producer has not enqueued yet.
      const submitted = run.submit({ maxBacklog: 12, batchSize: 6, backlogPollMs: 20 });
      await until(run, (r) => r.done >= 15);
      // What `s2d cancel` does, in-process so it lands mid-run (the CLI's start-up time is longer than this run).
      expect(await run.clients.runs.stop(run.spec.runId, 'cancelled', 'test')).toEqual({ ok: true, already: false });
      await promoteRunJobs(singleDistillQueue(run.clients.distillQueues), run.spec.runId);
      const outcome = await submitted;
      expect(outcome.stopped).toBeGreaterThan(0);
      await waitForPublication(run.clients.runs, run.spec.runId, 50);

      const dataset = await run.readDataset();
      expectReconciled(dataset, items);
      const cancelled = dataset.rejects.filter((r) => r.code === 'cancelled');
      expect(dataset.manifest.partial).toBe(true);
      expect(dataset.manifest.stopped).toEqual({ reason: 'cancelled', items: cancelled.length });
      expect(dataset.manifest.counts.rejectReasons.cancelled).toBe(cancelled.length);
      expect(cancelled.length).toBeGreaterThanOrEqual(outcome.stopped);
      // Cancelled items cost nothing: every paid request belongs to an item that was processed.
      const processed = items - cancelled.length - (dataset.manifest.counts.rejectReasons['invalid-input'] ?? 0);
      expect(simulator.stats().requests).toBeGreaterThan(0);
      expect(processed).toBeGreaterThan(0);
      const record = await run.clients.runs.get(run.spec.runId);
      expect(record).toMatchObject({ state: 'published', stopReason: 'cancelled', cancelled: cancelled.length, done: items });
      expect(record?.llmRequests).toBe(processed * REQUESTS_PER_ITEM);
      // A late cancel of a published run is refused and changes nothing.
      const late = await exec(process.execPath, [BIN, 'cancel', run.spec.runId], { env: { ...process.env, REDIS_URL: redisUrl, S2D_PREFIX: run.prefix } }).catch((e: unknown) => e as { code: number; stderr: string });
      expect(late).toMatchObject({ code: 1, stderr: expect.stringContaining('is published') as unknown });
    } finally {
      await run.clients.close();
    }
  });

  it('pause parks the run (no progress, asserted by counts), resume completes it with nothing lost or paid twice', async () => {
    const items = 60;
    const run = await createRunFixture({ label: 'pause', redisUrl, baseUrl: simulator.baseUrl, items, spec: { sampling: SAMPLING } });
    try {
      startWorkers(run, 2);
      const requestsBefore = simulator.stats().requests;
      await run.submit();
      await until(run, (r) => r.done >= 10);
      // What `s2d pause` does, in-process so it lands mid-run.
      expect(await run.clients.runs.pause(run.spec.runId)).toEqual({ ok: true, already: false });
      // In-flight items finish; then every remaining job is parked in the delayed set and none is active or waiting.
      const paused = await until(run, async (r) => {
        const counts = await singleDistillQueue(run.clients.distillQueues).getJobCounts('active', 'wait', 'prioritized', 'delayed');
        return counts.active === 0 && counts.wait === 0 && counts.prioritized === 0 && counts.delayed === items - r.done;
      });
      expect(paused.state).toBe('paused');
      expect(paused.resumeState).toBe('running');
      expect(paused.done).toBeLessThan(items);
      const { stdout } = await s2d(run, 'status', run.spec.runId);
      expect(stdout).toMatch(/state +paused \(resumes to running; s2d resume /);
      // Nothing can progress: no job is runnable, and workers polling the queue paid for nothing more.
      const requestsWhilePaused = simulator.stats().requests;
      expect(requestsWhilePaused - requestsBefore).toBe(paused.done * REQUESTS_PER_ITEM);
      expect((await run.clients.runs.get(run.spec.runId))?.done).toBe(paused.done);

      await s2d(run, 'resume', run.spec.runId);
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      const dataset = await run.readDataset();
      expectReconciled(dataset, items);
      expect(dataset.manifest.partial).toBeUndefined();
      // Parking used no attempt and no LLM call: every item was paid for exactly once.
      expect(simulator.stats().requests - requestsBefore).toBe(items * REQUESTS_PER_ITEM);
      expect(dataset.rejects.filter((r) => r.status === 'errored')).toEqual([]);
    } finally {
      await run.clients.close();
    }
  });

  it('s2d pause / status / resume / cancel through the CLI: a run cancelled before any item started publishes all as cancelled', async () => {
    const items = 20;
    const run = await createRunFixture({ label: 'cli-control', redisUrl, baseUrl: simulator.baseUrl, items, spec: { sampling: SAMPLING } });
    try {
      await run.submit(); // no worker yet: nothing can start
      expect((await s2d(run, 'pause', run.spec.runId)).stderr).toMatch(/paused: in-flight items finish/);
      expect(JSON.parse((await s2d(run, 'status', run.spec.runId, '--json')).stdout)).toMatchObject({ state: 'paused', resumeState: 'running' });
      expect((await s2d(run, 'resume', run.spec.runId)).stderr).toMatch(/resumed/);
      expect((await s2d(run, 'cancel', run.spec.runId)).stderr).toMatch(/cancelling: in-flight items finish/);
      const { stdout } = await s2d(run, 'status', run.spec.runId);
      expect(stdout).toMatch(/state +cancelled/);
      expect(stdout).toMatch(/stopped +cancelled at .*: cancelled with s2d cancel; 0 items never started/);
      startWorkers(run, 1);
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      const dataset = await run.readDataset();
      expectReconciled(dataset, items);
      expect(dataset.manifest).toMatchObject({ partial: true, stopped: { reason: 'cancelled', items }, counts: { accepted: 0, rejected: items } });
      expect(dataset.rejects.every((r) => r.code === 'cancelled' && r.reason === 'the run was cancelled before this item started')).toBe(true);
      expect((await run.clients.runs.get(run.spec.runId))?.llmRequests).toBe(0);
    } finally {
      await run.clients.close();
    }
  });

  it('a token budget stops the run: the rest are budget-exhausted rejects, overshoot bounded by in-flight work', async () => {
    const items = 80;
    const maxTokens = 6_000;
    const run = await createRunFixture({ label: 'budget', redisUrl, baseUrl: simulator.baseUrl, items, spec: { sampling: SAMPLING, budget: { maxTokens } } });
    try {
      const [worker] = startWorkers(run, 1);
      await run.submit();
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      const dataset = await run.readDataset();
      expectReconciled(dataset, items);
      const exhausted = dataset.rejects.filter((r) => r.code === 'budget-exhausted');
      expect(exhausted.length).toBeGreaterThan(0);
      expect(exhausted[0]?.reason).toMatch(/budget ran out before this item started \(budget\.maxTokens 6000 reached/);
      expect(dataset.manifest).toMatchObject({ partial: true, stopped: { reason: 'budget-exhausted', items: exhausted.length } });
      const record = await run.clients.runs.get(run.spec.runId);
      const paid = (record?.paidPromptTokens ?? 0) + (record?.paidCompletionTokens ?? 0);
      expect(paid).toBeGreaterThanOrEqual(maxTokens);
      // Overshoot: at most the items in flight when the limit was reached (one worker × CONCURRENCY items).
      const perItem = Math.max(...dataset.provenance.map((p) => (p as unknown as { tokens: { prompt: number; completion: number } }).tokens).map((t) => t.prompt + t.completion));
      expect(paid).toBeLessThanOrEqual(maxTokens + CONCURRENCY * perItem);
      expect(record).toMatchObject({ stopReason: 'budget', cancelled: exhausted.length });
      const { stdout } = await s2d(run, 'status', run.spec.runId, '--json');
      expect(JSON.parse(stdout)).toMatchObject({ stop: { reason: 'budget' }, budget: { maxTokens, usedTokens: paid }, items: { cancelled: exhausted.length } });
      expect(worker).toBeDefined();
    } finally {
      await run.clients.close();
    }
  });
});
