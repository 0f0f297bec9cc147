import type { AnswerType } from '../core-types.js';
import { HEDGE, headOf, stripEdges, stripMarkup } from './answer-text.js';
import { readOption, readVerdict } from './read-choice.js';
import { readLetters } from './read-letters.js';
import { readNumber } from './read-number.js';
import { readYesNo } from './read-yes-no.js';
import { ambiguous, answer, NONE, type Reading } from './reading.js';

function readText(raw: string): Reading {
  const value = stripEdges(stripMarkup(headOf(raw))).replace(/\s+/gu, ' ').toLowerCase();
  if (value === '') return NONE;
  if (HEDGE.test(value)) return ambiguous('a hedge, not an answer');
  return answer(value);
}

/** Reads the answer a statement's value starts with, for one answer type. Pure; never throws. */
export function readAnswer(value: string, answerType: AnswerType): Reading {
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
