import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itemConsistency, withVariantTexts } from '../../../shared/eval/item-consistency.js';
import { readEvalSet } from '../../../shared/eval/read-eval-set.js';
import { swapAb } from '../../../shared/perturbation/perturbation.js';
import type { SampleChain } from '../../../shared/strategies/strategy.js';
import { DEFAULT_TEMPLATES } from '../../../shared/strategies/templates.js';

async function inputFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 's2d-evalset-structured-'));
  await writeFile(join(dir, 'in.jsonl'), text);
  return join(dir, 'in.jsonl');
}

const pair = { question: 'Q?', responseA: 'first', responseB: 'second' };

describe('eval sets with structured lines', () => {
  it('a pair line gets its prompt rendered by the given templates and carries the pair on the job, never its label', async () => {
    const path = await inputFile(`${JSON.stringify({ id: 'p', pair, answerType: 'verdict', answer: 'B', task: 'judge' })}\n`);
    const set = await readEvalSet(path, undefined, 'verdict', { renderPrompt: (input) => `RENDERED ${input.kind}` });
    expect(set.jobs).toEqual([{ index: 0, id: 'p', prompt: 'RENDERED pair', answerType: 'verdict', structured: { kind: 'pair', ...pair } }]);
    expect(set.labels).toEqual([{ index: 0, id: 'p', answer: 'B', meta: { task: 'judge' } }]);
  });

  it('bad structured lines fail with the producer\'s wording, naming line and field', async () => {
    const missing = await inputFile(`${JSON.stringify({ id: 'p', pair: { question: 'Q', responseA: 'a' }, answer: 'A' })}\n`);
    await expect(readEvalSet(missing, undefined, 'verdict')).rejects.toThrow(/line 1, field "pair.responseB": expected a non-empty string/);
    const plain = await inputFile(`${JSON.stringify({ id: 'p', prompt: 'just text', answer: 'A' })}\n`);
    await expect(readEvalSet(plain, undefined, 'verdict', { requires: 'pair' })).rejects.toThrow(/line 1, field "pair": this run needs "pair"/);
  });

  it('variant answers are mapped back before consistency is judged (a swap-ab A means B in the original)', () => {
    const chain = (finalText: string): SampleChain => ({ sampleIndex: 0, finalText, calls: 1, usage: { promptTokens: 1, completionTokens: 1 } });
    const { mapBack } = swapAb({ kind: 'pair', ...pair });
    const consistent = withVariantTexts([chain('[[B]]')], [{ mapBack, chains: [chain('[[A]]')] }], 'verdict', DEFAULT_TEMPLATES);
    expect(consistent[0]?.variantTexts).toEqual(['[[B]]']);
    expect(itemConsistency(consistent, 'verdict')).toBe(true);
    const flipped = withVariantTexts([chain('[[B]]')], [{ mapBack, chains: [chain('[[B]]')] }], 'verdict', DEFAULT_TEMPLATES);
    expect(itemConsistency(flipped, 'verdict')).toBe(false);
    const ties = withVariantTexts([chain('[[C]]')], [{ mapBack, chains: [chain('[[C]]')] }], 'verdict', DEFAULT_TEMPLATES);
    expect(itemConsistency(ties, 'verdict')).toBe(true);
  });
});
