import type { z } from 'zod';
import { showSetting } from './setting-values.js';

/** An environment variable with a value s2d cannot use; the message names it, what was expected and what it got. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/**
 * One error for every bad variable of an environment schema whose issue messages say what is expected (e.g.
 * "a positive integer"): `S2D_WORKER_CONCURRENCY must be a positive integer, got 'abc'; S2D_LOG_LEVEL must be …`.
 * Variables in `secrets` show their length instead of their value.
 */
export function envError(issues: readonly z.core.$ZodIssue[], source: NodeJS.ProcessEnv, secrets: ReadonlySet<string> = new Set()): EnvError {
  const problems = new Map<string, string>();
  for (const issue of issues) {
    const name = String(issue.path[0] ?? '');
    const raw = source[name];
    // A secret's value (even a rejected one) never reaches a terminal or a log: only its length does.
    const got = secrets.has(name) && raw !== undefined ? `a value of ${raw.length} characters (not shown)` : showSetting(raw);
    if (!problems.has(name)) problems.set(name, `${name} must be ${issue.message}, got ${got}`);
  }
  return new EnvError([...problems.values()].join('; '));
}
