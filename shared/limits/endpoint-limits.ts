import { z } from 'zod';

/**
 * Fleet-wide limits of one model endpoint (base URL + model), shared by every worker through Redis. Lives in the run
 * spec as `model.limits`; runs that share an endpoint share its budget, and each call applies the limits of the run
 * that makes it (so runs on one endpoint should agree on them).
 */
export const endpointLimitsSchema = z
  .object({
    /** Requests per minute to this endpoint and model, across the fleet. Default: no request budget. */
    requestsPerMinute: z.number().int().positive().optional(),
    /**
     * Tokens per minute (prompt + completion), across the fleet. A request reserves its estimated prompt tokens plus
     * maxTokens × n before it is sent and settles to the real usage after. Default: no token budget.
     */
    tokensPerMinute: z.number().int().positive().optional(),
    /**
     * Most requests in flight at once, across the fleet; the adaptive cap starts here, is halved on a 429 and grows
     * back by one per window of successes up to it. Default 256 (what a busy inference server takes; 429s bring the
     * cap down to what the endpoint really takes).
     */
    maxConcurrency: z.number().int().min(1).max(10_000).default(256),
    /** Floor of the adaptive in-flight cap after 429 cuts. Default 1. */
    minConcurrency: z.number().int().min(1).max(10_000).default(1),
    /**
     * Times one item may be re-queued because of a 429 without using one of its attempts; beyond it a 429 is an
     * ordinary failed attempt. Default 20.
     */
    maxRateLimitRequeues: z.number().int().min(0).max(1_000).default(20),
  })
  .strict()
  .refine((limits) => limits.minConcurrency <= limits.maxConcurrency, {
    error: 'minConcurrency must not exceed maxConcurrency',
    path: ['minConcurrency'],
  });

export type EndpointLimits = z.output<typeof endpointLimitsSchema>;
export const DEFAULT_ENDPOINT_LIMITS: EndpointLimits = endpointLimitsSchema.parse({});
