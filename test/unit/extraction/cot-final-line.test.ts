import { describe, expect, it } from 'vitest';
import { extractAnswer } from '../../../shared/extraction/extract-answer.js';
import { normaliseAnswer } from '../../../shared/extraction/normalise-answer.js';
import { DEFAULT_TEMPLATES, renderTemplate } from '../../../shared/strategies/templates.js';

describe('CoT final-answer line', () => {
  it('the default CoT template ends by asking for a fixed "Final answer:" line', () => {
    const prompt = renderTemplate(DEFAULT_TEMPLATES.cot, DEFAULT_TEMPLATES, { question: 'Q?', answerType: 'number' });
    expect(prompt).toContain('"Final answer: <your answer>"');
    expect(prompt.trim().endsWith(DEFAULT_TEMPLATES.answerFormat.number)).toBe(true);
  });

  it('reads the last "Final answer:" line over numbers stated in the reasoning', () => {
    const reply = 'Step 1: 12 + 5 = 17.\nStep 2: 17 - 3 = 14, so the answer is 14?\nWait, step 2 was 17 - 4 = 13.\nFinal answer: 13';
    expect(extractAnswer(reply, 'number')).toMatchObject({ ok: true, answer: '13' });
  });

  it('a later revision line wins over an earlier final line', () => {
    expect(extractAnswer('Final answer: 12\nOn reflection I made a slip.\nFinal answer: 15', 'number')).toMatchObject({ ok: true, answer: '15' });
  });

  it('reads markdown and sentence forms of the final line', () => {
    expect(extractAnswer('Reasoning...\n**Final answer:** $1,250.00', 'number')).toMatchObject({ ok: true, answer: '1250' });
    expect(extractAnswer('Reasoning...\nFinal answer: The final amount is 16 apples.', 'number')).toMatchObject({ ok: true, answer: '16' });
    expect(extractAnswer('Reasoning...\nFinal answer:\n\n42', 'number')).toMatchObject({ ok: true, answer: '42' });
  });

  it('a reply cut off before its final line casts no vote (no guessing from the reasoning)', () => {
    expect(extractAnswer('Step 1: 12 + 5 = 17.\nStep 2: 17 - 3 = 14.\nLet me double-check step', 'number').ok).toBe(false);
  });

  it('an ambiguous final line is unreadable rather than a wrong vote', () => {
    expect(extractAnswer('Final answer: 14 or 15', 'number').ok).toBe(false);
    expect(extractAnswer('Final answer: 14, or maybe 15', 'number').ok).toBe(false); // offered with an alternative
    expect(extractAnswer('Final answer: 14, because 17 - 3 = 14', 'number')).toMatchObject({ ok: true, answer: '14' }); // remark dropped
  });

  it('a worked final line gives its result', () => {
    expect(extractAnswer('Final answer: 17 - 3 = 14', 'number')).toMatchObject({ ok: true, answer: '14' });
  });
});

describe('numeric normalisation', () => {
  const cases: [string, string | null][] = [
    ['1,234', '1234'],
    ['$1,234.50', '1234.5'],
    ['18.0', '18'],
    ['18.000', '18'],
    ['007', '7'],
    ['-5', '-5'],
    ['−5', '-5'],
    ['-$5', '-5'],
    ['$-5', '-5'],
    ['-0', '0'],
    ['$ 18', '18'],
    ['USD 18', '18'],
    ['18 apples', '18'],
    ['18 dollars.', '18'],
    ['3/4', '0.75'],
    ['-6/4', '-1.5'],
    ['1/0', null],
    ['about 12', '12'],
    ['the total is 16', '16'],
    ['total = $16', '16'],
    ['16 is the total', '16'],
    ['Step 3 gives 16 and 4', null],
    ['17 - 3 = 14', '14'],
    ['x = 5', '5'],
    ['twelve', '12'],
    ['a dozen', null],
    ['', null],
  ];
  for (const [raw, expected] of cases) {
    it(`${JSON.stringify(raw)} -> ${String(expected)}`, () => {
      expect(normaliseAnswer(raw, 'number')).toBe(expected);
    });
  }
});
