import { createRng } from '../../shared/random/seeded-random.js';
import type { SimulatorOptions } from './simulator-options.js';

/** How one reply is worded: `terse` (s2d's historical labelled lines) or `free` (chat-model prose). */
export type ReplyStyle = 'terse' | 'free';

/**
 * The style of one choice. `mixed` draws it from a generator of its own, seeded like the choice (so the sample's
 * own draws, and with them its outcome, are the same whichever style it gets); greedy choices share one draw.
 */
export function replyStyleOf(options: Pick<SimulatorOptions, 'behaviour' | 'seed'>, seedParts: readonly (string | number)[]): ReplyStyle {
  const { replyStyle, mixedFreeShare } = options.behaviour;
  if (replyStyle !== 'mixed') return replyStyle;
  return createRng(options.seed, 'reply-style', ...seedParts).chance(mixedFreeShare) ? 'free' : 'terse';
}
