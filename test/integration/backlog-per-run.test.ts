import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { submitRun, type SubmitDeps, type SubmitOutcome } from '../../producers/submit-run.js';
import { ItemResultStore } from '../../shared/dataset/read-item-results.js';
import { createLogger } from '../../shared/logger.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { startWorkers, type RunningWorkers } from '../../workers/start-workers.js';
import { createRunFixture, type RunFixture } from '../helpers/run-fixture.js';
import { singleDistillQueue } from '../helpers/single-distill-queue.js';

const redisUrl = inject('redisUrl');
const MAX_BACKLOG = 10;
const BATCH = 5;

/** Submits `other` into `host`'s queues (one prefix, as runs sharing a deployment do). */
function submitInto(host: RunFixture, other: RunFixture, overrides: Partial<SubmitDeps> = {}): Promise<SubmitOutcome> {
  return submitRun(other.spec, {
    runs: host.clients.runs,
    distillQueues: host.clients.distillQueues,
    publishQueue: host.clients.publishQueue,
    results: new ItemResultStore(other.store),
    maxBacklog: MAX_BACKLOG,
    batchSize: BATCH,
    backlogPollMs: 20,
    ...overrides,
  });
}

/** Resolves to the outcome, or to 'still waiting' if the producer has not finished within `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still waiting'> {
  return Promise.race([promise, sleep(ms).then(() => 'still waiting' as const)]);
}

describe('producer backpressure is per run (real redis-server, BullMQ, simulator over HTTP)', () => {
  let simulator: RunningSimulator | undefined;
  let workers: RunningWorkers | undefined;
  const fixtures: RunFixture[] = [];
  afterEach(async () => {
    await workers?.close(false);
    await Promise.all(fixtures.splice(0).map((fixture) => fixture.clients.close()));
    await simulator?.close();
    workers = undefined;
    simulator = undefined;
  });

  it("a paused run's parked items (more than S2D_MAX_BACKLOG) do not stall another run's producer", async () => {
    simulator = await startSimulator({ seed: 41, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 } });
    const a = await createRunFixture({ label: 'parked-a', redisUrl, baseUrl: simulator.baseUrl, items: 3 * MAX_BACKLOG });
    const b = await createRunFixture({ label: 'parked-b', redisUrl, baseUrl: simulator.baseUrl, items: 2 * MAX_BACKLOG });
    fixtures.push(a, b);
    await a.clients.runs.register(a.spec);
    await a.clients.runs.pause(a.spec.runId);
    // Run A's producer had a larger bound; the run is paused, so workers park every one of its items.
    expect(await submitInto(a, a, { maxBacklog: 1_000 })).toMatchObject({ enqueued: 3 * MAX_BACKLOG });
    workers = startWorkers({ redisUrl, prefix: a.prefix, concurrency: 4, lockDurationMs: 30_000, stalledIntervalMs: 30_000, logger: createLogger('silent') });
    while ((await singleDistillQueue(a.clients.distillQueues).getDelayedCount()) < 3 * MAX_BACKLOG) await sleep(20);

    const outcome = await within(submitInto(a, b), 15_000);
    expect(outcome).toMatchObject({ enqueued: 2 * MAX_BACKLOG, total: 2 * MAX_BACKLOG });
    await waitForPublication(a.clients.runs, b.spec.runId, 50);
    expect(await a.clients.runs.get(a.spec.runId)).toMatchObject({ state: 'paused', done: 0 });
    expect(await singleDistillQueue(a.clients.distillQueues).getDelayedCount()).toBe(3 * MAX_BACKLOG);
  });

  it('items re-queued after a 429 still hold their run\'s producer back', async () => {
    // Every request is answered 429 with a long Retry-After: each item goes back to the delayed set, not done.
    simulator = await startSimulator({ seed: 42, faults: { rate429: 1, retryAfterSeconds: 60 } });
    const run = await createRunFixture({ label: 'storm-backlog', redisUrl, baseUrl: simulator.baseUrl, items: 6 * MAX_BACKLOG });
    fixtures.push(run);
    // Without the endpoint limiter each 429 re-queues its item at once (the limiter would hold them in flight instead).
    workers = startWorkers({ redisUrl, prefix: run.prefix, concurrency: 8, lockDurationMs: 30_000, stalledIntervalMs: 30_000, endpointLimiter: false, logger: createLogger('silent') });
    const submitting = submitInto(run, run);
    while ((simulator.stats().byStatus['429'] ?? 0) < MAX_BACKLOG) await sleep(20);
    expect(await within(submitting, 1_500)).toBe('still waiting');
    const counts = await singleDistillQueue(run.clients.distillQueues).getJobCounts('wait', 'delayed');
    expect(counts.wait).toBe(0);
    expect(counts.delayed).toBeGreaterThanOrEqual(MAX_BACKLOG);
    // Every job of the run not yet done counts, in flight ones too; a batch is added before the producer looks at the
    // backlog, so it can overshoot by less than one batch.
    const jobs = await singleDistillQueue(run.clients.distillQueues).getJobCounts('wait', 'delayed', 'active', 'prioritized', 'paused');
    expect(Object.values(jobs).reduce((sum, n) => sum + n, 0)).toBeLessThan(MAX_BACKLOG + BATCH);
    // Cancelling releases the producer: the items it never enqueued are recorded as cancelled.
    await run.clients.runs.stop(run.spec.runId, 'cancelled', 'end of test');
    expect(await submitting).toMatchObject({ total: 6 * MAX_BACKLOG });
  });

  it('counts a run\'s backlog exactly however enqueue and finish interleave', async () => {
    const run = await createRunFixture({ label: 'backlog-count', redisUrl, baseUrl: 'http://127.0.0.1:9/v1', items: 4 });
    fixtures.push(run);
    const { runs } = run.clients;
    const id = run.spec.runId;
    const zero = { promptTokens: 0, completionTokens: 0 };
    await runs.register(run.spec);
    await runs.markEnqueued(id, [0, 1, 2]);
    await runs.markEnqueued(id, [1, 2]); // a re-submission: nothing new
    expect((await runs.backlog(id)).queued).toBe(3);
    await runs.markDone(id, 0, 'accepted', zero);
    await runs.markDone(id, 0, 'accepted', zero); // a duplicate execution
    expect((await runs.backlog(id)).queued).toBe(2);
    // Finished before its enqueue was recorded (a fast worker, or a producer that died in between): never counted.
    await runs.markDone(id, 3, 'accepted', zero);
    await runs.markEnqueued(id, [3]);
    // Never enqueued at all (an input reject): finishing it takes nothing off.
    await runs.markDone(id, 4, 'rejected', zero);
    expect(await runs.backlog(id)).toEqual({ state: 'producing', queued: 2 });
    await runs.markDone(id, 1, 'accepted', zero);
    await runs.markDone(id, 2, 'errored', zero);
    expect((await runs.backlog(id)).queued).toBe(0);
  });

  it('reads and records a batch of more than 1000 items exactly (the scripts work through it 1000 bits at a time)', async () => {
    const run = await createRunFixture({ label: 'backlog-big', redisUrl, baseUrl: 'http://127.0.0.1:9/v1', items: 1 });
    fixtures.push(run);
    const { runs } = run.clients;
    const id = run.spec.runId;
    const zero = { promptTokens: 0, completionTokens: 0 };
    await runs.register(run.spec);
    const indices = Array.from({ length: 2_500 }, (_unused, index) => index);
    // Done before it was enqueued (index 1000, the first of the second chunk) and enqueued before (1999, its last).
    await runs.markDone(id, 1_000, 'accepted', zero);
    await runs.markEnqueued(id, [1_999, 2_499]);
    expect(await runs.unclaimed(id, indices)).toEqual(indices.filter((index) => ![1_000, 1_999, 2_499].includes(index)));
    await runs.markEnqueued(id, indices);
    expect((await runs.backlog(id)).queued).toBe(2_499);
    expect(await runs.unclaimed(id, indices)).toEqual([]);
    expect(await runs.isDone(id, 1_000)).toBe(true);
    expect(await runs.isDone(id, 1_001)).toBe(false);
  });
});
