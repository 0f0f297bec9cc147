import type { AnswerType } from '../core-types.js';
import { isLabelLine } from './answer-statements.js';
import { QUOTE_CLASS } from './answer-text.js';
import { readAnswer } from './read-answer.js';
import { numbersIn, SOLUTIONS, WORKING } from './read-number.js';
import { POLAR_WORD } from './read-yes-no.js';
import { ambiguous, answer, type Reading } from './reading.js';

/**
 * Where an answer can still be read when a reply has no statement of it: how chat models end a reply that ignored
 * the format instruction. Each looks at the end of the reply (or, for yes/no, its committed polar words), because
 * anything earlier may be reasoning the reply moved past. Two different candidates in the same place are
 * ambiguous, never the first or the last of them.
 */

export interface Found {
  reading: Reading;
  raw: string;
}

function paragraphs(text: string): string[] {
  return text.split(/\n\s*\n/u).filter((p) => p.trim() !== '');
}

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+|\n/u).filter((s) => s.trim() !== '');
}

/** One answer from several candidates: none, the one they agree on, or ambiguous when they differ. */
function agreed(candidates: readonly string[], answerType: AnswerType): Found | null {
  const found: Found[] = [];
  for (const raw of candidates) {
    const reading = readAnswer(raw, answerType);
    if (reading.kind !== 'none') found.push({ reading, raw });
  }
  // Spelled-out single letters sit beside the joined answer ("'e' + 'k' gives 'ek'"): only the joined one counts.
  const relevant = answerType === 'letters' && found.some((f) => f.reading.kind === 'answer' && f.reading.answer.length > 1)
    ? found.filter((f) => f.reading.kind !== 'answer' || f.reading.answer.length > 1)
    : found;
  const answers = new Set(relevant.map((f) => (f.reading.kind === 'answer' ? f.reading.answer : '\u0000')));
  const last = relevant.at(-1);
  if (last === undefined) return null;
  if (answers.size > 1) return { reading: ambiguous('different candidates in the conclusion'), raw: relevant.map((f) => f.raw).join(' / ') };
  return last;
}

/** Bold spans in the last paragraphs ("… which gives **ek**.", "✅ **Yes**"). `text` still carries its markdown. */
export function boldInConclusion(text: string, answerType: AnswerType): Found | null {
  for (const paragraph of paragraphs(text).slice(-2).reverse()) {
    const spans = [...paragraph.matchAll(/\*\*([^*\n]{1,80})\*\*|__([^_\n]{1,80})__/gu)].map((m) => m[1] ?? m[2] ?? '');
    const found = agreed(spans, answerType);
    if (found !== null) return found;
  }
  return null;
}

// A conclusion sentence says it concludes; "the word 'Jordan' ends with 'n'" is a step, not a conclusion.
const CONCLUDES = /\b(?:so|therefore|thus|hence|finally|result|resulting|answer|together|combin\w*|concatenat\w*|join\w*|put\w*|gives?|get|form\w*|makes?|spells?|obtain\w*|produc\w*|overall|conclusion|verdict|choose|pick|select|single|say|total|sum|altogether|in\s+all)\b/iu;
const HYPOTHETICAL = /\b(?:if|unless|otherwise|instead|would\s+have|mistake)\b/iu;
const QUOTED = new RegExp(`${QUOTE_CLASS}([^"“”'‘’«»\`\\n]{1,60})${QUOTE_CLASS}`, 'gu');

