import { chatRequestSchema, errorBody, validationError, type ApiErrorBody, type ChatRequest } from './chat-request.js';
import type { SimulatorOptions } from './simulator-options.js';

export type ChatValidation = { ok: true; request: ChatRequest } | { ok: false; status: number; body: ApiErrorBody };

/**
 * Checks a chat completions request body as the online endpoint does (schema, `stream`, `n`, known models), so a
 * batch line is refused with the very status and error body the same request would get online.
 */
export function validateChatBody(raw: unknown, options: SimulatorOptions): ChatValidation {
  const parsed = chatRequestSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, status: 400, body: validationError(parsed.error) };
  const request = parsed.data;
  if (request.stream === true) {
    return { ok: false, status: 400, body: errorBody('stream: true is not supported by the s2d simulator; send stream: false.', 'invalid_request_error', 'stream', 'unsupported_value') };
  }
  if ((request.n ?? 1) > options.maxN) {
    return { ok: false, status: 400, body: errorBody(`n must be at most ${options.maxN}`, 'invalid_request_error', 'n', 'invalid_value') };
  }
  if (options.strictModels && !options.models.includes(request.model)) {
    return { ok: false, status: 404, body: errorBody(`The model '${request.model}' does not exist`, 'invalid_request_error', 'model', 'model_not_found') };
  }
  return { ok: true, request };
}
