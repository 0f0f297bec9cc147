import { describe, expect, it } from 'vitest';
import type { AnswerType } from '../../../shared/core-types.js';
import { extractAnswer } from '../../../shared/extraction/extract-answer.js';

function answerOf(text: string, type: AnswerType): string | undefined {
  const result = extractAnswer(text, type);
  return result.ok ? result.answer : undefined;
}

function reasonOf(text: string, type: AnswerType): string | undefined {
  const result = extractAnswer(text, type);
  return result.ok ? undefined : result.reason;
}

describe('extractAnswer: explicit answer statements', () => {
  it.each([
    ['Answer: ek', 'ek'],
    ['answer:ek', 'ek'],
    ['So the answer is "ek".', 'ek'],
    ['**Answer:** ek', 'ek'],
    ['**Answer: ek**', 'ek'],
    ['Final answer: ek', 'ek'],
    ['Final Answer: **EK**', 'ek'],
    ['The answer is ek.', 'ek'],
    ['Therefore, the final answer is: e k.', 'ek'],
    ['### Final Answer\n\nek', 'ek'],
    ['**Final answer:**\n\n`ek`', 'ek'],
    ['- Answer: ek', 'ek'],
    ['*Answer*: ek', 'ek'],
    ['The answer is *ek*.', 'ek'],
    ['The answer is ek, since those are the last letters.', 'ek'],
    ['The answer is ek. Those are the last letters of Mike and Jake.', 'ek'],
    ['Answer: ek\n\nI hope this answer is helpful!', 'ek'],
  ])('letters: %j -> %j', (text, expected) => {
    expect(answerOf(text, 'letters')).toBe(expected);
  });

  it('reads the raw answer as written next to the normalised one', () => {
    expect(extractAnswer('So the answer is "E K".', 'letters')).toEqual({ ok: true, answer: 'ek', raw: '"E K".' });
  });

  it('prefers the last statement over answer-like phrases earlier in the reasoning', () => {
    const reply = [
      'Restated: take the last letter of "Mike" and of "Jake" and join them.',
      'At first I thought the answer is "mj", but that uses the first letters.',
      'The last letter of Mike is e, the last letter of Jake is e... wait, Jake ends in e too? No: the words are Mike and Jack.',
      'Mike -> e, Jack -> k.',
      'Answer: ek',
    ].join('\n');
    expect(answerOf(reply, 'letters')).toBe('ek');
  });

  it('prefers a later "the answer is" over an earlier one', () => {
    expect(answerOf('The answer is mj? No.\nChecking again, the answer is ek.', 'letters')).toBe('ek');
  });

  it('prefers a labelled answer line over a later sign-off that mentions the answer', () => {
    expect(answerOf('Answer: yes\n\nThe answer is based on the parity of flips.', 'yes-no')).toBe('yes');
  });

  it('reads the last of several answers on one line', () => {
    expect(answerOf('Answer: The answer is ek', 'letters')).toBe('ek');
  });

  it.each([
    ['Answer: No', 'no'],
    ['The coin was flipped once, so it is tails up.\nAnswer: no.', 'no'],
    ['Two flips leave it heads up. The answer is yes.', 'yes'],
    ['**Answer:** Yes, it is still heads up.', 'yes'],
    ['Answer: true', 'yes'],
  ])('yes-no: %j -> %j', (text, expected) => {
    expect(answerOf(text, 'yes-no')).toBe(expected);
  });

  it.each([
    ['Step 1: 3 * 4 = 12\nStep 2: 12 + 6 = 18\nAnswer: 18', '18'],
    ['Answer: 3*4 = 12', '12'], // a worked final line states its result after the last '=' (CoT arithmetic)
    ['Answer: 12 or 13', undefined],
    ['So the total is \\boxed{1,234.50}.', '1234.5'],
    ['The answer is $42.', '42'],
    ['Final answer: -7 degrees', '-7'],
    ['The answer is 3.5. That is half of 7.', '3.5'],
  ])('number: %j -> %j', (text, expected) => {
    expect(answerOf(text, 'number')).toBe(expected);
  });

  it('reads text answers', () => {
    expect(answerOf('The capital of France is Paris.\nAnswer: Paris.', 'text')).toBe('paris');
  });

  it('ignores reasoning inside <think> blocks', () => {
    expect(answerOf('<think>Maybe the answer is mj.</think>\nAnswer: ek', 'letters')).toBe('ek');
    expect(answerOf('<think>Answer: mj</think>\nek', 'letters')).toBe('ek');
  });

  it('handles CRLF line endings', () => {
    expect(answerOf('Mike -> e\r\nJack -> k\r\nAnswer: ek\r\n', 'letters')).toBe('ek');
  });
});

