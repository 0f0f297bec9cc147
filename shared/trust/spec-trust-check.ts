import type { ResolvedRunSpec } from '../config/run-spec.js';
import { handoffOf } from '../config/handoff-spec.js';
import type { ResolvedEvalSpec } from '../eval/eval-spec.js';
import { decideEndpoint } from './endpoint-grants.js';
import type { TrustPolicy } from './trust-policy.js';
import { TrustRefusal } from './trust-refusal.js';
import { checkOutputLocationLexically, runOutputTarget, type OutputTarget } from './output-location-check.js';
import { programOutsidePolicy, programPathAllowed } from './program-gate.js';
import { isModuleStrategy } from '../strategies/strategy-ref.js';

/**
 * Everything in a run or eval spec that a worker's trust policy decides on: each endpoint it calls (with the spec section
 * naming it), where it writes, and the program it runs.
 */
export interface TrustRequests {
  endpoints: { section: string; baseUrl: string; apiKeyEnv?: string | undefined }[];
  /** Where workers write. */
  output: OutputTarget;
  /** The absolute path of a user-defined program (`strategy.module`), if the spec names one. */
  program?: string;
}

export function trustRequestsOfRun(spec: ResolvedRunSpec): TrustRequests {
  const endpoints: TrustRequests['endpoints'] = [{ section: 'model', baseUrl: spec.model.baseUrl, apiKeyEnv: spec.model.apiKeyEnv }];
  const handoff = handoffOf(spec);
  if (handoff.kind === 'openai') endpoints.push({ section: 'handoff', baseUrl: handoff.baseUrl ?? spec.model.baseUrl, apiKeyEnv: handoff.apiKeyEnv });
  const output = runOutputTarget(spec);
  return isModuleStrategy(spec.strategy) ? { endpoints, output, program: spec.strategy.module } : { endpoints, output };
}

export function trustRequestsOfEval(spec: ResolvedEvalSpec): TrustRequests {
  return { endpoints: [{ section: 'model', baseUrl: spec.model.baseUrl, apiKeyEnv: spec.model.apiKeyEnv }], output: { field: 'output.dir', location: spec.output.dir } };
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
  const output = checkOutputLocationLexically(policy, requests.output);
  if (output !== undefined) return output;
  if (requests.program !== undefined && !programPathAllowed(policy.programPaths, requests.program)) return programOutsidePolicy(policy.programPaths, requests.program);
  return null;
}
