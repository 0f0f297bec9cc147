import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The metrics of this worker process, on their own registry (served by workers/metrics/metrics-server.ts). Counters
 * count what this process did — sum them over the fleet's workers; the gauges collected at scrape time
 * (workers/metrics/fleet-gauges.ts) are the fleet's shared state, the same from every worker.
 *
 * Process-wide on purpose: requests are counted where the HTTP client sends them, items where they finish, without
 * threading a metrics object through every layer; counting costs an increment when nobody scrapes.
 */
export const workerRegistry = new Registry();
// Node's own (CPU, memory, event-loop lag, GC) as s2d_process_* and s2d_nodejs_*.
collectDefaultMetrics({ register: workerRegistry, prefix: 's2d_' });

/** Items whose result was recorded, by `status` (accepted, rejected, errored) and `reason` (the reject code, or `none`). */
export const itemsFinished = new Counter({
  name: 's2d_items_finished_total',
  help: 'Items finished by this worker, by status and reject reason',
  labelNames: ['status', 'reason'] as const,
  registers: [workerRegistry],
});

/**
 * HTTP requests to LLM endpoints by `outcome`: ok (2xx), 429, 5xx, 4xx (other client errors), timeout (no answer
 * within the model's timeout), network (refused, reset, DNS).
 */
export const llmRequests = new Counter({
  name: 's2d_llm_requests_total',
  help: 'LLM HTTP requests sent by this worker, by outcome',
  labelNames: ['outcome'] as const,
  registers: [workerRegistry],
});

/** Seconds from sending a request to its answer's headers (or its failure), by outcome. */
export const llmRequestSeconds = new Histogram({
  name: 's2d_llm_request_duration_seconds',
  help: 'LLM request latency in seconds (to the response headers), by outcome',
  labelNames: ['outcome'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
  registers: [workerRegistry],
});

/** Tokens of answered requests, by `kind`: prompt (cached included), completion, cached_prompt. */
export const llmTokens = new Counter({
  name: 's2d_llm_tokens_total',
  help: 'Tokens of LLM requests answered for this worker, by kind',
  labelNames: ['kind'] as const,
  registers: [workerRegistry],
});

/** Records an answered request's usage (what the run store counts as paid). */
export function countTokens(usage: { promptTokens: number; completionTokens: number; cachedPromptTokens?: number | undefined }): void {
  llmTokens.inc({ kind: 'prompt' }, usage.promptTokens);
  llmTokens.inc({ kind: 'completion' }, usage.completionTokens);
  if (usage.cachedPromptTokens !== undefined && usage.cachedPromptTokens > 0) llmTokens.inc({ kind: 'cached_prompt' }, usage.cachedPromptTokens);
}
