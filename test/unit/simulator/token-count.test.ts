import { describe, expect, it } from 'vitest';
import { countPromptTokens, countTokens, truncateToTokens } from '../../../infra/simulator/token-count.js';

describe('token counting', () => {
  it('counts words, digits and punctuation deterministically', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('Hello, world!')).toBe(4);
    expect(countTokens('Answer: ek')).toBe(3);
    expect(countTokens('123')).toBe(3);
    expect(countTokens('concatenation')).toBe(3); // 13 letters: 3 pieces of up to 6
  });

  it('adds per-message overhead to prompts', () => {
    expect(countPromptTokens([{ content: 'Hi' }, { content: 'Hello, world!' }])).toBe(3 + (1 + 4) + (4 + 4));
  });

  it('truncates to exactly max tokens and says so', () => {
    const text = 'Let us go through the words one at a time. Answer: ek';
    const cut = truncateToTokens(text, 5);
    expect(cut).toEqual({ text: 'Let us go through', tokens: 5, truncated: true }); // "through" is 2 pieces
    expect(countTokens(cut.text)).toBe(5);
    expect(truncateToTokens(text, 1000)).toEqual({ text, tokens: countTokens(text), truncated: false });
  });

  it('cuts a long word at a piece boundary', () => {
    const cut = truncateToTokens('supercalifragilistic', 2);
    expect(cut.text).toBe('supercalifra');
    expect(countTokens(cut.text)).toBe(2);
  });
});
