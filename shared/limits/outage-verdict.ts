import type { EndpointHealth } from './endpoint-health.js';

/**
 * How an outage-class failure (connection error, timeout, 502/503/504) is told apart from an item's own fault. It
 * happened at `failedAt` (Redis ms) on an endpoint that was not down then; by the time this is asked (after the
 * outage window), it was an outage if the endpoint is down now or an outage ended after the failure — i.e. the
 * endpoint was down at some moment since, which needs failures from other items too. Otherwise the endpoint went on
 * serving (or at least was never judged down): the failure is the item's, and uses one of its attempts.
 */
export function judgeSuspectFailure(health: Pick<EndpointHealth, 'state' | 'lastDownUntil'>, failedAt: number): 'outage' | 'item' {
  if (health.state === 'down') return 'outage';
  return health.lastDownUntil !== null && health.lastDownUntil >= failedAt ? 'outage' : 'item';
}
