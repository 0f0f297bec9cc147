/**
 * The fine-tuning hand-off of a published run, as the run's Redis hash holds it (fields `handoff*`, beside the run's
 * own). Terminology:
 * - `enqueued`: (queue) the finetune message is on its queue; s2d's part is done.
 * - `uploading`: (openai) the train/validation files are being uploaded or the job created.
 * - `validating_files`, `queued`, `running`: (openai) the provider's status of the fine-tuning job, as last polled.
 * - `succeeded`, `failed`, `cancelled`: (openai) the job's end state; `succeeded` carries `fineTunedModel`.
 * - `error`: s2d could not hand the dataset off (the reason is in `error`); the dataset itself stays published.
 * - `skipped`: the dataset is partial (its run was cancelled or ran out of budget), so it was not handed off; the
 *   reason is in `error`. Fine-tuning on what a stopped run left is a person's decision, not an automatic one.
 */
export const HANDOFF_STATES = [
  'enqueued',
  'uploading',
  'validating_files',
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'error',
  'skipped',
] as const;
export type HandoffState = (typeof HANDOFF_STATES)[number];

/** States after which nothing more happens to a hand-off. */
export const FINAL_HANDOFF_STATES: ReadonlySet<HandoffState> = new Set(['enqueued', 'succeeded', 'failed', 'cancelled', 'error', 'skipped']);

export interface HandoffStatus {
  kind: 'queue' | 'openai';
  state: HandoffState;
  /** (queue) the queue the message went to. */
  queue: string | null;
  /** (queue) the BullMQ job id of the message; (openai) the fine-tuning job id. */
  jobId: string | null;
  /** (openai) uploaded file ids. */
  trainFileId: string | null;
  validationFileId: string | null;
  /** (openai) the model the job produced, once it succeeded. */
  fineTunedModel: string | null;
  error: string | null;
  updatedAt: string | null;
}

/** Hash field of each status field. */
export const HANDOFF_FIELDS = {
  kind: 'handoffKind',
  state: 'handoffState',
  queue: 'handoffQueue',
  jobId: 'handoffJobId',
  trainFileId: 'handoffTrainFileId',
  validationFileId: 'handoffValidationFileId',
  fineTunedModel: 'handoffFineTunedModel',
  error: 'handoffError',
  updatedAt: 'handoffUpdatedAt',
} as const satisfies Record<keyof HandoffStatus, string>;

export type HandoffPatch = Partial<{ [K in keyof HandoffStatus]: HandoffStatus[K] }>;

/** The hand-off part of a run hash, or null when the run has had none (yet). */
export function handoffFromHash(raw: Record<string, string>): HandoffStatus | null {
  const kind = raw[HANDOFF_FIELDS.kind];
  const state = raw[HANDOFF_FIELDS.state];
  if ((kind !== 'queue' && kind !== 'openai') || state === undefined) return null;
  const text = (field: string): string | null => raw[field] ?? null;
  return {
    kind,
    state: state as HandoffState,
    queue: text(HANDOFF_FIELDS.queue),
    jobId: text(HANDOFF_FIELDS.jobId),
    trainFileId: text(HANDOFF_FIELDS.trainFileId),
    validationFileId: text(HANDOFF_FIELDS.validationFileId),
    fineTunedModel: text(HANDOFF_FIELDS.fineTunedModel),
    error: text(HANDOFF_FIELDS.error),
    updatedAt: text(HANDOFF_FIELDS.updatedAt),
  };
}

/** Hash fields to set and to delete (null values) for a patch. */
export function handoffHashPatch(patch: HandoffPatch): { set: Record<string, string>; del: string[] } {
  const set: Record<string, string> = {};
  const del: string[] = [];
  for (const [key, value] of Object.entries(patch) as [keyof HandoffStatus, string | null | undefined][]) {
    if (value === undefined) continue;
    if (value === null) del.push(HANDOFF_FIELDS[key]);
    else set[HANDOFF_FIELDS[key]] = value;
  }
  return { set, del };
}
