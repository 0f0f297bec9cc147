import type OpenAI from 'openai';
import type { RedisConnection } from '../../shared/queue/redis-connection.js';
import type { BatchRecord, BatchRequestRecord } from '../../shared/batch/batch-records.js';
import type { BatchSettlement, BatchStore } from '../../shared/batch/batch-store.js';
import { budgetCheckOf } from '../../shared/cost/resolve-prices.js';
import type { ResolvedRunSpec } from '../../shared/config/run-spec.js';
import { CALL_CACHE_TTL_SECONDS, cacheFields } from '../../shared/llm/call-cache.js';
import { readCompletion } from '../../shared/llm/read-completion.js';
import type { RunStore } from '../../shared/runs/run-store.js';
import { readBatchLines, type BatchLine } from './read-batch-lines.js';
import { crashPoint } from './crash-point.js';

export interface IngestDeps {
  redis: RedisConnection;
  runs: RunStore;
  store: BatchStore;
  client: OpenAI;
}

export interface IngestPlan {
  spec: ResolvedRunSpec;
  maxTries: number;
  /** Whether requests that did not run may be sent again (false once the run is cancelled or failed). */
  resubmit: boolean;
}

/**
 * Ingests an ended batch: every answered line goes into its item's call cache and is counted (at the run's batch
 * price) in one step, unless the cache already has it (a batcher that died mid-ingest counted it then); requests
 * that did not run, or failed retryably, go back to pending while they have tries left; the others fail with the
 * reason an online call would have given. Then the batch is settled once (BatchStore.settle), listing the items to
 * wake. Returns the fatal-run reason when a line says no request of this run can succeed (credentials, model).
 */
export async function ingestBatch(deps: IngestDeps, record: BatchRecord, plan: IngestPlan): Promise<{ record: BatchRecord; fatalRun: string | null }> {
  const { runId } = plan.spec;
  const ids = await deps.store.members(runId, record.seq);
  const requests = await deps.store.requests(runId, ids);
  const byId = new Map<string, BatchRequestRecord>();
  ids.forEach((id, position) => {
    const request = requests[position];
    if (request !== null && request !== undefined) byId.set(id, request);
  });
  const lines = new Map<string, BatchLine>();
  for (const fileId of [record.outputFileId, record.errorFileId]) {
    if (fileId === null || fileId === undefined) continue;
    const text = await (await deps.client.files.content(fileId)).text();
    for (const line of readBatchLines(text)) lines.set(line.customId, line);
  }
  const settlement: { answered: string[]; resubmit: string[]; failed: { id: string; reason: string; status?: number }[] } = { answered: [], resubmit: [], failed: [] };
  let fatalRun: string | null = null;
  const wake = new Set<number>();
  const settles: Promise<boolean>[] = [];
  const budget = budgetCheckOf(plan.spec);
  for (const [id, request] of byId) {
    const line = lines.get(id) ?? { customId: id, kind: 'not-run' as const, reason: record.errors ?? `batch ${record.status ?? 'ended'} without an answer for it` };
    if (line.kind === 'answered') {
      settlement.answered.push(id);
      wake.add(request.item);
      settles.push(settleAnswer(deps, runId, request, line.body, budget));
      continue;
    }
    const retryable = line.kind === 'not-run' || !['fatal-item', 'fatal-run'].includes(line.failure.kind);
    const reason = line.kind === 'not-run' ? line.reason : line.failure.reason;
    if (line.kind === 'failed' && line.failure.kind === 'fatal-run') fatalRun ??= reason;
    if (retryable && plan.resubmit && request.tries < plan.maxTries) {
      settlement.resubmit.push(id);
      continue;
    }
    wake.add(request.item);
    // A retryable failure given up on goes to the item without its status: the item's retry is then an ordinary one.
    if (retryable) settlement.failed.push({ id, reason: `no answer after ${request.tries} batch(es): ${reason}` });
    else settlement.failed.push({ id, reason, ...('status' in line ? { status: line.status } : {}) });
  }
  await Promise.all(settles);
  crashPoint('during-ingest');
  const ingested: BatchRecord = {
    ...record,
    state: 'ingested',
    wake: [...wake].sort((a, b) => a - b),
    answered: settlement.answered.length,
    resubmitted: settlement.resubmit.length,
    failed: settlement.failed.length,
  };
  return { record: await deps.store.settle(runId, ingested, settlement satisfies BatchSettlement), fatalRun };
}

/** Caches and counts one answered line, unless an earlier ingest of the same batch already did. */
async function settleAnswer(deps: IngestDeps, runId: string, request: BatchRequestRecord, body: OpenAI.Chat.Completions.ChatCompletion, budget: ReturnType<typeof budgetCheckOf>): Promise<boolean> {
  const first = request.fields[0];
  if (first === undefined || (await deps.redis.hexists(request.cache, first)) === 1) return false;
  const { usage, choices, unrecognisedBySimulator } = readCompletion(body, request.fields.length);
  const entries = choices.flatMap((value, position) => {
    const key = request.fields[position];
    return key === undefined ? [] : [{ key, value }];
  });
  return deps.runs.settleRequest(runId, { key: request.cache, ttlSeconds: CALL_CACHE_TTL_SECONDS, fields: cacheFields(entries) }, usage, unrecognisedBySimulator, budget);
}
