import { APIConnectionError, APIError } from 'openai';

export type LlmFailure =
  | { kind: 'retry'; reason: string }
  /** Retrying cannot help (bad request, auth, unknown model): record the item as errored now. */
  | { kind: 'fatal'; reason: string };

const FATAL_STATUSES = new Set([400, 401, 403, 404, 422]);

/** The one place that decides what an LLM error means for an item. */
export function classifyLlmError(error: unknown): LlmFailure {
  if (error instanceof APIConnectionError) return { kind: 'retry', reason: `connection to the LLM endpoint failed: ${error.message}` };
  if (error instanceof APIError) {
    const raw: unknown = error.status;
    const status = typeof raw === 'number' ? raw : undefined;
    const reason = `LLM endpoint answered ${status ?? 'without a status'}: ${error.message}`;
    if (status !== undefined && FATAL_STATUSES.has(status)) return { kind: 'fatal', reason };
    if (status === 429 && /quota/i.test(error.message)) return { kind: 'fatal', reason };
    return { kind: 'retry', reason };
  }
  return { kind: 'retry', reason: error instanceof Error ? error.message : String(error) };
}
