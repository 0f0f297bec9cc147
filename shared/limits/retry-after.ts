/** Wait used when a 429 names none, ms. */
export const DEFAULT_RETRY_AFTER_MS = 1_000;
/** Longest wait a server may impose through its headers, ms: a bogus header must not park the fleet for hours. */
export const MAX_RETRY_AFTER_MS = 120_000;

type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined> | undefined | null;

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * How long a 429 asks clients to wait, ms: `retry-after-ms` (OpenAI, Azure) first, then `retry-after` as seconds or
 * an HTTP date, else the default. Clamped to [0, MAX_RETRY_AFTER_MS].
 */
export function parseRetryAfterMs(headers: HeaderSource, nowMs: number = Date.now(), fallbackMs = DEFAULT_RETRY_AFTER_MS): number {
  const clamp = (ms: number): number => Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.round(ms)));
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && ms.trim() !== '' && Number.isFinite(Number(ms))) return clamp(Number(ms));
  const after = header(headers, 'retry-after');
  if (after !== undefined && after.trim() !== '') {
    if (Number.isFinite(Number(after))) return clamp(Number(after) * 1000);
    const date = Date.parse(after);
    if (Number.isFinite(date)) return clamp(date - nowMs);
  }
  return clamp(fallbackMs);
}
