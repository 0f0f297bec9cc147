import { describe, expect, it } from 'vitest';
import type { AnswerType } from '../../../shared/core-types.js';
import { extractAnswer } from '../../../shared/extraction/extract-answer.js';

function read(text: string, type: AnswerType): string | null {
  const result = extractAnswer(text, type);
  return result.ok ? result.answer : null;
}

describe('numbers are never cut at a separator', () => {
  it.each([
    ['Answer: 0,75', '0.75'],
    ['1,5 million', '1500000'],
    ['Answer: 1.234,5', '1234.5'],
    ['Answer: 1.234.567', '1234567'],
    ['Answer: 12,34,567', '1234567'],
    ['Answer: 1\u202f234', '1234'],
    ['Answer: 2.5 thousand', '2500'],
    ['Answer: twenty-one', '21'],
    ['Answer: \\frac{3}{4}', '0.75'],
  ])('%j reads %j', (text, expected) => {
    expect(read(text, 'number')).toBe(expected);
  });

  it.each(['Answer: 3, 4', '12 - 13', 'Answer: 12–13', 'Answer: 12 to 13 apples', 'The answer is between 12 and 13.', 'Answer: 12 or 13', 'Answer: 3 and 4'])(
    '%j casts no vote',
    (text) => {
      const result = extractAnswer(text, 'number');
      expect(result.ok).toBe(false);
    },
  );
});

describe('two candidates never cast a vote', () => {
  it.each([
    ['Answer: A, B', 'option'],
    ['The answer is A or B.', 'option'],
    ['Answer: ek or ke', 'letters'],
    ["So it's either 'ek' or 'ke'.", 'letters'],
    ['Answer: yes or no', 'yes-no'],
    ['I cannot decide between [[A]] and [[B]].', 'verdict'],
    ['Answer: maybe', 'yes-no'],
  ] as const)('%j (%s)', (text, type) => {
    const result = extractAnswer(text, type);
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) expect(result.reason).toMatch(/ambiguous/);
  });
});

describe('real replies without the requested format line', () => {
  it.each([
    ['letters', 'Sure! Mike → "e", Jack → "k".\n\nPutting them together, we get **"ek"**.\n\nI hope this helps!', 'ek'],
    ['letters', 'The last letter of "Mike" is "e" and of "Jack" is "k". So the answer is "ek."', 'ek'],
    ['letters', 'The last letters are e and k.', 'ek'],
    ['letters', 'Let me work through this.\n- Mike: e\n- Jack: k\nThey form ek.', 'ek'],
    ['letters', 'The answer is mj. Wait, actually those are the first letters. The correct answer is ek.', 'ek'],
    ['letters', 'Answer: ek\n\nNote: if you meant first letters, the answer would be mj.', 'ek'],
    ['yes-no', 'No, the coin is no longer heads up. Alice flips it (tails), Bob does not (still tails).', 'no'],
    ['yes-no', "Let's track it.\n1. Start: heads\n2. Alice flips: tails\n3. Bob flips: heads\n\nSo yes, it is still heads up.", 'yes'],
    ['number', 'She sells 16 - 3 - 4 = 9 eggs at $2 each, so she makes 9 * 2 = $18 every day.\n#### 18', '18'],
    ['number', 'Step 1: 5 + 7 = 12\nStep 2: 12 * 3 = 36\nTherefore, the final answer is 36.', '36'],
    ['verdict', 'Assistant A is more accurate, while Assistant B contains an error.\n\n[[A]]', 'A'],
    ['verdict', 'Overall, Assistant B is better.', 'B'],
    ['option', 'Looking at the options, B is the correct answer because it names the capital.', 'B'],
  ] as const)('%s: %j', (type, text, expected) => {
    expect(read(text, type)).toBe(expected);
  });

  it.each([
    ['letters', '<think>Mike -> e, Jack ->'],
    ['letters', 'Okay, so the words are Mike and Jack. The last letter of Mike is'],
    ['yes-no', 'The coin ends up tails up.'],
    ['number', 'He needs 3 cups of flour and 2 cups of sugar.'],
  ] as const)('%s: %j has no answer', (type, text) => {
    expect(extractAnswer(text, type).ok).toBe(false);
  });
});
