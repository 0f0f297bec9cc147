import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/core-types.js';
import { drawChains } from '../../../shared/curation/draw-chains.js';
import { sampleAndCurate } from '../../../shared/curation/sample-and-curate.js';
import type { AdaptivePolicy } from '../../../shared/curation/stopping-rules.js';
import { callCacheKey, MemoryCallCache } from '../../../shared/llm/call-cache.js';
import type { Completion, Sampler, SamplingParams } from '../../../shared/llm/sampler.js';
import { createRng } from '../../../shared/random/seeded-random.js';
import { cotStrategy } from '../../../shared/strategies/cot.js';
import { asStrategy } from '../../../shared/strategies/program-shape.js';
import { rar2Strategy } from '../../../shared/strategies/rar2.js';
import type { SampleChain, Strategy, StrategyContext } from '../../../shared/strategies/strategy.js';
import { DEFAULT_TEMPLATES } from '../../../shared/strategies/templates.js';
import { RecordingSampler } from '../strategies/recording-sampler.js';

const BETA: AdaptivePolicy = { rule: 'beta', confidence: 0.95, minSamples: 3 };
const VOTE = { minAgreement: 0.5 };
const PARAMS = { temperature: 0.8, maxTokens: 64 };

/** Answer calls reply `Answer: <letters[i]>` for sample i ('-' = a reply with no answer); rephrase calls restate. */
function scripted(letters: string): RecordingSampler {
  return new RecordingSampler((prompt, index) => {
    if (prompt.includes('Do not answer it')) return `restated ${index}`;
    const letter = letters[index] ?? '-';
    return letter === '-' ? 'I am not sure.' : `Answer: ${letter}`;
  });
}

function context(sampler: Sampler, samples: number): StrategyContext {
  return { prompt: 'Take the last letters of the words in "Ada Lovelace".', answerType: 'letters', templates: DEFAULT_TEMPLATES, samples, params: PARAMS, sampler };
}

/** A sampler with the worker's call-cache contract (one entry per messages + params + sample index), counting paid calls. */
class CachingSampler implements Sampler {
  paid = 0;
  failAfter = Infinity;
  constructor(
    private readonly inner: Sampler,
    readonly cache = new MemoryCallCache(),
  ) {}

  async sample(messages: readonly ChatMessage[], indices: readonly number[], params: SamplingParams): Promise<Completion[]> {
    const keys = indices.map((index) => callCacheKey('m', messages, { ...params, seed: 1 }, index));
    const hits = await this.cache.getMany(keys);
    const missing = indices.filter((_index, i) => hits[i] === null);
    if (missing.length > 0 && this.paid + missing.length > this.failAfter) throw new Error('endpoint went away');
    this.paid += missing.length;
    const fresh = missing.length === 0 ? [] : await this.inner.sample(messages, missing, params);
    await this.cache.putMany(fresh.map((completion, i) => ({ key: keys[indices.indexOf(missing[i] ?? -1)] ?? '', value: { text: completion.text, usage: completion.usage } })));
    return indices.map((index, i) => {
      const hit = hits[i];
      if (hit !== null && hit !== undefined) return { ...hit, cached: true };
      const completion = fresh[missing.indexOf(index)];
      if (completion === undefined) throw new Error('unreachable');
      return completion;
    });
  }
}

