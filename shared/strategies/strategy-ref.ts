import { z } from 'zod';
import { STRATEGY_NAMES, type StrategyName } from './strategy.js';

/** Lower-case hex sha256, as recorded for a user-defined program at submit. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * A user-defined System 2 program in a run spec: an ES module file and the export holding its Strategy. At submit
 * the path is made absolute (relative to the spec file) and the file's sha256 recorded; workers load it only from
 * paths their operator allows (S2D_PROGRAM_PATHS) and only if it still has that hash.
 */
export const moduleStrategySchema = z
  .object({
    /** Path of the program's `.mjs`/`.js` file; relative paths are resolved against the spec file's folder. */
    module: z.string().min(1),
    /** Name of the export holding the program. Default `default`. */
    export: z.string().min(1).default('default'),
    /** sha256 of the file, recorded at submit (a spec may set it to pin the file; submit then checks it). */
    sha256: z.string().regex(SHA256_HEX, 'must be 64 lower-case hex digits').optional(),
  })
  .strict();

/** Run spec `strategy`: a built-in program's name, or a user-defined program `{module, export}`. */
export const strategyRefSchema = z.union([z.enum(STRATEGY_NAMES), moduleStrategySchema]);

export type ModuleStrategyRef = z.output<typeof moduleStrategySchema>;
export type StrategyRef = z.output<typeof strategyRefSchema>;

export function isModuleStrategy(ref: StrategyRef): ref is ModuleStrategyRef {
  return typeof ref === 'object';
}

/** The built-in program's name, or null for a user-defined program. */
export function builtinStrategyName(ref: StrategyRef): StrategyName | null {
  return isModuleStrategy(ref) ? null : ref;
}

/**
 * One string naming the program, for item results, logs, `s2d status` and the manifest's `strategy.name`: the
 * built-in name, or `module:<export>@<first 12 hex of its sha256>` (the bytes that ran, not the path they came from).
 */
export function strategyLabel(ref: StrategyRef): string {
  if (!isModuleStrategy(ref)) return ref;
  return `module:${ref.export}@${ref.sha256?.slice(0, 12) ?? 'unhashed'}`;
}
