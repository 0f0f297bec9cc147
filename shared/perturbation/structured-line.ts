import type { StructuredInput } from '../core-types.js';
import { DEFAULT_TEMPLATES } from '../strategies/templates.js';
import { MAX_OPTIONS, renderStructuredPrompt } from './structured-input.js';

export interface Problem {
  field: string | undefined;
  message: string;
}

/** What a line's structured fields gave: the rendered prompt and the input, or '' / undefined after a problem. */
export interface StructuredLine {
  prompt: string;
  input: StructuredInput | undefined;
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.trim() === '' ? 'an empty string' : 'a string';
  return typeof value;
}

function readPair(value: unknown, problems: Problem[]): StructuredInput | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({ field: 'pair', message: `expected an object {question, responseA, responseB}, got ${kindOf(value)}` });
    return undefined;
  }
  const pair = value as Record<string, unknown>;
  let ok = true;
  for (const key of ['question', 'responseA', 'responseB'] as const) {
    if (!nonEmpty(pair[key])) {
      problems.push({ field: `pair.${key}`, message: `expected a non-empty string, got ${kindOf(pair[key])}` });
      ok = false;
    }
  }
  const { question, responseA, responseB } = pair;
  if (!ok || !nonEmpty(question) || !nonEmpty(responseA) || !nonEmpty(responseB)) return undefined;
  return { kind: 'pair', question, responseA, responseB };
}

function readOptions(question: unknown, value: unknown, problems: Problem[]): StructuredInput | undefined {
  const before = problems.length;
  if (!nonEmpty(question)) problems.push({ field: 'prompt', message: `expected the question as a non-empty string, got ${kindOf(question)}` });
  if (!Array.isArray(value) || value.length < 2 || value.length > MAX_OPTIONS) {
    problems.push({ field: 'options', message: `expected an array of 2 to ${MAX_OPTIONS} strings, got ${Array.isArray(value) ? `${value.length} entries` : kindOf(value)}` });
  } else {
    value.forEach((option, i) => {
      if (!nonEmpty(option)) problems.push({ field: `options.${i}`, message: `expected a non-empty string, got ${kindOf(option)}` });
    });
  }
  if (problems.length > before || !nonEmpty(question) || !Array.isArray(value)) return undefined;
  return { kind: 'options', question, options: value as string[] };
}

/**
 * Reads a line's structured form: `pair: {question, responseA, responseB}` (no `prompt` beside it: the prompt is
 * rendered from the `judge` template), or `prompt` (the question) with `options: [..]` (rendered through `choice`).
 * Problems are appended to `problems` with their field. Undefined for a plain `prompt` line (when none is required).
 */
export function readStructured(
  obj: Record<string, unknown>,
  options: { renderPrompt?: (input: StructuredInput) => string; requires?: StructuredInput['kind'] },
  problems: Problem[],
): StructuredLine | undefined {
  const render = options.renderPrompt ?? ((input: StructuredInput) => renderStructuredPrompt(input, DEFAULT_TEMPLATES));
  let input: StructuredInput | undefined;
  if (obj.pair !== undefined) {
    if (obj.prompt !== undefined) problems.push({ field: 'prompt', message: 'give either "prompt" or "pair", not both (a pair\'s prompt is rendered from the judge template)' });
    if (obj.options !== undefined) problems.push({ field: 'options', message: '"options" cannot go with "pair"' });
    input = readPair(obj.pair, problems);
  } else if (obj.options !== undefined) {
    input = readOptions(obj.prompt, obj.options, problems);
  } else if (options.requires === undefined) {
    return undefined;
  }
  if (options.requires !== undefined && input?.kind !== options.requires && problems.length === 0) {
    const need = options.requires === 'pair' ? '"pair": {question, responseA, responseB}' : '"prompt" with "options": [..]';
    problems.push({ field: options.requires, message: `this run needs ${need} on every line` });
  }
  return input === undefined ? { prompt: '', input: undefined } : { prompt: render(input), input };
}
