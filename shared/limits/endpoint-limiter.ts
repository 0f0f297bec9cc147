import { createHash, randomUUID } from 'node:crypto';
import type { RedisConnection } from '../queue/redis-connection.js';
import { EndpointDownError } from './endpoint-down-error.js';
import type { HealthState } from './endpoint-health-states.js';
import { limiterKeys, readEndpointHealth, type EndpointHealth, type LimiterKeys } from './endpoint-health.js';
import type { EndpointLimits } from './endpoint-limits.js';
import { ACQUIRE, RELEASE } from './limiter-scripts.js';
import { DEFAULT_OUTAGE_OPTIONS, type OutageOptions } from './outage-options.js';

export { limiterKeys, type LimiterKeys } from './endpoint-health.js';

/** One admitted request: report how it ended exactly once (later reports are ignored). */
export interface RequestLease {
  /** Success: release the slot and return the unused part of the token reservation. */
  succeeded(usedTokens: number): Promise<void>;
  /** A 429: cut the fleet's cap and pause every worker on this endpoint for `retryAfterMs`. */
  rateLimited(retryAfterMs: number): Promise<void>;
  /** An outage-class failure (connection error, timeout, 502/503/504): counts toward marking the endpoint down. */
  unreachable(): Promise<void>;
  /** The server answered with another error status: it is up (ends an outage), the request just failed. */
  answered(): Promise<void>;
  /** Any other failure: release the slot and the whole token reservation. */
  failed(): Promise<void>;
}

/**
 * Admission to an endpoint: waits until a request may be sent, or throws EndpointDownError while the endpoint is
 * down. `requester` names the item asking (`<runId>#<index>`), for the rule that an outage takes failures of
 * different items.
 */
export interface RequestGate {
  acquire(estimatedTokens: number, requester?: string): Promise<RequestLease>;
}

/** What the fleet knows of an endpoint's health (the limiter implements it; status and failure policy read it). */
export interface EndpointHealthView {
  readonly baseUrl: string;
  readonly keys: LimiterKeys;
  readonly outage: OutageOptions;
  health(): Promise<EndpointHealth>;
  /** Records a job parked because the endpoint is down, so recovery can promote it at once. */
  noteParked(queueName: string, jobId: string): Promise<void>;
  /** Records a run paused because the endpoint was down too long, so recovery can resume it. */
  notePausedRun(runId: string): Promise<void>;
}

/** A change of an endpoint's health, as the report that made it saw it (for logs and recovery actions). */
export interface HealthChange {
  event: 'down' | 'recovered' | 'rate-limited' | 'healthy' | 'probe-failed';
  state: HealthState;
  baseUrl: string;
  model: string;
  keys: LimiterKeys;
  cap: number;
  /** Down only: since when, and when the next probe is due (Redis ms). */
  downSince: number | null;
  nextProbeAt: number | null;
}

/** An endpoint's id in Redis keys: a hash of base URL + model (never the key; the URL carries no credentials). */
export function endpointId(baseUrl: string, model: string): string {
  const normalised = baseUrl.trim().replace(/\/+$/, '').toLowerCase();
  return createHash('sha256').update(`${normalised}\n${model}`).digest('hex').slice(0, 24);
}

export interface EndpointLimiterOptions {
  redis: RedisConnection;
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
  /** When the endpoint counts as down and how it is probed (`model.outage`). Default: the schema's defaults. */
  outage?: OutageOptions;
  /** Called after a report changed the endpoint's health (this process saw the change happen). */
  onHealthChange?: (change: HealthChange) => void;
}

/** Waiting requests of one process admitted in one round trip, at most. */
const MAX_BATCH = 64;

/** Reports of one process sent in one RELEASE call, at most. */
const MAX_REPORTS = 256;

/** Idle endpoints' state expires after a day. */
const STATE_TTL_MS = 24 * 3600 * 1000;

/**
 * Fleet-wide limiter of one endpoint + model: RPM/TPM token buckets, an AIMD in-flight cap and the endpoint's health
 * (a circuit breaker: down, nothing is sent but one probe at a time), all in Redis.
 */
