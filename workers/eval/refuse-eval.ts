import type { EvalRunStore } from '../../shared/eval/eval-run-store.js';
import type { Logger } from '../../shared/logger.js';
import type { TrustRefusal } from '../../shared/trust/trust-refusal.js';

/**
 * Ends an eval whose output location the workers' trust policy refuses: state `refused` with the refusal (which names
 * `output.dir`) as its reason, which `s2d eval` shows when it stops waiting. Logged by the call that refused it.
 */
export async function refuseEval(deps: { evals: EvalRunStore; logger: Logger }, evalId: string, refusal: TrustRefusal): Promise<void> {
  const outcome = await deps.evals.markOutputRefused(evalId, refusal.message);
  if (outcome.ok && !outcome.already) deps.logger.error({ evalId, field: refusal.field }, refusal.message);
}
