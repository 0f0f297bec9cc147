import { addUsage, ZERO_USAGE, type AnswerType, type TokenUsage } from '../core-types.js';
import type { SamplingRecord, Vote } from '../dataset/item-result.js';
import { extractAnswer } from '../extraction/extract-answer.js';
import type { SampleChain } from '../strategies/strategy.js';
import type { CurationInfo } from './curation-method.js';
import { majorityVote, type VoteRejectCode } from './majority-vote.js';

/** The counts every curated item carries, accepted or not. */
export interface CurationTally {
  samples: number;
  /** Vote counts per normalised answer, most votes first. */
  votes: Vote[];
  unextractable: number;
  /** LLM completions used by all chains (cached or paid). */
  calls: number;
  usage: TokenUsage;
}

/** The curation part of an ItemResult; the worker adds ids, line, prompt and timing. */
export type CuratedItem = CurationTally & { curation?: CurationInfo; sampling?: SamplingRecord } &
  (
    | { status: 'accepted'; target: string; voteShare: number }
    | { status: 'rejected'; code: VoteRejectCode; reason: string; voteShare?: number }
  );

/**
 * Curates one item without any gold label: extracts each chain's final answer, votes by self-consistency and
 * returns either the accepted target or a reject code and reason. Pure: the same chains always give the same
 * result, whatever order they arrive in.
 */
export function curateItem(chains: readonly SampleChain[], answerType: AnswerType, minAgreement: number): CuratedItem {
  const ordered = [...chains].sort((a, b) => a.sampleIndex - b.sampleIndex);
  const extractions = ordered.map((chain) => extractAnswer(chain.finalText, answerType));
  const outcome = majorityVote(
    extractions.map((extraction) => (extraction.ok ? extraction.answer : null)),
    minAgreement,
  );
  const tally: CurationTally = {
    samples: outcome.samples,
    votes: outcome.votes,
    unextractable: outcome.unextractable,
    calls: ordered.reduce((sum, chain) => sum + chain.calls, 0),
    usage: ordered.reduce<TokenUsage>((sum, chain) => addUsage(sum, chain.usage), { ...ZERO_USAGE }),
  };
  const { decision } = outcome;
  if (decision.status === 'accepted') {
    return { ...tally, status: 'accepted', target: decision.target, voteShare: decision.voteShare };
  }
  let reason = decision.reason;
  if (decision.code === 'no-extractable-answer') {
    // With no vote at all, the extraction failure is the only clue to what went wrong (prompt, model, parser).
    const firstFailure = extractions.findIndex((extraction) => !extraction.ok);
    const failure = extractions[firstFailure];
    const chain = ordered[firstFailure];
    if (failure !== undefined && !failure.ok && chain !== undefined) {
      reason += ` (sample ${chain.sampleIndex}: ${failure.reason})`;
    }
  }
  const rejected = { ...tally, status: 'rejected' as const, code: decision.code, reason };
  return decision.voteShare === undefined ? rejected : { ...rejected, voteShare: decision.voteShare };
}
