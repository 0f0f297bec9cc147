import { describe, expect, it } from 'vitest';
import { endpointJson, formatEndpoint } from '../../../cli/endpoint-status.js';
import type { EndpointHealth } from '../../../shared/limits/endpoint-health.js';

const NOW = Date.parse('2026-12-01T10:00:00.000Z');
const base: EndpointHealth = {
  baseUrl: 'http://llm:8000/v1', model: 'm', now: NOW, state: 'healthy', since: null, downSince: null, nextProbeAt: null, failedProbes: 0,
  sentWhileDown: 0, outages: 0, lastDownFrom: null, lastDownUntil: null, last429At: null, lastSuccessAt: null, cap: 64, inFlight: 12, pausedUntil: 0,
};

describe('the endpoint line and object of s2d status', () => {
  it('says healthy, rate-limited or down since when, with the cap and requests in flight', () => {
    expect(formatEndpoint({ health: base, maxConcurrency: 256 })).toBe('http://llm:8000/v1 (m): healthy; cap 64/256, in flight 12');
    expect(formatEndpoint({ health: { ...base, state: 'rate-limited', last429At: NOW - 4_000, pausedUntil: NOW + 800, cap: 8, inFlight: 8 }, maxConcurrency: 256 })).toBe(
      'http://llm:8000/v1 (m): rate-limited (last 429 4.0 s ago, fleet paused 0.8 s more); cap 8/256, in flight 8',
    );
    const down = { ...base, state: 'down' as const, downSince: NOW - 95_000, nextProbeAt: NOW + 12_000, failedProbes: 3, cap: 64, inFlight: 0 };
    expect(formatEndpoint({ health: down, maxConcurrency: 256 })).toBe('http://llm:8000/v1 (m): down since 2026-12-01T09:58:25.000Z (3 failed probes, next in 12 s); cap 64/256, in flight 0');
    expect(endpointJson({ health: down, maxConcurrency: 256 })).toMatchObject({ state: 'down', downSince: '2026-12-01T09:58:25.000Z', nextProbeAt: '2026-12-01T10:00:12.000Z', failedProbes: 3, lastOutage: null });
    // No request yet: the cap is where it starts.
    expect(formatEndpoint({ health: { ...base, cap: null, inFlight: 0 }, maxConcurrency: 256 })).toBe('http://llm:8000/v1 (m): healthy; cap 256/256, in flight 0');
  });
});
