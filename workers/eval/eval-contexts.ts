import type OpenAI from 'openai';
import type { ArtifactStore } from '../../shared/artifacts/artifact-store.js';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import type { EvalRunStore } from '../../shared/eval/eval-run-store.js';
import type { ResolvedEvalSpec } from '../../shared/eval/eval-spec.js';
import type { EndpointHealthView, RequestGate } from '../../shared/limits/endpoint-limiter.js';
import type { EndpointLimits } from '../../shared/limits/endpoint-limits.js';
import type { NSupport } from '../../shared/llm/openai-sampler.js';
import type { Strategy } from '../../shared/strategies/strategy.js';
import { getStrategy, resolveTemplates } from '../../shared/strategies/strategy-registry.js';
import type { TemplateSet } from '../../shared/strategies/templates.js';
import { endpointAccess, type LimiterStore } from '../endpoint-access.js';
import type { EndpointGrants } from '../../shared/trust/endpoint-grants.js';
import { readTrustPolicy, type TrustPolicy } from '../../shared/trust/trust-policy.js';
import { TrustRefusal } from '../../shared/trust/trust-refusal.js';
import { SpecContexts } from '../spec-contexts.js';

/** What a worker derives from an eval's spec, once per eval and process. */
export interface EvalContext {
  spec: ResolvedEvalSpec;
  strategy: Strategy;
  templates: TemplateSet;
  /**
   * Null when the workers' trust policy refuses the eval's endpoint or key: nothing is sent to it, and the eval is
   * marked refused (`refusedBy`), so its items are recorded errored with the reason and it still finalises.
   */
  client: OpenAI | null;
  /** The fleet-wide limiter of the eval's endpoint + model (shared with distill runs on it); absent without Redis. */
  gate?: RequestGate;
  /** The endpoint's shared health (the same limiter); absent without Redis. */
  health?: EndpointHealthView;
  limits: EndpointLimits;
  nSupport: NSupport;
  store: ArtifactStore;
}

const isTrustRefusal = (error: unknown): error is TrustRefusal => error instanceof TrustRefusal;

/** Eval contexts by eval id; an eval whose output location is refused is ended `refused` by the caller. */
export class EvalContexts extends SpecContexts<ResolvedEvalSpec, EvalContext, TrustRefusal> {
  constructor(
    private readonly evals: EvalRunStore,
    env: NodeJS.ProcessEnv = process.env,
    limiterStore?: LimiterStore,
    trust: TrustPolicy = readTrustPolicy(env),
  ) {
    super(evals, 'eval', isTrustRefusal, { env, limiterStore, trust });
  }

  /** An endpoint refusal is not thrown: the eval is marked refused, see {@link EvalContext.client}. */
  protected async fromSpec(evalId: string, spec: ResolvedEvalSpec): Promise<EvalContext> {
    try {
      return buildEvalContext(spec, this.trust.endpoints, this.access.env, this.access.limiterStore);
    } catch (error) {
      if (!(error instanceof TrustRefusal)) throw error;
      await this.evals.markRefused(evalId, error.message);
      return refusedEvalContext(spec, this.access.env);
    }
  }
}

/** @throws {TrustRefusal} for an endpoint or key variable `grants` do not allow. */
export function buildEvalContext(spec: ResolvedEvalSpec, grants: EndpointGrants, env: NodeJS.ProcessEnv = process.env, limiterStore?: LimiterStore): EvalContext {
  const { client, gate, health, limits } = endpointAccess(spec.model, env, limiterStore, grants);
  return {
    ...evalContextBase(spec, env),
    client,
    ...(gate === undefined ? {} : { gate }),
    ...(health === undefined ? {} : { health }),
    limits,
  };
}

/** The context of an eval whose endpoint the trust policy refuses: its store, and no client. */
function refusedEvalContext(spec: ResolvedEvalSpec, env: NodeJS.ProcessEnv): EvalContext {
  return { ...evalContextBase(spec, env), client: null, limits: spec.model.limits };
}

/** What an eval's context holds whether or not its endpoint may be called. */
function evalContextBase(spec: ResolvedEvalSpec, env: NodeJS.ProcessEnv): Pick<EvalContext, 'spec' | 'strategy' | 'templates' | 'nSupport' | 'store'> {
  return {
    spec,
    strategy: getStrategy(spec.strategy),
    templates: resolveTemplates(spec.templates).templates,
    nSupport: { honoured: undefined },
    store: openArtifactStore(spec.output.dir, env),
  };
}
