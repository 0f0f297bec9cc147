import { errorBody, type ApiErrorBody } from './chat-request.js';
import type { FaultKind } from './fault-injection.js';

/** The status and body of each injected error fault, online and in batch output lines alike. */
export const FAULT_RESPONSES: Record<Exclude<FaultKind, 'slow'>, { status: number; body: ApiErrorBody }> = {
  '429': {
    status: 429,
    body: errorBody('Rate limit reached for requests (simulated by s2d-simulator). Please try again later.', 'requests', null, 'rate_limit_exceeded'),
  },
  '500': { status: 500, body: errorBody('The server had an error while processing your request (simulated).', 'server_error') },
  '503': { status: 503, body: errorBody('The server is overloaded or not ready yet (simulated).', 'service_unavailable', null, 'service_unavailable') },
  poison: { status: 500, body: errorBody('The server had an error while processing this prompt (simulated poison item).', 'server_error') },
};
