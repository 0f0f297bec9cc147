import { createHash, randomUUID } from 'node:crypto';
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
  /** Poll interval while the in-flight cap is full and no slot of this process frees up, ms. Default 50. */
  pollMs?: number;
}

/** Waiting requests of one process admitted in one round trip, at most. */
const MAX_BATCH = 64;

/** Idle endpoints' state expires after a day. */
const STATE_TTL_MS = 24 * 3600 * 1000;

/** Fleet-wide limiter of one endpoint + model: RPM/TPM token buckets and an AIMD in-flight cap, all in Redis. */
export class EndpointLimiter implements RequestGate {
  readonly keys: LimiterKeys;

  constructor(private readonly options: EndpointLimiterOptions) {
    this.keys = limiterKeys(options.prefix, endpointId(options.baseUrl, options.model));
  }

  /**
   * Requests of this process waiting for admission, first come first served. One loop per process and endpoint asks
   * Redis for the front of the queue at once (not one poller per waiting request), and a slot released by this
   * process wakes it at once.
   */
  private readonly waiters: { cost: number; resolve: (lease: RequestLease) => void; reject: (error: unknown) => void }[] = [];
  private pumping = false;
  private wake: (() => void) | undefined;

  acquire(estimatedTokens: number): Promise<RequestLease> {
    const cost = Math.max(0, Math.ceil(estimatedTokens));
    return new Promise((resolve, reject) => {
      this.waiters.push({ cost, resolve, reject });
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        const batch = this.waiters.slice(0, MAX_BATCH).map((waiter) => ({ waiter, leaseId: randomUUID() }));
        let granted: number;
        let waitMs: number;
        let now: number;
        try {
          [granted, waitMs, , , now] = await this.tryAcquire(batch.map(({ leaseId, waiter }) => [leaseId, waiter.cost] as const));
        } catch (error) {
          // Redis is unreachable: the waiters' items fail this attempt and are retried by BullMQ.
          for (const waiter of this.waiters.splice(0, batch.length)) waiter.reject(error);
          continue;
        }
        this.waiters.splice(0, granted);
        for (const { waiter, leaseId } of batch.slice(0, granted)) waiter.resolve(this.lease(leaseId, waiter.cost, now));
        if (granted < batch.length) await this.nap(waitMs);
      }
    } finally {
      this.pumping = false;
    }
  }

  private tryAcquire(requests: readonly (readonly [string, number])[]): Promise<[number, number, string, number, number]> {
    const { redis, limits, leaseMs } = this.options;
    return redis.eval(
      ACQUIRE,
      2,
      this.keys.state,
      this.keys.leases,
      String(leaseMs),
      String(limits.minConcurrency),
      String(limits.maxConcurrency),
      String(limits.requestsPerMinute ?? 0),
      String(limits.tokensPerMinute ?? 0),
      String(STATE_TTL_MS),
      ...requests.flatMap(([leaseId, cost]) => [leaseId, String(cost)]),
    ) as Promise<[number, number, string, number, number]>;
  }

  /** Sleeps until the wait Redis named (or a poll, for a full in-flight cap), or until this process frees a slot. */
  private nap(waitMs: number): Promise<void> {
    const pollMs = this.options.pollMs ?? 50;
    // Jitter spreads the fleet's pollers so the end of a pause is not met by all workers in the same millisecond.
    const ms = (waitMs > 0 ? waitMs : pollMs) + Math.random() * Math.min(pollMs, 20);
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
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
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
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
