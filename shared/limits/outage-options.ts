import { z } from 'zod';

/**
 * When an endpoint counts as down for the whole fleet, how recovery is probed, and how long a run waits for it. Lives
 * in the run spec as `model.outage`; like `model.limits` it belongs to the endpoint (base URL + model), so runs that
 * share an endpoint should agree on it (each request applies its own run's values).
 *
 * Outage-class failures are connection errors (refused, reset), request timeouts and HTTP 502/503/504; a 500 is not
 * one (the server answered: most 500s are a bug on one input, the poison-item case), nor is any other status.
 */
export const outageOptionsSchema = z
  .object({
    /**
     * Outage-class failures, fleet-wide with no success in between and within `windowMs` of the first, that mark the
     * endpoint down. Default 3.
     */
    failureThreshold: z.number().int().min(1).max(1_000).default(3),
    /** ...and the different items they must come from (one item failing over and over is that item's fault). Default 2. */
    minItems: z.number().int().min(1).max(100).default(2),
    /**
     * The window of those failures, ms. It is also how long an item waits after an outage-class failure on an
     * endpoint that is not (yet) down, before the failure is judged: an outage if the endpoint went down meanwhile,
     * else the item's own (one attempt used). Default 10000.
     */
    windowMs: z.number().int().min(100).max(600_000).default(10_000),
    /** Wait before the first probe of a down endpoint, ms; it doubles after each failed probe. Default 1000. */
    probeInitialMs: z.number().int().min(10).max(600_000).default(1_000),
    /** Longest wait between two probes, ms (each wait is then taken between half of it and all of it at random). Default 30000. */
    probeMaxMs: z.number().int().min(10).max(3_600_000).default(30_000),
    /**
     * Minutes of continuous outage after which the run is paused (`s2d status` says why); it resumes by itself when
     * the endpoint recovers, or with `s2d resume`. Nothing is errored because of an outage, however long. Default 30.
     */
    maxMinutes: z.number().positive().max(7 * 24 * 60).default(30),
  })
  .strict()
  .refine((outage) => outage.minItems <= outage.failureThreshold, {
    error: 'minItems must not exceed failureThreshold',
    path: ['minItems'],
  })
  .refine((outage) => outage.probeInitialMs <= outage.probeMaxMs, {
    error: 'probeInitialMs must not exceed probeMaxMs',
    path: ['probeInitialMs'],
  });

export type OutageOptions = z.output<typeof outageOptionsSchema>;
export const DEFAULT_OUTAGE_OPTIONS: OutageOptions = outageOptionsSchema.parse({});
