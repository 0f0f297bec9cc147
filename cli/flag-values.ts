import { intRangeText, parseIntSetting, showSetting } from '../shared/config/setting-values.js';
import { CliError } from './cli-error.js';

/** Exit code of an invalid flag (docs/commands.md). */
const INVALID_FLAG = 2;

/**
 * An integer flag: `fallback` when absent, the value when it is an integer from `min` to `max` (default: no upper
 * bound), else a one-line error naming the flag, e.g. `--concurrency must be a positive integer, got 'abc'`.
 */
export function intFlag(raw: string | undefined, flag: string, fallback: number, min: number, max?: number): number {
  if (raw === undefined) return fallback;
  const value = parseIntSetting(raw, min, max);
  if (value === undefined) throw invalidFlag(flag, intRangeText(min, max), raw);
  return value;
}

/** A number flag from 0 to 1 (a fraction): `fallback` when absent, else a one-line error naming the flag. */
export function fractionFlag(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!(value >= 0 && value <= 1)) throw invalidFlag(flag, 'a number from 0 to 1', raw);
  return value;
}

/** The error of a flag whose value is not what it must be; exit code 2. */
export function invalidFlag(flag: string, expected: string, raw: string): CliError {
  return new CliError(`${flag} must be ${expected}, got ${showSetting(raw)}`, INVALID_FLAG);
}
