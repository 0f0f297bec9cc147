import type { RedisConnection } from '../queue/redis-connection.js';
import type { HealthState } from './endpoint-health-states.js';

/**
 * Redis keys of one endpoint (base URL + model), all under `<prefix>:limits:{<id>}`: the hash tag puts them in one
 * Redis Cluster slot (acquire and release touch four of them at once); different endpoints spread over the nodes.
 */
export interface LimiterKeys {
  state: string;
  leases: string;
  trajectory: string;
  /** Hash: the endpoint's health (endpoint-health-states.ts, limiter-scripts.ts). */
  health: string;
  /** Set of `<queue>|<jobId>` parked because the endpoint was down: promoted at once when it recovers. */
  parked: string;
  /** Set of run ids paused because this endpoint was down longer than their `model.outage.maxMinutes`. */
  pausedRuns: string;
}

export function limiterKeys(prefix: string, id: string): LimiterKeys {
  const base = `${prefix}:limits:{${id}}`;
  return { state: base, leases: `${base}:leases`, trajectory: `${base}:trajectory`, health: `${base}:health`, parked: `${base}:parked`, pausedRuns: `${base}:paused-runs` };
}

/** An endpoint's health and limiter state as the fleet shares it, for decisions, status and logs. Times: RedisConnection ms. */
export interface EndpointHealth {
  baseUrl: string;
  model: string;
  /** Redis time of the reading. */
  now: number;
  state: HealthState;
  /** When the endpoint entered `state` (null: never left healthy since its state was created). */
  since: number | null;
  downSince: number | null;
  /** When the next probe is due (down only). */
  nextProbeAt: number | null;
  /** Probes that failed in the current outage. */
  failedProbes: number;
  /** Requests sent while down in the current (or last) outage: the probes. */
  sentWhileDown: number;
  /** Outages since the state was created (it expires after a day idle). */
  outages: number;
  lastDownFrom: number | null;
  lastDownUntil: number | null;
  last429At: number | null;
  /** The last successful request (any item). */
  lastSuccessAt: number | null;
  /** The adaptive in-flight cap (null: no request yet). */
  cap: number | null;
  inFlight: number;
  /** Until when the fleet is paused by a 429's Retry-After (0: not paused). */
  pausedUntil: number;
}

const num = (value: string | null | undefined): number | null => (value === null || value === undefined || value === '' ? null : Number(value));

/** Reads an endpoint's health in one round trip. */
export async function readEndpointHealth(redis: RedisConnection, keys: LimiterKeys, endpoint: { baseUrl: string; model: string }): Promise<EndpointHealth> {
  const [time, health, state] = await Promise.all([
    redis.time(),
    redis.hmget(keys.health, 'state', 'since', 'downSince', 'nextProbeAt', 'probes', 'sentWhileDown', 'outages', 'lastDownFrom', 'lastDownUntil', 'last429At'),
    // lastSuccessAt lives in the state hash, which every release writes anyway (the health hash only on a change).
    redis.hmget(keys.state, 'cap', 'pausedUntil', 'lastSuccessAt'),
  ]);
  const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
  const inFlight = await redis.zcount(keys.leases, now, '+inf');
  const [healthState, since, downSince, nextProbeAt, probes, sentWhileDown, outages, lastDownFrom, lastDownUntil, last429At] = health;
  return {
    baseUrl: endpoint.baseUrl,
    model: endpoint.model,
    now,
    state: (healthState ?? 'healthy') as HealthState,
    since: num(since),
    downSince: num(downSince),
    nextProbeAt: num(nextProbeAt),
    failedProbes: num(probes) ?? 0,
    sentWhileDown: num(sentWhileDown) ?? 0,
    outages: num(outages) ?? 0,
    lastDownFrom: num(lastDownFrom),
    lastDownUntil: num(lastDownUntil),
    last429At: num(last429At),
    lastSuccessAt: num(state[2]),
    cap: num(state[0]),
    inFlight,
    pausedUntil: num(state[1]) ?? 0,
  };
}
