import type { AnswerType } from '../core-types.js';
import type { Statement } from './answer-statements.js';

/**
 * Signs that a reply was cut off by its token limit. A cut reply's prose is unfinished reasoning: nothing is read
 * from it by fallback, its phrases are steps rather than conclusions, and an answer it ends on may itself be cut.
 */

/**
 * A reply that stops mid-sentence hit its token limit: its prose is unfinished reasoning, so nothing is read from
 * it by fallback. It ends on a word that cannot end a sentence ("…, so", "35 + 21 ="), or runs on for a few words
 * with no closing punctuation. "Label: value" lines, worked lines ("o + o = oo") and lines ending in a number are
 * answers, not cuts.
 */
const DANGLING = /(?:\s(?:the|a|an|of|to|in|on|at|by|for|with|and|or|but|so|is|are|was|were|be|that|which|then|than|its|their|this|these|his|her|our|my|your|from|into|as|if|because|since)|\s[=+\-−×/÷(]|[,=])\s*$/u;

export function looksCutOff(body: string): boolean {
  const last = body.trimEnd().split('\n').at(-1)?.trim() ?? '';
  // "n i a" spells an answer; only a line with real words can dangle.
  // "… gives: or" ends on a value after its colon, not on a dangling word.
  const afterColon = /[:：]\s*([^:：]*)$/u.exec(last)?.[1];
  if (DANGLING.test(last) && /\p{L}{3}/u.test(last) && !(afterColon !== undefined && afterColon.trim().split(/\s+/u).length <= 3)) return true;
  if (/[:=]/u.test(last) || /[.!?)\]}"'”’*`$>\p{N}\p{Extended_Pictographic}]$/u.test(last)) return false;
  return last.split(/\s+/u).length >= 4;
}

/**
 * "…15 + 27 = 42, so the total is 4" with nothing after it: a prose sentence that ends the reply without its
 * closing punctuation may have been cut inside the answer (42 → 4), so it casts no vote. Labels and outright
 * "the answer is …" statements are exempt: they are how a reply ends on purpose.
 */
export function endsInsideValue(plain: string, body: string, statement: Statement): boolean {
  if (plain.slice(statement.position).trimEnd().includes('\n')) return false;
  const lastLine = body.trimEnd().split('\n').at(-1) ?? '';
  return lastLine.trim().split(/\s+/u).length >= 5 && !/[.!?)\]}"'”’*`$>\p{Extended_Pictographic}]$/u.test(lastLine.trimEnd());
}

/**
 * A reply that ends with no closing punctuation on an answer that is the start of what its own working spells
 * ("…= 42, so the total is 4", letters a, n, a, n listed then "Putting these together: a") was cut off inside its
 * answer by the token limit.
 */
const LISTED_LETTER = /^[ \t]*(?:[-*•][ \t]*|\d+[.)][ \t]*)?\p{L}[\p{L}'’ ]+?[ \t]*(?:→|->|:|–|-)[ \t]*["'“‘]?(\p{L})["'”’]?[ \t]*$/gmu;

export function cutInsideAnswer(body: string, plain: string, answer: string, answerType: AnswerType): boolean {
  if (/[.!?)\]}"'”’*`$>\p{Extended_Pictographic}]\s*$/u.test(body)) return false;
  if (answerType === 'number') {
    const lastLine = plain.trimEnd().split('\n').at(-1) ?? '';
    return [...lastLine.matchAll(/\d+/gu)].some((m) => m[0] !== answer && m[0].startsWith(answer));
  }
  if (answerType !== 'letters') return false;
  // The reply's own list of "word → letter" lines (its last line, the answer, left out).
  const lines = plain.trimEnd().split('\n').slice(0, -1).join('\n');
  const spelled = [...lines.matchAll(LISTED_LETTER)].map((m) => (m[1] ?? '').toLowerCase()).join('');
  return spelled.length > answer.length && spelled.startsWith(answer);
}

