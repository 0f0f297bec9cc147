import type { RedisConnection } from '../../shared/queue/redis-connection.js';
import { runPrices } from '../../shared/cost/resolve-prices.js';
import { usdOf } from '../../shared/cost/usd.js';
import type { ProgressSnapshot } from '../../shared/progress/progress-snapshot.js';
import { RunFailedError } from '../../shared/runs/wait-for-publication.js';
import { paidCountersOf, type RunRecord, type RunStore } from '../../shared/runs/run-store.js';
import { readRunEndpoint, type RunEndpoint } from '../../shared/limits/run-endpoint.js';
import { defaultProgressOutput, watchProgress, type ProgressOutput } from './watch-progress.js';
import { endpointFigures } from './endpoint-figures.js';
import { BatchStore } from '../../shared/batch/batch-store.js';
import type { BatchReport } from '../../shared/batch/batch-report.js';

/** A run's progress figures from its record and its endpoint's state in the fleet. */
export function runSnapshot(run: RunRecord, endpoint: RunEndpoint | null, at = Date.now(), batch?: BatchReport): ProgressSnapshot {
  const prices = runPrices(run.spec)?.prices;
  return {
    at,
    kind: 'run',
    id: run.runId,
    state: run.state,
    total: run.total,
    done: run.done,
    accepted: run.accepted,
    rejected: run.rejected,
    errored: run.errored,
    rejectReasons: run.rejectReasons,
    requests: run.llmRequests,
    rateLimited: run.rateLimited,
    tokens: run.paidPromptTokens + run.paidCompletionTokens,
    usd: prices === undefined ? null : usdOf(paidCountersOf(run), prices),
    endpoint: endpointFigures(endpoint),
    ...(batch === undefined ? {} : { batch: { open: batch.batches.open, completed: batch.batches.completed, expired: batch.batches.expired, failed: batch.batches.failed, pending: batch.requests.pending } }),
  };
}

/** A batch-mode run's batch report (undefined online). */
export async function readBatchReport(redis: RedisConnection, prefix: string, run: RunRecord): Promise<BatchReport | undefined> {
  return run.spec.model.mode === 'batch' ? new BatchStore(redis, prefix).report(run.runId, run.total) : undefined;
}

/**
 * Shows a run's progress on `stream` until it is published, and returns its record; throws RunFailedError when it
 * fails. The figures are the run's own counters, read every `pollMs`.
 */
export async function watchRun(options: { redis: RedisConnection; runs: RunStore; prefix: string; runId: string; output: ProgressOutput; stream: NodeJS.WritableStream; pollMs?: number }): Promise<RunRecord> {
  let last: RunRecord | null = null;
  await watchProgress({
    output: options.output,
    stream: options.stream,
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    read: async () => {
      const run = await options.runs.get(options.runId);
      if (run === null) throw new RunFailedError(options.runId, 'it disappeared from Redis');
      last = run;
      return runSnapshot(run, await readRunEndpoint(options.redis, options.prefix, run.spec), Date.now(), await readBatchReport(options.redis, options.prefix, run));
    },
  });
  const run = last as RunRecord | null;
  if (run === null) throw new RunFailedError(options.runId, 'it disappeared from Redis');
  if (run.state === 'failed') throw new RunFailedError(options.runId, run.error ?? 'unknown error');
  return run;
}

/**
 * `--wait` of submit and retry: progress on stderr (a bar on a terminal, plain lines elsewhere, NDJSON with `--json`)
 * until the run is published; throws RunFailedError when it fails.
 */
export function waitWithProgress(clients: { redis: RedisConnection; runs: RunStore }, prefix: string, runId: string, json: boolean, pollMs?: number): Promise<RunRecord> {
  return watchRun({ redis: clients.redis, runs: clients.runs, prefix, runId, output: defaultProgressOutput(process.stderr, json), stream: process.stderr, ...(pollMs === undefined ? {} : { pollMs }) });
}
