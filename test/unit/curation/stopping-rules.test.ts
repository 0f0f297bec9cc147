import { describe, expect, it } from 'vitest';
import { betaConfidence, decideStop, fewestToDecide, nextRoundSize, ruleCheck, type AdaptivePolicy } from '../../../shared/curation/stopping-rules.js';

const BETA: AdaptivePolicy = { rule: 'beta', confidence: 0.95, minSamples: 3 };
const WINDOW: AdaptivePolicy = { rule: 'window', window: 4, minSamples: 3 };
const VOTE = { minAgreement: 0.5 };

/** The defining integral, P = ∫_{1/2}^1 x^a (1-x)^b dx / ∫_0^1 x^a (1-x)^b dx, by Simpson's rule (a cross-check only). */
function integral(a: number, b: number): number {
  const simpson = (from: number, to: number): number => {
    const steps = 20_000;
    const h = (to - from) / steps;
    let sum = 0;
    for (let i = 0; i <= steps; i++) {
      const x = from + i * h;
      const weight = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
      sum += weight * x ** a * (1 - x) ** b;
    }
    return (sum * h) / 3;
  };
  return simpson(0.5, 1) / simpson(0, 1);
}

const letters = (text: string): (string | null)[] => Array.from(text, (c) => (c === '-' ? null : c));

describe('the Beta criterion of Adaptive-Consistency', () => {
  it('matches hand-computed binomial sums exactly', () => {
    expect(betaConfidence(0, 0)).toBe(0.5);
    expect(betaConfidence(3, 0)).toBe(1 - 0.5 ** 4); // 15/16
    expect(betaConfidence(4, 0)).toBe(31 / 32);
    expect(betaConfidence(5, 1)).toBe(120 / 128); // 1 - (C(7,6) + C(7,7)) / 2^7
    expect(betaConfidence(6, 1)).toBe(247 / 256);
    expect(betaConfidence(7, 2)).toBe(968 / 1024); // 1 - (45 + 10 + 1) / 2^10
    expect(betaConfidence(8, 2)).toBe(1981 / 2048);
    expect(betaConfidence(2, 2)).toBe(0.5);
    expect(betaConfidence(1, 3)).toBe(6 / 32); // 'leader' behind: 1 - P(3, 1) = 1 - 26/32
    expect(betaConfidence(40, 0)).toBe(1 - 0.5 ** 41);
  });

  it('agrees with the integral it stands for', () => {
    for (const [a, b] of [[3, 0], [5, 1], [7, 3], [12, 7], [20, 15]] as const) expect(betaConfidence(a, b)).toBeCloseTo(integral(a, b), 9);
  });

  it('refuses counts that are not non-negative integers', () => {
    expect(() => betaConfidence(-1, 0)).toThrow(RangeError);
    expect(() => betaConfidence(1.5, 0)).toThrow(RangeError);
  });

  it('reads the top two counts, ignoring samples with no answer', () => {
    expect(ruleCheck(BETA, letters('aaa-'))).toMatchObject({ met: false, detail: 'beta P=0.937 < 0.95 (3 vs 0)' });
    expect(ruleCheck(BETA, letters('aa-aa'))).toMatchObject({ met: true, detail: 'beta P=0.968 >= 0.95 (4 vs 0)' });
    expect(ruleCheck(BETA, letters('aaaabaac'))).toMatchObject({ met: true, detail: 'beta P=0.964 >= 0.95 (6 vs 1)' });
    expect(ruleCheck(BETA, letters('aaaaab'))).toMatchObject({ met: false }); // (5, 1): 0.9375
  });

  it('needs at least this many agreeing samples: 4 at 0.95, 5 at 0.97, never within 4 at 0.99', () => {
    expect(fewestToDecide(BETA, 8)).toBe(4);
    expect(fewestToDecide({ ...BETA, confidence: 0.97 }, 8)).toBe(5);
    expect(fewestToDecide({ ...BETA, confidence: 0.99 }, 4)).toBeNull();
    expect(fewestToDecide(WINDOW, 8)).toBe(4);
  });
});

describe("the window rule of Early-Stopping Self-Consistency", () => {
  it('is met only when the last `window` samples are one extractable answer', () => {
    expect(ruleCheck(WINDOW, letters('baaaa')).met).toBe(true);
    expect(ruleCheck(WINDOW, letters('aaab')).met).toBe(false);
    expect(ruleCheck(WINDOW, letters('aaa')).met).toBe(false);
    expect(ruleCheck(WINDOW, letters('----')).met).toBe(false);
  });
});

