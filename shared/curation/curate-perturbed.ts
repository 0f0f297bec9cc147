import { addUsage, type TokenUsage } from '../core-types.js';
import type { VariantRecord } from '../dataset/item-result.js';
import type { CuratedItem } from './curate-item.js';

/** One variant's curated vote (the original included) and the map from its answers to the original's terms. */
export interface CuratedVariant {
  name: string;
  curated: CuratedItem;
  mapBack: (answer: string) => string;
}

export type PerturbedItem = CuratedItem & { variants: VariantRecord[] };

function describe(record: VariantRecord): string {
  if (record.answer === null) return `${record.name} none (${record.code ?? 'rejected'})`;
  return record.mapped === record.answer ? `${record.name} ${record.answer}` : `${record.name} ${record.answer} (= ${record.mapped} in the original)`;
}

/**
 * Input-perturbation consistency: every variant (the original first) was voted on by itself; the item is kept only
 * when every vote was accepted AND all of them, mapped back to the original's terms, name the same answer. The
 * per-variant answers are kept for provenance, and a rejection's reason lists them. Pure.
 */
export function curatePerturbed(original: CuratedItem, variants: readonly CuratedVariant[]): PerturbedItem {
  const all: CuratedVariant[] = [{ name: 'original', curated: original, mapBack: (answer) => answer }, ...variants];
  const records: VariantRecord[] = all.map(({ name, curated, mapBack }) => {
    const answer = curated.status === 'accepted' ? curated.target : null;
    const base = { name, answer, mapped: answer === null ? null : mapBack(answer), votes: curated.votes };
    return curated.status === 'rejected' ? { ...base, code: curated.code } : base;
  });
  const tally = {
    samples: all.reduce((sum, v) => sum + v.curated.samples, 0),
    votes: original.votes,
    unextractable: all.reduce((sum, v) => sum + v.curated.unextractable, 0),
    calls: all.reduce((sum, v) => sum + v.curated.calls, 0),
    usage: all.reduce<TokenUsage>((sum, v) => addUsage(sum, v.curated.usage), { promptTokens: 0, completionTokens: 0 }),
    variants: records,
  };
  if (original.status === 'rejected') {
    return { ...tally, status: 'rejected', code: original.code, reason: `original: ${original.reason}` };
  }
  const mapped = new Set(records.map((r) => r.mapped));
  const failed = all.find((v) => v.curated.status === 'rejected');
  if (failed !== undefined || mapped.size !== 1) {
    const why = failed?.curated.status === 'rejected' ? `; ${failed.name}: ${failed.curated.reason}` : '';
    const reason = `answers disagree across perturbations: ${records.map(describe).join('; ')}${why}`;
    return { ...tally, status: 'rejected', code: 'perturbation-inconsistent', reason, voteShare: original.voteShare };
  }
  const voteShare = Math.min(...all.map((v) => (v.curated.status === 'accepted' ? v.curated.voteShare : 0)));
  return { ...tally, status: 'accepted', target: original.target, voteShare };
}
