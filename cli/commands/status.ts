import { parseArgs } from 'node:util';
import { readEnv } from '../../shared/config/env.js';
import type { HandoffStatus } from '../../shared/runs/handoff-status.js';
import { costSummary, type CostSummary } from '../../shared/cost/cost-summary.js';
import { formatCostLines } from '../../shared/cost/format-cost.js';
import { runPrices } from '../../shared/cost/resolve-prices.js';
import { usdOf } from '../../shared/cost/usd.js';
import { paidCountersOf, type RunRecord } from '../../shared/runs/run-store.js';
import { strategyLabel } from '../../shared/strategies/strategy-ref.js';
import { CliError } from '../cli-error.js';
import { readRunEndpoint, type RunEndpoint } from '../../shared/limits/run-endpoint.js';
import { endpointJson, formatEndpoint } from '../endpoint-status.js';
import { openQueueClientsFromEnv } from '../queue-clients.js';
import { readBatchReport, watchRun } from '../progress/run-progress.js';
import type { BatchReport } from '../../shared/batch/batch-report.js';
import { RunFailedError } from '../../shared/runs/wait-for-publication.js';
import { defaultProgressOutput } from '../progress/watch-progress.js';

export const statusUsage = `s2d status <runId> [--json] [--watch]
  Shows a run's state (and why it is paused), item counts, what it paid so far (requests, tokens, and US dollars
  when the spec gives model.prices; per finished item and per accepted example), and its LLM endpoint as the fleet
  sees it: healthy, rate-limited or down since when, the adaptive cap and requests in flight. Without a runId,
  lists runs. --watch follows the run until it is published or failed: a progress bar on a terminal (a line every
  5 s elsewhere; with --json one JSON object per second, NDJSON), then the status; exit 1 if it failed.`;

export async function statusCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, watch: { type: 'boolean' } }, allowPositionals: true, strict: true });
  const env = readEnv();
  const clients = await openQueueClientsFromEnv(env, 'status');
  try {
    const runId = positionals[0];
    if (runId === undefined) {
      const ids = await clients.runs.list();
      process.stdout.write(values.json === true ? `${JSON.stringify(ids)}\n` : `${ids.join('\n')}${ids.length > 0 ? '\n' : ''}`);
      return 0;
    }
    if (values.watch === true) {
      if ((await clients.runs.get(runId)) === null) throw new CliError(`no run ${runId} under prefix ${env.S2D_PREFIX}`);
      const output = defaultProgressOutput(process.stdout, values.json === true);
      const failed = await watchRun({ redis: clients.redis, runs: clients.runs, prefix: env.S2D_PREFIX, runId, output, stream: process.stdout }).then(
        () => false,
        (error: unknown) => {
          if (error instanceof RunFailedError) return true;
          throw error;
        },
      );
      // NDJSON ends with the last update; a person gets the whole status once the run is done. A failed run exits 1.
      if (values.json === true) return failed ? 1 : 0;
      const run = await clients.runs.get(runId);
      if (run !== null) process.stdout.write(formatStatus(run, await readRunEndpoint(clients.redis, env.S2D_PREFIX, run.spec), await readBatchReport(clients.redis, env.S2D_PREFIX, run)));
      return failed ? 1 : 0;
    }
    const run = await clients.runs.get(runId);
    if (run === null) throw new CliError(`no run ${runId} under prefix ${env.S2D_PREFIX}`);
    const endpoint = await readRunEndpoint(clients.redis, env.S2D_PREFIX, run.spec);
    const batch = await readBatchReport(clients.redis, env.S2D_PREFIX, run);
    process.stdout.write(values.json === true ? `${JSON.stringify(statusJson(run, endpoint, batch))}\n` : formatStatus(run, endpoint, batch));
    return 0;
  } finally {
    await clients.close();
  }
}

/** The `--json` shape of a run's status (documented in docs/commands.md); `endpoint` null when not read. */
export function statusJson(run: RunRecord, endpoint: RunEndpoint | null = null, batch?: BatchReport): Record<string, unknown> {
  return {
    runId: run.runId,
    state: run.state,
    submittedAt: run.submittedAt,
    publishedAt: run.publishedAt,
    manifest: run.manifestLocation,
    items: { total: run.total, done: run.done, accepted: run.accepted, rejected: run.rejected, errored: run.errored, cancelled: run.cancelled },
    tokens: { prompt: run.promptTokens, completion: run.completionTokens },
    paid: { requests: run.llmRequests, promptTokens: run.paidPromptTokens, completionTokens: run.paidCompletionTokens, cachedPromptTokens: run.paidCachedPromptTokens },
    cost: runCost(run),
    unrecognisedBySimulator: run.unrecognisedBySimulator,
    rejectReasons: run.rejectReasons,
    rateLimited: run.rateLimited,
    strategy: strategyLabel(run.spec.strategy),
    model: run.spec.model.name,
    error: run.error,
    handoff: run.handoff,
    stop: run.stopReason === null ? null : { reason: run.stopReason, at: run.stoppedAt, detail: run.stopDetail },
    resumeState: run.resumeState,
    pause: run.state === 'paused' ? { cause: run.pauseCause ?? 'manual', detail: run.pauseDetail } : null,
    budget: budgetJson(run),
    version: run.version,
    previousManifest: run.previousManifest,
    endpoint: endpoint === null ? null : endpointJson(endpoint),
    mode: run.spec.model.mode,
    batch: batch ?? null,
  };
}

