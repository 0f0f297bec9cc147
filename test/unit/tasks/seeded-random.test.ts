import { describe, expect, it } from 'vitest';
import { createRng } from '../../../shared/random/seeded-random.js';

describe('createRng', () => {
  it('is deterministic per seed parts and distinguishes them', () => {
    const seq = (...parts: (string | number)[]): number[] => {
      const rng = createRng(...parts);
      return Array.from({ length: 5 }, () => rng.next());
    };
    expect(seq('a', 1)).toEqual(seq('a', 1));
    expect(seq('a', 1)).not.toEqual(seq('a', '1'));
    expect(seq('ab')).not.toEqual(seq('a', 'b'));
  });

  it('draws in range and roughly uniformly', () => {
    const rng = createRng('uniform');
    const buckets = [0, 0, 0, 0];
    for (let i = 0; i < 8000; i++) {
      const x = rng.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      const b = rng.int(4);
      buckets[b] = (buckets[b] ?? 0) + 1;
    }
    for (const b of buckets) expect(b).toBeGreaterThan(1800);
  });

  it('shuffle is a permutation and leaves the input alone; pick and chance behave', () => {
    const rng = createRng(3);
    const input = [1, 2, 3, 4, 5, 6];
    const out = rng.shuffle(input);
    expect([...out].sort()).toEqual(input);
    expect(input).toEqual([1, 2, 3, 4, 5, 6]);
    expect(input).toContain(rng.pick(input));
    expect(() => rng.pick([])).toThrow(RangeError);
    expect(() => rng.int(0)).toThrow(RangeError);
    expect(rng.chance(0)).toBe(false);
    expect(rng.chance(1)).toBe(true);
  });
});
