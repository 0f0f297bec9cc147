import { StateMachine, type StateTable } from '../state/state-machine.js';

/**
 * A run's states. producing -> running -> publishing -> published is the ordinary path; `paused` parks the run's
 * items until resume, which returns it to the state it was paused in (`resumeState`, kept only while paused);
 * `cancelled` is stopping (by `s2d cancel` or its budget): items not yet started are recorded as stopped rejects,
 * in-flight ones finish, then it publishes what it has as a partial dataset; `failed` is an end without a dataset.
 */
export const RUN_STATES = ['producing', 'running', 'paused', 'cancelled', 'publishing', 'published', 'failed'] as const;
export type RunState = (typeof RUN_STATES)[number];

/** States in which a run still starts items, and so can be paused, stopped or failed by its endpoint. */
export const LIVE_RUN_STATES: readonly RunState[] = ['producing', 'running', 'paused'];

/**
 * Every move a run can make; anything else is refused atomically in Redis (see StateMachine). Why each edge exists:
 * - producing -> running: the producer has read the whole input (items remain). -> publishing: it has, and every
 *   item is already done (e.g. all were input rejects).
 * - producing | running -> paused: `s2d pause`. paused -> producing | running: `s2d resume` (back where it was).
 * - paused -> publishing: the items in flight when it was paused were its last; nothing is left to park.
 * - producing | running | paused -> cancelled: `s2d cancel`, or the budget ran out. -> failed: the endpoint refuses
 *   the run (credentials, model, quota).
 * - running | cancelled -> publishing: the last item is done; a cancelled run publishes its partial dataset.
 * - cancelled -> failed: the workers' trust policy refuses the run (its output location or endpoint), so it could not
 *   store even its stopped items, let alone publish them (RunStore.refuse narrows to it).
 * - publishing -> published: the manifest is written. -> failed: publication failed for good.
 * - published -> running: `s2d retry`, and nothing else (RunStore.beginRetry narrows to it): the run's errored items
 *   run again and it publishes a new version of its dataset. No late item or duplicate job reopens a published run.
 * - failed is final.
 */
export const RUN_STATE_TABLE = {
  initial: 'producing',
  transitions: {
    producing: ['running', 'paused', 'cancelled', 'failed', 'publishing'],
    running: ['paused', 'cancelled', 'failed', 'publishing'],
    paused: ['producing', 'running', 'cancelled', 'failed', 'publishing'],
    cancelled: ['publishing', 'failed'],
    publishing: ['published', 'failed'],
    published: ['running'],
    failed: [],
  },
} as const satisfies StateTable<RunState>;

// `resumeState` exists exactly while a run is paused: set on the way in, dropped on any way out (resume, cancel,
// failure, or publication of a paused run whose last items finished). So do `pauseCause` and `pauseDetail`, which a
// pause for an endpoint outage writes with the move (a pause by `s2d pause` has none).
const ON_MOVE = `
local function on_move(key, from, to)
  if to == 'paused' then redis.call('HSET', key, 'resumeState', from)
  elseif from == 'paused' then redis.call('HDEL', key, 'resumeState', 'pauseCause', 'pauseDetail') end
end
`;

/** The run state machine: the table above, enforced by one Lua function that every run state change goes through. */
export const RUN_STATE_MACHINE = new StateMachine<RunState>(RUN_STATE_TABLE, ON_MOVE);
