import { describe, expect, it } from 'vitest';
import { normaliseAnswer } from '../../../shared/extraction/normalise-answer.js';

describe('normaliseAnswer: letters', () => {
  it.each([
    ['ek', 'ek'],
    ['EK', 'ek'],
    ['E K', 'ek'],
    ['e-k', 'ek'],
    ['e, k', 'ek'],
    ['**ek**.', 'ek'],
    ['"ek"', 'ek'],
    ['“ek”.', 'ek'],
    ["'e' 'k'", 'ek'],
    ['`ek`', 'ek'],
    ['(ek)', 'ek'],
    ['e k l', 'ekl'],
    ['  ek  ', 'ek'],
    ['é', 'é'],
    ['e\u0301k', 'ék'],
  ])('%j -> %j', (raw, expected) => {
    expect(normaliseAnswer(raw, 'letters')).toBe(expected);
  });

  it.each(['', '   ', '**.**', 'e1', '42', 'ab cd', 'ek or ke', 'not obvious yet'])('%j is not letters', (raw) => {
    expect(normaliseAnswer(raw, 'letters')).toBeNull();
  });
});

describe('normaliseAnswer: yes-no', () => {
  it.each([
    ['yes', 'yes'],
    ['Yes.', 'yes'],
    ['YES', 'yes'],
    ['no', 'no'],
    ['No.', 'no'],
    ['**No**', 'no'],
    ['"yes"', 'yes'],
    ['yes, it is', 'yes'],
    ['No, the coin is now tails up.', 'no'],
    ['true', 'yes'],
    ['False.', 'no'],
    ['Yes!', 'yes'],
  ])('%j -> %j', (raw, expected) => {
    expect(normaliseAnswer(raw, 'yes-no')).toBe(expected);
  });

  it.each(['', 'heads up', 'Not heads up', 'maybe', 'yes or no', 'Yes/No', 'no matter what', 'yesterday', 'It is yes'])(
    '%j is not yes-no',
    (raw) => {
      expect(normaliseAnswer(raw, 'yes-no')).toBeNull();
    },
  );
});

describe('normaliseAnswer: number', () => {
  it.each([
    ['42', '42'],
    ['42.', '42'],
    ['42.0', '42'],
    ['1,234.50', '1234.5'],
    ['$1,234.50', '1234.5'],
    ['-3', '-3'],
    ['−3', '-3'],
    ['-$5', '-5'],
    ['-0', '0'],
    ['007', '7'],
    ['.5', '0.5'],
    ['0.50', '0.5'],
    ['12 apples', '12'],
    ['12kg', '12'],
    ['12%', '12'],
    ['**18**', '18'],
    ['\\boxed{18}', '18'],
    ['about 18', '18'],
    ['= 18', '18'],
    ['18 (6 times 3)', '18'],
    ['3/4', '0.75'],
    ['-1/2', '-0.5'],
    ['1/3', '0.333333333333'],
    ['1e3', '1000'],
  ])('%j -> %j', (raw, expected) => {
    expect(normaliseAnswer(raw, 'number')).toBe(expected);
  });

  it('gives 3/4 and 0.75 the same form', () => {
    expect(normaliseAnswer('3/4', 'number')).toBe(normaliseAnswer('0.750', 'number'));
  });

  it.each(['', 'x', '12 or 13', '3 4', '3, 4', '12 - 13', 'between 12 and 13', '5/0', 'approximately'])('%j is not a number', (raw) => {
    expect(normaliseAnswer(raw, 'number')).toBeNull();
  });
});

describe('normaliseAnswer: text', () => {
  it.each([
    ['Paris', 'paris'],
    ['  Paris.  ', 'paris'],
    ['"The  Eiffel\n Tower"', 'the eiffel tower'],
    ['**Paris**', 'paris'],
  ])('%j -> %j', (raw, expected) => {
    expect(normaliseAnswer(raw, 'text')).toBe(expected);
  });

  it.each(['', '  ', '"".'])('%j is empty text', (raw) => {
    expect(normaliseAnswer(raw, 'text')).toBeNull();
  });
});
