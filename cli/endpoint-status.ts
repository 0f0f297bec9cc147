import type { RunEndpoint } from '../shared/limits/run-endpoint.js';

const iso = (ms: number | null): string | null => (ms === null || ms <= 0 ? null : new Date(ms).toISOString());

/** The `endpoint` object of `s2d status --json` (documented in the README). */
export function endpointJson({ health, maxConcurrency }: RunEndpoint): Record<string, unknown> {
  return {
    baseUrl: health.baseUrl,
    model: health.model,
    state: health.state,
    since: iso(health.since),
    downSince: iso(health.downSince),
    nextProbeAt: iso(health.nextProbeAt),
    failedProbes: health.failedProbes,
    sentWhileDown: health.sentWhileDown,
    cap: health.cap ?? maxConcurrency,
    maxConcurrency,
    inFlight: health.inFlight,
    pausedUntil: health.pausedUntil > health.now ? iso(health.pausedUntil) : null,
    last429At: iso(health.last429At),
    lastOutage: health.lastDownFrom === null ? null : { from: iso(health.lastDownFrom), until: iso(health.lastDownUntil) },
  };
}

const seconds = (ms: number): string => `${Math.max(0, ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/**
 * One line: `http://…/v1 (model): down since 2026-…Z (3 failed probes, next in 12 s); cap 1/256, in flight 0`,
 * `…: rate-limited (last 429 4.0 s ago, fleet paused 0.8 s more); cap 8/256, in flight 8`, `…: healthy; cap 64/256, in flight 12`.
 */
export function formatEndpoint({ health, maxConcurrency }: RunEndpoint): string {
  const { now } = health;
  let state: string = health.state;
  if (health.state === 'down') {
    const next = health.nextProbeAt === null ? '' : `, next in ${seconds(health.nextProbeAt - now)}`;
    state = `down since ${iso(health.downSince) ?? '?'} (${health.failedProbes} failed probes${next})`;
  } else if (health.state === 'rate-limited') {
    const paused = health.pausedUntil > now ? `, fleet paused ${seconds(health.pausedUntil - now)} more` : '';
    state = `rate-limited (last 429 ${health.last429At === null ? '?' : seconds(now - health.last429At)} ago${paused})`;
  }
  return `${health.baseUrl} (${health.model}): ${state}; cap ${health.cap ?? maxConcurrency}/${maxConcurrency}, in flight ${health.inFlight}`;
}
