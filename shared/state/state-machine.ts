import type { RedisConnection } from '../queue/redis-connection.js';
import { LuaScript, readLua } from '../queue/lua-script.js';

const GUARDED_MOVE = readLua(new URL('./lua/guarded-move.lua', import.meta.url));
const MOVE = readLua(new URL('./lua/move.lua', import.meta.url));

/**
 * Terminology. A *record* is one Redis hash whose `state` field is one of a closed set of states. A *move* changes
 * that field. The *table* says, as data, where a record starts and which moves exist; every move of a record goes
 * through one Lua function generated from the table (`guarded_move`), so the check and the write are one atomic step
 * and no code path can write a state the table does not allow.
 *
 * Staying in the same state is not an edge: asking for it is an idempotent no-op answered "already", so a retried
 * step is safe and the first writer's fields (a failure's reason, a stop's cause) stand.
 */
export interface StateTable<S extends string> {
  /** The state a record is created in. */
  readonly initial: S;
  /** For each state, the states it may move to (empty: a final state). */
  readonly transitions: Readonly<Record<S, readonly S[]>>;
}

/** A move done (or already so), or refused because the record is in `state` (null: there is no such record). */
export type TransitionOutcome<S extends string> = { ok: true; already: boolean } | { ok: false; state: S | null };

export interface MoveOptions<S extends string> {
  /** Narrows the table for this caller: the move happens only from one of these states. Default: any the table allows. */
  from?: readonly S[];
  /** Fields written together with the move (not when it is refused or already done). */
  set?: Readonly<Record<string, string>>;
  /** Keys deleted together with the move (e.g. bitmaps that become history). */
  deleteKeys?: readonly string[];
}

const STATE_NAME = /^[a-z][a-z-]*$/;

/**
 * The Lua side of a table. `guarded_move(key, to, only)` returns 'ok' (moved), 'already' (it is in `to`), or the state
 * that refuses the move ('missing' when the record does not exist), and as second value the state it came from.
 * `only` (a set of states, or nil) narrows the table for one caller. `onMove` is Lua defining
 * `local function on_move(key, from, to)`, called after every move: the place for fields that belong to one state.
 */
export class StateMachine<S extends string> {
  /** Lua prelude defining `guarded_move` and `only_from` (parses a comma-separated narrowing argument). */
  readonly lua: string;
  /** The one generic move script (see {@link move}). */
  private readonly moveScript: LuaScript;

  constructor(
    readonly table: StateTable<S>,
    onMove = 'local function on_move(key, from, to) end',
  ) {
    const states = Object.keys(table.transitions) as S[];
    for (const state of states) {
      if (!STATE_NAME.test(state)) throw new Error(`state name ${JSON.stringify(state)} is not a lowercase word`);
      for (const to of table.transitions[state]) {
        if (!states.includes(to)) throw new Error(`${state} -> ${to}: ${to} is not a state of the table`);
        if (to === state) throw new Error(`${state} -> ${state}: staying in a state is not an edge`);
      }
    }
    if (!states.includes(table.initial)) throw new Error(`initial state ${table.initial} is not a state of the table`);
    const edges = states.map((from) => `['${from}'] = {${table.transitions[from].map((to) => `['${to}'] = true`).join(', ')}}`).join(',\n  ');
    this.lua = `local TRANSITIONS = {\n  ${edges}\n}\n${onMove}\n${GUARDED_MOVE}`;
    this.moveScript = new LuaScript(`${this.lua}\n${MOVE}`);
  }

  /** Whether the table has the edge from -> to. */
  allows(from: S, to: S): boolean {
    return this.table.transitions[from].includes(to);
  }

  /** Moves the record at `key` to `to` if the table (narrowed by `options.from`) allows it, atomically. */
  async move(redis: RedisConnection, key: string, to: S, options: MoveOptions<S> = {}): Promise<TransitionOutcome<S>> {
    const fields = Object.entries(options.set ?? {}).flat();
    const deleteKeys = options.deleteKeys ?? [];
    const answer = (await this.moveScript.run(redis, [key, ...deleteKeys], [to, (options.from ?? []).join(','), ...fields])) as string;
    return this.outcome(answer);
  }

  /** Reads the answer of a script that ends in `guarded_move`'s first value. */
  outcome(answer: string): TransitionOutcome<S> {
    if (answer === 'ok' || answer === 'already') return { ok: true, already: answer === 'already' };
    return { ok: false, state: answer === 'missing' ? null : (answer as S) };
  }
}