/** Quoted answers in the last paragraph's concluding sentences ("Putting them together we have 'ek.'"). */
export function quotedInConclusion(text: string, answerType: AnswerType): Found | null {
  const concluding = sentences(paragraphs(text).at(-1) ?? '').filter((s) => CONCLUDES.test(s) && !HYPOTHETICAL.test(s));
  const spans = concluding.flatMap((s) => [...s.replace(/(\p{L})['’](\p{L})/gu, '$1$2').matchAll(QUOTED)].map((m) => m[1] ?? ''));
  if (answerType === 'letters' && spans.length > 1 && spans.every((s) => /^\s*\p{L}[.!?,]?\s*$/u.test(s))) {
    return agreed([spans.join(' ')], answerType); // only single letters quoted: they spell the answer
  }
  return agreed(spans, answerType);
}

/** "Label: value" as the reply's last line ("Joined: K + G = KG", "Together: O I", "As a single string: r e d p"). */
export function labelledLastLine(text: string, answerType: AnswerType): Found | null {
  // The closing lines, sign-offs ("Let me know if …") passed over.
  const lines = text.split('\n').filter((line) => line.trim() !== '').slice(-3).reverse();
  for (const text of lines) {
    // A table's closing row ("| **Joined** | **ltg** |") labels its value like "Joined: ltg".
    const row = /^\s*\|([^|\n]+)\|([^|\n]+)\|\s*$/u.exec(text);
    const line = row === null ? text : `${(row[1] ?? '').trim()}: ${(row[2] ?? '').trim()}`;
    const match = /^(.{1,60}?)[:：]\s*(\S.*)$/u.exec(line);
    if (match === null) {
      if (SIGN_OFF_LINE.test(line) || /^[\p{Extended_Pictographic}\s!.]+$/u.test(line)) continue;
      return null;
    }
    if (!CONCLUDES.test(match[1] ?? '')) return null;
    const raw = match[2] ?? '';
    const reading = readAnswer(raw, answerType);
    return reading.kind === 'none' ? null : { reading, raw };
  }
  return null;
}

/** A closing courtesy, which never holds the answer. */
export const SIGN_OFF_LINE = /\b(?:let\s+me\s+know|hope\s+(?:this|that|it)\s+helps|happy\s+to\s+(?:help|explain)|feel\s+free|any\s+other\s+questions|if\s+you\s+(?:like|want|need)|good\s+luck|have\s+a\s+(?:great|nice|good))\b/iu;

/**
 * Free text stated as the closing fact of a reply: "The capital of Nepal is Kathmandu.", "Great Expectations was
 * written by Charles Dickens.", "the symbol for silver is Ag." The last substantive sentence must end on a short
 * name (capitalised, at most five words) after "is/was/are (written|painted|… by)": a longer or multi-clause
 * sentence is description, not an answer.
 */
export function copularConclusion(text: string): Found | null {
  const substantive = sentences(text).filter((s) => !SIGN_OFF_LINE.test(s) && /\p{L}/u.test(s));
  const last = (substantive.at(-1) ?? '').replace(/\s*\([^()]*\)/gu, '').replace(/[^\p{L}\p{N}.!?'’"”)]+$/u, '').trim();
  const clause = last.split(/[,;:]\s+/u).at(-1) ?? '';
  const match = /^[^.!?]{2,80}?\s(?:is|was|are|were)\s+(?:(?:written|painted|composed|discovered|invented|founded|directed|sculpted|designed|built|led)\s+by\s+)?((?:\p{Lu}|\d)[\p{L}\p{N}'’.-]*(?:\s+(?:\p{Ll}{1,3}\s+)?[\p{Lu}\p{N}][\p{L}\p{N}'’.-]*){0,4})\.?$/u.exec(clause);
  if (match === null) return null;
  const raw = match[1] ?? '';
  const reading = readAnswer(raw, 'text');
  return reading.kind === 'answer' ? { reading, raw } : null;
}

const POLAR = new RegExp(`(?<![\\p{L}'’-])(${POLAR_WORD})(?=\\s*(?:[,.!:;—–)\\]"”*]|$))`, 'gimu');
/** "Yes, I can help with that!": a polite opener, not an answer. */
const CHATTER = /^\s*[,!]\s*(?:I\b|let(?:'s|’s)?\b|here\b|of\s+course|sure|happy|absolutely|certainly|great|good\s+question)/iu;

/**
 * Yes/no words used as answers ("No, the coin is not heads up.", "but no, it isn't!", "I'd answer yes: …") in the
 * first sentence and the last paragraph. One answering a question the reply asks itself ("Did Bob flip? No.") is
 * a step of the reasoning. After a self-correction only the words after it count.
 */
export function polarWords(text: string, correctedFrom: number | null): Found | null {
  const scope = correctedFrom === null ? text : text.slice(correctedFrom);
  const firstSentence = correctedFrom === null ? (sentences(scope)[0] ?? '') : '';
  if (readAnswer(firstSentence, 'yes-no').kind === 'ambiguous') return { reading: ambiguous('yes and no'), raw: firstSentence };
  const substantive = paragraphs(scope).filter((p) => !SIGN_OFF_LINE.test(p) || p.length > 200);
  const lastParagraph = substantive.at(-1) ?? '';
  // A paragraph that opens with yes or no answers; so does the closing one anywhere in it.
  const openers = substantive.slice(0, -1).map((p) => sentences(p)[0] ?? '');
  const region = [firstSentence, ...openers, lastParagraph === firstSentence ? '' : lastParagraph].join('\n')
    // Remarks and warnings mention answers without giving them ("(A common mistake is to answer 'yes' …)").
    .replace(/\([^()]*\)/gu, ' ')
    .split(/(?<=[.!?])\s+/u)
    .filter((sentence) => !/\b(?:mistake|wrongly|incorrectly|error)\b/iu.test(sentence))
    .join(' ')
    // An echoed instruction ("Answer yes or no.") names both and answers nothing.
    .replace(new RegExp(`\\b${POLAR_WORD}\\s*(?:or|/)\\s*${POLAR_WORD}\\b`, 'giu'), ' ');
  const words: string[] = [];
  for (const match of region.matchAll(POLAR)) {
    const before = region.slice(Math.max(0, match.index - 12), match.index);
    // "Did Bob flip? No." answers a step; only the reply's first line may answer the echoed question ("Heads up? Yes").
    const answersStep = /\?\s*["“*]*$/u.test(before) && /\S[^\n]*$/u.test(region.slice(0, match.index)) && region.slice(0, match.index).includes('\n');
    if (answersStep || /\b(?:not|n['’]t)\s*["“'‘]?$/iu.test(before)) continue;
    if (CHATTER.test(region.slice(match.index + match[0].length))) continue;
    words.push(match[1] ?? '');
  }
  return agreed(words, 'yes-no');
}

/**
 * The number a prose conclusion states ("Therefore, John has 15 marbles now.", "so she makes 9 * 2 = $18"): the
 * last sentence that holds a number, its result after "=" when it works something out. A sentence of working
 * alone ("That's £3.50 + £3.50.") defers to the one before it; two unrelated numbers are no answer.
 */
export function numberInConclusion(text: string): Found | null {
  const withNumbers = sentences(text).filter((s) => /\d/u.test(s.replace(/\b\d+(?:st|nd|rd|th)\b/gu, '')));
  for (const sentence of withNumbers.slice(-2).reverse()) {
    const clean = sentence.replace(/\([^()]*\)/gu, ' ').replace(/\b\d+(?:st|nd|rd|th)\b/gu, ' ');
    if (SOLUTIONS.test(clean)) return null;
    const working = WORKING.test(clean);
    if (working && !clean.includes('=')) continue;
    const result = clean.includes('=') ? (clean.split('=').at(-1) ?? '') : clean;
    const values = new Set(numbersIn(result));
    const [only] = values;
    if (values.size !== 1 || only === undefined) return null;
    return { reading: answer(only), raw: result.trim() };
  }
  return null;
}

/** How many words a bare answer line may have, per type ("e + k = ek", "$1,234 total", "the Eiffel Tower"). */
const MAX_WORDS: Readonly<Record<AnswerType, number>> = { letters: 5, 'yes-no': 3, number: 3, text: 8, verdict: 3, option: 4 };
const SIGN_OFF = /^(?:thanks|thank|cheers|enjoy|regards|best|bye|goodbye|done|hope|ok|okay|sure|hi|hello|hey|well|hmm+|um+|uh+|so|yes|no|right|really|indeed|exactly|great|nice|voila|tada|end)$/iu;

/**
 * The reply's last line, when it is nothing but an answer ("ek", "**18**", "(B)"). A letter or text answer is only
 * taken from a line set apart by markup or quotes, from a one-line reply, or from a single bare word that is not a
 * sign-off; an option line under other option lines is the list of options, not a choice.
 */
export function lastLineAnswer(text: string, plain: string, answerType: AnswerType): Found | null {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const last = lines.at(-1)?.trim() ?? '';
  if (last === '' || (last.length > 60 && lines.length > 1)) return null;
  const plainLines = plain.split('\n').filter((line) => line.trim() !== '');
  const plainLast = (plainLines.at(-1) ?? '').trim();
  if (isLabelLine(plainLast)) return null;
  const setApart = lines.length === 1 || new RegExp(`^(?:\\*\\*|__|\`|${QUOTE_CLASS}|\\$)`, 'u').test(last);
  // A lone word closing a letters reply ("…\nek") is its answer unless it is an interjection or a sign-off.
  const oneWord = answerType === 'letters' && /^[\p{L}]+(?:[-–][\p{L}])*\.?$/u.test(plainLast) && !SIGN_OFF.test(plainLast.replace(/\.$/u, ''));
  if ((answerType === 'letters' || answerType === 'text') && !setApart && !oneWord) return null;
  // A sentence ("The chemical symbol for gold is Au") is not a bare text answer; copularConclusion reads those.
  if (answerType === 'text' && /\s(?:is|was|are|were|has|have)\s/iu.test(plainLast)) return null;
  if (plainLast.replace(/\s*\([^()]*\)/gu, '').split(/\s+/u).length > MAX_WORDS[answerType]) return null;
  if ((answerType === 'option' || answerType === 'verdict') && plainLines.length > 1) {
    const previous = plainLines.at(-2) ?? '';
    // "Let's analyze each option:\n\nA)" opens a list that was cut off.
    if (/[:：]\s*$/u.test(previous) && /^[([]?[A-Za-z][.)\]]\s*$/u.test(plainLast)) return null;
    if (readAnswer(previous, answerType).kind === 'answer' && /^\s*[([]?[A-Za-z][.)\]]/u.test(previous)) return null;
  }
  const reading = readAnswer(plainLast, answerType);
  if (reading.kind === 'none' || (reading.kind === 'ambiguous' && lines.length > 1)) return null;
  return { reading, raw: plainLast };
}
