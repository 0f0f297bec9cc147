import type { RequestLease } from '../limits/endpoint-limiter.js';
import { classifyLlmError, endpointAnswered } from './classify-llm-error.js';

/**
 * Tells the limiter how a request failed, which is what its AIMD cap and the endpoint's health learn from: a 429, an
 * outage-class failure (connection error, timeout, 502/503/504), another error status (the server is up), or
 * something that says nothing about the server.
 */
export async function reportFailureToLease(lease: RequestLease, error: unknown): Promise<void> {
  const failure = classifyLlmError(error);
  if (failure.kind === 'rate-limited') await lease.rateLimited(failure.retryAfterMs);
  else if (failure.kind === 'outage') await lease.unreachable();
  else if (endpointAnswered(error)) await lease.answered();
  else await lease.failed();
}
