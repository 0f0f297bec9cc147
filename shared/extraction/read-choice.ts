import { HEDGE, stripMarkup } from './answer-text.js';
import { ambiguous, answer, NONE, type Reading } from './reading.js';

/**
 * Readers for a judge's verdict (`A`, `B` or `tie`) and a multiple-choice option (its upper-case letter). The
 * candidate is read at the start of the value and must end its clause ("B. Paris", "Assistant A is better",
 * "(c) because …"); a second candidate joined to it ("A or B", "A, C") is ambiguous.
 */

const TIE = /^(?:it'?s\s+a\s+|a\s+)?(?:tie|tied|draw|equal|even|equally\s+good|both(?:\s+(?:are|responses\s+are|answers\s+are))?\s+(?:equally\s+)?(?:good|bad|fine|strong|weak|equal|correct|helpful|accurate)|neither|\[\[c\]\]|c)(?=$|[\s.,;:!)])/iu;
const NAMED = '(?:response|answer|assistant|candidate|output|option|choice|model|opción|opcion|réponse|antwort|opzione)';
/** A letter then what may follow it: end, punctuation, an explanation, or a verb saying it wins. */
const LETTER_END = '(?=$|[\\s.,;:!?)\\]]|\\s+(?:is|was|seems|because|since|as|which|wins|—|–|-)\\b)';
const JOINED_SECOND = /^\s*(?:[,/&]|\bor\b|\band\b|\bvs\.?|\bversus\b)\s*(?:(?:response|answer|assistant|candidate|output|option|choice|model)\s+)?[([]?[a-z][)\].]?(?=$|[\s.,;:!?)])/iu;

function cleanValue(raw: string): string {
  return stripMarkup(raw)
    .replace(/\[\[\s*([AB])\s*>{1,2}\s*[AB]\s*\]\]|\[\[\s*[AB]\s*<{1,2}\s*([AB])\s*\]\]/gu, '$1$2')
    .replace(/\[\[\s*[AB]\s*=\s*[AB]\s*\]\]/gu, 'tie')
    .replace(/\[\[\s*([A-Za-z]|tie)\s*\]\]/gu, '$1')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/^["'“”‘’]+/u, '')
    .replace(/^(?:(?:the|this|that|it|la|el|le)\s+)?(?:(?:final|correct|right|best|better|winning|preferred|my)\s+)*(?:verdict|answer|choice|option|pick|response|one)?\s*(?:is|would\s+be|:)\s*/iu, '')
    .replace(/^(?:that\s+|clearly\s+|la\s+|el\s+|le\s+)/iu, '');
}

function readLetterChoice(value: string, letters: RegExp): { letter: string; rest: string } | null {
  const match = new RegExp(`^(?:${NAMED}\\s+)?[([]?([a-z])[)\\]]?(?:['’]s(?:\\s+(?:response|answer|reply|output))?)?${LETTER_END}`, 'iu').exec(value);
  const letter = match?.[1];
  if (match === null || letter === undefined || !letters.test(letter)) return null;
  // A bare lower-case "a" is usually the article ("a tie", "a good answer"), not option A.
  if (letter === 'a' && !/^[([]|^(?:response|answer|assistant|candidate|output|option|choice|model)\s/iu.test(value) && /^a\s+\p{L}/u.test(value)) return null;
  return { letter: letter.toUpperCase(), rest: value.slice(match[0].length) };
}

export function readVerdict(raw: string): Reading {
  const value = cleanValue(raw);
  if (value === '') return NONE;
  if (HEDGE.test(value)) return ambiguous('a hedge, not a verdict');
  if (TIE.test(value)) return answer('tie');
  const found = readLetterChoice(value, /^[ab]$/iu);
  if (found === null) return NONE;
  if (JOINED_SECOND.test(found.rest)) return ambiguous('two verdicts');
  if (/^\s*(?:and\s+\S+\s+)?(?:are|were)\s+(?:equally|both|tied)/iu.test(found.rest)) return answer('tie');
  return answer(found.letter);
}

export function readOption(raw: string): Reading {
  const value = cleanValue(raw);
  if (value === '') return NONE;
  if (HEDGE.test(value)) return ambiguous('a hedge, not an option');
  const found = readLetterChoice(value, /^[a-z]$/iu);
  if (found === null) return NONE;
  if (JOINED_SECOND.test(found.rest)) return ambiguous('two options');
  return answer(found.letter);
}