export class EndpointLimiter implements RequestGate, EndpointHealthView {
  readonly keys: LimiterKeys;
  readonly baseUrl: string;
  readonly outage: OutageOptions;

  constructor(private readonly options: EndpointLimiterOptions) {
    this.keys = limiterKeys(options.prefix, endpointId(options.baseUrl, options.model));
    this.baseUrl = options.baseUrl;
    this.outage = options.outage ?? DEFAULT_OUTAGE_OPTIONS;
  }

  /**
   * Requests of this process waiting for admission, first come first served. One loop per process and endpoint asks
   * Redis for the front of the queue at once (not one poller per waiting request), and a slot released by this
   * process wakes it at once.
   */
  private readonly waiters: { cost: number; requester: string; resolve: (lease: RequestLease) => void; reject: (error: unknown) => void }[] = [];
  private pumping = false;
  private wake: (() => void) | undefined;

  acquire(estimatedTokens: number, requester = ''): Promise<RequestLease> {
    const cost = Math.max(0, Math.ceil(estimatedTokens));
    return new Promise((resolve, reject) => {
      this.waiters.push({ cost, requester, resolve, reject });
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        const batch = this.waiters.slice(0, MAX_BATCH).map((waiter) => ({ waiter, leaseId: randomUUID() }));
        let answer: AcquireAnswer;
        try {
          answer = await this.tryAcquire(batch.map(({ leaseId, waiter }) => [leaseId, waiter.cost] as const));
        } catch (error) {
          // Redis is unreachable: the waiters' items fail this attempt and are retried by BullMQ.
          for (const waiter of this.waiters.splice(0, batch.length)) waiter.reject(error);
          continue;
        }
        const [granted, waitMs, why, , now, downSince, retryAt] = answer;
        this.waiters.splice(0, granted);
        for (const { waiter, leaseId } of batch.slice(0, granted)) waiter.resolve(this.lease(leaseId, waiter.cost, now, waiter.requester));
        if (why === 'down') {
          // Down: every waiter of this process gets the same answer; their items park instead of holding a slot.
          const error = new EndpointDownError(this.baseUrl, downSince, retryAt, now);
          for (const waiter of this.waiters.splice(0)) waiter.reject(error);
          continue;
        }
        if (granted < batch.length) await this.nap(waitMs);
      }
    } finally {
      this.pumping = false;
    }
  }

  private tryAcquire(requests: readonly (readonly [string, number])[]): Promise<AcquireAnswer> {
    const { redis, limits, leaseMs } = this.options;
    return ACQUIRE.run(redis, [this.keys.state, this.keys.leases, this.keys.health], [
      String(leaseMs),
      String(limits.minConcurrency),
      String(limits.maxConcurrency),
      String(limits.requestsPerMinute ?? 0),
      String(limits.tokensPerMinute ?? 0),
      String(STATE_TTL_MS),
      String(this.outage.probeInitialMs),
      String(this.outage.probeMaxMs),
      ...requests.flatMap(([leaseId, cost]) => [leaseId, String(cost)]),
    ]) as Promise<AcquireAnswer>;
  }

  /** The endpoint's health and limiter state, as the whole fleet sees it. */
  health(): Promise<EndpointHealth> {
    return readEndpointHealth(this.options.redis, this.keys, { baseUrl: this.options.baseUrl, model: this.options.model });
  }

  async noteParked(queueName: string, jobId: string): Promise<void> {
    await this.options.redis.multi().sadd(this.keys.parked, `${queueName}|${jobId}`).pexpire(this.keys.parked, STATE_TTL_MS).exec();
  }

