import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, resolve } from 'node:path';
import { MAX_PROGRAM_BYTES } from '../config/resolve-program-ref.js';
import { ProgramError } from '../strategies/program-error.js';
import type { ModuleStrategyRef } from '../strategies/strategy-ref.js';
import { TrustRefusal } from './trust-refusal.js';
import { isWithinDirectory } from './local-path-containment.js';

/** A program file that passed the gate: where it really is, and the bytes that hash to the sha256 recorded at submit. */
export interface VerifiedProgram {
  /** The file's real path (symlinks resolved). */
  path: string;
  bytes: Buffer;
  sha256: string;
}

/**
 * Whether an absolute module path is one of `programPaths` (a listed file) or lies below one (a listed directory),
 * by its words alone: `..` segments are resolved first, symlinks are not looked at. For a submitter checking a spec
 * against the policy workers advertise, without their filesystem; workers decide with {@link verifyProgramFile},
 * which resolves symlinks on both sides.
 */
export function programPathAllowed(programPaths: readonly string[], absoluteModulePath: string): boolean {
  if (!isAbsolute(absoluteModulePath)) return false;
  const path = resolve(absoluteModulePath);
  return programPaths.some((listed) => isAbsolute(listed) && isWithinDirectory(resolve(listed), path));
}

function describeAllowed(programPaths: readonly string[]): string {
  return programPaths.length === 0
    ? 'the workers allow no user-defined programs (S2D_PROGRAM_PATHS is not set on them)'
    : `the workers load programs only from S2D_PROGRAM_PATHS=${programPaths.join(delimiter)}`;
}

/** The refusal of a program path outside the policy (`shown`: the path as the submitter will recognise it). */
export function programOutsidePolicy(programPaths: readonly string[], shown: string): TrustRefusal {
  return new TrustRefusal('strategy.module', `${shown} is outside the allowed program paths: ${describeAllowed(programPaths)}`);
}

async function realpathOrNull(path: string): Promise<string | null> {
  try {
    return await realpath(path);
  } catch {
    return null;
  }
}

/** Whether the real file `real` is a listed file itself, or lies inside a listed directory (both resolved). */
async function allowedByRealPath(programPaths: readonly string[], real: string): Promise<boolean> {
  for (const listed of programPaths) {
    const root = await realpathOrNull(listed);
    if (root === null) continue;
    const isDirectory = (await stat(root)).isDirectory();
    // Strictly below a listed directory: the directory itself is not a program.
    if (isDirectory ? real !== root && isWithinDirectory(root, real) : root === real) return true;
  }
  return false;
}

/**
 * The gate a user-defined program passes before a worker imports it: its real path must be a listed file of the
 * workers' `programPaths` or lie inside a listed directory (symlinks resolved on both sides, so neither a symlink nor
 * `..` leads out), and its bytes must still hash to the sha256 recorded at submit. Returns those bytes, so the caller
 * runs exactly what was checked rather than whatever the path holds a moment later.
 *
 * @throws {TrustRefusal} naming `strategy.module` for a path outside the policy or a file changed since submit, and
 *   `strategy.sha256` for a spec that carries no hash (not submitted through resolveRunSpec).
 * @throws {ProgramError} for an allowed path with no readable regular file behind it on this worker.
 */
export async function verifyProgramFile(ref: ModuleStrategyRef, programPaths: readonly string[]): Promise<VerifiedProgram> {
  const { module, sha256: recorded } = ref;
  if (recorded === undefined) {
    throw new TrustRefusal('strategy.sha256', 'is missing: a user-defined program runs only with the hash recorded at submit (s2d submit records it)');
  }
  if (!isAbsolute(module)) throw new TrustRefusal('strategy.module', `"${module}" is not an absolute path (submit resolves it against the spec file)`);
  const outside = (shown: string): TrustRefusal => programOutsidePolicy(programPaths, shown);
  if (programPaths.length === 0) throw outside(module);
  const real = await realpathOrNull(module);
  if (real === null) {
    if (!programPathAllowed(programPaths, module)) throw outside(module);
    throw new ProgramError('strategy.module', `${module} is not found on this worker`);
  }
  if (!(await allowedByRealPath(programPaths, real))) throw outside(real === module ? module : `${module} (really ${real})`);
  const bytes = await readRegularFile(real);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== recorded) {
    throw new TrustRefusal('strategy.module', `${real} changed since the run was submitted (it hashes to ${sha256.slice(0, 12)}…, the run recorded ${recorded.slice(0, 12)}…): submit the run again to use the new version`);
  }
  return { path: real, bytes, sha256 };
}

/**
 * Reads a file already resolved to its real path. O_NOFOLLOW: a symlink put in its place since realpath is not
 * followed out of the allowed directory; O_NONBLOCK: a FIFO put there cannot hang the worker (it is then refused as
 * not a regular file). Whatever else changes in between, the bytes read must still match the recorded hash.
 */
async function readRegularFile(path: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    throw new ProgramError('strategy.module', `${path} cannot be opened on this worker (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ProgramError('strategy.module', `${path} is not a regular file`);
    if (info.size > MAX_PROGRAM_BYTES) throw new ProgramError('strategy.module', `${path} is ${info.size} bytes; a program file may have at most ${MAX_PROGRAM_BYTES}`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
