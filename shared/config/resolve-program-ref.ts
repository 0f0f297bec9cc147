import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { ModuleStrategyRef } from '../strategies/strategy-ref.js';
import { RunSpecError } from './run-spec-error.js';

/** Most bytes a user-defined program file may have (it travels to workers' module loader as one unit). Default 8 MiB. */
export const MAX_PROGRAM_BYTES = 8 * 1024 * 1024;

/**
 * Makes a user-defined program reference self-contained: the module path absolute (relative to the spec file's
 * folder) and the file's sha256 recorded, so workers run exactly the bytes that were submitted and refuse the run
 * if the file changed since. A spec that already carries `sha256` pins the file: another hash is refused.
 *
 * @throws {RunSpecError} naming the spec file and `strategy.module` for a file that is missing, unreadable, not a
 *   regular file or over {@link MAX_PROGRAM_BYTES}; `strategy.sha256` for a pinned hash the file no longer has.
 */
export async function resolveProgramRef(ref: ModuleStrategyRef, baseDir: string, specFile = 'the run spec'): Promise<ModuleStrategyRef> {
  const module = isAbsolute(ref.module) ? resolve(ref.module) : resolve(baseDir, ref.module);
  const problem = (field: string, detail: string): RunSpecError => new RunSpecError(`${specFile}, field "${field}": ${detail}`);
  let bytes: Buffer;
  try {
    const info = await stat(module);
    if (!info.isFile()) throw problem('strategy.module', `${module} is not a regular file`);
    if (info.size > MAX_PROGRAM_BYTES) throw problem('strategy.module', `${module} is ${info.size} bytes; a program file may have at most ${MAX_PROGRAM_BYTES}`);
    bytes = await readFile(module);
  } catch (error) {
    if (error instanceof RunSpecError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw problem('strategy.module', `program file not found: ${module}`);
    throw problem('strategy.module', `cannot read program file ${module} (${code ?? String(error)})`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (ref.sha256 !== undefined && ref.sha256 !== sha256) {
    throw problem('strategy.sha256', `${module} hashes to ${sha256}, not the pinned ${ref.sha256}`);
  }
  return { module, export: ref.export, sha256 };
}
