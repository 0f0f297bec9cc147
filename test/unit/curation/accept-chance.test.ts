import { describe, expect, it } from 'vitest';
import { acceptChance, betaBinomialTail, nextCountStates } from '../../../shared/curation/accept-chance.js';

/** The Beta-binomial pmf from its definition, C(n,k) B(k+a, n-k+b) / B(a, b), with factorials (a cross-check only). */
function pmf(n: number, a: number, b: number, k: number): number {
  const f = (x: number): number => (x <= 1 ? 1 : x * f(x - 1));
  const beta = (x: number, y: number): number => (f(x - 1) * f(y - 1)) / f(x + y - 1);
  return ((f(n) / (f(k) * f(n - k))) * beta(k + a, n - k + b)) / beta(a, b);
}

describe('the Beta-binomial tail', () => {
  it('matches hand-computed cases', () => {
    expect(betaBinomialTail(1, 1, 1, 1)).toBeCloseTo(1 / 2, 12);
    expect(betaBinomialTail(2, 1, 1, 2)).toBeCloseTo(1 / 3, 12); // uniform over 0..2
    // BetaBinomial(4, 2, 8): pmf(3) = 4·B(5,9)/B(2,8) = 288/6435, pmf(4) = B(6,8)/B(2,8) = 45/6435.
    expect(betaBinomialTail(4, 2, 8, 3)).toBeCloseTo(333 / 6435, 12);
    // BetaBinomial(4, 3, 5) >= 2: (630 + 350 + 105) / 2310.
    expect(betaBinomialTail(4, 3, 5, 2)).toBeCloseTo(31 / 66, 12);
  });

  it('is 1 when nothing more is needed and 0 when more is needed than remains', () => {
    expect(betaBinomialTail(5, 2, 3, 0)).toBe(1);
    expect(betaBinomialTail(5, 2, 3, -2)).toBe(1);
    expect(betaBinomialTail(5, 2, 3, 6)).toBe(0);
    expect(betaBinomialTail(0, 2, 3, 1)).toBe(0);
  });

  it('agrees with the pmf from its definition, both ends of the sum', () => {
    for (const [n, a, b] of [[8, 1, 1], [12, 3, 9], [20, 7, 2], [36, 5, 2]] as const) {
      for (let t = 0; t <= n; t++) {
        let tail = 0;
        for (let k = t; k <= n; k++) tail += pmf(n, a, b, k);
        expect(betaBinomialTail(n, a, b, t)).toBeCloseTo(tail, 10);
      }
    }
  });

  it('refuses impossible parameters', () => {
    expect(() => betaBinomialTail(-1, 1, 1, 0)).toThrow(RangeError);
    expect(() => betaBinomialTail(3, 0, 1, 1)).toThrow(RangeError);
  });
});

describe('the chance that the full-budget vote can still accept', () => {
  it('sums each answer\'s Beta-binomial chance under the Dirichlet marginals, plus one unseen answer', () => {
    // Four distinct answers of 4, max 8 (need 4): each Beta(2, 8) needs 3 of 4 (333/6435), an unseen Beta(1, 9) all 4 (9/6435).
    expect(acceptChance({ counts: [1, 1, 1, 1], unanswered: 0 }, 4, 4)).toBeCloseTo((4 * 333 + 9) / 6435, 12);
    // 2-2 of 4, max 8: each Beta(3, 5) needs 2 of 4 (31/66); unseen Beta(1, 7) all 4: B(5,7)/B(1,7) = 1/330.
    expect(acceptChance({ counts: [2, 2], unanswered: 0 }, 4, 4)).toBeCloseTo(2 * (31 / 66) + 1 / 330, 12);
  });

  it('is 0 exactly when even all remaining samples could not reach need, and 1 once an answer has it', () => {
    expect(acceptChance({ counts: [1, 1, 1, 1, 1, 1], unanswered: 0 }, 2, 4)).toBe(0);
    expect(acceptChance({ counts: [], unanswered: 5 }, 3, 4)).toBe(0);
    expect(acceptChance({ counts: [4, 1], unanswered: 0 }, 3, 4)).toBe(1);
  });

  it('falls as samples without an answer pile up', () => {
    const a = acceptChance({ counts: [2, 1], unanswered: 0 }, 5, 4);
    const b = acceptChance({ counts: [2, 1], unanswered: 1 }, 4, 4);
    const c = acceptChance({ counts: [2, 1], unanswered: 2 }, 3, 4);
    expect(a).toBeGreaterThan(b);
    expect(b).toBeGreaterThan(c);
  });
});

describe('reachable vote counts', () => {
  it('lists every count state one more sample leads to, answers being interchangeable', () => {
    const next = nextCountStates([{ counts: [2, 1, 1], unanswered: 0 }], 100);
    expect(next?.map((s) => `${[...s.counts].sort((x, y) => y - x).join(',')}|${s.unanswered}`).sort()).toEqual(['2,1,1,1|0', '2,1,1|1', '2,2,1|0', '3,1,1|0']);
    expect(nextCountStates([{ counts: [2, 1, 1], unanswered: 0 }], 3)).toBeNull();
  });
});
