import type { RedisConnection } from '../queue/redis-connection.js';
import { endpointId } from './endpoint-limiter.js';
import { limiterKeys, readEndpointHealth, type EndpointHealth } from './endpoint-health.js';
import { endpointLimitsSchema } from './endpoint-limits.js';

/** A run's (or eval's) endpoint as the fleet sees it now, with the spec's concurrency ceiling. */
export interface RunEndpoint {
  health: EndpointHealth;
  maxConcurrency: number;
}

export async function readRunEndpoint(redis: RedisConnection, prefix: string, spec: { model: { baseUrl: string; name: string; limits?: unknown } }): Promise<RunEndpoint> {
  const { baseUrl, name } = spec.model;
  const health = await readEndpointHealth(redis, limiterKeys(prefix, endpointId(baseUrl, name)), { baseUrl, model: name });
  // A spec stored before limits existed has none.
  return { health, maxConcurrency: endpointLimitsSchema.parse(spec.model.limits ?? {}).maxConcurrency };
}
