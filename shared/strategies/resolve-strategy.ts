import { loadProgram } from './load-program.js';
import type { Strategy } from './strategy.js';
import { getStrategy } from './strategy-registry.js';
import { isModuleStrategy, type StrategyRef } from './strategy-ref.js';

/**
 * The program a run's `strategy` names: a built-in, or a user-defined module loaded through the workers' gate.
 *
 * @param programPaths the worker's TrustPolicy.programPaths (user-defined programs are refused outside them).
 * @throws {TrustRefusal} / {ProgramError} for a user-defined program the gate refuses or that cannot run.
 */
export async function resolveStrategy(ref: StrategyRef, programPaths: readonly string[]): Promise<Strategy> {
  return isModuleStrategy(ref) ? loadProgram(ref, programPaths) : getStrategy(ref);
}
