import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRunSpecFile } from '../../../shared/config/load-run-spec.js';
import { runSpecObjectSchema } from '../../../shared/config/run-spec.js';
import { evalSpecSchema } from '../../../shared/eval/eval-spec.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's2d-adaptive-spec-'));
  await writeFile(join(dir, 'in.jsonl'), '{"prompt":"hi"}\n');
});

async function load(lines: string[]): Promise<Awaited<ReturnType<typeof loadRunSpecFile>>> {
  const path = join(dir, `spec-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(path, ['input: in.jsonl', 'answerType: letters', 'model: { name: m }', ...lines, ''].join('\n'));
  return loadRunSpecFile(path);
}

async function problems(lines: string[]): Promise<string[]> {
  const error = await load(lines).catch((e: unknown) => e);
  if (!(error instanceof Error)) throw new Error('the spec was accepted');
  return error.message.split('\n').slice(1).map((line) => line.replace(/^.*?, field /, 'field ').trim());
}

describe('sampling.adaptive', () => {
  it('is off by default; true means the Beta rule at 0.95 after at least 3 samples, rejecting below a 0.05 chance; false is off', async () => {
    expect((await load([])).sampling.adaptive).toBeUndefined();
    expect((await load(['sampling: { samples: 8, adaptive: true }'])).sampling.adaptive).toEqual({ rule: 'beta', confidence: 0.95, minSamples: 3, rejectBelow: 0.05 });
    expect((await load(['sampling: { samples: 8, adaptive: false }'])).sampling.adaptive).toBeUndefined();
  });

  it('fills the chosen rule\'s defaults, and the parsed policy parses again to itself (specs are stored resolved)', async () => {
    const spec = await load(['sampling:', '  samples: 40', '  adaptive: { rule: window, roundSize: 2 }']);
    expect(spec.sampling.adaptive).toEqual({ rule: 'window', window: 4, minSamples: 3, roundSize: 2, rejectBelow: 0.05 });
    expect((await load(['sampling: { samples: 8, adaptive: { rejectBelow: 0 } }'])).sampling.adaptive).toEqual({ rule: 'beta', confidence: 0.95, minSamples: 3, rejectBelow: 0 });
    expect(runSpecObjectSchema.parse(JSON.parse(JSON.stringify(spec))).sampling.adaptive).toEqual(spec.sampling.adaptive);
  });

  it('refuses nonsense with the field named', async () => {
    expect(await problems(['sampling: { samples: 8, adaptive: { confidence: 1 } }'])).toEqual(['field "sampling.adaptive.confidence": Too big: expected number to be <1']);
    expect(await problems(['sampling: { samples: 8, adaptive: { rejectBelow: 1 } }'])).toEqual(['field "sampling.adaptive.rejectBelow": Too big: expected number to be <1']);
    expect(await problems(['sampling: { samples: 8, adaptive: { rule: beta, window: 5 } }'])).toEqual(['field "sampling.adaptive.window": applies to rule window only (this rule is beta)']);
    expect(await problems(['sampling: { samples: 8, adaptive: { rule: dirichlet } }'])).toEqual([
      'field "sampling.adaptive.rule": expected one of "beta", "window", got the string "dirichlet"',
    ]);
    expect(await problems(['sampling: { samples: 8, adaptive: { minSamples: 9 } }'])).toEqual(['field "sampling.adaptive.minSamples": is 9, more than sampling.samples (8)']);
    expect(await problems(['sampling: { samples: 3, adaptive: true }'])).toEqual([
      'field "sampling.adaptive.confidence": 0.95 cannot be reached within sampling.samples (3): even 3 of 3 agreeing gives P=0.937; lower it or raise sampling.samples',
    ]);
    expect(await problems(['sampling: { samples: 1, adaptive: true }'])).toEqual(['field "sampling.adaptive": needs sampling.samples of at least 2 (the most an item may draw), got 1']);
    expect(await problems(['sampling: { samples: 8, adaptive: { minSamples: 1 } }', 'curation: { method: usc }'])).toEqual([
      'field "sampling.adaptive.minSamples": is 1, but USC curation needs at least 2 samples to choose among',
    ]);
    expect(await problems(['sampling: { samples: 8, adaptive: { windw: 3 } }'])).toEqual([
      expect.stringMatching(/^field "sampling.adaptive.windw": unknown field \(did you mean "window"\?\)/) as unknown,
    ]);
  });

  it('is refused in eval specs, which draw a fixed number of samples', () => {
    const parsed = evalSpecSchema.safeParse({ input: 'x', answerType: 'letters', model: { name: 'm' }, sampling: { samples: 5, adaptive: true } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['sampling.adaptive', 'adaptive sampling is a distillation setting (run spec sampling.adaptive); an eval draws exactly sampling.samples per item, so remove it'],
    ]);
  });
});
