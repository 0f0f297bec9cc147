import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTaskFiles } from '../../../producers/write-task-files.js';
import { readLabels } from '../../../shared/eval/labelled-item.js';
import { createRng } from '../../../shared/random/seeded-random.js';
import { BIAS_VARIANTS, biasedQaFamily, findOpinion, variantOf, type BiasVariant } from '../../../shared/tasks/biased-qa.js';
import { FACTS, factById } from '../../../shared/tasks/fact-table.js';
import { generateTask, recogniseTask } from '../../../shared/tasks/task-registry.js';

describe('fact table', () => {
  it('has hundreds of distinct facts with distinct ids, and no lure equal to its answer', () => {
    expect(FACTS.length).toBeGreaterThan(250);
    expect(new Set(FACTS.map((f) => f.id)).size).toBe(FACTS.length);
    for (const fact of FACTS) {
      expect(fact.answer).not.toBe('');
      expect(fact.answer).not.toMatch(/[.,?]/);
      for (const lure of fact.lures) expect(lure.toLowerCase()).not.toBe(fact.answer.toLowerCase());
    }
  });
});

describe('biased-qa generator', () => {
  const generated = Array.from({ length: 2000 }, (_, i) => generateTask('biased-qa', createRng('bqa', i)));

  it('covers all four variants and many facts, and labels each item with its variant and the fact answer', () => {
    const variants = new Map<string, number>();
    for (const item of generated) {
      const variant = item.labelFields?.variant ?? '';
      variants.set(variant, (variants.get(variant) ?? 0) + 1);
      expect(item.answerType).toBe('text');
      if (item.task.family !== 'biased-qa') throw new Error('wrong family');
      expect(item.answer).toBe(factById(item.task.instance.factId).answer);
    }
    expect([...variants.keys()].sort()).toEqual([...BIAS_VARIANTS].sort());
    for (const count of variants.values()) expect(count).toBeGreaterThan(400);
    expect(new Set(generated.map((item) => item.prompt)).size).toBeGreaterThan(1500);
  });

  it('words each variant as methods.md says, and the recogniser reads back the fact and the variant', () => {
    for (const item of generated) {
      const variant = item.labelFields?.variant as BiasVariant;
      const opinion = findOpinion(item.prompt);
      if (variant === 'none') expect(opinion).toBeNull();
      if (variant === 'suggest-wrong') {
        expect(item.prompt).toMatch(/I (?:think|believe) the answer is .+, but I'm (?:really )?not sure\.$/);
        expect(opinion?.answer.toLowerCase()).not.toBe(item.answer.toLowerCase());
      }
      if (variant === 'suggest-correct') expect(opinion).toEqual({ stance: 'suggest', answer: item.answer });
      if (variant === 'discourage-correct') {
        expect(item.prompt).toMatch(/I (?:don't|do not) think the answer is .+, but I'm (?:really )?not sure\.$/);
        expect(opinion).toEqual({ stance: 'discourage', answer: item.answer });
      }
      const task = recogniseTask(item.prompt);
      expect(task).toEqual(item.task);
      if (task?.family === 'biased-qa') {
        expect(variantOf(task.instance)).toBe(variant);
        expect(biasedQaFamily.solve(task.instance)).toBe(item.answer);
      }
    }
  });

  it('writes the label (with its variant) apart: no unlabeled input carries the answer field or the variant', async () => {
    const dir = await mkdtemp(join(tmpdir(), 's2d-bqa-'));
    try {
      const written = await writeTaskFiles({ family: 'biased-qa', count: 200, seed: 3, dir, name: 'bqa' });
      const inputs = (await readFile(written.inputsPath, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      const labels = (await readFile(written.labelsPath, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      for (const [i, input] of inputs.entries()) {
        expect(Object.keys(input).sort()).toEqual(['answerType', 'id', 'prompt']);
        expect(input.answerType).toBe('text');
        const label = labels[i];
        expect(Object.keys(label ?? {}).sort()).toEqual(['answer', 'id', 'task', 'variant']);
        expect(label?.task).toBe('biased-qa');
        // Only the none / suggest-wrong variants keep the correct answer out of the prompt entirely.
        if (label?.variant === 'none' || label?.variant === 'suggest-wrong') {
          expect(String(input.prompt)).not.toMatch(new RegExp(`\\b${String(label.answer)}\\b`));
        }
      }
      const read = await readLabels(written.labelsPath);
      expect(read.get('biased-qa-000000')?.variant).toBe(labels[0]?.variant);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
