import { handoffOf } from '../../shared/config/handoff-spec.js';
import type { ArtifactStore } from '../../shared/artifacts/artifact-store.js';
import type { ResolvedRunSpec } from '../../shared/config/run-spec.js';
import type { Manifest } from '../../shared/dataset/manifest.js';
import { buildFinetunePayload, finetuneJobId } from '../../shared/handoff/finetune-payload.js';
import { JOB_DEFAULTS } from '../../shared/queue/job-options.js';
import { QUEUES } from '../../shared/queue/queue-names.js';
import type { QueueRegistry } from '../../shared/queue/queue-registry.js';
import { FINAL_HANDOFF_STATES } from '../../shared/runs/handoff-status.js';
import type { RunRecord, RunStore } from '../../shared/runs/run-store.js';
import { datasetFolder } from '../../shared/dataset/dataset-layout.js';

/**
 * How long a delivered finetune message (and a finished hand-off job) stays in Redis, s. While it is there its
 * deterministic id turns any repeated add into a no-op; the run's `handoffState` guards beyond that.
 */
const KEEP_DELIVERED_S = 24 * 3600;

/** Attempts of a hand-off job (upload/create/poll errors that may pass) before the hand-off is recorded as `error`. */
export const HANDOFF_ATTEMPTS = 5;

export function handoffJobId(runId: string): string {
  return `${runId}__handoff`;
}

export interface StartHandoffInput {
  run: RunRecord;
  spec: ResolvedRunSpec;
  manifest: Manifest;
  manifestLocation: string;
  store: ArtifactStore;
  runs: RunStore;
  queues: QueueRegistry;
}

/**
 * Starts a published run's hand-off, once. Safe to call again (a retried or repeated publish job): a hand-off in an
 * end state is left alone, and every add uses a deterministic job id, so a crash between the add and the record
 * adds nothing new. A partial dataset (the run was cancelled or its budget ran out) is not handed off: a training
 * job on what a stopped run left costs money and is rarely what the person who stopped it wants, so the hand-off is
 * recorded as `skipped` with the reason. Returns what it did.
 */
export async function startHandoff(input: StartHandoffInput): Promise<'none' | 'already-started' | 'skipped' | 'enqueued' | 'handoff-job-added'> {
  const { run, spec, runs, queues } = input;
  const handoff = handoffOf(spec);
  if (handoff.kind === 'none') return 'none';
  if (run.handoff !== null && FINAL_HANDOFF_STATES.has(run.handoff.state)) return 'already-started';
  const runId = spec.runId;
  if (input.manifest.partial === true) {
    const stopped = input.manifest.stopped;
    const why = stopped === undefined ? 'the run stopped early' : `${stopped.items} items were never processed (${stopped.reason})`;
    await runs.updateHandoff(runId, {
      kind: handoff.kind,
      state: 'skipped',
      error: `not handed off: the dataset is partial, ${why}; collect it with s2d collect and fine-tune by hand if it is enough`,
    });
    return 'skipped';
  }
  if (handoff.kind === 'queue') {
    const payload = buildFinetunePayload({
      manifest: input.manifest,
      manifestUri: input.manifestLocation,
      locate: (path) => input.store.locate(`${datasetFolder(spec.name, runId, input.manifest.version)}/${path}`),
      baseModel: handoff.baseModel,
      hyperparameters: handoff.hyperparameters,
    });
    const jobId = finetuneJobId(runId);
    await queues.get(handoff.queue).add('finetune', payload, {
      jobId,
      removeOnComplete: { age: KEEP_DELIVERED_S },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    await runs.updateHandoff(runId, { kind: 'queue', state: 'enqueued', queue: handoff.queue, jobId });
    return 'enqueued';
  }
  // Recorded before the add and only if absent, so it never overwrites the progress a fast hand-off job has made.
  await runs.initHandoff(runId, 'openai', 'uploading');
  // While the hand-off job lives (it re-runs itself delayed to poll), adding it again is a no-op.
  await queues.get(QUEUES.handoff).add('handoff', { runId }, {
    ...JOB_DEFAULTS,
    jobId: handoffJobId(runId),
    attempts: HANDOFF_ATTEMPTS,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: { age: KEEP_DELIVERED_S },
  });
  return 'handoff-job-added';
}