describe('extractAnswer: bare replies', () => {
  it.each([
    ['ek', 'letters', 'ek'],
    ['"ek"', 'letters', 'ek'],
    ['  ek.\n', 'letters', 'ek'],
    ['Yes.', 'yes-no', 'yes'],
    ['No, the coin is now tails up.', 'yes-no', 'no'],
    ['42', 'number', '42'],
    ['Paris', 'text', 'paris'],
  ] as const)('%j (%s) -> %j', (text, type, expected) => {
    expect(answerOf(text, type)).toBe(expected);
  });
});

describe('extractAnswer: failures carry a reason', () => {
  it('rejects an empty reply', () => {
    expect(reasonOf('', 'letters')).toBe('the reply is empty');
    expect(reasonOf('  \n\n ', 'yes-no')).toBe('the reply is empty');
  });

  it('rejects an answer line with nothing after it', () => {
    expect(reasonOf('Mike -> e, Jack -> k.\nAnswer:', 'letters')).toBe('final answer line is empty');
    expect(reasonOf('Mike -> e, Jack -> k.\n**Final answer:**\n\n', 'letters')).toBe('final answer line is empty');
  });

  it('rejects an answer of the wrong type and quotes it', () => {
    expect(reasonOf('Answer: xyz', 'yes-no')).toBe("answer 'xyz' is not a valid yes-no answer");
    expect(reasonOf('Answer: a dozen-ish', 'number')).toBe("answer 'a dozen-ish' is not a valid number answer");
    expect(reasonOf('Answer: see the steps above', 'letters')).toBe("answer 'see the steps above' is not a valid letters answer");
  });

  it('does not accept an echoed format instruction as an answer', () => {
    expect(reasonOf('Answer: yes or no', 'yes-no')).toBe("ambiguous yes-no answer 'yes or no': names both yes and no");
  });

  it('does not fall back to an earlier statement when the last one hedges', () => {
    expect(reasonOf('The answer is yes.\nAnswer: maybe', 'yes-no')).toBe("ambiguous yes-no answer 'maybe': a hedge, not yes or no");
  });

  it('falls back to an earlier statement when the last labelled one cannot be read', () => {
    expect(answerOf('The answer is yes.\nAnswer: as shown above', 'yes-no')).toBe('yes');
  });

  it('clips a long unreadable answer in the reason', () => {
    const reason = reasonOf(`Answer: ${'blah '.repeat(40)}`, 'yes-no') ?? '';
    expect(reason.length).toBeLessThan(120);
    expect(reason).toContain('...');
  });

  it.each([
    ['Let me think.\nThe coin was flipped twice.', 'yes-no'],
    ['I am not sure what you mean by that.', 'yes-no'],
    ['It depends on the coin.', 'number'],
  ] as const)('rejects %j (%s) with no answer line', (text, type) => {
    expect(reasonOf(text, type)).toBe('no final answer found in the reply');
  });

  it('never throws, even on input that is not a string', () => {
    expect(extractAnswer(undefined as unknown as string, 'letters')).toEqual({ ok: false, reason: 'the reply is not text' });
    expect(extractAnswer('x'.repeat(200_000), 'letters').ok).toBe(true);
  });
});

describe('extractAnswer: two statements on one line', () => {
  it('keeps the outer answer when it is readable', () => {
    expect(answerOf('Answer: yes - the answer is based on parity', 'yes-no')).toBe('yes');
  });

  it('reports a hedge on the line as ambiguous', () => {
    expect(reasonOf('Answer: unclear, the answer is unclear', 'yes-no')).toMatch(/^ambiguous yes-no answer 'unclear.*a hedge/);
  });
});
