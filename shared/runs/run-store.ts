import type { Redis } from 'ioredis';
import type { Budget, ResolvedRunSpec } from '../config/run-spec.js';
import type { TokenUsage } from '../core-types.js';
import type { ItemStatus } from '../dataset/item-result.js';
import { HANDOFF_FIELDS, handoffFromHash, handoffHashPatch, type HandoffPatch, type HandoffStatus } from './handoff-status.js';
import { runKeys, type RunKeys } from './run-keys.js';

/**
 * producing -> running -> publishing -> published (or failed). `paused`: workers park the run's items until resume,
 * which restores the state it came from. `cancelled`: stopping (by `s2d cancel`, or its budget) — items not yet
 * started are recorded as stopped rejects, in-flight ones finish, then it publishes as partial.
 */
export const RUN_STATES = ['producing', 'running', 'paused', 'cancelled', 'publishing', 'published', 'failed'] as const;
export type RunState = (typeof RUN_STATES)[number];

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
}

export type StopReason = 'cancelled' | 'budget';

/** Outcome of pause/resume/cancel: done, already so, or refused because the run is in `state`. */
export type ControlOutcome = { ok: true; already: boolean } | { ok: false; state: RunState | null };

// Marks one item done exactly once: the bit flips and the counters move only for the first caller; every caller
// learns whether the run is now complete, so a crashed caller's retry can still trigger publication.
const MARK_DONE = `
-- A published run is history: a late duplicate must neither count nor bring the bitmap back.
if redis.call('HGET', KEYS[1], 'state') == 'published' then return {1, 0} end
local was = redis.call('SETBIT', KEYS[2], ARGV[1], 1)
if was == 0 then
  redis.call('HINCRBY', KEYS[1], 'done', 1)
  redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
  if ARGV[5] ~= '' then redis.call('HINCRBY', KEYS[1], ARGV[5], 1) end
  redis.call('HINCRBY', KEYS[1], 'promptTokens', ARGV[3])
  redis.call('HINCRBY', KEYS[1], 'completionTokens', ARGV[4])
end
local total = redis.call('HGET', KEYS[1], 'total')
local done = tonumber(redis.call('HGET', KEYS[1], 'done') or '0')
local complete = 0
if total and tonumber(total) == done then complete = 1 end
return {was, complete}
`;

// Of a batch, the items that no producer has enqueued and no worker has finished; returns their positions.
const UNCLAIMED = `
local fresh = {}
if redis.call('HGET', KEYS[3], 'state') == 'published' then return fresh end
for i, index in ipairs(ARGV) do
  if redis.call('GETBIT', KEYS[2], index) == 0 and redis.call('GETBIT', KEYS[1], index) == 0 then
    table.insert(fresh, i - 1)
  end
end
return fresh
`;

// Registers a run in one step (a crash cannot leave a run without its state or missing from the index). Returns the
// spec already stored under the id, or nothing when the run is new.
const REGISTER = `
local existing = redis.call('HGET', KEYS[1], 'spec')
if existing then return existing end
redis.call('HSET', KEYS[1], 'spec', ARGV[1], 'state', 'producing', 'submittedAt', ARGV[2], 'done', 0)
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return false
`;

// Sets the total and moves a producing run on, in one step so it cannot overwrite a later state.
const SET_TOTAL = `
redis.call('HSET', KEYS[1], 'total', ARGV[1])
local done = tonumber(redis.call('HGET', KEYS[1], 'done') or '0')
local complete = 0
if tonumber(ARGV[1]) == done then complete = 1 end
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'producing' then
  if complete == 1 then redis.call('HSET', KEYS[1], 'state', 'publishing')
  else redis.call('HSET', KEYS[1], 'state', 'running') end
elseif state == 'paused' and redis.call('HGET', KEYS[1], 'resumeState') == 'producing' then
  redis.call('HSET', KEYS[1], 'resumeState', 'running')
end
return complete
`;

// Run control. Each returns 'ok', 'already', or the state that refuses the change; none touches a run that is
// publishing or later, so a late command cannot reopen history.
const PAUSE = `
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'paused' then return 'already' end
if state ~= 'producing' and state ~= 'running' then return state or 'missing' end
redis.call('HSET', KEYS[1], 'state', 'paused', 'resumeState', state)
return 'ok'
`;

