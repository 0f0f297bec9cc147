import { verifyProgramFile, type VerifiedProgram } from '../trust/program-gate.js';
import { ProgramError } from './program-error.js';
import { asStrategy } from './program-shape.js';
import type { Strategy } from './strategy.js';
import { strategyLabel, type ModuleStrategyRef } from './strategy-ref.js';

/**
 * The module URL of verified program bytes: the bytes themselves, as a `data:` URL, so a file swapped between the
 * hash check and the import is not what runs. Node caches ES modules by URL for the life of the process; this URL is
 * the content, so an edited program can never be served from an earlier version's cache entry, and the same
 * version is evaluated once per process however many runs use it.
 */
function programUrl(program: VerifiedProgram): string {
  return `data:text/javascript;base64,${program.bytes.toString('base64')}`;
}

/**
 * Loads a user-defined program for a run, after the workers' gate ({@link verifyProgramFile}): only from the
 * operator's `programPaths`, only with the bytes recorded at submit. The program runs as one self-contained ES module:
 * it may import `node:` built-ins, not relative files or packages (those would be code the hash does not cover).
 *
 * @throws {TrustRefusal} from the gate (path outside the policy, file changed since submit).
 * @throws {ProgramError} when the module fails to load, lacks the export, or the export is not a Strategy.
 */
export async function loadProgram(ref: ModuleStrategyRef, programPaths: readonly string[]): Promise<Strategy> {
  const verified = await verifyProgramFile(ref, programPaths);
  const program = `${strategyLabel(ref)} (${verified.path})`;
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(programUrl(verified))) as Record<string, unknown>;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const hint = /ERR_UNSUPPORTED_RESOLVE_REQUEST|not hierarchical/.test(`${(error as { code?: string }).code ?? ''} ${why}`)
      ? ' (a program is one self-contained ES module: it may import node: built-ins, not relative files or packages; bundle it first)'
      : '';
    throw new ProgramError('strategy.module', `${program} failed to load: ${why.split('\n')[0] ?? why}${hint}`);
  }
  if (!Object.hasOwn(namespace, ref.export)) {
    const names = Object.keys(namespace);
    throw new ProgramError('strategy.export', `"${ref.export}": ${verified.path} has no such export (it exports: ${names.length === 0 ? 'nothing' : names.join(', ')})`);
  }
  return asStrategy(namespace[ref.export], program);
}
