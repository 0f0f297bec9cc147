import type { AnswerType } from '../core-types.js';
import type { SamplingDecision, SamplingRecord } from '../dataset/item-result.js';
import { extractAnswer } from '../extraction/extract-answer.js';
import type { SampleChain, Strategy, StrategyContext } from '../strategies/strategy.js';
import { decideStop, nextRoundSize, type Acceptance, type AdaptivePolicy } from './stopping-rules.js';

export interface DrawChainsInput {
  strategy: Pick<Strategy, 'run'>;
  /** The item's strategy context; its `samples` is the most the item may draw. */
  context: StrategyContext;
  answerType: AnswerType;
  /** Adaptive sampling policy; absent: one round of all samples (fixed N), exactly as the strategy returns them. */
  policy: AdaptivePolicy | undefined;
  acceptance: Acceptance;
  /** Asked before each round: a reason to stop drawing now (another perturbation variant already settled the item), or null. */
  abandon?: () => string | null;
}

export interface DrawnChains {
  chains: SampleChain[];
  /** Adaptive runs only: what was drawn and why sampling stopped. */
  sampling?: SamplingRecord;
}

/**
 * Draws an item's sample chains: all N at once, or with an adaptive policy in rounds — each round one strategy run
 * over the next range of sample indices (`firstSample`..`samples - 1`: a multi-step program runs whole chains, and an
 * `n`-capable endpoint serves each step of a round in one request) — until the stopping rule decides, the item
 * becomes undecidable, the maximum is drawn, or `abandon` says stop. Round sizes and decisions depend only on the
 * answers drawn, and a retried item's calls come from its cache per sample index, so a resumed item pays for nothing
 * twice and stops at the same sample.
 */
export async function drawChains(input: DrawChainsInput): Promise<DrawnChains> {
  const { strategy, context, policy, acceptance } = input;
  if (policy === undefined) return { chains: await strategy.run(context) };
  const max = context.samples;
  const chains = new Map<number, { chain: SampleChain; answer: string | null }>();
  const answers = (): (string | null)[] => [...chains.keys()].sort((a, b) => a - b).map((index) => chains.get(index)?.answer ?? null);
  let next = 0;
  let rounds = 0;
  let stop: { decision: SamplingDecision; why: string } | undefined;
  while (stop === undefined) {
    const drawn = answers();
    const remaining = max - next;
    const verdict = rounds === 0 ? undefined : decideStop(policy, drawn, remaining, acceptance);
    const abandoned = input.abandon?.() ?? null;
    if (verdict !== undefined && verdict.decision !== 'continue') stop = { decision: verdict.decision, why: verdict.why };
    else if (remaining <= 0) stop = { decision: 'max-samples', why: `drew all ${max}${verdict === undefined ? '' : `; ${verdict.why}`}` };
    else if (abandoned !== null) stop = { decision: 'abandoned', why: `stopped after ${drawn.length}: ${abandoned}` };
    else {
      const size = nextRoundSize(policy, drawn, remaining, acceptance);
      const end = next + size;
      const round = await strategy.run({ ...context, firstSample: next, samples: end, prefetchUntil: max });
      // A program that ignores firstSample returns the earlier chains again (from the cache): only this round's count.
      for (const chain of round) {
        if (chain.sampleIndex < next || chain.sampleIndex >= end || chains.has(chain.sampleIndex)) continue;
        const extraction = extractAnswer(chain.finalText, input.answerType);
        chains.set(chain.sampleIndex, { chain, answer: extraction.ok ? extraction.answer : null });
      }
      next = end;
      rounds += 1;
    }
  }
  const kept = [...chains.values()].map((entry) => entry.chain).sort((a, b) => a.sampleIndex - b.sampleIndex);
  return { chains: kept, sampling: { drawn: kept.length, max, rounds, decision: stop.decision, why: stop.why } };
}
