import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { explainSpecIssue } from './explain-spec-issue.js';
import { RunSpecError } from './run-spec-error.js';
import { specKeysAt } from './spec-keys-at.js';

/** What a spec file is validated against, and how it is named in errors. */
export interface SpecKind<T> {
  /** The spec's name in errors, e.g. "run spec", "eval spec". */
  noun: string;
  /** Validates the parsed document and applies the defaults. */
  schema: z.ZodType<T>;
  /** The object schema whose keys are suggested and listed for an unknown field. Default: `schema`. */
  keysSchema?: z.core.$ZodType;
}

/** The file a valid spec came from, for checks only the file can make (was a field written, or defaulted?). */
export interface SpecSource {
  has(path: readonly string[]): boolean;
  /** ` line N` of the field at a path, or of its nearest enclosing field that is written; '' when none is. */
  lineOf(path: readonly PropertyKey[]): string;
}

/**
 * Reads a YAML or JSON spec (JSON is YAML) and validates it. Every problem is listed with the file, line and field;
 * a syntax error names its line and the YAML parser's message.
 *
 * @throws {RunSpecError} for an unreadable file, invalid YAML/JSON, or a spec the schema refuses.
 */
export async function loadSpecFile<T>(path: string, kind: SpecKind<T>): Promise<{ spec: T; source: SpecSource }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new RunSpecError(`${path}: cannot read the ${kind.noun} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    const line = lineCounter.linePos(firstError.pos[0]).line;
    throw new RunSpecError(`${path} line ${line}: not valid YAML/JSON: ${firstError.message.split('\n')[0] ?? ''}`);
  }
  const submitted: unknown = doc.toJS();
  const source: SpecSource = {
    has: (at) => doc.hasIn(at),
    lineOf: (at) => {
      // A missing field is reported at the nearest enclosing field that is there.
      for (let depth = at.length; depth > 0; depth--) {
        const node: unknown = doc.getIn(at.slice(0, depth).map(String), true);
        const range = (node as { range?: [number, number, number] } | undefined)?.range;
        if (range !== undefined) return ` line ${lineCounter.linePos(range[0]).line}`;
      }
      return '';
    },
  };
  const parsed = kind.schema.safeParse(submitted);
  if (parsed.success) return { spec: parsed.data, source };
  const valueAt = (at: PropertyKey[]): unknown =>
    at.reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined), submitted);
  const keysAt = (at: PropertyKey[]): string[] => specKeysAt(kind.keysSchema ?? kind.schema, at);
  const lines = parsed.error.issues.flatMap((issue) => explainSpecIssue(issue, valueAt, keysAt)).map((problem) => {
    const field = problem.path.length === 0 ? '(top level)' : problem.path.map(String).join('.');
    return `${path}${source.lineOf(problem.path)}, field "${field}": ${problem.message}`;
  });
  throw new RunSpecError(`invalid ${kind.noun}:\n  ${lines.join('\n  ')}`);
}
