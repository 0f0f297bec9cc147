import { z } from 'zod';
import { intRangeText, parseIntSetting } from './setting-values.js';

/**
 * Schema pieces for environment variables. Each issue message is what a valid value looks like, so
 * {@link envError} can say `<VAR> must be <message>, got '<value>'`.
 */

/** Unset or blank: undefined; else the value trimmed. */
export const optionalStringVar = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** An integer from `min` to `max` (default: no upper bound), `fallback` when unset. */
export function intVar(fallback: number, min: number, max?: number) {
  const expected = intRangeText(min, max);
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const value = parseIntSetting(raw, min, max);
      if (value !== undefined) return value;
      ctx.addIssue({ code: 'custom', message: expected });
      return z.NEVER;
    });
}

/** An integer from `min` to `max`, or undefined when unset or blank. */
export function optionalIntVar(min: number, max?: number) {
  const expected = intRangeText(min, max);
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return undefined;
      const value = parseIntSetting(raw, min, max);
      if (value !== undefined) return value;
      ctx.addIssue({ code: 'custom', message: expected });
      return z.NEVER;
    });
}

/** One of `values`, `fallback` when unset. */
export function enumVar<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
  return z.enum(values, { error: () => `one of ${values.join(', ')}` }).default(fallback);
}

/** One of `values`, or undefined when unset. */
export function optionalEnumVar<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: () => `one of ${values.join(', ')}` }).optional();
}

/** An absolute http(s) URL, or undefined when unset or blank. */
export const optionalHttpUrlVar = optionalStringVar.refine((value) => value === undefined || isHttpUrl(value), { error: 'an http:// or https:// URL' });

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
