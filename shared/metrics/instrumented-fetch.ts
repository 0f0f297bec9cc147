import { llmRequests, llmRequestSeconds } from './worker-metrics.js';

export type RequestOutcome = 'ok' | '429' | '5xx' | '4xx' | 'timeout' | 'network';

/** The outcome label of an HTTP status. */
export function outcomeOfStatus(status: number): RequestOutcome {
  if (status === 429) return '429';
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  return 'ok';
}

/** A failed fetch: aborted by the client's timeout, or a network error. */
function outcomeOfError(error: unknown): RequestOutcome {
  const name = error instanceof Error ? error.name : '';
  return name === 'AbortError' || name === 'TimeoutError' ? 'timeout' : 'network';
}

/**
 * `fetch` that counts every LLM HTTP request and its latency by outcome (worker-metrics.ts), for the openai client's
 * `fetch` option: the one place every request of every strategy passes, retries and probes included.
 */
export function instrumentedFetch(inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const stop = llmRequestSeconds.startTimer();
    let outcome: RequestOutcome = 'network';
    try {
      const response = await inner(input, init);
      outcome = outcomeOfStatus(response.status);
      return response;
    } catch (error) {
      outcome = outcomeOfError(error);
      throw error;
    } finally {
      stop({ outcome });
      llmRequests.inc({ outcome });
    }
  };
}
