import type { RedisConnection } from '../queue/redis-connection.js';
import { LuaScript, luaConstants, readLua } from '../queue/lua-script.js';
import type { ResolvedRunSpec } from '../config/run-spec.js';
import type { PaidCounters } from '../cost/cost-summary.js';
import type { ModelPrices } from '../cost/model-prices.js';
import type { TokenUsage } from '../core-types.js';
import type { ItemStatus } from '../dataset/item-result.js';
import { HANDOFF_FIELDS, handoffFromHash, handoffHashPatch, type HandoffPatch, type HandoffStatus } from './handoff-status.js';
import type { MoveOptions, TransitionOutcome } from '../state/state-machine.js';
import { runKeys, type RunKeys } from './run-keys.js';
import { LIVE_RUN_STATES, RUN_STATE_MACHINE, RUN_STATE_TABLE, type RunState } from './run-states.js';

export { RUN_STATES, type RunState } from './run-states.js';

/** What `s2d status` shows: a run's spec, state and counters as Redis holds them. */
export interface RunRecord {
  runId: string;
  spec: ResolvedRunSpec;
  state: RunState;
  submittedAt: string;
  /** Items in the input; known once the producer has read all of it. */
  total: number | null;
  done: number;
  accepted: number;
  rejected: number;
  errored: number;
  /** Tokens attributed to finished items (cached completions included). */
  promptTokens: number;
  completionTokens: number;
  /** LLM requests actually sent (paid), and the tokens they used, counting retries. */
  llmRequests: number;
  paidPromptTokens: number;
  paidCompletionTokens: number;
  /** Of paidPromptTokens, those the endpoint reported as served from its prompt cache (0 when it reports none). */
  paidCachedPromptTokens: number;
  publishedAt: string | null;
  manifestLocation: string | null;
  error: string | null;
  /** The fine-tuning hand-off after publication (null: none configured, or not started yet). */
  handoff: HandoffStatus | null;
  /** Items recorded as stopped (never started because the run was cancelled or its budget ran out); in `rejected` too. */
  cancelled: number;
  /** Why the run stopped early: `cancelled` (s2d cancel) or `budget`; null when it did not. */
  stopReason: StopReason | null;
  stoppedAt: string | null;
  /** What stopped it, in words (e.g. which budget limit was reached). */
  stopDetail: string | null;
  /** The state a paused run resumes to. */
  resumeState: RunState | null;
  /** Paid LLM requests the s2d simulator answered without recognising the prompt (answers that are guesses). */
  unrecognisedBySimulator: number;
  /** Rejected items per reject code so far (counted as items finish; sums to `rejected`). */
  rejectReasons: Record<string, number>;
  /** Item attempts that met an HTTP 429 from the endpoint (`countRateLimited`), whether re-queued or then errored. */
  rateLimited: number;
  /** Why a paused run is paused: `outage` (its endpoint was down longer than `model.outage.maxMinutes`); null for `s2d pause`. */
  pauseCause: 'outage' | null;
  /** The pause in words, e.g. `endpoint http://… down since 2026-…Z`. */
  pauseDetail: string | null;
  /** Dataset version this run publishes (or published) next: 1, then one more per `s2d retry`. */
  version: number;
  /** The manifest of the version before this one (set by `s2d retry`); null for version 1. */
  previousManifest: string | null;
}

export type StopReason = 'cancelled' | 'budget';

/** A run's state and the run-control fields a worker acts on before an item (see RunStore.control). */
export type RunControl = Pick<RunRecord, 'runId' | 'state' | 'pauseCause' | 'stopReason' | 'stopDetail'>;

/**
 * The limits a paid request is checked against: the spec's `budget`, priced with the run's prices (`model.prices`,
 * else `budget.prices`; see shared/cost/resolve-prices.ts).
 */
export interface BudgetCheck {
  maxTokens?: number | undefined;
  maxCostUsd?: number | undefined;
  prices?: Pick<ModelPrices, 'promptUsdPerMTok' | 'completionUsdPerMTok' | 'cachedPromptUsdPerMTok'> | undefined;
}

