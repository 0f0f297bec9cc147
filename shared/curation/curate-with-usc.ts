import { addUsage, type AnswerType, type TokenUsage } from '../core-types.js';
import { extractAnswer } from '../extraction/extract-answer.js';
import type { Sampler } from '../llm/sampler.js';
import { userMessage } from '../strategies/single-call.js';
import type { SampleChain } from '../strategies/strategy.js';
import { curateItem, type CuratedItem, type CurationTally } from './curate-item.js';
import { buildUscPrompt, parseUscSelection, uscCandidates, type UscCandidate } from './usc-prompt.js';

export interface UscCurationInput {
  chains: readonly SampleChain[];
  answerType: AnswerType;
  /** The original input, for a `uscSelect` template that shows it ({{question}}). */
  prompt: string;
  template: string;
  /** The item's sampler: the selection call goes through the same call cache and is counted with the item. */
  sampler: Sampler;
  /** Generation cap of the selection call; it is made greedily (temperature 0). */
  maxTokens: number;
}

/** The sample index the selection call is cached under (one call per item, so any fixed index). */
const USC_SAMPLE_INDEX = 0;

function chosenTarget(candidate: UscCandidate, answerType: AnswerType): { ok: true; target: string } | { ok: false; reason: string } {
  const extraction = extractAnswer(candidate.text, answerType);
  if (extraction.ok) return { ok: true, target: extraction.answer };
  // Free-form answers are what USC is for: a text response with no answer line is its own target.
  if (answerType === 'text') return { ok: true, target: candidate.text };
  return { ok: false, reason: `USC selected response ${candidate.number} (sample ${candidate.sampleIndex}), which has no extractable answer: ${extraction.reason}` };
}

function shareOf(tally: CurationTally, target: string): number {
  const votes = tally.votes.find((vote) => vote.answer === target)?.count ?? 0;
  return tally.samples === 0 ? 0 : votes / tally.samples;
}

/**
 * Curates with Universal Self-Consistency: one more LLM call is shown every non-empty final text, numbered, and names
 * the one most consistent with the majority; that response's answer is the target. The vote tally is kept for
 * provenance, but minAgreement does not apply: USC always selects, unless its reply is unreadable. When every sample
 * gave the same extractable answer the call is skipped — any selection would give that answer.
 */
export async function curateWithUsc(input: UscCurationInput): Promise<CuratedItem> {
  // The tally (votes, unextractable, calls, usage) is the vote's; minAgreement 0 so it never decides here.
  const tally = curateItem(input.chains, input.answerType, 0);
  const base: CurationTally = { samples: tally.samples, votes: tally.votes, unextractable: tally.unextractable, calls: tally.calls, usage: tally.usage };
  const candidates = uscCandidates(input.chains);
  const first = candidates[0];
  if (first === undefined) {
    return { ...base, status: 'rejected', code: 'no-extractable-answer', reason: `none of the ${base.samples} samples has a final text to select from`, curation: { method: 'usc' } };
  }
  const [only] = tally.votes;
  if (tally.votes.length === 1 && only !== undefined && tally.unextractable === 0) {
    return { ...base, status: 'accepted', target: only.answer, voteShare: 1, curation: { method: 'usc', selectedSample: first.sampleIndex, selectedResponse: 1, uscCall: false } };
  }

  const messages = userMessage(buildUscPrompt(input.template, candidates, input.prompt));
  const [completion] = await input.sampler.sample(messages, [USC_SAMPLE_INDEX], { temperature: 0, maxTokens: input.maxTokens });
  if (completion === undefined) throw new Error('sampler returned no completion for the USC call');
  const usage: TokenUsage = addUsage(base.usage, completion.usage);
  const counted: CurationTally = { ...base, calls: base.calls + 1, usage };
  const selection = parseUscSelection(completion.text, candidates.length);
  if (!selection.ok) {
    return { ...counted, status: 'rejected', code: 'invalid-selection', reason: selection.reason, curation: { method: 'usc', uscCall: true } };
  }
  const candidate = candidates[selection.number - 1];
  if (candidate === undefined) throw new Error('unreachable: parseUscSelection checked the range');
  const curation = { method: 'usc' as const, selectedSample: candidate.sampleIndex, selectedResponse: candidate.number, uscCall: true };
  const target = chosenTarget(candidate, input.answerType);
  if (!target.ok) return { ...counted, status: 'rejected', code: 'no-extractable-answer', reason: target.reason, curation };
  return { ...counted, status: 'accepted', target: target.target, voteShare: shareOf(counted, target.target), curation };
}
