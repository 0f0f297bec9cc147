import type { InputRejectCode, RejectCode, StopRejectCode, Vote } from '../dataset/item-result.js';

/** What a vote can reject an item for; input and stop codes belong to the producer and run control, never to a vote. */
export type VoteRejectCode = Exclude<RejectCode, InputRejectCode | StopRejectCode>;

export type VoteDecision =
  | { status: 'accepted'; target: string; voteShare: number }
  | { status: 'rejected'; code: VoteRejectCode; reason: string; voteShare?: number };

export interface VoteOutcome {
  /** One entry per distinct answer, most votes first; ties in count ordered by answer (code-unit order). */
  votes: Vote[];
  /** Every sample, including the ones with no extractable answer. */
  samples: number;
  unextractable: number;
  decision: VoteDecision;
}

// Shares like 3/8 vs 0.375 are exact, but 7/10 vs a configured 0.7 need not be: a vote must never be lost to
// floating-point noise at the boundary.
const EPSILON = 1e-9;

function percent(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}

function tally(answers: readonly (string | null)[]): Vote[] {
  const counts = new Map<string, number>();
  for (const answer of answers) {
    if (answer !== null && answer !== '') counts.set(answer, (counts.get(answer) ?? 0) + 1);
  }
  // Ordering by answer text rather than by first appearance keeps the result independent of the order in
  // which samples finished (concurrent chains, adaptive sampling, resumed items).
  return [...counts]
    .map(([answer, count]) => ({ answer, count }))
    .sort((a, b) => b.count - a.count || (a.answer < b.answer ? -1 : a.answer > b.answer ? 1 : 0));
}

function unextractableNote(unextractable: number): string {
  if (unextractable === 0) return '';
  return `; ${unextractable} ${unextractable === 1 ? 'sample has' : 'samples have'} no extractable answer`;
}

/**
 * Self-consistency voting over the normalised answers of an item's samples (null = the sample had no
 * extractable answer; an empty string counts the same, since it could never be a training target). Accepts the winner only when it is strictly ahead of the runner-up AND its votes make up
 * at least `minAgreement` of ALL samples — unextractable samples count against agreement, because a model that
 * mostly fails to answer is not confidently answering.
 */
export function majorityVote(answers: readonly (string | null)[], minAgreement: number): VoteOutcome {
  const samples = answers.length;
  const votes = tally(answers);
  const unextractable = answers.filter((answer) => answer === null || answer === '').length;
  const outcome = (decision: VoteDecision): VoteOutcome => ({ votes, samples, unextractable, decision });

  const [winner, runnerUp] = votes;
  if (winner === undefined) {
    const reason =
      samples === 0 ? 'no samples were drawn' : `none of the ${samples} samples has an extractable answer`;
    return outcome({ status: 'rejected', code: 'no-extractable-answer', reason });
  }
  const voteShare = winner.count / samples;
  if (runnerUp?.count === winner.count) {
    const tied = votes.filter((vote) => vote.count === winner.count).length;
    const reason =
      `top ${tied === 2 ? 'two' : tied} answers tie at ${winner.count} ${winner.count === 1 ? 'vote' : 'votes'} each of ${samples}` +
      unextractableNote(unextractable);
    return outcome({ status: 'rejected', code: 'tie', reason, voteShare });
  }
  if (winner.count < minAgreement * samples - EPSILON) {
    const reason =
      `winner '${winner.answer}' has ${winner.count} of ${samples} votes (${percent(voteShare)}), ` +
      `below the ${percent(minAgreement)} minimum` +
      unextractableNote(unextractable);
    return outcome({ status: 'rejected', code: 'weak-majority', reason, voteShare });
  }
  return outcome({ status: 'accepted', target: winner.answer, voteShare });
}
