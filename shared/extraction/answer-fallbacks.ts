import type { AnswerType } from '../core-types.js';
import { isLabelLine } from './answer-statements.js';
import { QUOTE_CLASS } from './answer-text.js';
import { readAnswer } from './read-answer.js';
import type { Reading } from './reading.js';

/**
 * Where an answer can still be read when a reply has no statement of it: how chat models end a reply that ignored
 * the format instruction. Each looks only at the end of the reply (or, for yes/no, its first word), because
 * anything earlier may be reasoning the reply moved past.
 */

export interface Found {
  reading: Reading;
  raw: string;
}

function lastParagraph(text: string): string {
  const paragraphs = text.split(/\n\s*\n/u).filter((p) => p.trim() !== '');
  return paragraphs.at(-1) ?? '';
}

function lastReadable(candidates: readonly string[], answerType: AnswerType): Found | null {
  for (const raw of [...candidates].reverse()) {
    const reading = readAnswer(raw, answerType);
    if (reading.kind !== 'none') return { reading, raw };
  }
  return null;
}

/** A bold span in the last paragraph ("… which gives **ek**."). `text` still carries its markdown. */
export function boldInConclusion(text: string, answerType: AnswerType): Found | null {
  const spans = [...lastParagraph(text).matchAll(/\*\*([^*\n]{1,80})\*\*|__([^_\n]{1,80})__/gu)].map((m) => m[1] ?? m[2] ?? '');
  return lastReadable(spans, answerType);
}

// A conclusion sentence says it concludes; "the word 'Jordan' ends with 'n'" is a step, not a conclusion.
const CONCLUDES = /\b(?:so|therefore|thus|hence|final|finally|result|resulting|answer|together|combin\w*|concatenat\w*|join\w*|put\w*|gives?|get|form\w*|makes?|spells?|obtain\w*|produc\w*|overall|conclusion|verdict|choose|pick|select)\b/iu;

/** A quoted answer in the last paragraph's concluding sentences ("Putting them together we have 'ek.'"). */
export function quotedInConclusion(text: string, answerType: AnswerType): Found | null {
  const sentences = lastParagraph(text).split(/(?<=[.!?])\s+(?=\p{Lu})|\n/u).filter((s) => CONCLUDES.test(s));
  const quoted = new RegExp(`${QUOTE_CLASS}([^"“”'‘’«»\`\\n]{1,60})${QUOTE_CLASS}`, 'gu');
  const spans = sentences.flatMap((s) => [...s.matchAll(quoted)].map((m) => m[1] ?? ''));
  return lastReadable(spans, answerType);
}

/** "No, the coin is tails up now. Here is why: …" — a yes/no reply that answers first and explains after. */
export function leadingYesNo(text: string): Found | null {
  const first = /^\s*(?:[#>*-]+\s*)?([\p{L}]+)\s*[,.!:;—–-]/u.exec(text);
  if (first === null) return null;
  const reading = readAnswer(first[0], 'yes-no');
  return reading.kind === 'answer' ? { reading, raw: first[1] ?? '' } : null;
}

/** How many words a bare answer line may have, per type ("e + k = ek", "$1,234 total", "the Eiffel Tower"). */
const MAX_WORDS: Readonly<Record<AnswerType, number>> = { letters: 5, 'yes-no': 3, number: 3, text: 8, verdict: 3, option: 4 };

/**
 * The reply's last line, when it is nothing but an answer ("ek", "**18**", "(B)"). Letter and text answers are
 * only taken from a line set apart by markup or quotes, or from a one-line reply: any closing remark ("Cheers!")
 * would otherwise read as a word.
 */
export function lastLineAnswer(text: string, plain: string, answerType: AnswerType): Found | null {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const last = lines.at(-1)?.trim() ?? '';
  if (last === '' || (last.length > 60 && lines.length > 1)) return null;
  const setApart = lines.length === 1 || new RegExp(`^(?:\\*\\*|__|\`|${QUOTE_CLASS}|\\$)`, 'u').test(last);
  if ((answerType === 'letters' || answerType === 'text') && !setApart) return null;
  const plainLast = plain.split('\n').filter((line) => line.trim() !== '').at(-1) ?? '';
  if (isLabelLine(plainLast)) return null;
  const reading = readAnswer(plainLast, answerType);
  if (reading.kind === 'none' || (reading.kind === 'ambiguous' && lines.length > 1)) return null;
  // The whole line must be the answer: "12 apples were left" is a sentence, not a bare answer line.
  if (plainLast.trim().split(/\s+/u).length > MAX_WORDS[answerType]) return null;
  return { reading, raw: plainLast.trim() };
}
