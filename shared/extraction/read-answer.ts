import type { AnswerType } from '../core-types.js';
import { ALTERNATIVE, alternativeOf, HEDGE, headOf, stripEdges, stripMarkup } from './answer-text.js';
import { readOption, readVerdict } from './read-choice.js';
import { readLetters } from './read-letters.js';
import { readNumber } from './read-number.js';
import { readYesNo } from './read-yes-no.js';
import { ambiguous, answer, NONE, type Reading } from './reading.js';

function readText(raw: string): Reading {
  const value = stripEdges(stripMarkup(headOf(raw))).replace(/\s+/gu, ' ').toLowerCase();
  if (value === '') return NONE;
  if (HEDGE.test(value)) return ambiguous('a hedge, not an answer');
  // Free text has no shape to check, so "Lagos or Abuja" would otherwise be one confident answer.
  if (/\bor\b/u.test(value) || /^either\b/u.test(value)) return ambiguous('two alternatives');
  return answer(value);
}

/** Reads the answer a statement's value starts with, for one answer type. Pure; never throws. */
export function readAnswer(value: string, answerType: AnswerType): Reading {
  const reading = readByType(value, answerType);
  // Whatever the type, an answer followed by "— or …" / "(or …)" on its line was offered with an alternative.
  if (reading.kind !== 'answer' || !ALTERNATIVE.test(firstLine(value))) return reading;
  const alternative = alternativeOf(firstLine(value));
  const rival = alternative === null ? null : readByType(alternative, answerType);
  return rival?.kind === 'answer' && rival.answer === reading.answer ? reading : ambiguous('offered with an alternative');
}

/** The value's first sentence: an "or" in a later sentence of the same line is another thought, not an alternative. */
function firstLine(value: string): string {
  const line = value.split('\n', 1)[0] ?? value;
  return line.split(/(?<=[^\d\s])[.!?](?=\s+\p{Lu})/u)[0] ?? line;
}

function readByType(value: string, answerType: AnswerType): Reading {
  switch (answerType) {
    case 'letters':
      return readLetters(value);
    case 'yes-no':
      return readYesNo(value);
    case 'number':
      return readNumber(value);
    case 'text':
      return readText(value);
    case 'verdict':
      return readVerdict(value);
    case 'option':
      return readOption(value);
  }
}
