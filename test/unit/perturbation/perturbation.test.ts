import { describe, expect, it } from 'vitest';
import type { StructuredInput } from '../../../shared/core-types.js';
import { createRng } from '../../../shared/random/seeded-random.js';
import { buildVariants, seededPermutation, shuffleOptions, swapAb } from '../../../shared/perturbation/perturbation.js';

const PAIR: StructuredInput = { kind: 'pair', question: 'q?', responseA: 'first', responseB: 'second' };

/** A "model" that always picks the response or option with a given content: its answer depends on content only. */
function contentJudge(input: StructuredInput, favourite: string): string {
  if (input.kind === 'pair') return input.responseA === favourite ? 'A' : input.responseB === favourite ? 'B' : 'tie';
  return String.fromCharCode(65 + input.options.indexOf(favourite));
}

describe('swap-ab', () => {
  it('swaps the responses and maps verdicts back (a tie stays a tie)', () => {
    const variant = swapAb(PAIR);
    expect(variant.input).toEqual({ ...PAIR, responseA: 'second', responseB: 'first' });
    expect(['A', 'B', 'tie'].map(variant.mapBack)).toEqual(['B', 'A', 'tie']);
    expect(() => swapAb({ kind: 'options', question: 'q', options: ['x', 'y'] })).toThrow(/pair/);
  });

  it('property: the mapped-back answer of a content-consistent judge equals its answer on the original', () => {
    for (let i = 0; i < 200; i++) {
      const rng = createRng('swap-prop', i);
      const pair: StructuredInput = { kind: 'pair', question: 'q', responseA: `r${rng.int(1000)}`, responseB: `s${rng.int(1000)}` };
      const favourite = rng.pick([pair.responseA, pair.responseB, 'neither']);
      const variant = swapAb(pair);
      expect(variant.mapBack(contentJudge(variant.input, favourite))).toBe(contentJudge(pair, favourite));
      // A position-biased judge ("always A") is caught: mapped back it disagrees with itself.
      expect(variant.mapBack('A')).not.toBe('A');
    }
  });
});

describe('shuffle-options', () => {
  it('property: for every option count and seed, mapping back the chosen letter recovers the original letter', () => {
    for (let i = 0; i < 300; i++) {
      const rng = createRng('shuffle-prop', i);
      const n = 2 + rng.int(7);
      const options = Array.from({ length: n }, (_u, j) => `option-${i}-${j}`);
      const input: StructuredInput = { kind: 'options', question: 'q', options };
      const favourite = rng.pick(options);
      const variant = shuffleOptions(input, ['item', i], rng.int(5));
      expect(variant.input.kind === 'options' && [...variant.input.options].sort()).toEqual([...options].sort());
      expect(variant.mapBack(contentJudge(variant.input, favourite))).toBe(contentJudge(input, favourite));
    }
  });

  it('is seeded, moves every option, and passes unknown answers through', () => {
    expect(seededPermutation(4, ['a', 1])).toEqual(seededPermutation(4, ['a', 1]));
    for (let i = 0; i < 200; i++) expect(seededPermutation(2 + (i % 7), ['x', i]).every((v, j) => v !== j)).toBe(true);
    const variant = shuffleOptions({ kind: 'options', question: 'q', options: ['a', 'b', 'c'] }, ['s'], 0);
    expect(variant.mapBack('Z')).toBe('Z');
  });

  it('buildVariants gives one swap, or K distinct shuffles (fewer when there are fewer orders)', () => {
    expect(buildVariants(PAIR, ['swap-ab'], 3, ['s']).map((v) => v.name)).toEqual(['swap-ab']);
    const four: StructuredInput = { kind: 'options', question: 'q', options: ['a', 'b', 'c', 'd'] };
    const shuffles = buildVariants(four, ['shuffle-options'], 3, ['s', 'id-1']);
    expect(shuffles.map((v) => v.name)).toEqual(['shuffle-options#1', 'shuffle-options#2', 'shuffle-options#3']);
    expect(new Set(shuffles.map((v) => JSON.stringify(v.input))).size).toBe(3);
    const two: StructuredInput = { kind: 'options', question: 'q', options: ['a', 'b'] };
    expect(buildVariants(two, ['shuffle-options'], 3, ['s'])).toHaveLength(1);
  });
});
