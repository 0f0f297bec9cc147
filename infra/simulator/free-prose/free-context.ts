import type { Rng } from '../../../shared/random/seeded-random.js';
import type { Outcome } from '../answer-outcome.js';
import type { ReasoningMode } from '../reasoning-mode.js';

/** What a free-prose writer needs to word one reply whose outcome is already decided. */
export interface FreeContext {
  /** The kind of call: direct (System 1 or an S2A answer) or a reasoning mode (cot, rar1, rar2-answer). */
  mode: ReasoningMode;
  /** The planned outcome: the reply carries `outcome.answer`, or (unextractable) commits to nothing. */
  outcome: Outcome;
  /** The answer as the reply writes it (a correct letter answer may be upper-cased: same answer, other case). */
  shown: string;
  /** The item's right answer (for a hedge's second candidate and a <think> block's rejected guess). */
  correct: string;
  /** The last user message: units, currency and names are read from it. */
  prompt: string;
  rng: Rng;
}

/** Reasoning modes write the long forms; direct and S2A answer calls write one or two sentences. */
export function isDirectMode(mode: ReasoningMode): boolean {
  return mode === 'direct' || mode === 's2a-answer';
}
