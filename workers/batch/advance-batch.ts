import { APIError, toFile } from 'openai';
import type OpenAI from 'openai';
import type { DistillQueues } from '../../shared/queue/distill-queues.js';
import type { RedisConnection } from '../../shared/queue/redis-connection.js';
import type { BatchRecord } from '../../shared/batch/batch-records.js';
import type { BatchStore } from '../../shared/batch/batch-store.js';
import type { ResolvedRunSpec } from '../../shared/config/run-spec.js';
import { BATCH_ENDPOINT } from '../../shared/llm/batch-sampler.js';
import { classifyLlmError } from '../../shared/llm/classify-llm-error.js';
import { distillJobId } from '../../shared/queue/job-payloads.js';
import type { RunStore } from '../../shared/runs/run-store.js';
import { crashPoint } from './crash-point.js';
import { batchMetadata, findCreatedBatch } from './find-created-batch.js';
import { ingestBatch } from './ingest-batch.js';

export interface AdvanceDeps {
  redis: RedisConnection;
  runs: RunStore;
  store: BatchStore;
  client: OpenAI;
  distillQueues: DistillQueues;
}

export interface AdvancePlan {
  spec: ResolvedRunSpec;
  maxTries: number;
  /** The run still wants answers: false once it is cancelled or failed (open batches are then cancelled). */
  live: boolean;
}

/** Why a provider refused to create a batch: every later batch of the run would be refused too. */
export class BatchRefusedError extends Error {}

const ENDED = new Set(['completed', 'expired', 'failed', 'cancelled']);

/**
 * Moves one batch as far as it can go now, recording each step before the next provider call:
 * claimed -> (upload) uploaded -> (create, or adopt the one a dead batcher created) created -> (look) ended ->
 * (ingest) ingested -> (wake its items) closed. A `created` batch is looked at once per call; the rest is immediate.
 *
 * @throws {BatchRefusedError} when the provider refuses to create the batch (4xx): the run fails with it.
 */
export async function advanceBatch(deps: AdvanceDeps, start: BatchRecord, plan: AdvancePlan): Promise<BatchRecord> {
  const { runId } = plan.spec;
  let record = start;
  for (;;) {
    const next = await step(record);
    if (next === record) return record;
    record = next;
    if (record.state === 'closed') return record;
  }

  async function step(record: BatchRecord): Promise<BatchRecord> {
    switch (record.state) {
      case 'claimed': {
        if (!plan.live) return put({ ...record, state: 'ended', status: 'not-sent', endedAt: Date.now() });
        const ids = await deps.store.members(runId, record.seq);
        const requests = await deps.store.requests(runId, ids);
        const text = requests.flatMap((request) => (request === null ? [] : [`${request.line}\n`])).join('');
        const file = await deps.client.files.create({ file: await toFile(Buffer.from(text), `s2d-${runId}-${record.seq}.jsonl`), purpose: 'batch' });
        crashPoint('after-upload');
        return put({ ...record, state: 'uploaded', fileId: file.id });
      }
      case 'uploaded': {
        const found = await findCreatedBatch(deps.client, runId, record.seq, record.claimedAt);
        if (found !== null) return put({ ...record, state: 'created', batchId: found.id, status: found.status }, 'batchesCreated');
        if (!plan.live) return put({ ...record, state: 'ended', status: 'not-sent', endedAt: Date.now() });
        let batch: OpenAI.Batches.Batch;
        try {
          batch = await deps.client.batches.create({
            input_file_id: record.fileId ?? '',
            endpoint: BATCH_ENDPOINT,
            completion_window: '24h',
            metadata: batchMetadata(runId, record.seq),
          });
        } catch (error) {
          const failure = classifyLlmError(error);
          if (error instanceof APIError && (failure.kind === 'fatal-item' || failure.kind === 'fatal-run')) {
            throw new BatchRefusedError(`the LLM endpoint refused to create a batch (Batch API): ${failure.reason}`);
          }
          throw error;
        }
        crashPoint('after-create');
        return put({ ...record, state: 'created', batchId: batch.id, status: batch.status }, 'batchesCreated');
      }
      case 'created': {
        const batchId = record.batchId ?? '';
        if (!plan.live && record.cancelRequested !== true) {
          await deps.client.batches.cancel(batchId).catch((error: unknown) => {
            // 409: it is finalizing or has ended; it ends on its own.
            if (!(error instanceof APIError && error.status === 409)) throw error;
          });
          record = await put({ ...record, cancelRequested: true });
        }
        const batch = await deps.client.batches.retrieve(batchId);
        if (!ENDED.has(batch.status)) {
          crashPoint('while-polling');
          return batch.status === record.status ? record : put({ ...record, status: batch.status });
        }
        const errors = batch.errors?.data?.map((error) => `${error.code ?? 'error'}: ${error.message ?? ''}`).join('; ');
        return put({
          ...record,
          state: 'ended',
          status: batch.status,
          outputFileId: batch.output_file_id ?? null,
          errorFileId: batch.error_file_id ?? null,
          ...(errors === undefined || errors === '' ? {} : { errors }),
          endedAt: Date.now(),
        });
      }
      case 'ended': {
        const { record: ingested, fatalRun } = await ingestBatch(deps, record, { spec: plan.spec, maxTries: plan.maxTries, resubmit: plan.live });
        if (fatalRun !== null) await deps.runs.fail(runId, `the LLM endpoint refuses this run: ${fatalRun}`);
        return ingested;
      }
      case 'ingested': {
        await wakeItems(deps.distillQueues, runId, record.wake ?? []);
        await deps.store.close(runId, record);
        return { ...record, state: 'closed' };
      }
      case 'closed':
        return record;
    }
  }

  async function put(next: BatchRecord, count?: 'batchesCreated'): Promise<BatchRecord> {
    await deps.store.put(runId, next, count);
    return next;
  }
}

/** Promotes the parked distill jobs of these items (one not parked — running, or already woken — is left alone). */
export async function wakeItems(queues: DistillQueues, runId: string, items: readonly number[]): Promise<void> {
  const CHUNK = 100;
  for (let start = 0; start < items.length; start += CHUNK) {
    await Promise.all(
      items.slice(start, start + CHUNK).map(async (item) => {
        const job = await queues.forItem(runId, item).getJob(distillJobId(runId, item));
        if (job !== undefined && (await job.isDelayed())) await job.promote().catch(() => undefined);
      }),
    );
  }
}
