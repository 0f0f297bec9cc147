import type { AnswerType } from '../core-types.js';
import { readAnswer } from './read-answer.js';

/**
 * Maps a raw answer (a gold label, an accepted target, a bare reply) to its canonical form for `answerType`, or
 * null when it is not one readable answer of that type. Two answers agree exactly when their canonical forms are
 * equal strings.
 *
 * - `letters`: lower-case letters only; single letters listed are joined (`"E K"`, `e-k`, `'e' and 'k'` give `ek`).
 * - `yes-no`: `yes` or `no` from the leading word (`Yes.`, `no, it is not`, `true`/`false`).
 * - `number`: a plain decimal: thousands separators dropped, a decimal comma read as a point (`0,75` gives
 *   `0.75`, `1.234,5` gives `1234.5`), `3/4` gives `0.75`, `1.5 million` gives `1500000`, units and currency
 *   dropped; lists, ranges and alternatives (`3, 4`, `12 - 13`, `12 or 13`) are not numbers.
 * - `text`: trimmed, whitespace collapsed, surrounding quotes and trailing punctuation dropped, lower-cased.
 * - `verdict`: `A`, `B` or `tie` (`[[A]]`, `Response B`, `[[C]]`/`tie`); `option`: the upper-case option letter.
 */
export function normaliseAnswer(raw: string, answerType: AnswerType): string | null {
  const reading = readAnswer(raw, answerType);
  return reading.kind === 'answer' ? reading.answer : null;
}