describe('adaptive rounds', () => {
  it('CoT: asks only for the round\'s sample indices and stops once 4 agree', async () => {
    const sampler = scripted('aaaabbbb');
    const drawn = await drawChains({ strategy: cotStrategy, context: context(sampler, 8), answerType: 'letters', policy: BETA, acceptance: VOTE });
    expect(sampler.calls.map((call) => call.sampleIndices)).toEqual([[0, 1, 2, 3]]);
    expect(drawn.chains.map((chain) => chain.sampleIndex)).toEqual([0, 1, 2, 3]);
    expect(drawn.sampling).toEqual({ drawn: 4, max: 8, rounds: 1, decision: 'decided', why: 'beta P=0.968 >= 0.95 (4 vs 0) after 4' });
  });

  it('RaR 2-step runs whole chains per round: one rephrase call for the round, then one answer call per chain', async () => {
    const sampler = scripted('aaabaaa');
    const drawn = await drawChains({ strategy: rar2Strategy, context: context(sampler, 20), answerType: 'letters', policy: BETA, acceptance: VOTE });
    expect(sampler.calls.map((call) => call.sampleIndices)).toEqual([[0, 1, 2, 3], [0], [1], [2], [3], [4, 5, 6], [4], [5], [6]]);
    expect(drawn.sampling).toMatchObject({ drawn: 7, rounds: 2, decision: 'decided', why: 'beta P=0.964 >= 0.95 (6 vs 1) after 7' });
    expect(drawn.chains.every((chain) => chain.calls === 2)).toBe(true);
  });

  it('stops once the full-budget vote is settled, before the rule is met', async () => {
    const sampler = scripted('aaabaaa');
    const drawn = await drawChains({ strategy: cotStrategy, context: context(sampler, 8), answerType: 'letters', policy: BETA, acceptance: VOTE });
    expect(sampler.calls.map((call) => call.sampleIndices)).toEqual([[0, 1, 2, 3], [4, 5]]);
    expect(drawn.sampling).toEqual({ drawn: 6, max: 8, rounds: 2, decision: 'decided', why: "settled after 6: 'a' has 5 of 8 whatever the remaining 2 say" });
  });

  it('draws all samples when the rule never decides, and records it', async () => {
    const sampler = scripted('aabbaabb');
    const drawn = await drawChains({ strategy: cotStrategy, context: context(sampler, 8), answerType: 'letters', policy: BETA, acceptance: VOTE });
    expect(drawn.sampling).toMatchObject({ drawn: 8, max: 8, decision: 'max-samples' });
    expect(drawn.sampling?.why).toMatch(/^drew all 8; beta P=0\.5 < 0\.95/);
  });

  it('without a policy runs the strategy once over all N, as before', async () => {
    const sampler = scripted('aaaaaaaa');
    const drawn = await drawChains({ strategy: cotStrategy, context: context(sampler, 8), answerType: 'letters', policy: undefined, acceptance: VOTE });
    expect(sampler.calls.map((call) => call.sampleIndices)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7]]);
    expect(drawn.sampling).toBeUndefined();
  });

  it('stops at the same sample as drawing one at a time would, on any answers', async () => {
    for (let trial = 0; trial < 120; trial++) {
      const rng = createRng('adaptive-equivalence', trial);
      const letters = Array.from({ length: 12 }, () => (rng.chance(0.15) ? '-' : rng.chance(0.6) ? 'a' : rng.pick(['b', 'c']))).join('');
      for (const policy of [BETA, { rule: 'window', window: 3, minSamples: 3 } satisfies AdaptivePolicy]) {
        const auto = await drawChains({ strategy: cotStrategy, context: context(scripted(letters), 12), answerType: 'letters', policy, acceptance: VOTE });
        const single = await drawChains({ strategy: cotStrategy, context: context(scripted(letters), 12), answerType: 'letters', policy: { ...policy, roundSize: 1 }, acceptance: VOTE });
        expect([auto.sampling?.drawn, auto.sampling?.decision], `${policy.rule} on ${letters}`).toEqual([single.sampling?.drawn, single.sampling?.decision]);
        expect(auto.sampling?.rounds ?? 0).toBeLessThanOrEqual(single.sampling?.rounds ?? 0);
      }
    }
  });

  it('rejects early with the reason, and USC never rejects early', async () => {
    const vote = await sampleAndCurate({
      strategy: cotStrategy, context: context(scripted('abcdefgh'), 8), policy: BETA, method: 'vote', answerType: 'letters', prompt: 'q',
      minAgreement: 0.5, sampler: scripted(''), uscTemplate: DEFAULT_TEMPLATES.uscSelect, maxTokens: 64,
    });
    expect(vote).toMatchObject({ status: 'rejected', samples: 6, sampling: { drawn: 6, decision: 'undecidable' } });
    expect(vote.status === 'rejected' && vote.reason).toMatch(/; stopped early \(undecidable after 6: even if the remaining 2 agreed with 'a', it would have 3 of 8, below minAgreement 0\.5\)$/);
    const usc = await drawChains({ strategy: cotStrategy, context: context(scripted('abcdefgh'), 8), answerType: 'letters', policy: { ...BETA, minSamples: 2 }, acceptance: null });
    expect(usc.sampling).toMatchObject({ drawn: 8, decision: 'max-samples' });
  });

  it('a program that ignores firstSample still works: earlier chains come from the cache and are dropped', async () => {
    const inner = scripted('aaabaaaa');
    const sampler = new CachingSampler(inner);
    // Reads only ctx.samples, as programs written before adaptive sampling do.
    const legacy: Strategy = {
      name: 'legacy',
      system: 2,
      async run(ctx): Promise<SampleChain[]> {
        const indices = Array.from({ length: ctx.samples }, (_unused, i) => i);
        const completions = await ctx.sampler.sample([{ role: 'user', content: 'q' }], indices, ctx.params);
        return completions.map((completion, i) => ({ sampleIndex: i, finalText: completion.text, calls: 1, usage: completion.usage }));
      },
    };
    const drawn = await drawChains({ strategy: legacy, context: context(sampler, 20), answerType: 'letters', policy: BETA, acceptance: VOTE });
    expect(drawn.sampling).toMatchObject({ drawn: 7, rounds: 2, decision: 'decided' });
    expect(drawn.chains.map((chain) => chain.sampleIndex)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(sampler.paid).toBe(7);
    expect(inner.calls.map((call) => call.sampleIndices)).toEqual([[0, 1, 2, 3], [4, 5, 6]]);
  });

  it('the example user-defined program (examples/plan-then-solve.mjs) draws only each round\'s sample indices', async () => {
    const url = pathToFileURL(resolve(import.meta.dirname, '../../../examples/plan-then-solve.mjs')).href;
    const module = (await import(url)) as Record<string, unknown>;
    const program = asStrategy(module.planThenSolve, 'plan-then-solve (example)');
    const sampler = new RecordingSampler((prompt, index) => (prompt.includes('numbered plan') ? `1. plan ${index}` : `Answer: ${'aaab'.charAt(index) || 'a'}`));
    const drawn = await drawChains({ strategy: program, context: context(sampler, 8), answerType: 'letters', policy: BETA, acceptance: VOTE });
    expect(sampler.calls.map((call) => call.sampleIndices)).toEqual([[0, 1, 2, 3], [0], [1], [2], [3], [4, 5], [4], [5]]);
    expect(drawn.sampling).toMatchObject({ drawn: 6, rounds: 2, decision: 'decided' });
  });

  it('a retried item replays its paid calls from the cache and stops at the same sample; a warm cache pays for nothing', async () => {
    const letters = 'aaabbaaaaaa';
    const clean = new CachingSampler(scripted(letters));
    const reference = await drawChains({ strategy: rar2Strategy, context: context(clean, 10), answerType: 'letters', policy: BETA, acceptance: VOTE });
    expect(reference.sampling).toMatchObject({ drawn: 8, rounds: 3, decision: 'decided' });

    // The first execution dies in its second round (rephrasings 4-6 and the answer of chain 4 paid and cached).
    const flaky = new CachingSampler(scripted(letters));
    flaky.failAfter = 12;
    await expect(drawChains({ strategy: rar2Strategy, context: context(flaky, 10), answerType: 'letters', policy: BETA, acceptance: VOTE })).rejects.toThrow('endpoint went away');
    expect(flaky.paid).toBe(12);
    flaky.failAfter = Infinity;
    const retried = await drawChains({ strategy: rar2Strategy, context: context(flaky, 10), answerType: 'letters', policy: BETA, acceptance: VOTE });
    expect(retried.sampling).toEqual(reference.sampling);
    expect(flaky.paid).toBe(clean.paid);

    const warm = new CachingSampler(scripted(letters), clean.cache);
    const replayed = await drawChains({ strategy: rar2Strategy, context: context(warm, 10), answerType: 'letters', policy: BETA, acceptance: VOTE });
    expect(warm.paid).toBe(0);
    expect(replayed.sampling).toEqual(reference.sampling);
    expect(replayed.chains.map((chain) => chain.finalText)).toEqual(reference.chains.map((chain) => chain.finalText));
  });
});
