import { outputLocation, type ResolvedRunSpec } from '../shared/config/run-spec.js';
import type { ArtifactStore } from '../shared/artifacts/artifact-store.js';
import { openArtifactStore } from '../shared/artifacts/open-artifact-store.js';
import { ItemResultStore } from '../shared/dataset/read-item-results.js';
import type { NSupport } from '../shared/llm/openai-sampler.js';
import { endpointAccess, type EndpointAccess, type LimiterStore } from './endpoint-access.js';
import type { RunStore } from '../shared/runs/run-store.js';
import type { Strategy } from '../shared/strategies/strategy.js';
import { curationMethodOf } from '../shared/curation/curation-method.js';
import { resolveTemplates, templatesUsedByStrategy } from '../shared/strategies/strategy-registry.js';
import { resolveStrategy } from '../shared/strategies/resolve-strategy.js';
import { ProgramError } from '../shared/strategies/program-error.js';
import type { TemplateSet } from '../shared/strategies/templates.js';
import { templatesForAnswerType } from '../shared/strategies/judge-template-names.js';
import { readTrustPolicy, type TrustPolicy } from '../shared/trust/trust-policy.js';
import { TrustRefusal } from '../shared/trust/trust-refusal.js';
import { SpecContexts } from './spec-contexts.js';

/**
 * Everything a worker derives from a run's spec, built once per run and process, not once per item; the endpoint
 * fields are the run's model's ({@link EndpointAccess}).
 */
export interface RunContext extends EndpointAccess {
  spec: ResolvedRunSpec;
  strategy: Strategy;
  templates: TemplateSet;
  templateVersions: Record<string, string>;
  nSupport: NSupport;
  store: ArtifactStore;
  results: ItemResultStore;
}

/**
 * Whether a context build failed because of the run's spec itself — the workers' trust policy refuses it, or its
 * user-defined program cannot run — so every worker would fail it the same way: the run fails now, naming the field.
 */
export function failsRun(error: unknown): error is TrustRefusal | ProgramError {
  return error instanceof TrustRefusal || error instanceof ProgramError;
}

/** Run contexts by run id; a run whose spec is refused ({@link failsRun}) is failed by the caller. */
export class RunContexts extends SpecContexts<ResolvedRunSpec, RunContext, TrustRefusal | ProgramError> {
  constructor(runs: RunStore, env: NodeJS.ProcessEnv = process.env, limiterStore?: LimiterStore, trust: TrustPolicy = readTrustPolicy(env)) {
    super(runs, 'run', failsRun, { env, limiterStore, trust });
  }

  /**
   * @throws {TrustRefusal} for an endpoint or key variable the trust policy does not allow: nothing is sent then, and
   *   callers fail the run with it. @throws {ProgramError} for a user-defined program that cannot run.
   */
  protected async fromSpec(_runId: string, spec: ResolvedRunSpec): Promise<RunContext> {
    const { templates, versions } = resolveTemplates(spec.templates);
    // The manifest records the versions of the templates this run's prompts were actually rendered from.
    const used: string[] = [...templatesUsedByStrategy(spec.strategy, templates), ...templatesForAnswerType(spec.answerType)];
    if (curationMethodOf(spec) === 'usc') used.push('uscSelect');
    const templateVersions = Object.fromEntries(used.map((name) => [name, versions[name] ?? 'unknown']));
    const { env, limiterStore } = this.access;
    const store = openArtifactStore(outputLocation(spec), env);
    const access = endpointAccess(spec.model, env, limiterStore, this.trust.endpoints);
    return {
      spec,
      strategy: await resolveStrategy(spec.strategy, this.trust.programPaths),
      templates,
      templateVersions,
      ...access,
      nSupport: { honoured: undefined },
      store,
      results: new ItemResultStore(store),
    };
  }
}