describe('stopping decisions', () => {
  it('decides once the rule is met after minSamples and the vote would accept', () => {
    expect(decideStop(BETA, letters('aaa'), 5, VOTE).decision).toBe('continue');
    expect(decideStop(BETA, letters('aaaa'), 4, VOTE)).toEqual({ decision: 'decided', why: 'beta P=0.968 >= 0.95 (4 vs 0) after 4' });
    expect(decideStop({ ...WINDOW, window: 2 }, letters('aa'), 6, VOTE)).toMatchObject({ decision: 'continue', why: 'fewer than minSamples 3' });
    expect(decideStop(WINDOW, letters('bbbaaaa'), 1, VOTE)).toMatchObject({ decision: 'decided' });
  });

  it("decides once the full-budget vote is settled, whatever minSamples (never under USC)", () => {
    const settled = { decision: 'decided', why: "settled after 6: 'a' has 5 of 8 whatever the remaining 2 say" };
    expect(decideStop(BETA, letters('aaaaab'), 2, VOTE)).toEqual(settled);
    expect(decideStop({ ...BETA, minSamples: 8 }, letters('aaaaab'), 2, VOTE)).toEqual(settled);
    // 4 of 8 with 3 to come: all 3 to 'b' would tie 4-4.
    expect(decideStop(BETA, letters('aaaab'), 3, VOTE).decision).toBe('continue');
    expect(decideStop(BETA, letters('aaaaab'), 2, null).decision).toBe('continue');
  });

  it('keeps drawing when the rule is met but unextractable samples keep the share below minAgreement', () => {
    // (4, 0) is P 0.969, but 4 of 9 samples is below half; 11 more may still fix that.
    const verdict = decideStop(BETA, letters('aaaa-----'), 11, VOTE);
    expect(verdict).toEqual({ decision: 'continue', why: 'beta P=0.968 >= 0.95 (4 vs 0), but the vote over 9 would not accept yet' });
  });

  it('rejects early only when even all remaining samples could not lift the leader to minAgreement of the maximum', () => {
    // max 8, half needed: after 5 distinct answers the leader can still reach 1 + 3 = 4 of 8.
    expect(decideStop(BETA, letters('abcde'), 3, VOTE).decision).toBe('continue');
    expect(decideStop(BETA, letters('abcdef'), 2, VOTE)).toEqual({
      decision: 'undecidable',
      why: "undecidable after 6: even if the remaining 2 agreed with 'a', it would have 3 of 8, below minAgreement 0.5",
    });
    expect(decideStop(BETA, letters('-----'), 3, VOTE)).toMatchObject({ decision: 'undecidable', why: expect.stringContaining('agreed with any answer') as unknown });
    // Exactly at the boundary (7 of 10 with minAgreement 0.7) is still reachable.
    expect(decideStop(BETA, letters('aaaabbb'), 3, { minAgreement: 0.7 }).decision).toBe('continue');
    expect(decideStop(BETA, letters('aaabbbb'), 3, { minAgreement: 0.71 }).decision).toBe('undecidable');
  });

  it('never rejects early under USC, which always selects', () => {
    expect(decideStop(BETA, letters('abcdefgh'), 0, null).decision).toBe('continue');
    expect(decideStop(BETA, letters('aaaa'), 16, null).decision).toBe('decided');
  });
});

describe('round sizes', () => {
  it('draw the fewest samples after which the verdict could change', () => {
    expect(nextRoundSize(BETA, [], 8, VOTE)).toBe(4); // 4 agreeing would decide
    expect(nextRoundSize(BETA, letters('aaab'), 4, VOTE)).toBe(2); // two more a's settle the vote of 8 (5 vs at most 3)
    expect(nextRoundSize(BETA, letters('aaab'), 16, VOTE)).toBe(3); // of 20 nothing settles soon: (6, 1) is the rule's nearest stop
    expect(nextRoundSize(BETA, letters('abcd'), 4, VOTE)).toBe(2); // two more answerless samples make it undecidable
    expect(nextRoundSize(WINDOW, letters('aab'), 5, VOTE)).toBe(3); // three more b's fill the window
    expect(nextRoundSize(BETA, letters('aaab'), 2, VOTE)).toBe(1); // one more 'a' settles 4 of at most 6
    expect(nextRoundSize(BETA, letters('abab'), 2, VOTE)).toBe(2); // nothing can change before the last: never more than remain
    expect(nextRoundSize(BETA, letters('aaab'), 0, VOTE)).toBe(0);
  });

  it('with roundSize: that many, the first round at least minSamples', () => {
    const policy: AdaptivePolicy = { ...BETA, roundSize: 2 };
    expect(nextRoundSize(policy, [], 8, VOTE)).toBe(3);
    expect(nextRoundSize(policy, letters('aab'), 5, VOTE)).toBe(2);
    expect(nextRoundSize(policy, letters('aabaaba'), 1, VOTE)).toBe(1);
  });
});

