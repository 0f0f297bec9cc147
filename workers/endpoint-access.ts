import type { RedisConnection } from '../shared/queue/redis-connection.js';
import type OpenAI from 'openai';
import { EndpointLimiter, type EndpointHealthView, type HealthChange, type RequestGate } from '../shared/limits/endpoint-limiter.js';
import { endpointLimitsSchema, type EndpointLimits } from '../shared/limits/endpoint-limits.js';
import { outageOptionsSchema, type OutageOptions } from '../shared/limits/outage-options.js';
import type { CallCache } from '../shared/llm/call-cache.js';
import { createOpenAiClient, OpenAiSampler, type NSupport, type OpenAiSamplerOptions } from '../shared/llm/openai-sampler.js';
import { instrumentedFetch } from '../shared/metrics/instrumented-fetch.js';
import { countTokens } from '../shared/metrics/worker-metrics.js';
import { registerSecret } from '../shared/redact-secrets.js';
import { authorizeEndpoint } from '../shared/trust/authorize-endpoint.js';
import type { EndpointGrants } from '../shared/trust/endpoint-grants.js';

/** Where the endpoint limiters keep their shared state. */
export interface LimiterStore {
  redis: RedisConnection;
  prefix: string;
  /** Called when a request of this process changed an endpoint's health (logs, recovery actions). */
  onHealthChange?: (change: HealthChange) => void;
}

export interface EndpointAccess {
  client: OpenAI;
  /** The fleet-wide limiter of the endpoint + model; absent without a limiter store (requests are then not limited). */
  gate?: RequestGate;
  /** The endpoint's shared health (the same limiter); absent without a limiter store (no circuit breaker then). */
  health?: EndpointHealthView;
  /** The endpoint limits (defaults filled in for specs stored before limits existed). */
  limits: EndpointLimits;
  /** When the endpoint counts as down (defaults filled in for specs stored before `model.outage` existed). */
  outage: OutageOptions;
}

/**
 * The client and fleet-wide request gate of a spec's model, the same for distill and eval jobs: one limiter per
 * endpoint + model in Redis, so a distillation run and an evaluation against the same endpoint share its budget.
 * The endpoint and its key are checked against `grants` first (the worker operator's, never the spec's): the key
 * sent is the one the grants bind to the endpoint, and a refused endpoint gets no client at all.
 *
 * @throws {TrustRefusal} for an endpoint or key variable the grants do not allow.
 */
export function endpointAccess(
  model: { name: string; baseUrl: string; apiKeyEnv?: string | undefined; timeoutMs: number; limits?: unknown; outage?: unknown },
  env: NodeJS.ProcessEnv,
  limiterStore: LimiterStore | undefined,
  grants: EndpointGrants,
): EndpointAccess {
  const keyEnv = authorizeEndpoint(grants, model, 'model');
  const apiKey = keyEnv === undefined ? undefined : env[keyEnv];
  // Specs are stored as submitted; one stored by an older submitter has no limits yet.
  const limits = endpointLimitsSchema.parse(model.limits ?? {});
  const outage = outageOptionsSchema.parse(model.outage ?? {});
  // Endpoints may echo the key in error text: from now on it is scrubbed from every log line and reject reason.
  registerSecret(apiKey);
  const gate =
    limiterStore === undefined
      ? undefined
      : new EndpointLimiter({
          ...limiterStore,
          baseUrl: model.baseUrl,
          model: model.name,
          limits,
          outage,
          // The SDK does not retry (maxRetries 0), so a request lasts at most its timeout; the margin covers the
          // Redis round trips around it.
          leaseMs: model.timeoutMs + 10_000,
        });
  const client = createOpenAiClient({
    baseUrl: model.baseUrl,
    // Local endpoints (the simulator, vLLM, Ollama) take any key; the SDK insists on a non-empty one.
    apiKey: apiKey ?? 'no-key',
    timeoutMs: model.timeoutMs,
    // 429s belong to the limiter and the delayed re-queue, other transient faults to BullMQ attempts.
    maxRetries: 0,
    fetch: instrumentedFetch(),
  });
  return gate === undefined ? { client, limits, outage } : { client, gate, health: gate, limits, outage };
}

/** What a worker context holds to sample its model (run and eval contexts alike). */
export interface SamplingContext {
  spec: { model: { name: string; useN: 'auto' | 'always' | 'never' }; sampling: { seed: number } };
  client: OpenAI;
  gate?: RequestGate;
  nSupport: NSupport;
}

/**
 * The sampler of one item: the context's client and gate, behind the item's own call cache. `hooks` hear of paid
 * responses (see OpenAiSamplerOptions); `requester` names the item to the gate (`<runId>#<index>`).
 */
export function itemSampler(
  context: SamplingContext,
  cache: CallCache,
  hooks: Pick<OpenAiSamplerOptions, 'onRequest' | 'recordResponse'> = {},
  requester?: string,
): OpenAiSampler {
  const { onRequest, recordResponse } = hooks;
  return new OpenAiSampler({
    client: context.client,
    model: context.spec.model.name,
    seed: context.spec.sampling.seed,
    useN: context.spec.model.useN,
    nSupport: context.nSupport,
    cache,
    ...(context.gate === undefined ? {} : { gate: context.gate }),
    // Whichever hook records a paid response also counts its tokens for the worker's metrics.
    onRequest: async (usage, response) => {
      countTokens(usage);
      await onRequest?.(usage, response);
    },
    ...(recordResponse === undefined
      ? {}
      : {
          recordResponse: async (entries, usage, response) => {
            countTokens(usage);
            await recordResponse(entries, usage, response);
          },
        }),
    ...(requester === undefined ? {} : { requester }),
  });
}
