import type { EndpointHealth } from './endpoint-health.js';

/**
 * How an outage-class failure (connection error, timeout, 502/503/504) is told apart from an item's own fault. It
 * happened at `failedAt` (Redis ms) on an endpoint that was not down then. Asked when the item comes back:
 * - an outage if the endpoint is down now, or an outage ended after the failure (the endpoint was down at some moment
 *   since: failures of other items agreed);
 * - the item's own fault if the endpoint answered another request successfully after the failure (it was otherwise
 *   healthy), or the outage window has passed without it being marked down;
 * - undecided otherwise (nothing has finished since, and the window is still open): the item waits out the window.
 */
export function judgeSuspectFailure(
  health: Pick<EndpointHealth, 'state' | 'lastDownUntil' | 'lastSuccessAt' | 'now'>,
  failedAt: number,
  windowMs: number,
): 'outage' | 'item' | 'undecided' {
  if (health.state === 'down') return 'outage';
  if (health.lastDownUntil !== null && health.lastDownUntil >= failedAt) return 'outage';
  if (health.lastSuccessAt !== null && health.lastSuccessAt > failedAt) return 'item';
  return health.now - failedAt >= windowMs ? 'item' : 'undecided';
}
