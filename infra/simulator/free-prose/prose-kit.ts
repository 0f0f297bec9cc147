import type { Rng } from '../../../shared/random/seeded-random.js';

/**
 * Pieces every free-prose writer shares: the chatty frame real chat models put around an answer, the ways they set
 * an answer off in a sentence, a reasoning-model <think> block, and the two honest ways a reply fails to commit (a
 * hedge between two candidates, or a reply cut off mid-reasoning).
 */

const OPENERS = [
  "Sure! Let's work through this step by step.",
  "Sure! Let's break it down.",
  'Great question! Let me walk through it.',
  "Of course. Here's how I'd approach it.",
  "Let's figure this out together.",
  'Okay, let me think about this carefully.',
  'Alright, this one is easier than it looks.',
] as const;

const SIGN_OFFS = [
  'I hope this helps!',
  'Let me know if you have any other questions.',
  'Hope that helps! Feel free to ask if anything is unclear.',
  'Happy to explain any step in more detail if you like.',
  "Let me know if you'd like me to double-check anything.",
] as const;

/** Wraps a body in an opener and / or a sign-off, each with its own chance, as chat-tuned models often do. */
export function chatFrame(body: string, rng: Rng, openerChance = 0.35, signOffChance = 0.25): string {
  const opener = rng.chance(openerChance) ? `${rng.pick(OPENERS)}\n\n` : '';
  const signOff = rng.chance(signOffChance) ? `\n\n${rng.pick(SIGN_OFFS)}` : '';
  return `${opener}${body}${signOff}`;
}

/** How an answer is set off inside a sentence: bold, quoted, italic, code or plain. */
export function emphasise(answer: string, rng: Rng): string {
  return rng.pick([`**${answer}**`, `**${answer}**`, `"${answer}"`, `*${answer}*`, answer, answer, `\`${answer}\``]);
}

/** A reasoning model's visible scratchpad, closed before the answer it settles on. */
export function thinkBlock(thoughts: readonly string[]): string {
  return `<think>\n${thoughts.join('\n')}\n</think>\n\n`;
}

/** A numbered or bulleted list of lines, in one of the markers models use. */
export function listLines(lines: readonly string[], rng: Rng): string {
  const marker = rng.int(3);
  return lines.map((line, i) => (marker === 0 ? `${i + 1}. ${line}` : marker === 1 ? `- ${line}` : `* ${line}`)).join('\n');
}

/** A markdown heading of a random level (##, ### or bold-only, the three forms chat UIs render). */
export function heading(text: string, rng: Rng): string {
  return rng.pick([`## ${text}`, `### ${text}`, `**${text}**`]);
}

/**
 * A reply that stops mid-reasoning (a model that ran on and was cut, or lost its thread): the first part of the
 * reasoning, then a sentence broken off without a conclusion.
 */
export function truncatedReply(reasoning: readonly string[], rng: Rng): string {
  const kept = reasoning.slice(0, Math.max(1, Math.ceil(reasoning.length / 2)));
  const trail = rng.pick([
    'Wait, let me re-check the second part, because I think I may have mixed up',
    'Hmm, actually I need to reconsider this, since the question could also mean that',
    'Before going further, let me verify each step again, starting from the',
    'Now, to combine these, I first need to make sure that the',
  ]);
  return `${kept.join('\n')}\n${trail}`;
}

/** A reply that weighs two candidates and does not choose between them. */
export function hedgeReply(lead: string, first: string, second: string, rng: Rng): string {
  const [a, b] = rng.chance(0.5) ? [first, second] : [second, first];
  const close = rng.pick([
    `I keep getting two different results here: it's either ${a} or ${b}, and I'm not confident which one is right.`,
    `It could be ${a}, but it might also be ${b} depending on how the question is read. I can't say for sure.`,
    `My best guess is somewhere between ${a} and ${b}; I would need to double-check before committing to either.`,
  ]);
  return lead === '' ? close : `${lead}\n\n${close}`;
}
