import { StateMachine, type StateTable } from '../state/state-machine.js';

/**
 * An eval's states: `running` while items are scored, `finalised` once `result.json` is written, `refused` when the
 * workers' trust policy refuses its output location (nothing can be stored, so it can never finalise).
 */
export const EVAL_STATES = ['running', 'finalised', 'refused'] as const;
export type EvalState = (typeof EVAL_STATES)[number];

/**
 * Every move an eval can make, enforced in Redis by the same mechanism as a run's (StateMachine). An eval whose
 * endpoint is refused is not a state of its own: it is `refusedBy`, and it still finalises with its items errored.
 * One whose output location is refused is `refused`, with the reason in `refusedBy`: its items cannot be recorded
 * anywhere, and `s2d eval` stops waiting with that reason. `finalised` and `refused` are final: a late duplicate item
 * neither counts nor reopens the eval.
 */
export const EVAL_STATE_TABLE = {
  initial: 'running',
  transitions: {
    running: ['finalised', 'refused'],
    finalised: [],
    refused: [],
  },
} as const satisfies StateTable<EvalState>;

export const EVAL_STATE_MACHINE = new StateMachine<EvalState>(EVAL_STATE_TABLE);