const RESUME = `
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'producing' or state == 'running' then return 'already' end
if state ~= 'paused' then return state or 'missing' end
redis.call('HSET', KEYS[1], 'state', redis.call('HGET', KEYS[1], 'resumeState') or 'running')
redis.call('HDEL', KEYS[1], 'resumeState')
return 'ok'
`;

// ARGV: reason, detail, now. The first stop wins: a budget stop after a cancel (or the reverse) changes nothing.
const STOP = `
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'cancelled' then return 'already' end
if state ~= 'producing' and state ~= 'running' and state ~= 'paused' then return state or 'missing' end
redis.call('HSET', KEYS[1], 'state', 'cancelled', 'stopReason', ARGV[1], 'stopDetail', ARGV[2], 'stoppedAt', ARGV[3])
redis.call('HDEL', KEYS[1], 'resumeState')
return 'ok'
`;

// ARGV: error. An endpoint that refuses a run (credentials, model, quota) fails it while it is live. A stopped run is
// left to publish what it has (its unstarted items cost no call), and publishing or later is history.
const FAIL = `
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'failed' then return 'already' end
if state ~= 'producing' and state ~= 'running' and state ~= 'paused' then return state or 'missing' end
redis.call('HSET', KEYS[1], 'state', 'failed', 'error', ARGV[1])
redis.call('HDEL', KEYS[1], 'resumeState')
return 'ok'
`;

