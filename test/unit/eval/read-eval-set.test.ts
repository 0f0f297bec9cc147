import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itemConsistency } from '../../../shared/eval/item-consistency.js';
import { readEvalSet } from '../../../shared/eval/read-eval-set.js';
import type { SampleChain } from '../../../shared/strategies/strategy.js';

async function files(inputs: string, labels?: string): Promise<{ inputs: string; labels?: string }> {
  const dir = await mkdtemp(join(tmpdir(), 's2d-evalset-'));
  await writeFile(join(dir, 'in.jsonl'), inputs);
  if (labels === undefined) return { inputs: join(dir, 'in.jsonl') };
  await writeFile(join(dir, 'labels.jsonl'), labels);
  return { inputs: join(dir, 'in.jsonl'), labels: join(dir, 'labels.jsonl') };
}

describe('reading a labelled set', () => {
  it('joins a labels file by id; jobs carry the input only, labels carry answer and metadata', async () => {
    const f = await files(
      '{"id":"a","prompt":"P1","answerType":"number"}\n\n{"id":"b","prompt":"P2"}\n',
      '{"id":"b","answer":"7","task":"arithmetic","variant":"x"}\n{"id":"a","answer":12,"task":"arithmetic"}\n',
    );
    const set = await readEvalSet(f.inputs, f.labels, 'text');
    expect(set.jobs).toEqual([
      { index: 0, id: 'a', prompt: 'P1', answerType: 'number' },
      { index: 1, id: 'b', prompt: 'P2', answerType: 'text' },
    ]);
    expect(set.labels).toEqual([
      { index: 0, id: 'a', answer: '12', meta: { task: 'arithmetic' } },
      { index: 1, id: 'b', answer: '7', meta: { task: 'arithmetic', variant: 'x' } },
    ]);
    expect(JSON.stringify(set.jobs)).not.toMatch(/answer"|arithmetic/);
  });

  it('splits labels carried on the input lines off the input', async () => {
    const f = await files('{"prompt":"P","answer":"yes","variant":"biased"}\n');
    const set = await readEvalSet(f.inputs, undefined, 'yes-no');
    expect(set.jobs).toEqual([{ index: 0, id: 'line-1', prompt: 'P', answerType: 'yes-no' }]);
    expect(set.labels).toEqual([{ index: 0, id: 'line-1', answer: 'yes', meta: { variant: 'biased' } }]);
  });

  it('names file, line and field for bad input', async () => {
    const noLabel = await files('{"id":"a","prompt":"P"}\n{"id":"z","prompt":"Q"}\n', '{"id":"a","answer":"1"}\n');
    await expect(readEvalSet(noLabel.inputs, noLabel.labels, 'text')).rejects.toThrow(/in\.jsonl line 2: no label for id "z"/);
    const twice = await files('{"id":"a","prompt":"P","answer":"1"}\n{"id":"a","prompt":"P","answer":"1"}\n');
    await expect(readEvalSet(twice.inputs, undefined, 'text')).rejects.toThrow(/line 2, field "id": "a" appears twice/);
    const badJson = await files('{"id":\n');
    await expect(readEvalSet(badJson.inputs, undefined, 'text')).rejects.toThrow(/line 1: not valid JSON/);
    const badType = await files('{"prompt":"P","answer":"1","answerType":"essay"}\n');
    await expect(readEvalSet(badType.inputs, undefined, 'text')).rejects.toThrow(/field "answerType"/);
  });
});

describe('consistency under perturbation (the hook)', () => {
  const chain = (finalText: string, variantTexts?: string[]): SampleChain => ({
    sampleIndex: 0,
    finalText,
    calls: 1,
    usage: { promptTokens: 0, completionTokens: 0 },
    ...(variantTexts === undefined ? {} : { variantTexts }),
  });

  it('is undefined when no chain reports variants', () => {
    expect(itemConsistency([chain('Answer: A')], 'text')).toBeUndefined();
  });

  it('is true when every variant answers the same, false when any differs or is unreadable', () => {
    expect(itemConsistency([chain('Answer: A', ['Final answer: a'])], 'text')).toBe(true);
    expect(itemConsistency([chain('Answer: A', ['Answer: B'])], 'text')).toBe(false);
    expect(itemConsistency([chain('Answer: A', ['Answer: A']), chain('Answer: A', [''])], 'text')).toBe(false);
  });
});
