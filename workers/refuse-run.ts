import type { Logger } from '../shared/logger.js';
import type { RunStore } from '../shared/runs/run-store.js';
import type { TrustRefusal } from '../shared/trust/trust-refusal.js';
import type { ProgramError } from '../shared/strategies/program-error.js';

/**
 * Fails a run the workers' trust policy refuses, or whose user-defined program cannot run, with the refusal (which
 * names the spec field) as its error: every worker sharing the policy would refuse it too, so retrying would only
 * repeat it. Logged by the call that failed it.
 */
export async function refuseRun(deps: { runs: RunStore; logger: Logger }, runId: string, refusal: TrustRefusal | ProgramError): Promise<void> {
  const outcome = await deps.runs.refuse(runId, refusal.message);
  if (outcome.ok && !outcome.already) deps.logger.error({ runId, field: refusal.field }, refusal.message);
}
