import { describe, expect, it } from 'vitest';
import { curateItem } from '../../../shared/curation/curate-item.js';
import type { SampleChain } from '../../../shared/strategies/strategy.js';

function chain(sampleIndex: number, finalText: string, calls = 1): SampleChain {
  return { sampleIndex, finalText, calls, usage: { promptTokens: 10 * calls, completionTokens: 5 * calls } };
}

describe('curateItem', () => {
  it('extracts, votes and sums the cost of an accepted item', () => {
    const chains = [
      chain(0, 'Mike -> e, Jack -> k.\nAnswer: ek', 2),
      chain(1, 'So the answer is "ek".', 2),
      chain(2, 'Answer: ke', 2),
      chain(3, 'I cannot tell.', 2),
    ];
    expect(curateItem(chains, 'letters', 0.5)).toEqual({
      status: 'accepted',
      target: 'ek',
      voteShare: 0.5,
      samples: 4,
      votes: [
        { answer: 'ek', count: 2 },
        { answer: 'ke', count: 1 },
      ],
      unextractable: 1,
      calls: 8,
      usage: { promptTokens: 80, completionTokens: 40 },
    });
  });

  it('rejects a weak majority with the vote numbers and no target', () => {
    const result = curateItem([chain(0, 'Answer: yes'), chain(1, 'Answer: maybe'), chain(2, '')], 'yes-no', 0.5);
    expect(result).toMatchObject({ status: 'rejected', code: 'weak-majority', unextractable: 2, samples: 3 });
    expect(result).not.toHaveProperty('target');
    expect(result.status === 'rejected' && result.voteShare).toBeCloseTo(1 / 3);
  });

  it('rejects a tie', () => {
    const result = curateItem([chain(0, 'Yes.'), chain(1, 'No.')], 'yes-no', 0);
    expect(result).toMatchObject({ status: 'rejected', code: 'tie', reason: 'top two answers tie at 1 vote each of 2' });
  });

  it('explains an item with no extractable answer by the first failing sample', () => {
    const result = curateItem([chain(1, 'Answer:'), chain(0, 'hmm\nwell')], 'letters', 0.375);
    expect(result).toEqual({
      status: 'rejected',
      code: 'no-extractable-answer',
      reason:
        'none of the 2 samples has an extractable answer ' +
        '(sample 0: no final answer found in the reply)',
      samples: 2,
      votes: [],
      unextractable: 2,
      calls: 2,
      usage: { promptTokens: 20, completionTokens: 10 },
    });
  });

  it('gives the same result whatever order the chains arrive in', () => {
    const chains = [chain(0, 'Answer: 12'), chain(1, 'Answer: 12.0'), chain(2, 'Answer: 13'), chain(3, 'twelve')];
    expect(curateItem([...chains].reverse(), 'number', 0.375)).toEqual(curateItem(chains, 'number', 0.375));
  });

  it('rejects an item with no chains without throwing', () => {
    expect(curateItem([], 'text', 0.375)).toMatchObject({ status: 'rejected', code: 'no-extractable-answer', calls: 0 });
  });
});
