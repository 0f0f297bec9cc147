import { CliError } from './cli-error.js';

export type ReplyStyleFlag = 'terse' | 'free' | 'mixed';

/** Reads `--reply-style terse|free|mixed` (the simulator's `behaviour.replyStyle`); `fallback` when absent. */
export function parseReplyStyle(value: string | undefined, fallback: ReplyStyleFlag): ReplyStyleFlag {
  if (value === undefined) return fallback;
  if (value === 'terse' || value === 'free' || value === 'mixed') return value;
  throw new CliError(`--reply-style must be terse, free or mixed, got "${value}"`, 2);
}
