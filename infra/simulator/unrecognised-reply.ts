import type { Rng } from '../../shared/random/seeded-random.js';
import type { ReasoningMode } from './reasoning-mode.js';
import type { ReplyStyle } from './reply-style.js';
import { emphasise } from './free-prose/prose-kit.js';

/**
 * Replies to prompts the simulator does not recognise: a guess of the kind the prompt asks for, drawn per sample
 * like a model's guesses (so samples disagree as a guessing model's do, and a vote over them carries no false
 * confidence), and said to be a guess. The server also marks such responses (see simulator-server.ts), so s2d can
 * warn that a run's answers are noise.
 */

const STOCK = [
  'I am not sure', 'it depends', 'none of the above', 'all of the above', 'maybe', 'unknown', 'neither', 'both',
  'the first one', 'the second one', 'not enough information', 'it varies', 'probably not', 'most likely',
  'hard to say', 'something else', 'all of them', 'none', 'the usual one', 'a bit of everything',
] as const;
/** Words too common to be a guess of their own. */
const COMMON = new Set(
  ('what which where when whose with that this there their they them then than from have into your about would ' +
    'could should does were been being will shall answer question reply please write give tell following').split(' '),
);

/** An answer of the kind the prompt asks for, when the simulator does not know the task. */
export function guessForUnknown(prompt: string, rng: Rng): string {
  if (/\byes\b[^.\n]{0,12}\bno\b/i.test(prompt)) return rng.pick(['yes', 'no']);
  if (/\bnumber\b|\bhow many\b|\bhow much\b/i.test(prompt)) return String(rng.int(rng.chance(0.5) ? 20 : 1000));
  if (/\bletters?\b/i.test(prompt)) {
    const length = 2 + rng.int(3);
    return Array.from({ length }, () => String.fromCharCode(97 + rng.int(26))).join('');
  }
  // A guess often echoes a word of the question: its first sentence that asks something (else its first paragraph),
  // not the instructions around it.
  const paragraph = prompt.split(/\n\s*\n/)[0] ?? prompt;
  const question = /[^.?!]*\?/.exec(paragraph)?.[0] ?? paragraph;
  const words = [...new Set(question.match(/\b[A-Za-z]{4,}\b/g) ?? [])].filter((w) => !COMMON.has(w.toLowerCase()));
  return words.length > 0 && rng.chance(0.4) ? rng.pick(words) : rng.pick(STOCK);
}

/** The reply that carries the guess, in the request's style, always saying that it is a guess. */
export function writeUnrecognisedGuess(guess: string, mode: ReasoningMode, style: ReplyStyle, rng: Rng): string {
  const direct = mode === 'direct' || mode === 's2a-answer';
  if (style === 'terse') {
    const preamble = direct
      ? 'I am a simulated model and do not recognise this task, so this is a guess.'
      : 'I am a simulated model and do not recognise this task. Thinking it over briefly, the most likely reply is below.';
    return `${preamble}\nAnswer: ${guess}`;
  }
  if (direct) {
    return rng.pick([
      `I don't recognise this task (I'm a simulated model), so this is only a guess: ${guess}.`,
      `My best guess is ${emphasise(guess, rng)}, though I'm a simulated model and don't recognise this task.`,
    ]);
  }
  return (
    "I'm a simulated model and I don't recognise this kind of task, so I can't really work it through.\n\n" +
    rng.pick([`Thinking it over briefly, my best guess would be ${emphasise(guess, rng)}.`, `If I had to pick, I'd say ${guess}.`])
  );
}
