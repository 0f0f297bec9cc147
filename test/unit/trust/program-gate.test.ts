import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { classifyLlmError } from '../../../shared/llm/classify-llm-error.js';
import { loadProgram } from '../../../shared/strategies/load-program.js';
import { ProgramError, ProgramOutputError } from '../../../shared/strategies/program-error.js';
import { resolveTemplates } from '../../../shared/strategies/strategy-registry.js';
import { strategyContext } from '../../../shared/strategies/strategy.js';
import type { ModuleStrategyRef } from '../../../shared/strategies/strategy-ref.js';
import { programPathAllowed, verifyProgramFile } from '../../../shared/trust/program-gate.js';
import { TrustRefusal } from '../../../shared/trust/trust-refusal.js';
import { RecordingSampler } from '../strategies/recording-sampler.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/plan-then-solve.mjs', import.meta.url));

const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/** A strategy module that also leaves a marker file when it is imported, so a test can tell whether it ever ran. */
const program = (marker: string, body = "export default { name: 'p', system: 2, run: async () => [] };"): string =>
  `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'imported');\n${body}\n`;

let dir: string;
let allowed: string;
let outside: string;
let marker: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 's2d-gate-'));
  allowed = join(dir, 'programs');
  outside = join(dir, 'elsewhere');
  await mkdir(allowed);
  await mkdir(outside);
  marker = join(dir, 'imported.marker');
});

/** Writes a program file and returns its spec reference as submit records it. */
async function put(path: string, text: string, exportName = 'default'): Promise<ModuleStrategyRef> {
  await writeFile(path, text);
  return { module: path, export: exportName, sha256: sha256(text) };
}

async function refusal(promise: Promise<unknown>): Promise<TrustRefusal> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TrustRefusal);
  return error as TrustRefusal;
}

async function programError(promise: Promise<unknown>): Promise<ProgramError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ProgramError);
  return error as ProgramError;
}

describe('programPathAllowed (lexical, for submitters)', () => {
  it('allows a listed file exactly and paths below a listed directory, by whole segments', () => {
    const paths = ['/srv/programs', '/opt/one/program.mjs'];
    expect(programPathAllowed(paths, '/srv/programs/a.mjs')).toBe(true);
    expect(programPathAllowed(paths, '/srv/programs/team/b.mjs')).toBe(true);
    expect(programPathAllowed(paths, '/opt/one/program.mjs')).toBe(true);
    expect(programPathAllowed(paths, '/srv/programs-old/a.mjs')).toBe(false);
    expect(programPathAllowed(paths, '/opt/one/other.mjs')).toBe(false);
    expect(programPathAllowed(paths, '/srv/a.mjs')).toBe(false);
  });

  it('resolves `..` before deciding and refuses relative paths and an empty policy', () => {
    expect(programPathAllowed(['/srv/programs'], '/srv/programs/../secrets/a.mjs')).toBe(false);
    expect(programPathAllowed(['/srv/programs'], '/srv/programs/team/../a.mjs')).toBe(true);
    expect(programPathAllowed(['/srv/programs'], 'programs/a.mjs')).toBe(false);
    expect(programPathAllowed([], '/srv/programs/a.mjs')).toBe(false);
  });
});