describe('probabilistic early rejection (rejectBelow)', () => {
  const PROB: AdaptivePolicy = { ...BETA, rejectBelow: 0.25 };

  it('rejects once the chance that the vote of the maximum can still accept is below the threshold, and says so', () => {
    // Four distinct answers of 8: P = (4·333 + 9) / 6435 = 0.2084 (see the accept-chance test).
    expect(decideStop(PROB, letters('abcd'), 4, VOTE)).toEqual({ decision: 'undecidable', why: 'undecidable after 4: P(accept by 8)=0.208 < 0.25' });
    expect(decideStop({ ...PROB, rejectBelow: 0.2 }, letters('abcd'), 4, VOTE).decision).toBe('continue');
    expect(decideStop(BETA, letters('abcd'), 4, VOTE).decision).toBe('continue'); // off without rejectBelow
    expect(decideStop({ ...BETA, rejectBelow: 0 }, letters('abcd'), 4, VOTE).decision).toBe('continue');
  });

  it('keeps the certain rejection and its words, and never rejects under USC', () => {
    expect(decideStop(PROB, letters('abcdef'), 2, VOTE).why).toMatch(/^undecidable after 6: even if the remaining 2 agreed/);
    expect(decideStop(PROB, letters('abcd'), 4, null).decision).toBe('continue');
  });

  it('comes before the rule: a unanimous start that the vote of a large maximum would likely not accept is rejected', () => {
    // 4 'a' and 12 answerless of 40: the rule is met (P 0.969), but the vote of 40 needs 20: 16 more of the last 24.
    const answers = letters('aaaa------------');
    expect(decideStop(BETA, answers, 24, VOTE).decision).toBe('continue');
    expect(decideStop({ ...BETA, rejectBelow: 0.05 }, answers, 24, VOTE)).toMatchObject({ decision: 'undecidable', why: expect.stringMatching(/^undecidable after 16: P\(accept by 40\)=0\.0\d+ < 0\.05$/) as unknown });
  });

  it('shortens rounds to the first sample where some way the answers could fall would reject', () => {
    // 'abc' of 8: a fourth distinct answer gives P 0.208 < 0.25 after one more; without rejectBelow three more are needed.
    expect(nextRoundSize(BETA, letters('abc'), 5, VOTE)).toBe(3);
    expect(nextRoundSize(PROB, letters('abc'), 5, VOTE)).toBe(1);
  });

  it('stops every item at exactly the sample where drawing one at a time would stop', () => {
    // Seeded answer streams over a small alphabet with answerless samples, every policy and maximum.
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const policies: AdaptivePolicy[] = [
      { ...BETA, rejectBelow: 0.05 },
      { ...BETA, rejectBelow: 0.3 },
      { ...BETA, confidence: 0.9, minSamples: 2, rejectBelow: 0.1 },
      { ...WINDOW, rejectBelow: 0.1 },
    ];
    const stopAt = (policy: AdaptivePolicy, stream: (string | null)[], max: number, step: (drawn: (string | null)[], remaining: number) => number): number => {
      let drawn = 0;
      for (let rounds = 0; ; rounds++) {
        const answers = stream.slice(0, drawn);
        if (rounds > 0 && decideStop(policy, answers, max - drawn, VOTE).decision !== 'continue') return drawn;
        if (drawn >= max) return drawn;
        drawn += step(answers, max - drawn);
      }
    };
    for (let trial = 0; trial < 400; trial++) {
      const max = [8, 12, 20][trial % 3] ?? 8;
      const bias = random();
      const stream = Array.from({ length: max }, () => {
        const x = random();
        return x < 0.05 ? null : x < 0.05 + bias * 0.95 ? 'a' : 'bcde'.charAt(Math.floor(random() * 4));
      });
      for (const policy of policies) {
        const first = Math.max(1, policy.minSamples);
        const oneAtATime = stopAt(policy, stream, max, (answers) => (answers.length === 0 ? first : 1));
        const inRounds = stopAt(policy, stream, max, (answers, remaining) => nextRoundSize(policy, answers, remaining, VOTE));
        expect({ trial, stream: stream.join(), policy, at: inRounds }).toEqual({ trial, stream: stream.join(), policy, at: oneAtATime });
      }
    }
  });
});
