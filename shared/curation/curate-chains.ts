import type { AnswerType } from '../core-types.js';
import type { Sampler } from '../llm/sampler.js';
import type { SampleChain } from '../strategies/strategy.js';
import { curateItem, type CuratedItem } from './curate-item.js';
import type { CurationMethod } from './curation-method.js';
import { curateWithUsc } from './curate-with-usc.js';

export interface CurateChainsInput {
  method: CurationMethod;
  chains: readonly SampleChain[];
  answerType: AnswerType;
  prompt: string;
  minAgreement: number;
  /** Used by `usc` only (the selection call). */
  sampler: Sampler;
  uscTemplate: string;
  maxTokens: number;
}

/** The curation step a worker runs after the strategy: the pure vote, or USC with its one extra call. */
export async function curateChains(input: CurateChainsInput): Promise<CuratedItem> {
  if (input.method === 'vote') return { ...curateItem(input.chains, input.answerType, input.minAgreement), curation: { method: 'vote' } };
  return curateWithUsc({
    chains: input.chains,
    answerType: input.answerType,
    prompt: input.prompt,
    template: input.uscTemplate,
    sampler: input.sampler,
    maxTokens: input.maxTokens,
  });
}
