import { EndpointLimiter } from '../../shared/limits/endpoint-limiter.js';
import { endpointLimitsSchema } from '../../shared/limits/endpoint-limits.js';
import type { RunFixture } from './run-fixture.js';

/** The fleet-wide cap changes of a run's endpoint, as the workers' limiter recorded them in Redis (read-only). */
export async function limiterTrajectory(run: Pick<RunFixture, 'clients' | 'prefix' | 'spec'>): Promise<{ atMs: number; cap: number; why: string }[]> {
  const limiter = new EndpointLimiter({
    redis: run.clients.redis,
    prefix: run.prefix,
    baseUrl: run.spec.model.baseUrl,
    model: run.spec.model.name,
    // Only snapshot() is used: limits and lease length do not affect reading the recorded trajectory.
    limits: endpointLimitsSchema.parse({}),
    leaseMs: 1_000,
  });
  return (await limiter.snapshot()).trajectory;
}
