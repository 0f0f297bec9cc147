import { StateMachine, type StateTable } from '../state/state-machine.js';

/** An eval's states: `running` while items are scored, `finalised` once `result.json` is written. */
export const EVAL_STATES = ['running', 'finalised'] as const;
export type EvalState = (typeof EVAL_STATES)[number];

/**
 * Every move an eval can make (one), enforced in Redis by the same mechanism as a run's (StateMachine). An eval the
 * endpoint refuses is not a state of its own: it is `refusedBy`, and it still finalises with its items errored.
 * `finalised` is final: a late duplicate item neither counts nor reopens it.
 */
export const EVAL_STATE_TABLE = {
  initial: 'running',
  transitions: {
    running: ['finalised'],
    finalised: [],
  },
} as const satisfies StateTable<EvalState>;

export const EVAL_STATE_MACHINE = new StateMachine<EvalState>(EVAL_STATE_TABLE);
