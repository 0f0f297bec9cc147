import { describe, expect, it } from 'vitest';
import { assignSplit, splitPoint } from '../../../shared/dataset/split.js';

describe('assignSplit', () => {
  it('depends on the id alone, so re-runs and any processing order agree', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `item-${i}`);
    const first = ids.map((id) => assignSplit(id, 0.1));
    const shuffled = [...ids].reverse().map((id) => [id, assignSplit(id, 0.1)] as const);
    expect(new Map(shuffled)).toEqual(new Map(ids.map((id, i) => [id, first[i]])));
  });

  it('is pinned: a change to the rule must be deliberate (it reshuffles every published dataset)', () => {
    expect(splitPoint('line-1')).toBe(0.07243601059240845);
    expect(splitPoint('q-42')).toBe(0.7964869907709407);
  });

  it('assigns close to the requested fraction, nested as the fraction grows', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `id-${i}`);
    const share = (f: number): number => ids.filter((id) => assignSplit(id, f) === 'validation').length / ids.length;
    expect(share(0.1)).toBeGreaterThan(0.09);
    expect(share(0.1)).toBeLessThan(0.11);
    expect(share(0)).toBe(0);
    expect(share(1)).toBe(1);
    // An id in validation at 5 % stays in validation at 20 %: raising the fraction only moves ids out of train.
    for (const id of ids.slice(0, 2000)) if (assignSplit(id, 0.05) === 'validation') expect(assignSplit(id, 0.2)).toBe('validation');
  });

  it('refuses a fraction outside 0..1', () => {
    expect(() => assignSplit('x', 1.5)).toThrow(RangeError);
    expect(() => assignSplit('x', Number.NaN)).toThrow('validationFraction must be between 0 and 1');
  });
});
