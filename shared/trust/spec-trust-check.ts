import type { ResolvedRunSpec } from '../config/run-spec.js';
import { handoffOf } from '../config/handoff-spec.js';
import type { ResolvedEvalSpec } from '../eval/eval-spec.js';
import { decideEndpoint } from './endpoint-grants.js';
import type { TrustPolicy } from './trust-policy.js';
import { TrustRefusal } from './trust-refusal.js';
import { programOutsidePolicy, programPathAllowed } from './program-gate.js';
import { isModuleStrategy } from '../strategies/strategy-ref.js';

/**
 * Everything in a run spec that a worker's trust policy decides on: each endpoint it calls (with the spec section
 * naming it), where it writes, and the program it runs.
 */
export interface TrustRequests {
  endpoints: { section: string; baseUrl: string; apiKeyEnv?: string | undefined }[];
  /** The absolute path of a user-defined program (`strategy.module`), if the spec names one. */
  program?: string;
}

export function trustRequestsOfRun(spec: ResolvedRunSpec): TrustRequests {
  const endpoints: TrustRequests['endpoints'] = [{ section: 'model', baseUrl: spec.model.baseUrl, apiKeyEnv: spec.model.apiKeyEnv }];
  const handoff = handoffOf(spec);
  if (handoff.kind === 'openai') endpoints.push({ section: 'handoff', baseUrl: handoff.baseUrl ?? spec.model.baseUrl, apiKeyEnv: handoff.apiKeyEnv });
  return isModuleStrategy(spec.strategy) ? { endpoints, program: spec.strategy.module } : { endpoints };
}

export function trustRequestsOfEval(spec: ResolvedEvalSpec): TrustRequests {
  return { endpoints: [{ section: 'model', baseUrl: spec.model.baseUrl, apiKeyEnv: spec.model.apiKeyEnv }] };
}

/**
 * The first refusal of `requests` under `policy`, or null. Lexical only (no file system): the submitter runs it
 * against the policies workers advertise, on paths of the workers' machines; workers themselves decide again with
 * symlinks resolved, which is the check that counts.
 */
export function firstRefusal(policy: TrustPolicy, requests: TrustRequests): TrustRefusal | null {
  for (const endpoint of requests.endpoints) {
    const decision = decideEndpoint(policy.endpoints, endpoint);
    if (!decision.allowed) return new TrustRefusal(`${endpoint.section}.${decision.reason === 'endpoint' ? 'baseUrl' : 'apiKeyEnv'}`, decision.detail);
  }
  if (requests.program !== undefined && !programPathAllowed(policy.programPaths, requests.program)) return programOutsidePolicy(policy.programPaths, requests.program);
  return null;
}
