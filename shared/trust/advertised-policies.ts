import { createHash } from 'node:crypto';
import type { RedisConnection } from '../queue/redis-connection.js';
import { z } from 'zod';
import type { TrustPolicy } from './trust-policy.js';

/**
 * Workers advertise their trust policy in Redis so `s2d submit` / `s2d eval` can refuse a spec the fleet would refuse,
 * before anything is enqueued. Advisory only: whoever can write to Redis can change what is advertised, so workers
 * enforce their own policy from their own environment regardless (the submit-time check is a convenience, never the
 * boundary). One hash field per distinct policy, so a fleet of identical workers writes one entry.
 */

/** How long an advertisement counts without being refreshed, ms: a few refresh intervals. */
export const ADVERTISEMENT_TTL_MS = 90_000;
/** How often a worker refreshes its advertisement, ms. */
export const ADVERTISE_INTERVAL_MS = 20_000;

const policySchema = z.object({
  endpoints: z.object({
    source: z.enum(['S2D_ALLOWED_ENDPOINTS', 'default', 'submitter']),
    grants: z.array(z.object({ prefix: z.string(), keyEnv: z.string().exactOptional() })),
    loopbackWithoutKey: z.boolean(),
  }),
  outputRoots: z.array(z.string()),
  s3Prefixes: z.array(z.string()),
  programPaths: z.array(z.string()),
});
const advertisementSchema = z.object({ policy: policySchema, seenAt: z.number(), host: z.string() });

export interface AdvertisedPolicy {
  policy: TrustPolicy;
  /** The host name of the last worker that advertised it (for the submitter's message). */
  host: string;
}

function policiesKey(prefix: string): string {
  return `${prefix}:trust:policies`;
}

/** Writes (or refreshes) this worker's policy. */
export async function advertisePolicy(redis: RedisConnection, prefix: string, policy: TrustPolicy, host: string, now = Date.now()): Promise<void> {
  const json = JSON.stringify(policy);
  const field = createHash('sha256').update(json).digest('hex').slice(0, 16);
  await redis.hset(policiesKey(prefix), field, JSON.stringify({ policy, seenAt: now, host }));
}

/** The policies advertised within the last {@link ADVERTISEMENT_TTL_MS}; older or unreadable entries are dropped. */
export async function readAdvertisedPolicies(redis: RedisConnection, prefix: string, now = Date.now()): Promise<AdvertisedPolicy[]> {
  const entries = await redis.hgetall(policiesKey(prefix));
  const live: AdvertisedPolicy[] = [];
  const stale: string[] = [];
  for (const [field, raw] of Object.entries(entries)) {
    let parsed: z.infer<typeof advertisementSchema> | undefined;
    try {
      parsed = advertisementSchema.parse(JSON.parse(raw));
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || now - parsed.seenAt > ADVERTISEMENT_TTL_MS) stale.push(field);
    else live.push({ policy: parsed.policy, host: parsed.host });
  }
  if (stale.length > 0) await redis.hdel(policiesKey(prefix), ...stale);
  return live;
}
