import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadRunSpecFile, resolveRunSpec, RunSpecError } from '../../../shared/config/load-run-spec.js';
import { runSpecSchema } from '../../../shared/config/run-spec.js';
import { loadEvalSpecFile } from '../../../shared/eval/eval-spec.js';
import { curationMethodOf } from '../../../shared/curation/curation-method.js';
import { structuredInputOptions } from '../../../producers/structured-input-options.js';
import { templatesUsedByStrategy } from '../../../shared/strategies/strategy-registry.js';
import { strategyLabel } from '../../../shared/strategies/strategy-ref.js';

const PROGRAM = "export const mine = { name: 'mine', system: 2, run: async () => [] };\n";
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 's2d-program-spec-'));
  await mkdir(join(dir, 'programs'));
  await writeFile(join(dir, 'in.jsonl'), '{"prompt":"hi"}\n');
  await writeFile(join(dir, 'programs', 'mine.mjs'), PROGRAM);
});

const specFile = async (strategy: string): Promise<string> => {
  const path = join(dir, 'spec.yaml');
  await writeFile(path, `input: in.jsonl\nanswerType: letters\nmodel: { name: m }\nstrategy: ${strategy}\n`);
  return path;
};

const resolveFile = async (path: string) => resolveRunSpec(await loadRunSpecFile(path), { baseDir: dir, defaultBaseUrl: 'http://127.0.0.1:1/v1', specFile: path });

describe('a user-defined program in a run spec', () => {
  it('is resolved against the spec file and recorded with its sha256; export defaults to "default"', async () => {
    const resolved = await resolveFile(await specFile('{ module: ./programs/mine.mjs, export: mine }'));
    expect(resolved.strategy).toEqual({ module: join(dir, 'programs', 'mine.mjs'), export: 'mine', sha256: sha256(PROGRAM) });
    expect(strategyLabel(resolved.strategy)).toBe(`module:mine@${sha256(PROGRAM).slice(0, 12)}`);
    const byDefault = await resolveFile(await specFile('{ module: programs/mine.mjs }'));
    expect(byDefault.strategy).toMatchObject({ export: 'default' });
  });

  it('a missing file is a RunSpecError naming the spec file and strategy.module', async () => {
    const path = await specFile('{ module: ./programs/nope.mjs }');
    const error = await resolveFile(path).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(RunSpecError);
    expect((error as Error).message).toBe(`${path}, field "strategy.module": program file not found: ${join(dir, 'programs', 'nope.mjs')}`);
    await expect(resolveFile(await specFile('{ module: ./programs }'))).rejects.toThrow(/field "strategy.module": .*programs is not a regular file/);
  });

  it('a pinned sha256 the file no longer has is refused; editing the program makes another run id', async () => {
    await expect(resolveFile(await specFile(`{ module: ./programs/mine.mjs, sha256: ${'a'.repeat(64)} }`))).rejects.toThrow(/field "strategy.sha256": .* hashes to [0-9a-f]{64}, not the pinned a{64}/);
    const path = await specFile('{ module: ./programs/mine.mjs, export: mine }');
    const before = await resolveFile(path);
    await writeFile(join(dir, 'programs', 'mine.mjs'), `${PROGRAM}// edited\n`);
    const after = await resolveFile(path);
    expect(after.runId).not.toBe(before.runId);
  });

  it('keeps the spec errors readable: a mistyped name still gets its suggestion, a mistyped key in the mapping too', async () => {
    const typo = await specFile('rar3');
    await expect(loadRunSpecFile(typo)).rejects.toThrow(`${typo} line 4, field "strategy": expected one of "system1", "cot", "rar1", "rar2", "s2a", "bsm", got the string "rar3" (did you mean "rar1" or "rar2"?)`);
    const key = await specFile('{ modul: ./programs/mine.mjs }');
    const message = await loadRunSpecFile(key).then(() => '', (e: unknown) => (e as Error).message);
    expect(message).toContain('field "strategy.modul": unknown field (did you mean "module"?); allowed here: module, export, sha256');
    expect(message).toContain('field "strategy.module": required');
    await expect(loadRunSpecFile(await specFile('3'))).rejects.toThrow(/field "strategy": expected one of "system1", .*"bsm", or expected object; got number 3/);
  });

  it('is treated like cot: self-consistency sampling defaults, vote curation, no step templates, no structured input required', () => {
    const spec = runSpecSchema.parse({ input: 'in.jsonl', answerType: 'letters', model: { name: 'm' }, strategy: { module: '/p.mjs' } });
    expect(spec.sampling).toMatchObject({ samples: 8, temperature: 0.8 });
    expect(curationMethodOf(spec)).toBe('vote');
    expect(templatesUsedByStrategy(spec.strategy)).toEqual(['answerFormat']);
    expect(structuredInputOptions(spec).requires).toBeUndefined();
  });

  it('evals refuse it with a clear error', async () => {
    const path = join(dir, 'eval.yaml');
    await writeFile(path, 'input: in.jsonl\nanswerType: letters\nmodel: { name: m }\nstrategy: { module: ./programs/mine.mjs }\n');
    await expect(loadEvalSpecFile(path)).rejects.toThrow(`${path} line 4, field "strategy": user-defined programs ({module: …}) are not supported for evals yet: use a built-in strategy`);
  });
});