  async notePausedRun(runId: string): Promise<void> {
    await this.options.redis.multi().sadd(this.keys.pausedRuns, runId).pexpire(this.keys.pausedRuns, STATE_TTL_MS).exec();
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

  /** Reports waiting to go to Redis: every report made in one turn of the event loop goes in one RELEASE call. */
  private reports: PendingReport[] = [];

  private lease(leaseId: string, reserved: number, acquiredAt: number, requester: string): RequestLease {
    let reported = false;
    const release = (outcome: ReportOutcome, refund: number, retryAfterMs: number): Promise<void> => {
      if (reported) return Promise.resolve();
      reported = true;
      return new Promise((resolve) => {
        this.reports.push({ leaseId, outcome, acquiredAt, refund, retryAfterMs, requester, resolve });
        if (this.reports.length === 1) setImmediate(() => void this.flushReports());
      });
    };
    return {
      succeeded: (usedTokens) => release('ok', reserved - usedTokens, 0),
      rateLimited: (retryAfterMs) => release('rate-limited', reserved, retryAfterMs),
      unreachable: () => release('unreachable', reserved, 0),
      answered: () => release('answered', reserved, 0),
      failed: () => release('failed', reserved, 0),
    };
  }

  /** Sends the waiting reports in one RELEASE call, in the order they were made. */
  private async flushReports(): Promise<void> {
    const batch = this.reports.splice(0, MAX_REPORTS);
    if (this.reports.length > 0) setImmediate(() => void this.flushReports());
    if (batch.length === 0) return;
    const { redis, limits } = this.options;
    const { outage } = this;
    const answers = (await RELEASE.run(redis, [this.keys.state, this.keys.leases, this.keys.trajectory, this.keys.health], [
      String(limits.minConcurrency),
      String(limits.maxConcurrency),
      String(limits.tokensPerMinute ?? 0),
      String(STATE_TTL_MS),
      String(outage.failureThreshold),
      String(outage.minItems),
      String(outage.windowMs),
      String(outage.probeInitialMs),
      String(outage.probeMaxMs),
      ...batch.flatMap((report) => [
        report.leaseId,
        report.outcome,
        String(report.acquiredAt),
        String(Math.round(report.refund)),
        String(Math.max(0, Math.round(report.retryAfterMs))),
        report.requester,
        String(Math.random()),
      ]),
    ])
      // A lost report costs nothing lasting: the lease expires and the slot comes back on its own. It must not
      // turn a paid, cached completion into a failed item.
      .catch(() => null)) as ReleaseAnswer[] | null;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
    for (const [position, report] of batch.entries()) {
      const answer = answers?.[position];
      if (answer !== undefined && answer[2] !== '') this.reportChange(answer);
      report.resolve();
    }
  }

  private reportChange([cap, , event, state, downSince, nextProbeAt]: ReleaseAnswer): void {
    const { baseUrl, model } = this.options;
    try {
      this.options.onHealthChange?.({
        event: event as HealthChange['event'],
        state: state as HealthState,
        baseUrl,
        model,
        keys: this.keys,
        cap,
        downSince: downSince > 0 ? downSince : null,
        nextProbeAt: nextProbeAt > 0 ? nextProbeAt : null,
      });
    } catch {
      // A listener's failure must not turn the request's outcome into an error.
    }
  }
}

/** ACQUIRE's answer: granted, waitMs, why, cap, now, downSince, retryAt (see limiter-scripts.ts). */
type AcquireAnswer = [number, number, string, number, number, number, number];
/** How a request ended, as RELEASE takes it. */
type ReportOutcome = 'ok' | 'rate-limited' | 'unreachable' | 'answered' | 'failed';

/** A lease's report waiting for the next RELEASE call; `resolve` settles the lease's report promise. */
interface PendingReport {
  leaseId: string;
  outcome: ReportOutcome;
  acquiredAt: number;
  refund: number;
  retryAfterMs: number;
  requester: string;
  resolve: () => void;
}

/** RELEASE's answer per report: cap, pausedUntil, event, state, downSince, nextProbeAt. */
type ReleaseAnswer = [number, number, string, string, number, number];

/** Prompt tokens of a request, estimated before sending (about 4 characters a token, plus per-message framing). */
export function estimatePromptTokens(messages: readonly { content: string }[]): number {
  return messages.reduce((sum, message) => sum + Math.ceil(message.content.length / 4) + 4, 3);
}
