import type { z } from 'zod';

/** One problem of a run spec, in words a person fixes a YAML file by: the field it is about, and what to do. */
export interface SpecProblem {
  /** Path of the offending field (for an unknown key, the key itself). */
  path: PropertyKey[];
  message: string;
}

/**
 * Rewrites zod's issues for people: an unknown key is named as a field of its own (so its line is the key's line)
 * with the closest known key as a suggestion; a bad enum value or type says what was given, with a suggestion for a
 * near-miss (`rar3` -> `rar2`, `temprature` -> `temperature`).
 *
 * @param valueAt reads the submitted value at a path (for "got …").
 * @param knownKeys lists the keys the schema allows at a path (for suggestions).
 */
export function explainSpecIssue(
  issue: z.core.$ZodIssue,
  valueAt: (path: PropertyKey[]) => unknown,
  knownKeys: (path: PropertyKey[]) => readonly string[],
): SpecProblem[] {
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: [...issue.path, key],
        message: `unknown field${suggest(key, knownKeys(issue.path))}; allowed here: ${knownKeys(issue.path).join(', ')}`,
      }));
    case 'invalid_value': {
      const given = valueAt(issue.path);
      const options = issue.values.map((v) => JSON.stringify(v));
      const hint = typeof given === 'string' ? suggest(given, issue.values.map(String)) : '';
      return [{ path: issue.path, message: `expected one of ${options.join(', ')}, got ${describeValue(given)}${hint}` }];
    }
    case 'invalid_type': {
      const given = valueAt(issue.path);
      if (given === undefined) return [{ path: issue.path, message: `required: expected ${issue.expected}, but the field is missing` }];
      const quoted = typeof given === 'string' && issue.expected === 'number' && given.trim() !== '' && Number.isFinite(Number(given));
      const hint = quoted ? ' (write the number without quotes)' : '';
      return [{ path: issue.path, message: `expected ${issue.expected}, got ${describeValue(given)}${hint}` }];
    }
    case 'invalid_union':
      return explainUnion(issue, valueAt, knownKeys);
    default:
      return [{ path: issue.path, message: issue.message }];
  }
}

/**
 * A value no form of a union field accepted (e.g. `strategy`: a built-in name or a `{module}` mapping): explained as
 * the form the value was evidently meant to be — a string as the name list, a mapping as the mapping's fields —
 * rather than zod's "Invalid input".
 */
function explainUnion(
  issue: z.core.$ZodIssueInvalidUnion,
  valueAt: (path: PropertyKey[]) => unknown,
  knownKeys: (path: PropertyKey[]) => readonly string[],
): SpecProblem[] {
  const given = valueAt(issue.path);
  const meant = issue.errors.find((branch) => branch.every((inner) => formMatches(inner, given)));
  const explain = (branch: readonly z.core.$ZodIssue[]): SpecProblem[] =>
    branch.flatMap((inner) => explainSpecIssue({ ...inner, path: [...issue.path, ...inner.path] }, valueAt, knownKeys));
  if (meant !== undefined) return explain(meant);
  const forms = issue.errors.flatMap((branch) => explain(branch.filter((inner) => inner.path.length === 0)).map((p) => p.message.replace(/, got .*$/, '')));
  return [{ path: issue.path, message: `${forms.join(', or ')}; got ${describeValue(given)}` }];
}

/** Whether a union branch's issue is about the value's contents rather than its being another kind of value. */
function formMatches(issue: z.core.$ZodIssue, given: unknown): boolean {
  if (issue.path.length > 0) return true;
  if (issue.code === 'invalid_type') return false;
  if (issue.code === 'invalid_value') return issue.values.some((value) => typeof value === typeof given);
  return true;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'a mapping';
  return typeof value === 'number' || typeof value === 'boolean' ? `${typeof value} ${String(value)}` : typeof value;
}

/** ` (did you mean "x"?)` for the closest known words within a small edit distance, else ''. */
function suggest(word: string, known: readonly string[]): string {
  let best: string[] = [];
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [[candidate], distance];
    else if (distance === bestDistance) best.push(candidate);
  }
  return best.length === 0 ? '' : ` (did you mean ${best.map((b) => `"${b}"`).join(' or ')}?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
