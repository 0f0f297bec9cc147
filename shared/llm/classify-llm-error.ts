import { APIConnectionError, APIError } from 'openai';
import { EndpointDownError } from '../limits/endpoint-down-error.js';
import { parseRetryAfterMs } from '../limits/retry-after.js';
import { redactSecrets } from '../redact-secrets.js';
import { ProgramOutputError } from '../strategies/program-error.js';

/**
 * What an LLM error means, decided in one place. Reasons are already redacted (they go to rejects and logs).
 *
 * | kind          | statuses / errors                                  | handled by                                     |
 * |---------------|----------------------------------------------------|------------------------------------------------|
 * | rate-limited  | 429 (not insufficient_quota)                       | limiter cut + fleet pause; item re-queued       |
 * |               |                                                    | without using an attempt (capped)              |
 * | outage        | connection errors, timeouts, 502, 503, 504         | counted toward marking the endpoint down; the   |
 * |               |                                                    | item parks (no attempt) until it is judged      |
 * | endpoint-down | the limiter refused: the endpoint is down          | item parks until the next probe (no attempt)    |
 * | retry         | 408, 409, 500, other 5xx and 4xx not below, other  | BullMQ attempts with exponential backoff+jitter |
 * | fatal-item    | 400, 413, 422; a user program's malformed chains   | item errored now, no retry                      |
 * | fatal-run     | 401, 403, 404, 429 insufficient_quota              | item errored now and the run fails fast         |
 *
 * A 500 is not outage-class: the server answered, and a 500 that follows one prompt (a server bug on some input, the
 * poison item) must use that item's attempts, not hold the fleet.
 */
export type LlmFailure =
  | { kind: 'rate-limited'; reason: string; retryAfterMs: number }
  /** The endpoint did not answer (or answered as a gateway with nothing behind it): maybe an outage. */
  | { kind: 'outage'; reason: string }
  /** The fleet holds the endpoint down: nothing was sent. `retryInMs`: until the next probe can be due. */
  | { kind: 'endpoint-down'; reason: string; downSince: number; downForMs: number; retryInMs: number }
  | { kind: 'retry'; reason: string }
  /** Retrying cannot help this request (bad request, too large): record the item as errored now. */
  | { kind: 'fatal-item'; reason: string }
  /** No request to this endpoint can succeed (credentials, permissions, unknown model, no quota): stop the run. */
  | { kind: 'fatal-run'; reason: string };

const FATAL_ITEM_STATUSES = new Set([400, 413, 422]);
const FATAL_RUN_STATUSES = new Set([401, 403, 404]);
/** Statuses a gateway or a starting server answers with when nothing can serve the request. */
export const OUTAGE_STATUSES = new Set([502, 503, 504]);

function isQuotaExhausted(code: unknown, type: unknown, message: string): boolean {
  // Only the billing kind of quota: some providers word an ordinary per-minute 429 as "quota exceeded", and that one
  // must back off, not fail the run.
  return code === 'insufficient_quota' || type === 'insufficient_quota' || /insufficient[_ ]quota|exceeded your current quota/i.test(message);
}

export function classifyLlmError(error: unknown, nowMs: number = Date.now()): LlmFailure {
  if (error instanceof EndpointDownError) {
    return {
      kind: 'endpoint-down',
      reason: redactSecrets(error.message),
      downSince: error.downSince,
      downForMs: Math.max(0, error.now - error.downSince),
      retryInMs: Math.max(0, error.retryAt - error.now),
    };
  }
  // Not an LLM error, but decided here with them: the program's calls come from the item's cache on a retry, so it
  // would return the same chains again.
  if (error instanceof ProgramOutputError) return { kind: 'fatal-item', reason: redactSecrets(error.message) };
  if (error instanceof APIConnectionError) {
    // Timeouts are APIConnectionTimeoutError, a subclass: a server that stopped answering.
    return { kind: 'outage', reason: redactSecrets(`connection to the LLM endpoint failed: ${error.message}`) };
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
    if (OUTAGE_STATUSES.has(status)) return { kind: 'outage', reason };
    return { kind: 'retry', reason };
  }
  return { kind: 'retry', reason: redactSecrets(error instanceof Error ? error.message : String(error)) };
}

/** Whether the endpoint answered the request with an HTTP status (it is up, whatever the status). */
export function endpointAnswered(error: unknown): boolean {
  return error instanceof APIError && !(error instanceof APIConnectionError) && typeof error.status === 'number';
}
