import { describe, expect, it } from 'vitest';
import { curateChains } from '../../../shared/curation/curate-chains.js';
import { curationMethodOf } from '../../../shared/curation/curation-method.js';
import { curateWithUsc } from '../../../shared/curation/curate-with-usc.js';
import { buildUscPrompt, parseUscSelection, USC_MAX_RESPONSE_CHARS, uscCandidates } from '../../../shared/curation/usc-prompt.js';
import { itemResultSchema } from '../../../shared/dataset/item-result.js';
import type { SampleChain } from '../../../shared/strategies/strategy.js';
import { DEFAULT_TEMPLATES } from '../../../shared/strategies/templates.js';
import { RecordingSampler } from '../strategies/recording-sampler.js';

const chain = (sampleIndex: number, finalText: string): SampleChain => ({ sampleIndex, finalText, calls: 2, usage: { promptTokens: 10, completionTokens: 5 } });

describe('USC prompt', () => {
  it('numbers the non-empty final texts in sample order and fills the placeholders', () => {
    const candidates = uscCandidates([chain(2, 'Answer: Lima'), chain(0, ' Answer: Cusco '), chain(1, '   ')]);
    expect(candidates).toEqual([
      { number: 1, sampleIndex: 0, text: 'Answer: Cusco' },
      { number: 2, sampleIndex: 2, text: 'Answer: Lima' },
    ]);
    const prompt = buildUscPrompt('{{count}} for {{question}}:\n{{responses}}', candidates, 'Capital of Peru?');
    expect(prompt).toBe('2 for Capital of Peru?:\nResponse 1:\nAnswer: Cusco\n\nResponse 2:\nAnswer: Lima');
    expect(DEFAULT_TEMPLATES.uscSelect).not.toContain('{{question}}');
  });

  it('clips a runaway response', () => {
    const [long] = uscCandidates([chain(0, 'x'.repeat(USC_MAX_RESPONSE_CHARS + 500))]);
    if (long === undefined) throw new Error('no candidate');
    expect(buildUscPrompt('{{responses}}', [long], '').length).toBeLessThan(USC_MAX_RESPONSE_CHARS + 40);
  });
});

describe('parseUscSelection', () => {
  it.each([
    ['Most consistent: Response 3', 3],
    ['The most consistent response is Response 2.', 2],
    ['**Most consistent:** Response 4', 4],
    ['Responses 1, 3 and 4 agree.\nMost consistent: Response 3', 3],
    ['the most consistent one is #5', 5],
    ['Most consistent: 1', 1],
    ['2', 2],
    ['Response 4.', 4],
    ['I pick response 2 because it matches the others.', 2],
    ['<think>Response 1 or Response 5?</think>Most consistent: Response 5', 5],
  ])('reads %j as %i', (reply, expected) => {
    expect(parseUscSelection(reply, 5)).toEqual({ ok: true, number: expected });
  });

  it.each([
    ['Most consistent: Response 6', /response 6, outside 1-5/],
    ['Most consistent: Response 0', /response 0, outside 1-5/],
    ['Response 2 and Response 4 are both good.', /several responses \(2, 4\)/],
    ['They all look fine to me.', /names no response/],
    ['', /names no response/],
  ])('rejects %j with a reason', (reply, reason) => {
    const selection = parseUscSelection(reply, 5);
    expect(selection.ok).toBe(false);
    if (!selection.ok) expect(selection.reason).toMatch(reason);
  });
});