/** A run record's paid counters, as the cost arithmetic reads them. */
export function paidCountersOf(run: Pick<RunRecord, 'llmRequests' | 'paidPromptTokens' | 'paidCompletionTokens' | 'paidCachedPromptTokens'>): PaidCounters {
  return { requests: run.llmRequests, promptTokens: run.paidPromptTokens, completionTokens: run.paidCompletionTokens, cachedPromptTokens: run.paidCachedPromptTokens };
}

/** Outcome of a state change: done, already so, or refused because the run is in `state` (null: no such run). */
export type ControlOutcome = TransitionOutcome<RunState>;

// Every script below that changes a run's state does so through `guarded_move` (RUN_STATE_MACHINE): the transition
// table is checked and the state written in the same atomic step.
const MOVES = RUN_STATE_MACHINE.lua;

// `queued` counts the run's items that a producer enqueued and no worker has finished (enqueued bit set, done bit
// not): whatever BullMQ holds them as (waiting, in flight, retrying, re-queued after a 429, parked while paused). The
// two bitmaps make it exact however the two steps interleave: an item finished before its enqueue was recorded is
// never counted, and a re-submission's add of an item already enqueued does not count it twice.

/** The script in ./lua/<name>.lua, after `prelude` (the state machine's, for scripts that move a record). */
function script(name: string, prelude = ''): LuaScript {
  return new LuaScript(`${prelude}\n${readLua(new URL(`./lua/${name}.lua`, import.meta.url))}`);
}

const MARK_DONE = script('mark-done');
const UNCLAIMED = script('unclaimed');
const MARK_ENQUEUED = script('mark-enqueued');
const REGISTER = script('register', luaConstants({ INITIAL_STATE: RUN_STATE_TABLE.initial }));
const SET_TOTAL = script('set-total', MOVES);
const RESUME = script('resume', MOVES);
const COUNT_PAID = `${MOVES}\n${readLua(new URL('./lua/count-paid.lua', import.meta.url))}`;
const COUNT_REQUEST = script('count-request', COUNT_PAID);
const SETTLE_REQUEST = script('settle-request', COUNT_PAID);
const PAUSE_FOR_OUTAGE = script('pause-for-outage', MOVES);
const PAUSE = script('pause', MOVES);
const RESUME_AFTER_OUTAGE = script('resume-after-outage', MOVES);
const BEGIN_RETRY = script('begin-retry', MOVES);

/** A budget as script arguments: maxTokens, maxCostUsd ('' = none), prompt, completion, cached-prompt USD per MTok. */
function budgetArgs(budget: BudgetCheck | undefined): [string, string, string, string, string] {
  const prices = budget?.prices;
  return [
    budget?.maxTokens === undefined ? '' : String(budget.maxTokens),
    budget?.maxCostUsd === undefined ? '' : String(budget.maxCostUsd),
    String(prices?.promptUsdPerMTok ?? 0),
    String(prices?.completionUsdPerMTok ?? 0),
    String(prices?.cachedPromptUsdPerMTok ?? prices?.promptUsdPerMTok ?? 0),
  ];
}

/** Responses of one process settled in one script call, at most. */
const MAX_SETTLES = 128;

/** A response waiting for the next settle call (see RunStore.settleRequest). */
interface PendingSettle {
  run: string;
  cache: { key: string; ttlSeconds: number; fields: readonly (readonly [string, string])[] };
  usage: TokenUsage;
  unrecognised: boolean;
  budget: BudgetCheck | undefined;
  now: Date;
  resolve: (stopped: boolean) => void;
  reject: (error: unknown) => void;
}

/** A run id already registered with a different spec. */
export class RunConflictError extends Error {
  override readonly name = 'RunConflictError';
  constructor(readonly runId: string) {
    super(`run ${runId} already exists with a different spec; give the new run its own runId (or leave runId out)`);
  }
}

