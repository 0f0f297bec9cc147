import { APIConnectionError, APIError } from 'openai';
import { parseRetryAfterMs } from '../limits/retry-after.js';
import { redactSecrets } from '../redact-secrets.js';

/**
 * What an LLM error means, decided in one place. Reasons are already redacted (they go to rejects and logs).
 *
 * | kind          | statuses / errors                                  | handled by                                     |
 * |---------------|----------------------------------------------------|------------------------------------------------|
 * | rate-limited  | 429 (not insufficient_quota)                       | limiter cut + fleet pause; item re-queued       |
 * |               |                                                    | without using an attempt (capped)              |
 * | retry         | 408, 409, 5xx, timeouts, connection errors, other  | BullMQ attempts with exponential backoff+jitter |
 * | fatal-item    | 400, 413, 422                                      | item errored now, no retry                      |
 * | fatal-run     | 401, 403, 404, 429 insufficient_quota              | item errored now and the run fails fast         |
 */
export type LlmFailure =
  | { kind: 'rate-limited'; reason: string; retryAfterMs: number }
  | { kind: 'retry'; reason: string }
  /** Retrying cannot help this request (bad request, too large): record the item as errored now. */
  | { kind: 'fatal-item'; reason: string }
  /** No request to this endpoint can succeed (credentials, permissions, unknown model, no quota): stop the run. */
  | { kind: 'fatal-run'; reason: string };

const FATAL_ITEM_STATUSES = new Set([400, 413, 422]);
const FATAL_RUN_STATUSES = new Set([401, 403, 404]);

function isQuotaExhausted(code: unknown, type: unknown, message: string): boolean {
  // Only the billing kind of quota: some providers word an ordinary per-minute 429 as "quota exceeded", and that one
  // must back off, not fail the run.
  return code === 'insufficient_quota' || type === 'insufficient_quota' || /insufficient[_ ]quota|exceeded your current quota/i.test(message);
}

export function classifyLlmError(error: unknown, nowMs: number = Date.now()): LlmFailure {
  if (error instanceof APIConnectionError) {
    return { kind: 'retry', reason: redactSecrets(`connection to the LLM endpoint failed: ${error.message}`) };
  }
  if (error instanceof APIError) {
    const raw: unknown = error.status;
    const status = typeof raw === 'number' ? raw : undefined;
    const reason = redactSecrets(`LLM endpoint answered ${status ?? 'without a status'}: ${error.message}`);
    if (status === undefined) return { kind: 'retry', reason };
    if (FATAL_RUN_STATUSES.has(status)) return { kind: 'fatal-run', reason };
    if (FATAL_ITEM_STATUSES.has(status)) return { kind: 'fatal-item', reason };
    if (status === 429) {
      if (isQuotaExhausted(error.code, error.type, error.message)) return { kind: 'fatal-run', reason };
      return { kind: 'rate-limited', reason, retryAfterMs: parseRetryAfterMs(error.headers as Headers | undefined, nowMs) };
    }
    return { kind: 'retry', reason };
  }
  return { kind: 'retry', reason: redactSecrets(error instanceof Error ? error.message : String(error)) };
}