// Counts one paid request and, when the run has a budget, stops the run once it is reached.
// ARGV: promptTokens, completionTokens, maxTokens ('' = none), maxCostUsd ('' = none), prompt and completion USD per
// million tokens, now. Returns 1 when this request stopped the run.
const COUNT_REQUEST = `
redis.call('HINCRBY', KEYS[1], 'llmRequests', 1)
local p = redis.call('HINCRBY', KEYS[1], 'paidPromptTokens', ARGV[1])
local c = redis.call('HINCRBY', KEYS[1], 'paidCompletionTokens', ARGV[2])
local detail = nil
if ARGV[3] ~= '' and p + c >= tonumber(ARGV[3]) then
  detail = 'budget.maxTokens ' .. ARGV[3] .. ' reached (' .. (p + c) .. ' tokens paid)'
end
if detail == nil and ARGV[4] ~= '' then
  local cost = (p * tonumber(ARGV[5]) + c * tonumber(ARGV[6])) / 1000000
  if cost >= tonumber(ARGV[4]) then
    detail = 'budget.maxCostUsd ' .. ARGV[4] .. ' reached (' .. string.format('%.4f', cost) .. ' USD paid)'
  end
end
if detail == nil then return 0 end
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'producing' and state ~= 'running' and state ~= 'paused' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'cancelled', 'stopReason', 'budget', 'stopDetail', detail, 'stoppedAt', ARGV[7])
redis.call('HDEL', KEYS[1], 'resumeState')
return 1
`;

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
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  keys(runId: string): RunKeys {
    return runKeys(this.prefix, runId);
  }

  /**
   * Registers a run if it is new and returns true; returns false for a re-submission of the same spec. A different
   * spec under an existing run id is refused: workers and the manifest would follow the stored one.
   */
  async register(spec: ResolvedRunSpec, now = new Date()): Promise<boolean> {
    const keys = this.keys(spec.runId);
    const json = JSON.stringify(spec);
    const existing = (await this.redis.eval(REGISTER, 2, keys.run, keys.index, json, now.toISOString(), String(now.getTime()), spec.runId)) as string | null;
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
    const positions = (await this.redis.eval(
      UNCLAIMED, 3, keys.done, keys.enqueued, keys.run, ...indices.map(String),
    )) as number[];
    return positions.map((position) => indices[position] ?? -1);
  }

  async markEnqueued(runId: string, indices: readonly number[]): Promise<void> {
    if (indices.length === 0) return;
    const key = this.keys(runId).enqueued;
    const pipeline = this.redis.pipeline();
    for (const index of indices) pipeline.setbit(key, index, 1);
    await pipeline.exec();
  }

  async isDone(runId: string, index: number): Promise<boolean> {
    return (await this.redis.getbit(this.keys(runId).done, index)) === 1;
  }

  /**
   * Records an item's durable result once; returns whether the run's last item is now done. `stopped` also counts it
   * in `cancelled` (an item never started because the run stopped).
   */
  async markDone(runId: string, index: number, status: ItemStatus, usage: TokenUsage, stopped = false): Promise<{ first: boolean; complete: boolean }> {
    const keys = this.keys(runId);
    const [was, complete] = (await this.redis.eval(
      MARK_DONE, 2, keys.run, keys.done,
      String(index), status, String(usage.promptTokens), String(usage.completionTokens), stopped ? 'cancelled' : '',
    )) as [number, number];
    return { first: was === 0, complete: complete === 1 };
  }

  /** Records the input size once the producer has read all of it; returns whether every item is already done. */
  async setTotal(runId: string, total: number): Promise<boolean> {
    const keys = this.keys(runId);
    const complete = (await this.redis.eval(SET_TOTAL, 1, keys.run, String(total))) as number;
    return complete === 1;
  }

  /**
   * Counts an LLM request actually sent (paid), with its usage, in one atomic step with the budget check: the request
   * that reaches the run's budget stops the run (state `cancelled`, reason `budget`). Returns whether it did.
   */
  async countRequest(runId: string, usage: TokenUsage, budget?: Budget, now = new Date()): Promise<boolean> {
    const stopped = (await this.redis.eval(
      COUNT_REQUEST, 1, this.keys(runId).run,
      String(usage.promptTokens), String(usage.completionTokens),
      budget?.maxTokens === undefined ? '' : String(budget.maxTokens),
      budget?.maxCostUsd === undefined ? '' : String(budget.maxCostUsd),
      String(budget?.prices?.promptUsdPerMTok ?? 0), String(budget?.prices?.completionUsdPerMTok ?? 0),
      now.toISOString(),
    )) as number;
    return stopped === 1;
  }

  /**
   * Counts a paid request the s2d LLM simulator answered without recognising its prompt (see
   * shared/llm/simulator-fingerprint.ts); one HINCRBY, sent only for such responses.
   */
  async countUnrecognisedBySimulator(runId: string): Promise<void> {
    await this.redis.hincrby(this.keys(runId).run, 'unrecognisedBySimulator', 1);
  }

  /** Pauses a producing or running run: workers park its items until {@link resume}. */
  pause(runId: string): Promise<ControlOutcome> {
    return this.control(PAUSE, runId);
  }

  /** Resumes a paused run to the state it was paused in. */
  resume(runId: string): Promise<ControlOutcome> {
    return this.control(RESUME, runId);
  }

  /** Stops a producing, running or paused run: state `cancelled` with the reason; the first stop wins. */
  stop(runId: string, reason: StopReason, detail: string, now = new Date()): Promise<ControlOutcome> {
    return this.control(STOP, runId, reason, detail, now.toISOString());
  }

  /** Fails a producing, running or paused run with the reason (see FAIL); the first failure's reason stays. */
  fail(runId: string, error: string): Promise<ControlOutcome> {
    return this.control(FAIL, runId, error);
  }

  /** A run's state alone (cheap enough for every producer batch), or null when the run does not exist. */
  async getState(runId: string): Promise<RunState | null> {
    return (await this.redis.hget(this.keys(runId).run, 'state')) as RunState | null;
  }

  private async control(script: string, runId: string, ...args: string[]): Promise<ControlOutcome> {
    const answer = (await this.redis.eval(script, 1, this.keys(runId).run, ...args)) as string;
    if (answer === 'ok' || answer === 'already') return { ok: true, already: answer === 'already' };
    return { ok: false, state: answer === 'missing' ? null : (answer as RunState) };
  }

  async setState(runId: string, state: RunState, extra: Record<string, string> = {}): Promise<void> {
    await this.redis.hset(this.keys(runId).run, { state, ...extra });
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

  /** After publication the bitmaps are history: drop them so Redis holds only the small run hash. */
  async markPublished(runId: string, manifestLocation: string, now = new Date()): Promise<void> {
    const keys = this.keys(runId);
    await this.redis
      .multi()
      .hset(keys.run, { state: 'published', publishedAt: now.toISOString(), manifestLocation })
      .del(keys.enqueued, keys.done)
      .exec();
  }
}
