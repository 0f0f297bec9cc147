import type { Queue } from 'bullmq';
import type { ArtifactStore } from '../shared/artifacts/artifact-store.js';
import { evalJobId, evalLabelsKey } from '../shared/eval/eval-keys.js';
import type { EvalRunStore } from '../shared/eval/eval-run-store.js';
import type { ResolvedEvalSpec } from '../shared/eval/eval-spec.js';
import { readEvalSet } from '../shared/eval/read-eval-set.js';
import { JOB_DEFAULTS } from '../shared/queue/job-options.js';
import type { EvalJob } from '../shared/queue/eval-job.js';
import { structuredInputOptions } from './structured-input-options.js';

export interface SubmitEvalDeps {
  evals: EvalRunStore;
  evalQueue: Queue;
  store: ArtifactStore;
}

export interface SubmitEvalOutcome {
  evalId: string;
  created: boolean;
  total: number;
  enqueued: number;
  /** Every item was already done when this submission looked (e.g. a re-submission after completion). */
  complete: boolean;
}

/**
 * Submits an eval: labels to the artifact store (never to the queue), then one job per item with a deterministic
 * id. Idempotent: a re-submission registers nothing new and enqueues only items not yet done; a job still queued
 * is deduplicated by its id, and a worker that meets an item already recorded adopts the record.
 */
export async function submitEval(spec: ResolvedEvalSpec, deps: SubmitEvalDeps): Promise<SubmitEvalOutcome> {
  const { evalId } = spec;
  const set = await readEvalSet(spec.input, spec.labels, spec.answerType, structuredInputOptions(spec));
  const created = await deps.evals.register(spec);
  const existing = await deps.evals.get(evalId);
  if (existing?.state === 'finalised') {
    return { evalId, created, total: existing.total ?? set.jobs.length, enqueued: 0, complete: true };
  }
  // Its output location was refused by the workers: its items would be refused again (the state is final).
  if (existing?.state === 'refused') return { evalId, created, total: existing.total ?? set.jobs.length, enqueued: 0, complete: false };
  // Same content on every submission (labels in input order), so rewriting it is harmless.
  await deps.store.put(evalLabelsKey(evalId), set.labels.map((label) => JSON.stringify(label)).join('\n') + (set.labels.length > 0 ? '\n' : ''));
  let enqueued = 0;
  for (let from = 0; from < set.jobs.length; from += 200) {
    const batch = set.jobs.slice(from, from + 200);
    const done = await Promise.all(batch.map((job) => deps.evals.isDone(evalId, job.index)));
    const fresh = batch.filter((_job, position) => done[position] !== true);
    if (fresh.length === 0) continue;
    await deps.evalQueue.addBulk(
      fresh.map((job) => ({
        name: 'eval-item',
        data: { evalId, ...job } satisfies EvalJob,
        opts: { ...JOB_DEFAULTS, jobId: evalJobId(evalId, job.index), attempts: spec.maxAttempts },
      })),
    );
    enqueued += fresh.length;
  }
  const complete = await deps.evals.setTotal(evalId, set.jobs.length);
  return { evalId, created, total: set.jobs.length, enqueued, complete };
}