/** Run state in Redis: registration, enqueue claims, exactly-once completion counting, publication state. */
export class RunStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
  ) {}

  keys(runId: string): RunKeys {
    return runKeys(this.prefix, runId);
  }

  /**
   * Registers a run if it is new and returns true; returns false for a re-submission of the same spec. A different
   * spec under an existing run id is refused: workers and the manifest would follow the stored one.
   *
   * The id goes into the run index first (NX: a re-submission keeps its place), then the run hash is written: two
   * steps, as the index is a global key that no script may touch with a run's keys on a Redis Cluster. A crash in
   * between leaves an id listed without a run (readers skip it; the re-submission registers it), never a run that is
   * not listed.
   */
  async register(spec: ResolvedRunSpec, now = new Date()): Promise<boolean> {
    const keys = this.keys(spec.runId);
    const json = JSON.stringify(spec);
    await this.redis.zadd(keys.index, 'NX', now.getTime(), spec.runId);
    const existing = (await REGISTER.run(this.redis, [keys.run], [json, now.toISOString()])) as string | null;
    if (existing === null) return true;
    if (existing !== json) throw new RunConflictError(spec.runId);
    return false;
  }

  async get(runId: string): Promise<RunRecord | null> {
    const raw = await this.redis.hgetall(this.keys(runId).run);
    const specJson = raw.spec;
    if (specJson === undefined) return null;
    const num = (field: string): number => Number(raw[field] ?? 0);
    return {
      runId,
      spec: JSON.parse(specJson) as ResolvedRunSpec,
      state: (raw.state ?? 'producing') as RunState,
      submittedAt: raw.submittedAt ?? '',
      total: raw.total === undefined ? null : Number(raw.total),
      done: num('done'),
      accepted: num('accepted'),
      rejected: num('rejected'),
      errored: num('errored'),
      promptTokens: num('promptTokens'),
      completionTokens: num('completionTokens'),
      llmRequests: num('llmRequests'),
      paidPromptTokens: num('paidPromptTokens'),
      paidCompletionTokens: num('paidCompletionTokens'),
      paidCachedPromptTokens: num('paidCachedPromptTokens'),
      publishedAt: raw.publishedAt ?? null,
      manifestLocation: raw.manifestLocation ?? null,
      error: raw.error ?? null,
      handoff: handoffFromHash(raw),
      cancelled: num('cancelled'),
      stopReason: (raw.stopReason ?? null) as StopReason | null,
      stoppedAt: raw.stoppedAt ?? null,
      stopDetail: raw.stopDetail ?? null,
      resumeState: (raw.resumeState ?? null) as RunState | null,
      unrecognisedBySimulator: num('unrecognisedBySimulator'),
      rejectReasons: Object.fromEntries(Object.entries(raw).filter(([field]) => field.startsWith('reject:')).map(([field, value]) => [field.slice('reject:'.length), Number(value)])),
      rateLimited: num('rateLimited'),
      pauseCause: raw.pauseCause === 'outage' ? 'outage' : null,
      pauseDetail: raw.pauseDetail ?? null,
      version: raw.version === undefined ? 1 : Number(raw.version),
      previousManifest: raw.previousManifest ?? null,
    };
  }

  /**
   * What a worker checks before each item: the run's state and run-control fields, without its spec or counters
   * (one HMGET of a few short fields; a worker takes the spec from its run context). Null when there is no such run.
   */
  async control(runId: string): Promise<RunControl | null> {
    const [state, pauseCause, stopReason, stopDetail] = await this.redis.hmget(this.keys(runId).run, 'state', 'pauseCause', 'stopReason', 'stopDetail');
    if (state === null || state === undefined) return null;
    return {
      runId,
      state: state as RunState,
      pauseCause: pauseCause === 'outage' ? 'outage' : null,
      stopReason: (stopReason ?? null) as StopReason | null,
      stopDetail: stopDetail ?? null,
    };
  }

  /** Run ids, oldest first. */
  async list(): Promise<string[]> {
    return this.redis.zrange(runKeys(this.prefix, '').index, 0, -1);
  }

  async getSpec(runId: string): Promise<ResolvedRunSpec | null> {
    const json = await this.redis.hget(this.keys(runId).run, 'spec');
    return json === null ? null : (JSON.parse(json) as ResolvedRunSpec);
  }

  /** Of these item indices, the ones that still need a job (none once the run is published). */
  async unclaimed(runId: string, indices: readonly number[]): Promise<number[]> {
    if (indices.length === 0) return [];
    const keys = this.keys(runId);
    const positions = (await UNCLAIMED.run(this.redis, [keys.done, keys.enqueued, keys.run], indices.map(String))) as number[];
    return positions.map((position) => indices[position] ?? -1);
  }

  /** Records that these items are on the queue; they count in the run's {@link backlog} until they are done. */
  async markEnqueued(runId: string, indices: readonly number[]): Promise<void> {
    if (indices.length === 0) return;
    const keys = this.keys(runId);
    await MARK_ENQUEUED.run(this.redis, [keys.run, keys.enqueued, keys.done], indices.map(String));
  }

  /**
   * The run's state and its backlog: items enqueued and not yet done, in whatever state BullMQ holds them (waiting,
   * in flight, retrying, re-queued after a 429, parked while the run is paused). What its producer waits on.
   */
  async backlog(runId: string): Promise<{ state: RunState | null; queued: number }> {
    const [state, queued] = await this.redis.hmget(this.keys(runId).run, 'state', 'queued');
    return { state: (state ?? null) as RunState | null, queued: Number(queued ?? 0) };
  }

  async isDone(runId: string, index: number): Promise<boolean> {
    return (await this.redis.getbit(this.keys(runId).done, index)) === 1;
  }

  /**
   * Records an item's durable result once; returns whether the run's last item is now done. `stopped` also counts it
   * in `cancelled` (an item never started because the run stopped); a rejected item's `rejectCode` is counted in
   * `rejectReasons`.
   */
  async markDone(runId: string, index: number, status: ItemStatus, usage: TokenUsage, stopped = false, rejectCode?: string): Promise<{ first: boolean; complete: boolean }> {
    const keys = this.keys(runId);
    const args = [String(index), status, String(usage.promptTokens), String(usage.completionTokens), stopped ? 'cancelled' : '', rejectCode ?? ''];
    const [was, complete] = (await MARK_DONE.run(this.redis, [keys.run, keys.done, keys.enqueued], args)) as [number, number];
    return { first: was === 0, complete: complete === 1 };
  }

  /** Counts an item attempt that the endpoint answered with HTTP 429 (shown by progress and status). */
  async countRateLimited(runId: string): Promise<void> {
    await this.redis.hincrby(this.keys(runId).run, 'rateLimited', 1);
  }

  /** Records the input size once the producer has read all of it; returns whether every item is already done. */
  async setTotal(runId: string, total: number): Promise<boolean> {
    const keys = this.keys(runId);
    const complete = (await SET_TOTAL.run(this.redis, [keys.run], [String(total)])) as number;
    return complete === 1;
  }

  /**
   * Counts an LLM request actually sent (paid), with its usage (cached prompt tokens too, when reported), in one
   * atomic step with the budget check: the request that reaches the run's budget stops the run (state `cancelled`,
   * reason `budget`). Returns whether it did. `budget` carries the prices to check maxCostUsd with
   * (shared/cost/resolve-prices.ts budgetCheckOf).
   */
  async countRequest(runId: string, usage: TokenUsage, budget?: BudgetCheck, now = new Date()): Promise<boolean> {
    const [maxTokens, maxCostUsd, promptUsd, completionUsd, cachedUsd] = budgetArgs(budget);
    const stopped = await COUNT_REQUEST.run(this.redis, [this.keys(runId).run], [
      String(usage.promptTokens), String(usage.completionTokens), maxTokens, maxCostUsd, promptUsd, completionUsd,
      now.toISOString(), String(usage.cachedPromptTokens ?? 0), cachedUsd,
    ]);
    return stopped === 1;
  }

  /**
   * Settles one paid response of an item in one atomic step: its completions are written to the item's call cache
   * (hash `cache.key`, field -> value; its expiry set to `cache.ttlSeconds` unless that is 0) and the request is
   * counted as {@link countRequest} does, with the budget check, and in `unrecognisedBySimulator` when
   * `unrecognised`. So a response is counted exactly when it is cached: a retry that finds it in the cache does not
   * pay for it, nor count it, again. Returns whether this request stopped the run.
   *
   * Responses settled in the same turn of the event loop (of any items of this process) go to Redis in one script
   * call per run, applied in the order they were settled, each with its own budget check: the same counts and the
   * same stopping request as one call each. `cache.key` must carry the run's hash tag (run-keys.ts itemCacheKey).
   */
  settleRequest(
    runId: string,
    cache: { key: string; ttlSeconds: number; fields: readonly (readonly [string, string])[] },
    usage: TokenUsage,
    unrecognised: boolean,
    budget?: BudgetCheck,
    now = new Date(),
  ): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.settles.push({ run: this.keys(runId).run, cache, usage, unrecognised, budget, now, resolve, reject });
      if (this.settles.length === 1) setImmediate(() => void this.flushSettles());
    });
  }

  /** Responses waiting for the next settle call. */
  private settles: PendingSettle[] = [];

  private async flushSettles(): Promise<void> {
    const batch = this.settles.splice(0, MAX_SETTLES);
    if (this.settles.length > 0) setImmediate(() => void this.flushSettles());
    if (batch.length === 0) return;
    // One script call per run: a run's hash and its items' caches share the run's hash tag, so each call addresses one
    // Redis Cluster slot. Runs are counted independently, so the calls may go in parallel.
    const byRun = new Map<string, PendingSettle[]>();
    for (const settle of batch) byRun.set(settle.run, [...(byRun.get(settle.run) ?? []), settle]);
    await Promise.all([...byRun.values()].map((settles) => this.settleRun(settles)));
  }

  /** Settles one run's responses in one script call (see {@link settleRequest}). */
  private async settleRun(batch: readonly PendingSettle[]): Promise<void> {
    const runs = [...new Set(batch.map((settle) => settle.run))];
    const caches = [...new Set(batch.map((settle) => settle.cache.key))];
    const args = batch.flatMap((settle) => [
      String(runs.indexOf(settle.run) + 1), String(runs.length + caches.indexOf(settle.cache.key) + 1), String(settle.cache.ttlSeconds),
      String(settle.usage.promptTokens), String(settle.usage.completionTokens), String(settle.usage.cachedPromptTokens ?? 0),
      settle.unrecognised ? '1' : '0', ...budgetArgs(settle.budget), settle.now.toISOString(),
      String(settle.cache.fields.length), ...settle.cache.fields.flat(),
    ]);
    try {
      const stopped = (await SETTLE_REQUEST.run(this.redis, [...runs, ...caches], [String(runs.length), ...args])) as number[];
      for (const [position, settle] of batch.entries()) settle.resolve(stopped[position] === 1);
    } catch (error) {
      for (const settle of batch) settle.reject(error);
    }
  }

  /**
   * Moves the run to `to` if the transition table (RUN_STATE_TABLE), narrowed by `options.from`, allows it; fields in
   * `options.set` are written with the move. The named operations below are this with their own narrowing and fields.
   */
  transition(runId: string, to: RunState, options: MoveOptions<RunState> = {}): Promise<ControlOutcome> {
    return RUN_STATE_MACHINE.move(this.redis, this.keys(runId).run, to, options);
  }

  /**
   * Counts a paid request the s2d LLM simulator answered without recognising its prompt (see
   * shared/llm/simulator-fingerprint.ts); one HINCRBY, sent only for such responses.
   */
  async countUnrecognisedBySimulator(runId: string): Promise<void> {
    await this.redis.hincrby(this.keys(runId).run, 'unrecognisedBySimulator', 1);
  }

  /**
   * Pauses a producing or running run: workers park its items until {@link resume}. A run paused for an endpoint
   * outage becomes paused by hand: it no longer resumes by itself when the endpoint recovers.
   */
  async pause(runId: string): Promise<ControlOutcome> {
    return RUN_STATE_MACHINE.outcome((await PAUSE.run(this.redis, [this.keys(runId).run])) as string);
  }

  /**
   * Pauses a producing or running run because its endpoint has been down longer than the run's
   * `model.outage.maxMinutes`, once per outage (`downSince` names it): a run resumed by hand during that outage stays
   * resumed. Returns whether this call paused it.
   */
  async pauseForOutage(runId: string, downSince: number, detail: string): Promise<boolean> {
    return (await PAUSE_FOR_OUTAGE.run(this.redis, [this.keys(runId).run], [String(downSince), detail])) === 'ok';
  }

  /** Resumes a run paused for an outage (not one paused with `s2d pause`); returns whether this call resumed it. */
  async resumeAfterOutage(runId: string): Promise<boolean> {
    return (await RESUME_AFTER_OUTAGE.run(this.redis, [this.keys(runId).run])) === 'ok';
  }

  /**
   * Reopens a published run so its errored items (`indices`) run again (`s2d retry`): state running, version + 1, the
   * current manifest kept as `previousManifest`, the done/enqueued bitmaps rebuilt so only these items are left.
   * `version` is the version the caller read (a concurrent retry is refused). Refused unless the run is published.
   */
  async beginRetry(runId: string, version: number, indices: readonly number[]): Promise<ControlOutcome | { ok: false; state: 'stale' }> {
    const keys = this.keys(runId);
    const answer = (await BEGIN_RETRY.run(this.redis, [keys.run, keys.done, keys.enqueued], [String(version), ...indices.map(String)])) as string;
    if (answer === 'stale') return { ok: false, state: 'stale' };
    return RUN_STATE_MACHINE.outcome(answer);
  }

  /** Resumes a paused run to the state it was paused in. */
  async resume(runId: string): Promise<ControlOutcome> {
    return RUN_STATE_MACHINE.outcome((await RESUME.run(this.redis, [this.keys(runId).run])) as string);
  }

  /** Stops a producing, running or paused run: state `cancelled` with the reason; the first stop wins. */
  stop(runId: string, reason: StopReason, detail: string, now = new Date()): Promise<ControlOutcome> {
    return this.transition(runId, 'cancelled', { set: { stopReason: reason, stopDetail: detail, stoppedAt: now.toISOString() } });
  }

  /**
   * Fails a live run because its endpoint refuses it (credentials, model, quota); the first failure's reason stays.
   * A stopped run is left to publish what it has (its unstarted items cost no call), and publishing or later is
   * history: a late duplicate execution cannot fail a run that is being, or has been, published.
   */
  fail(runId: string, error: string): Promise<ControlOutcome> {
    return this.transition(runId, 'failed', { from: LIVE_RUN_STATES, set: { error } });
  }

  /**
   * Fails a run the workers' trust policy refuses (its output location, endpoint or key): unlike {@link fail}, also
   * a cancelled or publishing run, since it could never store its partial dataset either. Published runs are history.
   */
  refuse(runId: string, error: string): Promise<ControlOutcome> {
    return this.transition(runId, 'failed', { from: [...LIVE_RUN_STATES, 'cancelled', 'publishing'], set: { error } });
  }

  /** Starts publication of a complete run (refused for a failed or published run; 'already' on a retry). */
  beginPublishing(runId: string): Promise<ControlOutcome> {
    return this.transition(runId, 'publishing');
  }

  /** Ends a publication that failed for good: the run is `failed` with the reason. */
  failPublication(runId: string, error: string): Promise<ControlOutcome> {
    return this.transition(runId, 'failed', { from: ['publishing'], set: { error } });
  }

  /** A run's state alone (cheap enough for every producer batch), or null when the run does not exist. */
  async getState(runId: string): Promise<RunState | null> {
    return (await this.redis.hget(this.keys(runId).run, 'state')) as RunState | null;
  }

  /** Records that a hand-off has begun, unless one is already recorded (its progress is never overwritten). */
  async initHandoff(runId: string, kind: HandoffStatus['kind'], state: HandoffStatus['state'], now = new Date()): Promise<void> {
    const key = this.keys(runId).run;
    await this.redis
      .multi()
      .hsetnx(key, HANDOFF_FIELDS.kind, kind)
      .hsetnx(key, HANDOFF_FIELDS.state, state)
      .hsetnx(key, HANDOFF_FIELDS.updatedAt, now.toISOString())
      .exec();
  }

  /** Records hand-off progress (null clears a field); stamps `handoffUpdatedAt`. */
  async updateHandoff(runId: string, patch: HandoffPatch, now = new Date()): Promise<void> {
    const { set, del } = handoffHashPatch({ ...patch, updatedAt: now.toISOString() });
    const key = this.keys(runId).run;
    const multi = this.redis.multi().hset(key, set);
    if (del.length > 0) multi.hdel(key, ...del);
    await multi.exec();
  }

  /**
   * Marks a publishing run published. After publication the bitmaps are history: they are dropped in the same step,
   * so Redis holds only the small run hash.
   */
  markPublished(runId: string, manifestLocation: string, now = new Date()): Promise<ControlOutcome> {
    const keys = this.keys(runId);
    return this.transition(runId, 'published', { set: { publishedAt: now.toISOString(), manifestLocation }, deleteKeys: [keys.enqueued, keys.done] });
  }
}