/**
 * What the run paid so far, from the run store's counters: totals, per finished item (`done`) and per accepted
 * example, in tokens and — with prices in the spec — US dollars.
 */
export function runCost(run: RunRecord): CostSummary {
  return costSummary(paidCountersOf(run), { items: run.done, accepted: run.accepted }, runPrices(run.spec));
}

/** The run's budget and what it has used so far (null without a budget). */
function budgetJson(run: RunRecord): { maxTokens: number | null; usedTokens: number; maxCostUsd: number | null; usedCostUsd: number | null } | null {
  const budget = run.spec.budget;
  if (budget === undefined) return null;
  const prices = runPrices(run.spec)?.prices;
  return {
    maxTokens: budget.maxTokens ?? null,
    usedTokens: run.paidPromptTokens + run.paidCompletionTokens,
    maxCostUsd: budget.maxCostUsd ?? null,
    usedCostUsd: prices === undefined ? null : usdOf(paidCountersOf(run), prices),
  };
}

function stateLine(run: RunRecord): string {
  if (run.state !== 'paused') return run.state;
  if (run.pauseCause === 'outage') {
    return `paused: ${run.pauseDetail ?? 'endpoint down'} (resumes by itself when the endpoint recovers, or s2d resume ${run.runId})`;
  }
  return `paused (resumes to ${run.resumeState ?? 'running'}; s2d resume ${run.runId})`;
}

function formatStatus(run: RunRecord, endpoint: RunEndpoint, batch?: BatchReport): string {
  const lines = [
    `run        ${run.runId}${run.version > 1 ? ` (version ${run.version})` : ''}`,
    `state      ${stateLine(run)}`,
    `strategy   ${strategyLabel(run.spec.strategy)} × ${run.spec.sampling.samples} samples, model ${run.spec.model.name}`,
    `items      ${run.done}/${run.total ?? '?'} done: accepted ${run.accepted}, rejected ${run.rejected}, errored ${run.errored}`,
    `tokens     prompt ${run.promptTokens}, completion ${run.completionTokens} (paid requests ${run.llmRequests})`,
    ...formatCostLines(runCost(run), 'finished item').map((line, i) => `${(i === 0 ? 'cost' : '').padEnd(11)}${line}`),
    `submitted  ${run.submittedAt}`,
    `endpoint   ${formatEndpoint(endpoint)}`,
    ...(batch === undefined ? [] : [`batches    ${formatBatches(batch)}`]),
  ];
  if (run.unrecognisedBySimulator > 0) {
    lines.push(`simulator  did not recognise the prompt of ${run.unrecognisedBySimulator} of ${run.llmRequests} paid requests (its answers to them are guesses)`);
  }
  if (run.stopReason !== null) {
    lines.push(`stopped    ${run.stopReason} at ${run.stoppedAt ?? '?'}${run.stopDetail === null ? '' : `: ${run.stopDetail}`}; ${run.cancelled} items never started (partial dataset)`);
  }
  const budget = budgetJson(run);
  if (budget !== null) {
    const { maxTokens, usedTokens, maxCostUsd, usedCostUsd } = budget;
    const tokens = maxTokens === null ? '' : `tokens ${usedTokens}/${maxTokens}`;
    const cost = maxCostUsd === null || usedCostUsd === null ? '' : `cost $${usedCostUsd.toFixed(4)}/$${maxCostUsd}`;
    lines.push(`budget     ${[tokens, cost].filter((part) => part !== '').join(', ')}`);
  }
  if (run.manifestLocation !== null) lines.push(`manifest   ${run.manifestLocation}`);
  if (run.previousManifest !== null) lines.push(`previous   ${run.previousManifest}`);
  if (run.error !== null) lines.push(`error      ${run.error}`);
  if (run.handoff !== null) lines.push(`handoff    ${formatHandoff(run.handoff)}`);
  return `${lines.join('\n')}\n`;
}

/** One line: `openai succeeded, job ftjob-…, model ft:…` / `queue enqueued on finetune, job <runId>__finetune`. */
export function formatHandoff(h: HandoffStatus): string {
  const parts = [`${h.kind} ${h.state}${h.queue === null ? '' : ` on ${h.queue}`}`];
  if (h.jobId !== null) parts.push(`job ${h.jobId}`);
  if (h.fineTunedModel !== null) parts.push(`model ${h.fineTunedModel}`);
  if (h.error !== null) parts.push(`error: ${h.error}`);
  return parts.join(', ');
}

/** `2 open, 5 completed, 1 expired; requests 40 pending, 12 resubmitted, 0 failed; 2.1 rounds per item` */
function formatBatches(batch: BatchReport): string {
  const { batches, requests } = batch;
  const ended = [`${batches.completed} completed`, ...(['expired', 'failed', 'cancelled'] as const).filter((s) => batches[s] > 0).map((s) => `${batches[s]} ${s}`)];
  const rounds = batch.roundsPerItem === null ? '' : `; ${batch.roundsPerItem} rounds per item`;
  return `${batches.open} open, ${ended.join(', ')} (Batch API); requests ${requests.pending} pending, ${requests.resubmitted} resubmitted, ${requests.failed} failed${rounds}`;
}