describe('the workers\' program gate', () => {
  it('loads a program inside a listed directory and runs it through the sampler it is given', async () => {
    const ref = await put(join(allowed, 'plan-then-solve.mjs'), await readFile(EXAMPLE, 'utf8'), 'planThenSolve');
    const strategy = await loadProgram(ref, [allowed]);
    expect(strategy).toMatchObject({ name: 'plan-then-solve', system: 2 });
    const sampler = new RecordingSampler((prompt, index) => (prompt.includes('plan only') ? `1. look ${index}` : `Final answer: xy`));
    const settings = { sampling: { samples: 3, temperature: 0.8, maxTokens: 64 }, bsm: { maxCriteria: 5, merge: 'sum' as const } };
    const chains = await strategy.run(strategyContext(settings, resolveTemplates().templates, { prompt: 'Take the last letters of "ax by".', answerType: 'letters', structured: undefined }, sampler));
    expect(chains.map((chain) => [chain.sampleIndex, chain.finalText, chain.calls])).toEqual([[0, 'Final answer: xy', 2], [1, 'Final answer: xy', 2], [2, 'Final answer: xy', 2]]);
    // One call for all N plans, then one solve call per sample that shows its own plan and the answer-format line.
    expect(sampler.calls.map((call) => call.sampleIndices)).toEqual([[0, 1, 2], [0], [1], [2]]);
    expect(sampler.prompt(2)).toContain('1. look 1');
    expect(sampler.prompt(2)).toContain(resolveTemplates().templates.answerFormat.letters);
  });

  it('refuses a program outside the listed paths, naming strategy.module and S2D_PROGRAM_PATHS, without importing it', async () => {
    const ref = await put(join(outside, 'evil.mjs'), program(marker));
    const error = await refusal(loadProgram(ref, [allowed]));
    expect(error.field).toBe('strategy.module');
    expect(error.message).toContain(`${ref.module} is outside the allowed program paths`);
    expect(error.message).toContain(`S2D_PROGRAM_PATHS=${allowed}`);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses every program when the policy lists none', async () => {
    const ref = await put(join(allowed, 'p.mjs'), program(marker));
    expect((await refusal(loadProgram(ref, []))).message).toContain('S2D_PROGRAM_PATHS is not set');
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a symlink inside a listed directory that leads out of it', async () => {
    const target = await put(join(outside, 'evil.mjs'), program(marker));
    const link = join(allowed, 'innocent.mjs');
    await symlink(target.module, link);
    const error = await refusal(loadProgram({ ...target, module: link }, [allowed]));
    expect(error.message).toContain(`${link} (really ${target.module}) is outside`);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a `..` path that starts in a listed directory and ends outside it', async () => {
    const target = await put(join(outside, 'evil.mjs'), program(marker));
    const dotted = `${allowed}/../elsewhere/evil.mjs`;
    await refusal(loadProgram({ ...target, module: dotted }, [allowed]));
    expect(existsSync(marker)).toBe(false);
  });

  it('follows symlinks on the policy side too: a listed directory that is a symlink allows what is really inside it', async () => {
    const ref = await put(join(allowed, 'p.mjs'), program(marker));
    const alias = join(dir, 'alias');
    await symlink(allowed, alias);
    expect((await loadProgram(ref, [alias])).name).toBe('p');
    expect((await loadProgram({ ...ref, module: join(alias, 'p.mjs') }, [allowed])).name).toBe('p');
  });

  it('a listed file allows that file only, not its neighbours; a listed directory is not itself a program', async () => {
    const listed = await put(join(outside, 'listed.mjs'), program(marker));
    const neighbour = await put(join(outside, 'neighbour.mjs'), program(join(dir, 'neighbour.marker')));
    expect((await verifyProgramFile(listed, [listed.module])).path).toBe(listed.module);
    await refusal(verifyProgramFile(neighbour, [listed.module]));
    await refusal(verifyProgramFile({ ...listed, module: outside }, [outside]));
  });

  it('refuses a file changed since submit, and one whose spec carries no hash', async () => {
    const ref = await put(join(allowed, 'p.mjs'), program(marker));
    await writeFile(ref.module, program(marker, "export default { name: 'changed', system: 2, run: async () => [] };"));
    const changed = await refusal(loadProgram(ref, [allowed]));
    expect(changed.field).toBe('strategy.module');
    expect(changed.message).toMatch(/changed since the run was submitted \(it hashes to [0-9a-f]{12}…, the run recorded [0-9a-f]{12}…\)/);
    const unhashed = await refusal(loadProgram({ module: ref.module, export: 'default' }, [allowed]));
    expect(unhashed.field).toBe('strategy.sha256');
    expect(existsSync(marker)).toBe(false);
  });

  it('runs the bytes it verified: a new version of the same file is imported afresh, not served from the module cache', async () => {
    const path = join(allowed, 'versioned.mjs');
    const v1 = await put(path, "export default { name: 'v1', system: 2, run: async () => [] };");
    expect((await loadProgram(v1, [allowed])).name).toBe('v1');
    const v2 = await put(path, "export default { name: 'v2', system: 2, run: async () => [] };");
    expect((await loadProgram(v2, [allowed])).name).toBe('v2');
    // The old version's run is now refused: its recorded hash no longer matches the file.
    await refusal(loadProgram(v1, [allowed]));
  });

  it('names a missing export and lists the ones the module has', async () => {
    const ref = await put(join(allowed, 'p.mjs'), "export const alpha = 1;\nexport const beta = 2;\n", 'gamma');
    const error = await programError(loadProgram(ref, [allowed]));
    expect(error.field).toBe('strategy.export');
    expect(error.message).toContain('"gamma":');
    expect(error.message).toContain('has no such export (it exports: alpha, beta)');
  });

  it('says what is wrong with an export that is not a strategy', async () => {
    const shapes: [string, RegExp][] = [
      ['export default 42;', /it is number 42/],
      ["export default { name: '', system: 3 };", /name must be a non-empty string; system must be 1 or 2; run must be a function/],
      ["export default { name: 'p', system: 2, run: async () => [], requires: 'table' };", /requires, when set, must be "pair" or "options"/],
    ];
    for (const [body, expected] of shapes) {
      const ref = await put(join(allowed, 'p.mjs'), body);
      const error = await programError(loadProgram(ref, [allowed]));
      expect(error.field).toBe('strategy.export');
      expect(error.message).toMatch(/is not a strategy \{name, system: 1 \| 2, run\(ctx\)\}/);
      expect(error.message).toMatch(expected);
    }
  });

  it('reports a module that cannot load, and says a program is one self-contained module', async () => {
    const broken = await put(join(allowed, 'broken.mjs'), 'export default {');
    expect((await programError(loadProgram(broken, [allowed]))).message).toContain('failed to load');
    const relative = await put(join(allowed, 'relative.mjs'), "import './helper.mjs';\nexport default 1;\n");
    expect((await programError(loadProgram(relative, [allowed]))).message).toMatch(/one self-contained ES module: it may import node: built-ins, not relative files or packages/);
  });

  it('an allowed path with no file behind it on this worker is a program error, not a refusal', async () => {
    const error = await programError(loadProgram({ module: resolve(allowed, 'gone.mjs'), export: 'default', sha256: sha256('x') }, [allowed]));
    expect(error.message).toContain('not found on this worker');
  });

  it('checks every run\'s chains: a malformed chain is a clear, non-retryable item error', async () => {
    const ref = await put(
      join(allowed, 'sloppy.mjs'),
      "export default { name: 'sloppy', system: 2, run: async () => [{ sampleIndex: 0, finalText: 'ok', calls: 1, usage: { promptTokens: 1, completionTokens: 1 } }, { sampleIndex: 1.5, text: 'oops', calls: 1, usage: {} }] };",
    );
    const strategy = await loadProgram(ref, [allowed]);
    const settings = { sampling: { samples: 2, temperature: 0.8, maxTokens: 64 }, bsm: { maxCriteria: 5, merge: 'sum' as const } };
    const error = await strategy.run(strategyContext(settings, resolveTemplates().templates, { prompt: 'q', answerType: 'letters', structured: undefined }, new RecordingSampler())).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(ProgramOutputError);
    const message = (error as Error).message;
    expect(message).toMatch(/^program module:default@[0-9a-f]{12} \(.*sloppy\.mjs\) returned malformed sample chains/);
    expect(message).toContain('chains[1].sampleIndex');
    expect(message).toContain('chains[1].finalText');
    expect(message).toContain('chains[1].usage.promptTokens');
    expect(classifyLlmError(error).kind).toBe('fatal-item');
  });
});
