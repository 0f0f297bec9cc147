import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import type { DistillQueues } from '../shared/queue/distill-queues.js';
import type { ResolvedRunSpec } from '../shared/config/run-spec.js';
import type { InputItem } from '../shared/core-types.js';
import type { ItemResult } from '../shared/dataset/item-result.js';
import type { ItemResultStore } from '../shared/dataset/read-item-results.js';
import { enqueuePublish } from '../shared/queue/enqueue-publish.js';
import { distillJobOptions } from '../shared/queue/distill-job-options.js';
import type { DistillJob } from '../shared/queue/job-payloads.js';
import type { RunStore } from '../shared/runs/run-store.js';
import { RunFailedError } from '../shared/runs/wait-for-publication.js';
import { isStoppedResult, stoppedResult } from '../shared/dataset/stopped-result.js';
import { readRunInput } from './run-input.js';
import { structuredInputOptions } from './structured-input-options.js';

export interface SubmitDeps {
  runs: RunStore;
  /** The distill queue shards; each item goes to its own (distill-shard.ts). */
  distillQueues: DistillQueues;
  publishQueue: Queue;
  results: ItemResultStore;
  /**
   * Most items of this run enqueued and not yet done (waiting, in flight, retrying, re-queued after a 429, parked)
   * before its producer pauses reading input (S2D_MAX_BACKLOG).
   */
  maxBacklog: number;
  /** Items per Redis round trip. Default 200. */
  batchSize?: number;
  /** How often a paused producer looks at the backlog again, ms. Default 250. */
  backlogPollMs?: number;
}

export interface SubmitOutcome {
  runId: string;
  /** False when the run already existed (a re-submission). */
  created: boolean;
  /** Items put on the queue by this call (0 when re-submitting a run whose items are all queued or done). */
  enqueued: number;
  /** Lines rejected while reading the input (recorded as rejects by this call). */
  rejectedAtInput: number;
  /** Items not enqueued because the run had stopped (recorded as `cancelled` / `budget-exhausted` rejects). */
  stopped: number;
  /** Items in the input. */
  total: number;
  state: string;
}

/**
 * Streams a run's input into the distill queue. Idempotent: only items that no earlier submission enqueued and no
 * worker finished get a job, and job ids are deterministic, so submitting the same run again enqueues nothing new.
 */
export async function submitRun(spec: ResolvedRunSpec, deps: SubmitDeps): Promise<SubmitOutcome> {
  const { runId } = spec;
  const events = readRunInput(spec.input, { defaultAnswerType: spec.answerType, ...spec.inputLimits, ...structuredInputOptions(spec) })[Symbol.asyncIterator]();
  // The first line is read before the run exists, so a file-level problem (missing, a directory, empty) fails the
  // submission with one message and leaves no half-registered run behind.
  const first = await events.next();
  const created = await deps.runs.register(spec);
  const existing = await deps.runs.get(runId);
  if (existing?.state === 'published') {
    await events.return(undefined);
    return { runId, created, enqueued: 0, rejectedAtInput: 0, stopped: 0, total: existing.total ?? 0, state: 'published' };
  }
  const batchSize = deps.batchSize ?? 200;
  let batch: InputItem[] = [];
  let enqueued = 0;
  let stopped = 0;
  let rejectedAtInput = 0;
  let total = 0;
  const flush = async (): Promise<void> => {
    const outcome = await enqueueBatch(spec, batch, deps);
    enqueued += outcome.enqueued;
    stopped += outcome.stopped;
    batch = [];
  };
  for (let next = first; next.done !== true; next = await events.next()) {
    const entry = next.value;
    total += 1;
    if (entry.kind === 'reject') {
      if (await recordInputReject(runId, entry.result, deps)) rejectedAtInput += 1;
      continue;
    }
    batch.push(entry.item);
    if (batch.length >= batchSize) {
      await flush();
      await waitForBacklog(runId, deps);
    }
  }
  await flush();
  if (await deps.runs.setTotal(runId, total)) {
    await enqueuePublish(deps.publishQueue, runId);
  }
  const state = (await deps.runs.get(runId))?.state ?? 'running';
  return { runId, created, enqueued, rejectedAtInput, stopped, total, state };
}

async function enqueueBatch(spec: ResolvedRunSpec, items: readonly InputItem[], deps: SubmitDeps): Promise<{ enqueued: number; stopped: number }> {
  const fresh = new Set(await deps.runs.unclaimed(spec.runId, items.map((item) => item.index)));
  const jobs = items.filter((item) => fresh.has(item.index));
  if (jobs.length === 0) return { enqueued: 0, stopped: 0 };
  const run = await deps.runs.get(spec.runId);
  if (run?.state === 'failed') {
    // Workers skip a failed run's items without running them, so enqueuing the rest of the input would only fill Redis.
    throw new RunFailedError(spec.runId, `${run.error ?? 'no reason recorded'}; its remaining items are not enqueued (a failed run runs no more items: submit it again under a new runId)`);
  }
  if (run?.state === 'cancelled') {
    // The run stopped: the items it never started are accounted for as stopped rejects instead of being enqueued.
    const reason = run.stopReason ?? 'cancelled';
    await Promise.all(jobs.map((item) => recordStopped(spec.runId, stoppedResult(item, reason, run.stopDetail), deps)));
    return { enqueued: 0, stopped: jobs.length };
  }
  await deps.distillQueues.addBulk(
    jobs.map((item) => ({
      name: 'item',
      data: {
        runId: spec.runId,
        index: item.index,
        line: item.line,
        id: item.id,
        prompt: item.prompt,
        answerType: item.answerType,
        ...(item.structured === undefined ? {} : { structured: item.structured }),
      } satisfies DistillJob,
      opts: distillJobOptions(spec, item.index),
    })),
  );
  // Marked only after the add: a crash in between leaves them unmarked, and the next submission's add is deduplicated
  // by job id.
  await deps.runs.markEnqueued(spec.runId, jobs.map((item) => item.index));
  return { enqueued: jobs.length, stopped: 0 };
}

/** A line that could not be read is a result of its own, so the manifest's counts reconcile. */
async function recordInputReject(runId: string, result: ItemResult, deps: SubmitDeps): Promise<boolean> {
  if (await deps.runs.isDone(runId, result.index)) return false;
  const stored = await deps.results.putOnce(runId, result);
  const { first } = await deps.runs.markDone(runId, stored.index, stored.status, stored.usage);
  return first;
}

async function recordStopped(runId: string, result: ItemResult, deps: SubmitDeps): Promise<void> {
  const stored = await deps.results.putOnce(runId, result);
  await deps.runs.markDone(runId, stored.index, stored.status, stored.usage, isStoppedResult(stored));
}

/**
 * Waits while the run's own backlog (items enqueued and not yet done, see RunStore.backlog) is at the bound. Per run:
 * a paused run's parked items hold back only its own producer, never another run's; items re-queued after a 429 are
 * not done, so a run in a 429 storm still stops reading input.
 */
async function waitForBacklog(runId: string, deps: SubmitDeps): Promise<void> {
  for (;;) {
    const { state, queued } = await deps.runs.backlog(runId);
    // A stopped run's remaining items are not enqueued, so they need no room; a failed run's are not enqueued either
    // (the next batch reports the failure), and its skipped items never become done.
    if (state === 'cancelled' || state === 'failed') return;
    if (queued < deps.maxBacklog) return;
    await sleep(deps.backlogPollMs ?? 250);
  }
}