describe('curateWithUsc', () => {
  const input = (chains: SampleChain[], sampler: RecordingSampler, answerType: 'text' | 'letters' = 'text') => ({
    chains,
    answerType,
    prompt: 'What is the capital of Peru?',
    template: DEFAULT_TEMPLATES.uscSelect,
    sampler,
    maxTokens: 64,
  });
  const split = [chain(0, 'Answer: Lima'), chain(1, 'Answer: Cusco'), chain(2, 'Answer: Lima'), chain(3, 'no idea, sorry\nreally')];

  it('makes one greedy call, takes the selected response as the target, and counts the call and its usage', async () => {
    const sampler = new RecordingSampler(() => 'Most consistent: Response 3');
    const curated = await curateWithUsc(input(split, sampler));
    expect(sampler.calls).toHaveLength(1);
    expect(sampler.calls[0]?.sampleIndices).toEqual([0]);
    expect(sampler.calls[0]?.params).toEqual({ temperature: 0, maxTokens: 64 });
    expect(sampler.prompt(0)).toContain('Response 2:\nAnswer: Cusco');
    expect(sampler.prompt(0)).not.toContain('What is the capital of Peru?');
    expect(curated).toMatchObject({
      status: 'accepted',
      target: 'lima',
      voteShare: 0.5,
      samples: 4,
      unextractable: 1,
      calls: 4 * 2 + 1,
      curation: { method: 'usc', selectedSample: 2, selectedResponse: 3, uscCall: true },
    });
    expect(curated.usage).toEqual({ promptTokens: 40 + sampler.prompt(0).length, completionTokens: 20 + 'Most consistent: Response 3'.length });
  });

  it('USC can accept what the vote would reject (a tie), and pick the minority when told to', async () => {
    const tie = [chain(0, 'Answer: Lima'), chain(1, 'Answer: Cusco')];
    const curated = await curateWithUsc(input(tie, new RecordingSampler(() => 'Most consistent: Response 2')));
    expect(curated).toMatchObject({ status: 'accepted', target: 'cusco', voteShare: 0.5 });
    const vote = await curateChains({ method: 'vote', chains: tie, answerType: 'text', prompt: '', minAgreement: 0.5, sampler: new RecordingSampler(), uscTemplate: '', maxTokens: 1 });
    expect(vote).toMatchObject({ status: 'rejected', code: 'tie', curation: { method: 'vote' } });
  });

  it('rejects an unreadable or out-of-range selection with its reason, still counting the call', async () => {
    const curated = await curateWithUsc(input(split, new RecordingSampler(() => 'Most consistent: Response 9')));
    expect(curated).toMatchObject({ status: 'rejected', code: 'invalid-selection', reason: 'USC selected response 9, outside 1-4', calls: 9 });
    const vague = await curateWithUsc(input(split, new RecordingSampler(() => 'They are all plausible.')));
    expect(vague).toMatchObject({ status: 'rejected', code: 'invalid-selection' });
  });

  it('a selected free-form text answer is its own target; for other answer types it is a reject', async () => {
    const text = await curateWithUsc(input(split, new RecordingSampler(() => 'Most consistent: Response 4')));
    expect(text).toMatchObject({ status: 'accepted', target: 'no idea, sorry\nreally', curation: { selectedSample: 3 } });
    const letters = [chain(0, 'Answer: ab'), chain(1, 'Answer: cd'), chain(2, 'I am not sure\nat all')];
    const rejected = await curateWithUsc(input(letters, new RecordingSampler(() => 'Most consistent: Response 3'), 'letters'));
    expect(rejected).toMatchObject({ status: 'rejected', code: 'no-extractable-answer', reason: expect.stringMatching(/selected response 3 \(sample 2\)/) as unknown });
  });

  it('skips the call when every sample gave the same answer, and rejects with no call when there is nothing to show', async () => {
    const sampler = new RecordingSampler();
    const unanimous = await curateWithUsc(input([chain(0, 'Answer: Lima'), chain(1, 'The answer is lima.')], sampler));
    expect(sampler.calls).toHaveLength(0);
    expect(unanimous).toMatchObject({ status: 'accepted', target: 'lima', voteShare: 1, calls: 4, curation: { method: 'usc', uscCall: false, selectedSample: 0 } });
    const empty = await curateWithUsc(input([chain(0, ''), chain(1, ' ')], sampler));
    expect(sampler.calls).toHaveLength(0);
    expect(empty).toMatchObject({ status: 'rejected', code: 'no-extractable-answer' });
  });

  it('its result is a valid item result', async () => {
    const curated = await curateWithUsc(input(split, new RecordingSampler(() => 'Most consistent: Response 1')));
    const result = itemResultSchema.parse({ index: 0, line: 1, id: 'a', prompt: 'p', ...curated });
    expect(result.curation).toEqual({ method: 'usc', selectedSample: 0, selectedResponse: 1, uscCall: true });
  });
});

describe('curationMethodOf', () => {
  it('defaults to USC for S2A and to the vote otherwise; the spec decides when it says', () => {
    expect(curationMethodOf({ strategy: 's2a', curation: {} })).toBe('usc');
    expect(curationMethodOf({ strategy: 'rar2', curation: {} })).toBe('vote');
    expect(curationMethodOf({ strategy: 's2a', curation: { method: 'vote' } })).toBe('vote');
    expect(curationMethodOf({ strategy: 'cot', curation: { method: 'usc' } })).toBe('usc');
  });
});
