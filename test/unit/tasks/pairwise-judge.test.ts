import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTaskFiles } from '../../../producers/write-task-files.js';
import { createRng } from '../../../shared/random/seeded-random.js';
import { findJudgeParts } from '../../../shared/tasks/judge-parts.js';
import { betterResponse, judgeKindOf } from '../../../shared/tasks/judge-quality.js';
import { pairwiseJudgeFamily } from '../../../shared/tasks/pairwise-judge.js';

const generated = Array.from({ length: 600 }, (_u, i) => pairwiseJudgeFamily.generate(createRng('judge-test', i)));

describe('pairwise-judge generator', () => {
  it('labels every item by the content check, with the better response at A or B about half the time each', () => {
    const labels = generated.map((g) => g.answer);
    expect(new Set(labels)).toEqual(new Set(['A', 'B']));
    const atA = labels.filter((l) => l === 'A').length / labels.length;
    expect(atA).toBeGreaterThan(0.44);
    expect(atA).toBeLessThan(0.56);
    for (const g of generated) {
      expect(g.answer).toBe(betterResponse(g.instance.question, g.instance.responseA, g.instance.responseB));
      expect(g.instance.responseA).not.toBe(g.instance.responseB);
    }
  });

  it('makes hundreds of distinct items across all four question kinds', () => {
    expect(new Set(generated.map((g) => JSON.stringify(g.instance))).size).toBeGreaterThan(500);
    expect(new Set(generated.map((g) => judgeKindOf(g.instance.question)))).toEqual(new Set(['arithmetic', 'capital', 'list', 'explain']));
  });

  it('reads the question and both responses back out of its own prompt and out of other judging wordings', () => {
    for (const g of generated.slice(0, 50)) expect(pairwiseJudgeFamily.recognise(g.prompt)).toEqual(g.instance);
    const mtBenchStyle =
      "[User Question]\nWhat is 20 plus 22?\n\n[The Start of Assistant A's Answer]\nIt is 42.\n[The End of Assistant A's Answer]\n\n" +
      "[The Start of Assistant B's Answer]\nIt is 41.\n[The End of Assistant B's Answer]\n\nWhich is better?";
    expect(findJudgeParts(mtBenchStyle)).toEqual({ question: 'What is 20 plus 22?', responseA: 'It is 42.', responseB: 'It is 41.' });
    const inline = 'Question: Which city is the capital of Canada?\nResponse 1: Toronto.\nResponse 2: Ottawa.\n\nPick one.';
    const parts = findJudgeParts(inline);
    expect(parts).toEqual({ question: 'Which city is the capital of Canada?', responseA: 'Toronto.', responseB: 'Ottawa.' });
    expect(betterResponse(parts.question ?? '', parts.responseA ?? '', parts.responseB ?? '')).toBe('B');
  });

  it('is written by s2d generate as structured lines with the labels apart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 's2d-judge-gen-'));
    const files = await writeTaskFiles({ family: 'pairwise-judge', count: 20, seed: 4, dir, name: 'judge' });
    const inputs = (await readFile(files.inputsPath, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const labels = (await readFile(files.labelsPath, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(inputs[0]).toMatchObject({ id: 'pairwise-judge-000000', answerType: 'verdict', pair: { question: expect.any(String) as string } });
    expect(inputs[0]).not.toHaveProperty('prompt');
    expect(JSON.stringify(inputs)).not.toMatch(/"answer"/);
    expect(labels.every((l) => l.answer === 'A' || l.answer === 'B')).toBe(true);
  });
});
