import { describe, expect, it } from 'vitest';
import { majorityVote } from '../../../shared/curation/majority-vote.js';

function answers(spec: Record<string, number>, nulls = 0): (string | null)[] {
  const list: (string | null)[] = Object.entries(spec).flatMap(([answer, count]) => Array<string>(count).fill(answer));
  return [...list, ...Array<null>(nulls).fill(null)];
}

describe('majorityVote', () => {
  it('accepts a clear winner with its share of all samples', () => {
    const outcome = majorityVote(answers({ ek: 6, ke: 2 }), 0.375);
    expect(outcome.decision).toEqual({ status: 'accepted', target: 'ek', voteShare: 0.75 });
    expect(outcome.votes).toEqual([
      { answer: 'ek', count: 6 },
      { answer: 'ke', count: 2 },
    ]);
    expect(outcome.samples).toBe(8);
    expect(outcome.unextractable).toBe(0);
  });

  it('rejects a tie between the top two, naming the count', () => {
    const outcome = majorityVote(answers({ ek: 3, ke: 3, ee: 2 }), 0.375);
    expect(outcome.decision).toEqual({
      status: 'rejected',
      code: 'tie',
      reason: 'top two answers tie at 3 votes each of 8',
      voteShare: 0.375,
    });
  });

  it('says how many answers tie when more than two do', () => {
    const outcome = majorityVote(answers({ a: 2, b: 2, c: 2 }, 2), 0.25);
    expect(outcome.decision).toMatchObject({
      code: 'tie',
      reason: 'top 3 answers tie at 2 votes each of 8; 2 samples have no extractable answer',
    });
  });

  it('rejects a tie of single votes', () => {
    expect(majorityVote(['yes', 'no'], 0).decision).toMatchObject({
      code: 'tie',
      reason: 'top two answers tie at 1 vote each of 2',
    });
  });

  it('rejects a winner below the minimum share of ALL samples, unextractable included', () => {
    const outcome = majorityVote(answers({ ek: 2, ke: 1 }, 5), 0.375);
    expect(outcome.decision).toMatchObject({
      status: 'rejected',
      code: 'weak-majority',
      voteShare: 0.25,
    });
    const reason = outcome.decision.status === 'rejected' ? outcome.decision.reason : '';
    expect(reason).toContain("winner 'ek' has 2 of 8 votes (25%), below the 37.5% minimum");
    expect(reason).toContain('5 samples have no extractable answer');
    expect(outcome.unextractable).toBe(5);
    expect(outcome.samples).toBe(8);
  });

  it('accepts exactly at the minimum and rejects one vote below it', () => {
    expect(majorityVote(answers({ ek: 3 }, 5), 0.375).decision).toEqual({
      status: 'accepted',
      target: 'ek',
      voteShare: 0.375,
    });
    expect(majorityVote(answers({ ek: 2 }, 6), 0.375).decision).toMatchObject({ code: 'weak-majority' });
  });

  it('is not defeated by floating-point noise at the boundary', () => {
    // 7 / 10 and 0.7 agree, and so must 7 of 10 against a 0.7 minimum however the share is computed.
    expect(majorityVote(answers({ a: 7, b: 3 }), 0.7).decision.status).toBe('accepted');
    expect(majorityVote(answers({ a: 1 }, 2), 1 / 3).decision.status).toBe('accepted');
  });

  it('with minAgreement 0 accepts any strict winner', () => {
    expect(majorityVote(answers({ a: 1 }, 7), 0).decision).toEqual({ status: 'accepted', target: 'a', voteShare: 0.125 });
  });

  it('with minAgreement 1 demands unanimity, unextractable samples included', () => {
    expect(majorityVote(answers({ a: 4 }), 1).decision.status).toBe('accepted');
    expect(majorityVote(answers({ a: 3 }, 1), 1).decision).toMatchObject({
      code: 'weak-majority',
      reason: "winner 'a' has 3 of 4 votes (75%), below the 100% minimum; 1 sample has no extractable answer",
    });
  });

  it('rejects when every sample is unextractable', () => {
    const outcome = majorityVote([null, null, null], 0.375);
    expect(outcome.decision).toEqual({
      status: 'rejected',
      code: 'no-extractable-answer',
      reason: 'none of the 3 samples has an extractable answer',
    });
    expect(outcome.votes).toEqual([]);
    expect(outcome.unextractable).toBe(3);
  });

  it('rejects when no samples were drawn', () => {
    expect(majorityVote([], 0.5).decision).toMatchObject({ code: 'no-extractable-answer', reason: 'no samples were drawn' });
  });

  it('counts an empty answer as unextractable, never as a target', () => {
    const outcome = majorityVote(['', '', 'a'], 0);
    expect(outcome.decision).toMatchObject({ status: 'accepted', target: 'a' });
    expect(outcome.unextractable).toBe(2);
  });

  it('orders votes by count, then by answer, whatever the sample order', () => {
    const forward = majorityVote(['b', 'a', 'c', 'c', 'b', 'a', 'c', null, 'd'], 0);
    const backward = majorityVote(['d', null, 'c', 'a', 'b', 'c', 'c', 'a', 'b'], 0);
    const expected = [
      { answer: 'c', count: 3 },
      { answer: 'a', count: 2 },
      { answer: 'b', count: 2 },
      { answer: 'd', count: 1 },
    ];
    expect(forward.votes).toEqual(expected);
    expect(backward.votes).toEqual(expected);
    expect(forward.decision).toEqual(backward.decision);
  });

  it('formats fractional percentages to one decimal', () => {
    expect(majorityVote(answers({ a: 1 }, 2), 0.5).decision).toMatchObject({
      reason: "winner 'a' has 1 of 3 votes (33.3%), below the 50% minimum; 2 samples have no extractable answer",
    });
  });
});
