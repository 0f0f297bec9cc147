import type { RedisConnection } from '../../shared/queue/redis-connection.js';
import type OpenAI from 'openai';
import type { ArtifactStore } from '../../shared/artifacts/artifact-store.js';
import type { OpenAiHandoffSpec } from '../../shared/config/handoff-spec.js';
import type { Manifest } from '../../shared/dataset/manifest.js';
import type { HandoffStatus } from '../../shared/runs/handoff-status.js';
import type { RunStore } from '../../shared/runs/run-store.js';
import { ShardMismatchError, uploadSplit } from './upload-split.js';
import { datasetFolder } from '../../shared/dataset/dataset-layout.js';

/** Metadata key that ties a provider's fine-tuning job to its s2d run (and finds it again after a crash). */
export const RUN_ID_METADATA_KEY = 's2d_run_id';
/** Pages of the provider's job list searched for an existing job of the run (newest first, 100 per page). */
const SEARCH_PAGES = 10;

export interface CreateFinetuneJobInput {
  client: OpenAI;
  redis: RedisConnection;
  prefix: string;
  runs: RunStore;
  store: ArtifactStore;
  runId: string;
  manifest: Manifest;
  handoff: OpenAiHandoffSpec;
  /** What the run's status already records (file ids of an earlier, interrupted attempt). */
  recorded: HandoffStatus | null;
}

/**
 * Finds or creates the run's one fine-tuning job and returns its id; null when another worker holds the creation
 * claim (come back later). Order: an existing job (metadata.s2d_run_id) wins; else take the claim, upload what is not
 * uploaded yet (file ids are recorded as they come), create, record the job id.
 */
export async function findOrCreateFinetuneJob(input: CreateFinetuneJobInput): Promise<string | null> {
  const { client, runs, runId, handoff } = input;
  const existing = await findJobOfRun(client, runId);
  if (existing !== null) {
    await runs.updateHandoff(runId, { jobId: existing });
    return existing;
  }
  // The claim outlives the slowest upload + create, so a stalled-then-resumed worker and its replacement do not
  // both create; once the job id is recorded nobody needs it, so it simply expires.
  const claimKey = `${input.prefix}:handoff-claim:${runId}`;
  const claimed = await input.redis.set(claimKey, String(process.pid), 'PX', 3 * handoff.timeoutMs + 60_000, 'NX');
  if (claimed === null) return null;

  if (input.manifest.counts.train === 0) throw new ShardMismatchError('the dataset has no training examples; nothing to fine-tune on');
  const folder = datasetFolder(input.manifest.name, runId, input.manifest.version);
  const shards = (role: 'train' | 'validation') => input.manifest.files.filter((f) => f.role === role);
  let trainFileId = input.recorded?.trainFileId ?? null;
  if (trainFileId === null) {
    trainFileId = await uploadSplit({ client, store: input.store, folder, shards: shards('train'), fileName: `${runId}-train.jsonl` });
    await runs.updateHandoff(runId, { trainFileId });
  }
  let validationFileId = input.recorded?.validationFileId ?? null;
  // An empty validation split is not uploaded: providers refuse empty files.
  if (validationFileId === null && input.manifest.counts.validation > 0) {
    validationFileId = await uploadSplit({ client, store: input.store, folder, shards: shards('validation'), fileName: `${runId}-validation.jsonl` });
    await runs.updateHandoff(runId, { validationFileId });
  }
  const { epochs, learningRateMultiplier, batchSize } = handoff.hyperparameters;
  const job = await client.fineTuning.jobs.create(
    {
      model: handoff.baseModel,
      training_file: trainFileId,
      ...(validationFileId === null ? {} : { validation_file: validationFileId }),
      method: {
        type: 'supervised',
        supervised: { hyperparameters: { n_epochs: epochs, learning_rate_multiplier: learningRateMultiplier, batch_size: batchSize } },
      },
      suffix: handoff.suffix ?? input.manifest.name.slice(0, 64),
      metadata: { [RUN_ID_METADATA_KEY]: runId, s2d_dataset: input.manifest.name },
    },
    // Never retried inside the SDK: a create whose answer was lost would otherwise become two jobs. The hand-off
    // job's retry looks the job up by metadata first.
    { maxRetries: 0 },
  );
  await runs.updateHandoff(runId, { jobId: job.id, state: job.status });
  return job.id;
}

/** The newest fine-tuning job whose metadata names the run, or null. Filters on the server and checks each job here. */
export async function findJobOfRun(client: OpenAI, runId: string): Promise<string | null> {
  let pages = 0;
  let page = await client.fineTuning.jobs.list({ metadata: { [RUN_ID_METADATA_KEY]: runId }, limit: 100 });
  for (;;) {
    const match = page.data.find((job) => job.metadata?.[RUN_ID_METADATA_KEY] === runId);
    if (match !== undefined) return match.id;
    pages++;
    if (!page.hasNextPage() || pages >= SEARCH_PAGES) return null;
    page = await page.getNextPage();
  }
}
