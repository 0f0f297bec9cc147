import { HEDGE, QUOTE_CLASS, stripMarkup } from './answer-text.js';
import { ambiguous, answer, NONE, type Reading } from './reading.js';

/**
 * Reads yes or no from the start of a statement's value ("Yes.", "no, it is tails up", "True", "Nein"). The polarity
 * word must come first: "it is not heads up" answers nothing without the question, which extraction never sees.
 * "yes or no" (an echoed instruction) and "yes and no" are ambiguous.
 */

const YES_WORDS = ['yes', 'true', 'yep', 'yeah', 'yup', 'sí', 'si', 'oui', 'ja', 'sim', 'да'];
const NO_WORDS = ['no', 'false', 'nope', 'nah', 'non', 'nein', 'não', 'nao', 'нет'];
const YES = new Set(YES_WORDS);
const NO = new Set(NO_WORDS);
/** Every word read as yes or no, for finding them in prose. */
export const POLAR_WORD = `(?:${[...YES_WORDS, ...NO_WORDS].join('|')})`;
const POLAR = /^(\p{L}+)(?![\p{L}\p{N}'’-])(.*)$/su;
const BOTH = /^\s*(?:,\s*)?(?:or|\/|and|nor)\s*(?:yes|no|true|false)\b/iu;

export function readYesNo(raw: string): Reading {
  const value = stripMarkup(raw)
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(new RegExp(`^(?:${QUOTE_CLASS}|[([¡¿])+`, 'u'), '');
  if (HEDGE.test(value)) return ambiguous('a hedge, not yes or no');
  const match = POLAR.exec(value);
  if (match === null) return NONE;
  const word = (match[1] ?? '').toLowerCase();
  const rest = match[2] ?? '';
  const polarity = YES.has(word) ? 'yes' : NO.has(word) ? 'no' : null;
  if (polarity === null) return NONE;
  if (BOTH.test(rest.replace(new RegExp(`^${QUOTE_CLASS}`, 'u'), ''))) return ambiguous('names both yes and no');
  // "no matter …", "no doubt …", "yes-man": the word is part of a phrase, not an answer.
  if (polarity === 'no' && /^\s+(?:matter|doubt|problem|one|longer|more|less|idea|need)\b/iu.test(rest)) return NONE;
  return answer(polarity);
}
