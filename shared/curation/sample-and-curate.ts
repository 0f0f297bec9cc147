import type { SamplingRecord } from '../dataset/item-result.js';
import type { Strategy, StrategyContext } from '../strategies/strategy.js';
import { curateChains, type CurateChainsInput } from './curate-chains.js';
import type { CuratedItem } from './curate-item.js';
import { drawChains } from './draw-chains.js';
import type { AdaptivePolicy } from './stopping-rules.js';

export interface SampleAndCurateInput extends Omit<CurateChainsInput, 'chains'> {
  strategy: Pick<Strategy, 'run'>;
  /** The item's strategy context; its `samples` is N (with `policy`, the most the item may draw). */
  context: StrategyContext;
  /** `sampling.adaptive`; absent: all N samples, then curation, as always. */
  policy: AdaptivePolicy | undefined;
  /** See {@link DrawChainsInput.abandon}. */
  abandon?: () => string | null;
}

/**
 * One input's strategy program, curated: draw the chains (all N, or adaptively — USC then selects among the samples
 * drawn, and never rejects on minAgreement, so only the vote can make an item undecidable), curate them, and record
 * how sampling went. An early rejection's reason says why sampling stopped.
 */
export async function sampleAndCurate(input: SampleAndCurateInput): Promise<CuratedItem> {
  const acceptance = input.method === 'vote' ? { minAgreement: input.minAgreement } : null;
  const drawn = await drawChains({
    strategy: input.strategy,
    context: input.context,
    answerType: input.answerType,
    policy: input.policy,
    acceptance,
    ...(input.abandon === undefined ? {} : { abandon: input.abandon }),
  });
  const curated = await curateChains({ ...input, chains: drawn.chains });
  return drawn.sampling === undefined ? curated : withSampling(curated, drawn.sampling);
}

function withSampling(curated: CuratedItem, sampling: SamplingRecord): CuratedItem {
  if (curated.status === 'accepted' || (sampling.decision !== 'undecidable' && sampling.decision !== 'abandoned')) return { ...curated, sampling };
  return { ...curated, sampling, reason: `${curated.reason}; stopped early (${sampling.why})` };
}
