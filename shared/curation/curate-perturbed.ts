import { addUsage, type TokenUsage } from '../core-types.js';
import type { SamplingRecord, VariantRecord } from '../dataset/item-result.js';
import type { CuratedItem } from './curate-item.js';

/** One variant's curated vote (the original included) and the map from its answers to the original's terms. */
export interface CuratedVariant {
  name: string;
  curated: CuratedItem;
  mapBack: (answer: string) => string;
}

export type PerturbedItem = CuratedItem & { variants: VariantRecord[] };

function describe(record: VariantRecord): string {
  const early = record.sampling?.decision === 'abandoned' ? ', stopped early' : '';
  if (record.answer === null) return `${record.name} none (${record.code ?? 'rejected'}${early})`;
  const answer = record.mapped === record.answer ? `${record.name} ${record.answer}` : `${record.name} ${record.answer} (= ${record.mapped} in the original)`;
  return early === '' ? answer : `${answer} (so far, stopped early)`;
}

/** An adaptive variant that stopped drawing because another one had already settled the item (its vote is partial). */
const abandoned = (curated: CuratedItem): boolean => curated.sampling?.decision === 'abandoned';

/** The sampling of all variants together: samples and rounds summed, the original's decision. */
function totalSampling(all: readonly CuratedVariant[], original: CuratedItem): Pick<PerturbedItem, 'sampling'> {
  const own = original.sampling;
  if (own === undefined) return {};
  const sum = (pick: (s: SamplingRecord) => number): number => all.reduce((total, v) => total + (v.curated.sampling === undefined ? 0 : pick(v.curated.sampling)), 0);
  return { sampling: { drawn: sum((s) => s.drawn), max: sum((s) => s.max), rounds: sum((s) => s.rounds), decision: own.decision, why: own.why } };
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
    const base = { name, answer, mapped: answer === null ? null : mapBack(answer), votes: curated.votes, ...(curated.sampling === undefined ? {} : { sampling: curated.sampling }) };
    return curated.status === 'rejected' ? { ...base, code: curated.code } : base;
  });
  const tally = {
    samples: all.reduce((sum, v) => sum + v.curated.samples, 0),
    votes: original.votes,
    unextractable: all.reduce((sum, v) => sum + v.curated.unextractable, 0),
    calls: all.reduce((sum, v) => sum + v.curated.calls, 0),
    usage: all.reduce<TokenUsage>((sum, v) => addUsage(sum, v.curated.usage), { promptTokens: 0, completionTokens: 0 }),
    variants: records,
    ...totalSampling(all, original),
  };
  if (original.status === 'rejected' && !abandoned(original)) {
    return { ...tally, status: 'rejected', code: original.code, reason: `original: ${original.reason}` };
  }
  // A variant that stopped early was stopped because another one had settled the item as rejected: its partial
  // vote neither fails the item on its own nor counts as an answer.
  const settled = all.filter((v) => !abandoned(v.curated));
  const mapped = new Set(settled.map(({ curated, mapBack }) => (curated.status === 'accepted' ? mapBack(curated.target) : null)));
  const failed = settled.find((v) => v.curated.status === 'rejected');
  if (failed !== undefined || mapped.size !== 1 || settled.length !== all.length || original.status === 'rejected') {
    const why = failed?.curated.status === 'rejected' ? `; ${failed.name}: ${failed.curated.reason}` : '';
    const reason = `answers disagree across perturbations: ${records.map(describe).join('; ')}${why}`;
    const rejected = { ...tally, status: 'rejected' as const, code: 'perturbation-inconsistent' as const, reason };
    return original.voteShare === undefined ? rejected : { ...rejected, voteShare: original.voteShare };
  }
  const voteShare = Math.min(...all.map((v) => (v.curated.status === 'accepted' ? v.curated.voteShare : 0)));
  return { ...tally, status: 'accepted', target: original.target, voteShare };
}
