import type { Statement } from './answer-statements.js';
import type { Reading } from './reading.js';

/**
 * What a reply says about its own answer besides stating it: a self-correction hands the answer to what follows,
 * a hedge or a question back takes it away, and two committed answers that differ cancel out.
 */

export interface Read {
  statement: Statement;
  reading: Reading;
}

export function answerOf(reading: Reading): string | null {
  return reading.kind === 'answer' ? reading.answer : null;
}

export const SELF_CORRECTION = /\b(?:wait|actually|correction|my\s+(?:mistake|error|bad)|i\s+made\s+an?\s+(?:mistake|error|slip)|i\s+slipped|oops|sorry|re-?check\w*|recount\w*|on\s+second\s+thought|let\s+me\s+(?:re-?|double-?)?(?:check|verify|look|correct)|i\s+was\s+wrong|that'?s\s+(?:wrong|not\s+right|incorrect)|scratch\s+that|i\s+mis\w+|hmm+|hold\s+on|no,\s+(?:that|it)|correcting|overlooked|revised|revising|check(?:ing)?\s+again|looking\s+again|on\s+closer\s+(?:look|inspection)|let\s+me\s+revise|i\s+take\s+(?:that|it)\s+back)\b/iu;
export const HEDGE_AFTER = /\b(?:not\s+(?:\w+\s+)?(?:sure|certain|confident)|unsure|uncertain|can(?:not|'t|’t)\s+(?:decide|be\s+sure|pick|choose|say|tell)|rather\s+not\s+commit|both\s+(?:are|would\s+be)\s+(?:valid|correct|possible|acceptable)|depending\s+on\s+(?:what|which|whether|how)|it\s+depends|lean(?:s|ing)?\s+towards?|would\s+also\s+be\s+(?:defensible|valid|possible|acceptable|correct))\b/iu;
export const ASKS_BACK = /\b(?:(?:could|can|would)\s+you\s+(?:please\s+)?(?:clarify|specify|confirm|tell\s+me\s+which)|which\s+(?:one|of\s+(?:the|these)(?:\s+\w+)?|\w+)\s+(?:do|did|would)\s+you\s+(?:mean|want|prefer|need)|(?:did|do)\s+you\s+mean|i(?:'d|’d|\s+would)\s+need\s+to\s+know|which\s+(?:\w+\s+)?you\s+prefer|let\s+me\s+know\s+which|which\s+(?:one|reading|version|\w+)\s+you\s+(?:meant|mean|want|need)|(?:do|did)\s+you\s+(?:want|mean)\b[^?\n]{0,120}\bor\b[^?\n]{0,120}\?)/iu;

/**
 * Another committed answer that differs from the chosen one with no self-correction between them: a labelled one,
 * or an outright "the answer is …" (not a tentative "I first thought the answer is …").
 */
export function rivalLabel(plain: string, chosen: Read, reads: readonly Read[]): boolean {
  const value = answerOf(chosen.reading);
  return reads.some((r) => {
    const committed = (read: Read): boolean => read.statement.rank === 'labelled' || read.statement.committed === true;
    if (r === chosen || !committed(r) || !committed(chosen)) return false;
    const other = answerOf(r.reading);
    if (other === null || other === value) return false;
    const [from, to] = [r.statement.position, chosen.statement.position].sort((a, b) => a - b) as [number, number];
    return !SELF_CORRECTION.test(plain.slice(from, to));
  });
}

const CONCLUDING = /\b(?:so|therefore|thus|hence|finally|altogether|together|combined|joined|concatenat\w*|overall|in\s+total)\b/iu;

/**
 * Readings offered side by side in the final paragraph ("The first letters … giving 'go'. The last letters …
 * giving 'ra'.") rather than a chain that concludes ("… so we get ek"): the last is one option among several.
 */
export function parallelReadings(plain: string, chosen: Read, reads: readonly Read[]): boolean {
  if (chosen.statement.rank !== 'phrase') return false;
  const paragraphStart = plain.slice(0, chosen.statement.position).search(/\n\s*\n(?![\s\S]*\n\s*\n)/u);
  const value = answerOf(chosen.reading);
  const rivals = reads.filter(
    (r) => r !== chosen && r.statement.position > paragraphStart && r.statement.position < chosen.statement.position && answerOf(r.reading) !== value,
  );
  if (rivals.length < 2) return false;
  const lineStart = plain.lastIndexOf('\n', chosen.statement.position) + 1;
  return !CONCLUDING.test(plain.slice(lineStart, chosen.statement.position));
}

