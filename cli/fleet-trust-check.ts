import type { RedisConnection } from '../shared/queue/redis-connection.js';
import { readAdvertisedPolicies } from '../shared/trust/advertised-policies.js';
import { firstRefusal, type TrustRequests } from '../shared/trust/spec-trust-check.js';
import { CliError } from './cli-error.js';

/**
 * Refuses at submit a spec that the live workers' advertised trust policies would refuse, so the submitter hears
 * it now instead of from a failed run. Any one refusing policy is enough: any worker may take any item. With no
 * worker advertising (none running yet) nothing is checked here; the workers check every run themselves.
 *
 * @throws {CliError} exit code 2, naming the spec file, the refused field and the worker host that refuses it.
 */
export async function refuseWhatTheFleetRefuses(redis: RedisConnection, prefix: string, requests: TrustRequests, specFile: string): Promise<void> {
  for (const { policy, host } of await readAdvertisedPolicies(redis, prefix)) {
    const refusal = firstRefusal(policy, requests);
    if (refusal !== null) throw new CliError(`${specFile}: ${refusal.message} (policy of the workers on ${host})`, 2);
  }
}
