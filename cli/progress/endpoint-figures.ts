import type { RunEndpoint } from '../../shared/limits/run-endpoint.js';
import type { ProgressSnapshot } from '../../shared/progress/progress-snapshot.js';

/** The endpoint part of a progress snapshot: its health state, adaptive cap, ceiling and requests in flight. */
export function endpointFigures(endpoint: RunEndpoint | null): ProgressSnapshot['endpoint'] {
  if (endpoint === null) return null;
  const { health, maxConcurrency } = endpoint;
  return { state: health.state, cap: health.cap ?? maxConcurrency, maxConcurrency, inFlight: health.inFlight };
}
