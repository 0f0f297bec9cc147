import { describe, expect, it } from 'vitest';
import { curateItem } from '../../../shared/curation/curate-item.js';
import { curatePerturbed } from '../../../shared/curation/curate-perturbed.js';
import { formatTarget } from '../../../shared/curation/format-target.js';
import { DEFAULT_TEMPLATES } from '../../../shared/strategies/templates.js';
import type { SampleChain } from '../../../shared/strategies/strategy.js';

const chains = (...texts: string[]): SampleChain[] =>
  texts.map((finalText, sampleIndex) => ({ sampleIndex, finalText, calls: 2, usage: { promptTokens: 10, completionTokens: 5 } }));
const swap = (answer: string): string => (answer === 'A' ? 'B' : answer === 'B' ? 'A' : answer);

describe('curatePerturbed', () => {
  it('accepts when every variant, mapped back, agrees, and sums what all variants cost', () => {
    const original = curateItem(chains('[[A]]', '[[A]]'), 'verdict', 0.5);
    const swapped = curateItem(chains('[[B]]', '[[B]]'), 'verdict', 0.5);
    const result = curatePerturbed(original, [{ name: 'swap-ab', curated: swapped, mapBack: swap }]);
    expect(result).toMatchObject({ status: 'accepted', target: 'A', samples: 4, calls: 8, usage: { promptTokens: 40, completionTokens: 20 } });
    expect(result.variants).toEqual([
      { name: 'original', answer: 'A', mapped: 'A', votes: [{ answer: 'A', count: 2 }] },
      { name: 'swap-ab', answer: 'B', mapped: 'A', votes: [{ answer: 'B', count: 2 }] },
    ]);
  });

  it('rejects a position-biased judge as perturbation-inconsistent, with every answer in the reason', () => {
    const original = curateItem(chains('[[A]]'), 'verdict', 0.5);
    const swapped = curateItem(chains('[[A]]'), 'verdict', 0.5);
    const result = curatePerturbed(original, [{ name: 'swap-ab', curated: swapped, mapBack: swap }]);
    expect(result.status).toBe('rejected');
    expect(result.status === 'rejected' && result.code).toBe('perturbation-inconsistent');
    expect(result.status === 'rejected' && result.reason).toBe('answers disagree across perturbations: original A; swap-ab A (= B in the original)');
  });

  it('rejects when a variant has no accepted vote, and keeps the original vote reject as it is', () => {
    const good = curateItem(chains('[[A]]'), 'verdict', 0.5);
    const none = curateItem(chains('no idea'), 'verdict', 0.5);
    const failed = curatePerturbed(good, [{ name: 'swap-ab', curated: none, mapBack: swap }]);
    expect(failed).toMatchObject({ status: 'rejected', code: 'perturbation-inconsistent' });
    expect(failed.status === 'rejected' && failed.reason).toMatch(/swap-ab none \(no-extractable-answer\).*swap-ab: none of the 1 samples/);
    const originalFailed = curatePerturbed(none, [{ name: 'swap-ab', curated: good, mapBack: swap }]);
    expect(originalFailed).toMatchObject({ status: 'rejected', code: 'no-extractable-answer' });
    expect(originalFailed.status === 'rejected' && originalFailed.reason).toMatch(/^original: /);
  });

  it('formats an accepted verdict as the bare System 1 judge verdict, a tie as C', () => {
    expect(formatTarget('A', 'verdict', DEFAULT_TEMPLATES)).toBe('[[A]]');
    expect(formatTarget('tie', 'verdict', DEFAULT_TEMPLATES)).toBe('[[C]]');
    expect(formatTarget('B', 'verdict', { verdictTarget: 'Verdict: {{verdict}}' })).toBe('Verdict: B');
    expect(formatTarget('ek', 'letters', DEFAULT_TEMPLATES)).toBe('ek');
  });
});
