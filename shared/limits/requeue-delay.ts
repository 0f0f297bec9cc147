/**
 * Shortest wait before an item re-queued after a 429 runs again, ms. Each re-queue spends one of the item's
 * `maxRateLimitRequeues` (default 20). A server that answers `Retry-After: 0` (or a few ms) would otherwise get the
 * item back at once, and a burst of 429s would spend the whole budget within a second; after that its 429s use up
 * ordinary attempts and the item ends errored although the endpoint only needed a moment. With the floor, the
 * default budget rides out at least 20 s of 429s. 1 s is also the wait used when a 429 names none
 * (DEFAULT_RETRY_AFTER_MS). It applies to the item's re-queue only; the endpoint limiter's fleet-wide pause follows
 * the server's Retry-After as sent.
 */
export const MIN_REQUEUE_DELAY_MS = 1_000;

/** Re-queue delays are stretched by up to this share at random, so items re-queued by one burst return spread out. */
export const REQUEUE_JITTER = 0.25;

/**
 * Delay of a 429 re-queue, ms: what the server asked for (`retryAfterMs`), at least {@link MIN_REQUEUE_DELAY_MS},
 * plus up to {@link REQUEUE_JITTER} of it at random (`random` returns [0, 1), as Math.random).
 */
export function requeueDelayMs(retryAfterMs: number, random: () => number = Math.random): number {
  const base = Math.max(MIN_REQUEUE_DELAY_MS, Number.isFinite(retryAfterMs) ? retryAfterMs : 0);
  return Math.round(base * (1 + random() * REQUEUE_JITTER));
}
