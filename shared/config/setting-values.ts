/**
 * How numeric settings are read, the same for environment variables and CLI flags, so `S2D_WORKER_CONCURRENCY=abc`
 * and `--concurrency abc` fail alike instead of one crashing and the other falling back to a default.
 */

/** Largest delay a Node.js timer takes, in ms; a longer one fires at once (with a warning), so settings stop here. */
export const MAX_TIMER_MS = 2_147_483_647;

/** A whole number in decimal digits (blanks around it allowed) from `min` to `max`, or undefined for anything else. */
export function parseIntSetting(raw: string, min: number, max: number = Number.MAX_SAFE_INTEGER): number | undefined {
  const text = raw.trim();
  if (!/^\d{1,16}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}

/** What {@link parseIntSetting} accepts, for messages: "a positive integer", "an integer from 5 to 5120". */
export function intRangeText(min: number, max: number = Number.MAX_SAFE_INTEGER): string {
  if (max !== Number.MAX_SAFE_INTEGER) return `an integer from ${min} to ${max}`;
  if (min === 1) return 'a positive integer';
  return min === 0 ? 'a non-negative integer' : `an integer of at least ${min}`;
}

/**
 * A setting's value as an error message shows it: quoted, credentials in a URL masked (REDIS_URL may carry a
 * password), long values cut.
 */
export function showSetting(raw: string | undefined): string {
  if (raw === undefined) return 'nothing';
  const masked = maskUrlCredentials(raw);
  return `'${masked.length > 80 ? `${masked.slice(0, 77)}...` : masked}'`;
}

/**
 * A URL with its credentials as `***`: everything between `scheme://` and the LAST `@` (a password may hold an
 * unencoded '/' or '@'; masking too much beats showing part of a password), and any `password=` query value (ioredis
 * reads `?password=`).
 */
export function maskUrlCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/).*@/i, '$1***@').replace(/([?&]password=)[^&#]*/gi, '$1***');
}
