import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ANSWER_TYPES, type AnswerType, type StructuredInput } from '../core-types.js';
import { readStructured, type Problem } from '../perturbation/structured-line.js';
import type { EvalJob } from '../queue/eval-job.js';
import type { EvalLabel } from './eval-metrics.js';

/** A labelled set that cannot be used; names the file, line and field. */
export class EvalSetError extends Error {
  override readonly name = 'EvalSetError';
}

/** Fields of an input line that are the input itself; any other string field is label metadata. */
const INPUT_FIELDS = new Set(['id', 'prompt', 'answerType', 'pair', 'options']);
const LABEL_FIELDS = new Set(['answer', 'label']);

async function* jsonObjects(path: string): AsyncGenerator<{ line: number; value: Record<string, unknown> }> {
  let line = 0;
  let stream;
  try {
    stream = createReadStream(path);
    for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
      line += 1;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new EvalSetError(`${path} line ${line}: not valid JSON`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new EvalSetError(`${path} line ${line}: not a JSON object`);
      yield { line, value: value as Record<string, unknown> };
    }
  } catch (error) {
    if (error instanceof EvalSetError) throw error;
    throw new EvalSetError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

function metaOf(value: Record<string, unknown>, skip: ReadonlySet<string>): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [key, field] of Object.entries(value)) {
    if (skip.has(key) || INPUT_FIELDS.has(key) || LABEL_FIELDS.has(key)) continue;
    if (typeof field === 'string' || typeof field === 'number' || typeof field === 'boolean') meta[key] = String(field);
  }
  return meta;
}

export interface EvalSet {
  /** What goes on the queue: input only. */
  jobs: Omit<EvalJob, 'evalId'>[];
  /** What only finalisation reads. */
  labels: EvalLabel[];
}

export interface ReadEvalSetOptions {
  /** Renders a structured line's prompt (the eval's judge / choice templates); default: the built-in templates. */
  renderPrompt?: (input: StructuredInput) => string;
  /** The structured form every line must carry (e.g. `pair` for `bsm` or `swap-ab`). */
  requires?: StructuredInput['kind'];
}

/** The first problem of a line, worded as the producer's input rejects are (file, line, field). */
function problemError(path: string, line: number, problem: Problem): EvalSetError {
  return new EvalSetError(`${path} line ${line}${problem.field === undefined ? '' : `, field "${problem.field}"`}: ${problem.message}`);
}

/**
 * Reads a labelled set and splits it into inputs (for the queue) and labels (for scoring), by id: labels come from
 * `labelsPath` (as `s2d generate` writes them) or from the input lines' own `answer` / `label` field. Any other
 * scalar field of a label line or input line (task, variant, ...) becomes metadata for per-group accuracy. Held in
 * memory: evaluation sets are thousands of items, not millions. Structured lines (`pair`, `prompt` + `options`)
 * carry their structured form on the job and their prompt rendered through `options.renderPrompt`.
 */
export async function readEvalSet(
  inputPath: string,
  labelsPath: string | undefined,
  defaultAnswerType: AnswerType,
  options: ReadEvalSetOptions = {},
): Promise<EvalSet> {
  const labelLines = new Map<string, { answer: string; meta: Record<string, string> }>();
  if (labelsPath !== undefined) {
    for await (const { line, value } of jsonObjects(labelsPath)) {
      const id = value.id;
      const answer = value.answer ?? value.label;
      if (typeof id !== 'string') throw new EvalSetError(`${labelsPath} line ${line}, field "id": expected a string`);
      if (typeof answer !== 'string' && typeof answer !== 'number') throw new EvalSetError(`${labelsPath} line ${line}, field "answer": expected a string or number`);
      labelLines.set(id, { answer: String(answer), meta: metaOf(value, new Set()) });
    }
  }
  const jobs: EvalSet['jobs'] = [];
  const labels: EvalLabel[] = [];
  const seen = new Set<string>();
  for await (const { line, value } of jsonObjects(inputPath)) {
    const index = jobs.length;
    const id = value.id === undefined ? `line-${line}` : value.id;
    if (typeof id !== 'string') throw new EvalSetError(`${inputPath} line ${line}, field "id": expected a string`);
    if (seen.has(id)) throw new EvalSetError(`${inputPath} line ${line}, field "id": "${id}" appears twice`);
    seen.add(id);
    // Structured lines (`pair`, or `prompt` + `options`) are read exactly as a run's producer reads them.
    const problems: Problem[] = [];
    const structured = readStructured(value, options, problems);
    const problem = problems[0];
    if (problem !== undefined) throw problemError(inputPath, line, problem);
    const prompt = structured?.prompt ?? value.prompt;
    if (typeof prompt !== 'string' || prompt.trim() === '') throw new EvalSetError(`${inputPath} line ${line}, field "prompt": expected a non-empty string`);
    const answerType = value.answerType ?? defaultAnswerType;
    if (!ANSWER_TYPES.includes(answerType as AnswerType)) throw new EvalSetError(`${inputPath} line ${line}, field "answerType": expected one of ${ANSWER_TYPES.join(', ')}`);
    const inline = value.answer ?? value.label;
    const fromFile = labelLines.get(id);
    const answer = typeof inline === 'string' || typeof inline === 'number' ? String(inline) : fromFile?.answer;
    if (answer === undefined) throw new EvalSetError(`${inputPath} line ${line}: no label for id "${id}"${labelsPath === undefined ? '' : ` in ${labelsPath}`}`);
    const job = { index, id, prompt, answerType: answerType as AnswerType };
    jobs.push(structured?.input === undefined ? job : { ...job, structured: structured.input });
    labels.push({ index, id, answer, meta: { ...metaOf(value, new Set()), ...(fromFile?.meta ?? {}) } });
  }
  return { jobs, labels };
}
