import { describe, expect, it } from 'vitest';
import { extractAnswer } from '../../../shared/extraction/extract-answer.js';
import { normaliseAnswer } from '../../../shared/extraction/normalise-answer.js';

describe('verdict answers', () => {
  it.each([
    ['[[A]]', 'A'],
    ['[[b]]', 'B'],
    ['[[C]]', 'tie'],
    ['Response A', 'A'],
    ['Assistant B is better', 'B'],
    ['**B**', 'B'],
    ['(A)', 'A'],
    ['tie', 'tie'],
    ['Equal', 'tie'],
    ['A or B', null],
    ['both', null],
    ['D', null],
  ])('normalises %j to %j', (raw, expected) => {
    expect(normaliseAnswer(raw, 'verdict')).toBe(expected);
  });

  it('extracts the LAST bracketed verdict of a reply, or an Answer line, or a bare verdict', () => {
    expect(extractAnswer('First guess: [[A]]. Wait, A has a factual error. Final: [[B]]', 'verdict')).toMatchObject({ ok: true, answer: 'B' });
    // Two different verdicts with nothing saying which one stands name no verdict at all.
    expect(extractAnswer('Verdict: [[A]]\n\nVerdict: [[B]]', 'verdict').ok).toBe(false);
    expect(extractAnswer('Scores summed.\nVerdict: [[C]]', 'verdict')).toMatchObject({ ok: true, answer: 'tie' });
    expect(extractAnswer('Answer: Response B', 'verdict')).toMatchObject({ ok: true, answer: 'B' });
    expect(extractAnswer('A', 'verdict')).toMatchObject({ ok: true, answer: 'A' });
    expect(extractAnswer('They are both quite good in different ways.', 'verdict').ok).toBe(false);
  });
});

describe('option answers', () => {
  it.each([
    ['B', 'B'],
    ['(c)', 'C'],
    ['Option D', 'D'],
    ['B. Paris', 'B'],
    ['[[a]]', 'A'],
    ['Paris', null],
  ])('normalises %j to %j', (raw, expected) => {
    expect(normaliseAnswer(raw, 'option')).toBe(expected);
  });
});
