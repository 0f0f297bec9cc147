import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { EndpointLimits } from './endpoint-limits.js';
import { ACQUIRE, RELEASE } from './limiter-scripts.js';

/** One admitted request: report how it ended exactly once (later reports are ignored). */
export interface RequestLease {
  /** Success: release the slot and return the unused part of the token reservation. */
  succeeded(usedTokens: number): Promise<void>;
  /** A 429: cut the fleet's cap and pause every worker on this endpoint for `retryAfterMs`. */
  rateLimited(retryAfterMs: number): Promise<void>;
  /** Any other failure: release the slot and the whole token reservation. */
  failed(): Promise<void>;
}

/** Admission to an endpoint: waits until a request may be sent. */
export interface RequestGate {
  acquire(estimatedTokens: number): Promise<RequestLease>;
}

export interface LimiterKeys {
  state: string;
  leases: string;
  trajectory: string;
}

/** An endpoint's id in Redis keys: a hash of base URL + model (never the key; the URL carries no credentials). */
export function endpointId(baseUrl: string, model: string): string {
  const normalised = baseUrl.trim().replace(/\/+$/, '').toLowerCase();
  return createHash('sha256').update(`${normalised}\n${model}`).digest('hex').slice(0, 24);
}

export function limiterKeys(prefix: string, id: string): LimiterKeys {
  return { state: `${prefix}:limits:${id}`, leases: `${prefix}:limits:${id}:leases`, trajectory: `${prefix}:limits:${id}:trajectory` };
}

export interface EndpointLimiterOptions {
  redis: Redis;
  prefix: string;
  baseUrl: string;
  model: string;
  limits: EndpointLimits;
  /**
   * How long a slot stays taken if its holder never reports back (a SIGKILLed worker), ms. Must exceed the longest a
   * request can take (its timeout); then capacity leaked by a dead worker comes back on its own.
   */
  leaseMs: number;
  /** Longest poll while the in-flight cap is full, ms. Default 50. */
  pollMs?: number;
}

/** Idle endpoints' state expires after a day. */
const STATE_TTL_MS = 24 * 3600 * 1000;

/** Fleet-wide limiter of one endpoint + model: RPM/TPM token buckets and an AIMD in-flight cap, all in Redis. */
export class EndpointLimiter implements RequestGate {
  readonly keys: LimiterKeys;

  constructor(private readonly options: EndpointLimiterOptions) {
    this.keys = limiterKeys(options.prefix, endpointId(options.baseUrl, options.model));
  }

  async acquire(estimatedTokens: number): Promise<RequestLease> {
    const { redis, limits, leaseMs } = this.options;
    const pollMs = this.options.pollMs ?? 50;
    const leaseId = randomUUID();
    const cost = Math.max(0, Math.ceil(estimatedTokens));
    for (;;) {
      const [granted, waitMs, , , now] = (await redis.eval(
        ACQUIRE,
        2,
        this.keys.state,
        this.keys.leases,
        leaseId,
        String(leaseMs),
        String(cost),
        String(limits.minConcurrency),
        String(limits.maxConcurrency),
        String(limits.requestsPerMinute ?? 0),
        String(limits.tokensPerMinute ?? 0),
        String(STATE_TTL_MS),
      )) as [number, number, string, number, number];
      if (granted === 1) return this.lease(leaseId, cost, now);
      // Jitter spreads the fleet's retries so a freed slot or the end of a pause is not met by a thundering herd.
      const base = waitMs > 0 ? waitMs : pollMs;
      await sleep(base + Math.random() * Math.min(pollMs, base));
    }
  }

  /** The current adaptive cap and pause, for status, tests and benchmarks. */
  async snapshot(): Promise<{ cap: number | null; inFlight: number; pausedUntil: number; trajectory: { atMs: number; cap: number; why: string }[] }> {
    const [state, inFlight, trajectory] = await Promise.all([
      this.options.redis.hmget(this.keys.state, 'cap', 'pausedUntil'),
      this.options.redis.zcard(this.keys.leases),
      this.options.redis.lrange(this.keys.trajectory, 0, -1),
    ]);
    return {
      cap: state[0] === null || state[0] === undefined ? null : Number(state[0]),
      inFlight,
      pausedUntil: Number(state[1] ?? 0),
      trajectory: trajectory.map((entry) => {
        const [atMs, cap, why] = entry.split(':');
        return { atMs: Number(atMs), cap: Number(cap), why: why ?? '' };
      }),
    };
  }

  private lease(leaseId: string, reserved: number, acquiredAt: number): RequestLease {
    let reported = false;
    const release = async (outcome: 'ok' | 'rate-limited' | 'failed', refund: number, retryAfterMs: number): Promise<void> => {
      if (reported) return;
      reported = true;
      const { redis, limits } = this.options;
      await redis
        .eval(
          RELEASE,
          3,
          this.keys.state,
          this.keys.leases,
          this.keys.trajectory,
          leaseId,
          outcome,
          String(acquiredAt),
          String(Math.round(refund)),
          String(Math.max(0, Math.round(retryAfterMs))),
          String(limits.minConcurrency),
          String(limits.maxConcurrency),
          String(limits.tokensPerMinute ?? 0),
          String(STATE_TTL_MS),
        )
        // A lost report costs nothing lasting: the lease expires and the slot comes back on its own. It must not
        // turn a paid, cached completion into a failed item.
        .catch(() => undefined);
    };
    return {
      succeeded: (usedTokens) => release('ok', reserved - usedTokens, 0),
      rateLimited: (retryAfterMs) => release('rate-limited', reserved, retryAfterMs),
      failed: () => release('failed', reserved, 0),
    };
  }
}

/** Prompt tokens of a request, estimated before sending (about 4 characters a token, plus per-message framing). */
export function estimatePromptTokens(messages: readonly { content: string }[]): number {
  return messages.reduce((sum, message) => sum + Math.ceil(message.content.length / 4) + 4, 3);
}
