import { z } from 'zod';
import { ProgramError, ProgramOutputError } from './program-error.js';
import type { SampleChain, Strategy, StrategyContext } from './strategy.js';

const count = z.number().int().min(0);

/** What a user-defined program's `run` must resolve to; unknown extra fields of a chain are dropped. */
const chainsSchema = z.array(
  z.object({
    sampleIndex: count,
    finalText: z.string(),
    calls: count,
    usage: z.object({ promptTokens: count, completionTokens: count }),
    variantTexts: z.array(z.string()).optional(),
  }),
);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}

/** The chains a program returned, or a {@link ProgramOutputError} naming every bad field (`chains[1].finalText`). */
export function checkChains(value: unknown, program: string): SampleChain[] {
  const parsed = chainsSchema.safeParse(value);
  if (parsed.success) return parsed.data as SampleChain[];
  const problems = parsed.error.issues.slice(0, 5).map((issue) => {
    const at = issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
    return `chains${at}: ${issue.message}`;
  });
  throw new ProgramOutputError(
    `program ${program} returned malformed sample chains (expected an array of {sampleIndex, finalText, calls, usage: {promptTokens, completionTokens}}): ${problems.join('; ')}`,
  );
}

/**
 * The export of a user-defined program module as a Strategy, its shape checked now (a clear error before any item
 * runs) and its output checked on every run, so a malformed chain is one errored item with a reason, not a crash
 * somewhere in curation.
 *
 * @param program names the program in messages (e.g. `module:planThenSolve@1a2b… (/srv/programs/p.mjs)`).
 * @throws {ProgramError} naming `strategy.export` when the value is not `{name: string, system: 1 | 2, run: function}`.
 */
export function asStrategy(value: unknown, program: string): Strategy {
  const candidate = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null) problems.push(`it is ${describe(value)}`);
  else {
    if (typeof candidate.name !== 'string' || candidate.name === '') problems.push('name must be a non-empty string');
    if (candidate.system !== 1 && candidate.system !== 2) problems.push('system must be 1 or 2');
    if (typeof candidate.run !== 'function') problems.push('run must be a function (ctx) => Promise<SampleChain[]>');
    if (candidate.requires !== undefined && candidate.requires !== 'pair' && candidate.requires !== 'options') problems.push('requires, when set, must be "pair" or "options"');
  }
  if (problems.length > 0) {
    throw new ProgramError('strategy.export', `of ${program} is not a strategy {name, system: 1 | 2, run(ctx)}: ${problems.join('; ')}`);
  }
  const run = candidate.run as (ctx: StrategyContext) => unknown;
  const requires = candidate.requires as Strategy['requires'];
  return {
    name: candidate.name as string,
    system: candidate.system as 1 | 2,
    ...(requires === undefined ? {} : { requires }),
    run: async (ctx) => checkChains(await run.call(value, ctx), program),
  };
}
