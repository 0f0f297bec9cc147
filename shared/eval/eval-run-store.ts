import type { RedisConnection } from '../queue/redis-connection.js';
import { LuaScript, luaConstants, readLua } from '../queue/lua-script.js';
import type { TokenUsage } from '../core-types.js';
import type { PaidCounters } from '../cost/cost-summary.js';
import type { MoveOptions, TransitionOutcome } from '../state/state-machine.js';
import { evalRedisKeys } from './eval-keys.js';
import type { ResolvedEvalSpec } from './eval-spec.js';
import { EVAL_STATE_MACHINE, EVAL_STATE_TABLE, type EvalState } from './eval-states.js';

export type { EvalState } from './eval-states.js';

export interface EvalRecord {
  evalId: string;
  spec: ResolvedEvalSpec;
  state: EvalState;
  submittedAt: string;
  total: number | null;
  done: number;
  errored: number;
  resultLocation: string | null;
  /**
   * Why the endpoint refused this eval (bad key, unknown model, no quota; its remaining items make no call), or, in
   * state `refused`, why the workers' trust policy refused its output location.
   */
  refusedBy: string | null;
  /** LLM requests its workers sent and were answered (paid), retries included, and their tokens. */
  paid: PaidCounters;
}

/** The script in ./lua/<name>.lua, after `prelude` (the state machine's, for scripts that move a record). */
function script(name: string, prelude = ''): LuaScript {
  return new LuaScript(`${prelude}\n${readLua(new URL(`./lua/${name}.lua`, import.meta.url))}`);
}

const MARK_DONE = script('mark-done');
const REGISTER = script('register', luaConstants({ INITIAL_STATE: EVAL_STATE_TABLE.initial }));
const SET_TOTAL = script('set-total');

/** An eval id already registered with a different spec. */
export class EvalConflictError extends Error {
  override readonly name = 'EvalConflictError';
  constructor(readonly evalId: string) {
    super(`eval ${evalId} already exists with a different spec; give the new eval its own evalId (or leave evalId out)`);
  }
}

/** Eval state in Redis: registration, exactly-once item counting, finalisation. Results live in the artifact store. */
export class EvalRunStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
  ) {}

  /** Registers a new eval (true) or accepts a re-submission of the same spec (false); a different spec is refused. */
  async register(spec: ResolvedEvalSpec, now = new Date()): Promise<boolean> {
    const keys = evalRedisKeys(this.prefix, spec.evalId);
    const json = JSON.stringify(spec);
    // Index first (a global key, never in a script with the eval's own keys): a crash leaves an id listed without an
    // eval, never an eval that is not listed; the re-submission registers it.
    await this.redis.zadd(keys.index, 'NX', now.getTime(), spec.evalId);
    const existing = (await REGISTER.run(this.redis, [keys.eval], [json, now.toISOString()])) as string | null;
    if (existing === null) return true;
    if (existing !== json) throw new EvalConflictError(spec.evalId);
    return false;
  }

  async get(evalId: string): Promise<EvalRecord | null> {
    const raw = await this.redis.hgetall(evalRedisKeys(this.prefix, evalId).eval);
    if (raw.spec === undefined) return null;
    return {
      evalId,
      spec: JSON.parse(raw.spec) as ResolvedEvalSpec,
      state: (raw.state ?? 'running') as EvalState,
      submittedAt: raw.submittedAt ?? '',
      total: raw.total === undefined ? null : Number(raw.total),
      done: Number(raw.done ?? 0),
      errored: Number(raw.errored ?? 0),
      resultLocation: raw.resultLocation ?? null,
      refusedBy: raw.refusedBy ?? null,
      paid: {
        requests: Number(raw.llmRequests ?? 0),
        promptTokens: Number(raw.paidPromptTokens ?? 0),
        completionTokens: Number(raw.paidCompletionTokens ?? 0),
        cachedPromptTokens: Number(raw.paidCachedPromptTokens ?? 0),
      },
    };
  }

  /** Counts one request sent and answered (paid), with its usage: the eval's cost, retries included. */
  async countRequest(evalId: string, usage: TokenUsage): Promise<void> {
    const key = evalRedisKeys(this.prefix, evalId).eval;
    const multi = this.redis.multi().hincrby(key, 'llmRequests', 1).hincrby(key, 'paidPromptTokens', usage.promptTokens).hincrby(key, 'paidCompletionTokens', usage.completionTokens);
    if ((usage.cachedPromptTokens ?? 0) > 0) multi.hincrby(key, 'paidCachedPromptTokens', usage.cachedPromptTokens ?? 0);
    await multi.exec();
  }

  /** Records that the endpoint refuses the eval (the first reason stands). */
  async markRefused(evalId: string, reason: string): Promise<void> {
    await this.redis.hsetnx(evalRedisKeys(this.prefix, evalId).eval, 'refusedBy', reason);
  }

  /**
   * Ends a running eval whose output location the workers' trust policy refuses: state `refused`, with the reason in
   * `refusedBy` (it replaces an endpoint's reason: this one is why the eval ends). 'already' on a repeat.
   */
  markOutputRefused(evalId: string, reason: string): Promise<TransitionOutcome<EvalState>> {
    return this.transition(evalId, 'refused', { from: ['running'], set: { refusedBy: reason } });
  }

  async refusedBy(evalId: string): Promise<string | null> {
    return this.redis.hget(evalRedisKeys(this.prefix, evalId).eval, 'refusedBy');
  }

  async getSpec(evalId: string): Promise<ResolvedEvalSpec | null> {
    const json = await this.redis.hget(evalRedisKeys(this.prefix, evalId).eval, 'spec');
    return json === null ? null : (JSON.parse(json) as ResolvedEvalSpec);
  }

  async isDone(evalId: string, index: number): Promise<boolean> {
    return (await this.redis.getbit(evalRedisKeys(this.prefix, evalId).done, index)) === 1;
  }

  async markDone(evalId: string, index: number, status: 'answered' | 'errored'): Promise<{ first: boolean; complete: boolean }> {
    const keys = evalRedisKeys(this.prefix, evalId);
    const [was, complete] = (await MARK_DONE.run(this.redis, [keys.eval, keys.done], [String(index), status])) as [number, number];
    return { first: was === 0, complete: complete === 1 };
  }

  /** Records the number of items; returns whether every item is already done. */
  async setTotal(evalId: string, total: number): Promise<boolean> {
    return (await SET_TOTAL.run(this.redis, [evalRedisKeys(this.prefix, evalId).eval], [String(total)])) === 1;
  }

  /**
   * Moves the eval to `to` if the transition table (EVAL_STATE_TABLE), narrowed by `options.from`, allows it; fields in
   * `options.set` are written with the move.
   */
  transition(evalId: string, to: EvalState, options: MoveOptions<EvalState> = {}): Promise<TransitionOutcome<EvalState>> {
    return EVAL_STATE_MACHINE.move(this.redis, evalRedisKeys(this.prefix, evalId).eval, to, options);
  }

  /** Marks the eval finalised with its result's location, dropping its done bitmap in the same step ('already' on a repeat). */
  markFinalised(evalId: string, resultLocation: string): Promise<TransitionOutcome<EvalState>> {
    const keys = evalRedisKeys(this.prefix, evalId);
    return this.transition(evalId, 'finalised', { set: { resultLocation }, deleteKeys: [keys.done] });
  }

  async list(): Promise<string[]> {
    return this.redis.zrange(evalRedisKeys(this.prefix, '').index, 0, -1);
  }
}
