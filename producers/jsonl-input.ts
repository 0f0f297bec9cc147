import { open } from 'node:fs/promises';
import path from 'node:path';
import { ANSWER_TYPES, type AnswerType, type InputItem, type StructuredInput } from '../shared/core-types.js';
import { readStructured } from './structured-line.js';
import type { ItemResult } from '../shared/dataset/item-result.js';

/** What the reader yields per non-blank line: an item to enqueue, or the reject result of a line it cannot use. */
export type InputEvent = { kind: 'item'; item: InputItem } | { kind: 'reject'; result: ItemResult };

/** Options of {@link readJsonlInput}. */
export interface JsonlInputOptions {
  /** Answer type of lines that do not name their own (the run spec's `answerType`). */
  defaultAnswerType: AnswerType;
  /** Longest accepted prompt, in UTF-16 characters; longer prompts are rejected. Default: no limit. */
  maxPromptChars?: number;
  /**
   * Longest line read into memory, in UTF-16 characters; the rest of a longer line is skipped and the line is
   * rejected, so one runaway line (a file with no newlines) cannot exhaust memory. Default 16 Mi characters.
   */
  maxLineChars?: number;
  /** Renders the prompt of a structured line (`pair`, or `prompt` + `options`). Default: the default templates. */
  renderPrompt?: (input: StructuredInput) => string;
  /** The structured form every line must have (the strategy's or the perturbations' need); a line without it is rejected. */
  requires?: StructuredInput['kind'];
}

/** A file-level problem: the input cannot be opened or read at all (as opposed to a bad line). */
export class InputFileError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`cannot read input file ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'InputFileError';
  }
}

const DEFAULT_MAX_LINE_CHARS = 16 * 1024 * 1024;

/** One file of a run's input: a local file or an S3 object, read as UTF-8 text chunks. */
export interface InputSource {
  /** Full locator recorded in reject results (`file`): an absolute path or `s3://bucket/key`. */
  file: string;
  /** How reject reasons name the file: the base name of a local file, the whole URI of an S3 object. */
  name: string;
  /** Opens the source and streams its text (decoded, gunzipped); may throw when it cannot be opened or read. */
  text(): AsyncIterable<string>;
}

/**
 * Streams a JSONL input file. Every non-blank line gets the next item index (0-based) and yields either an item or
 * an `invalid-input` reject whose reason names file, line and field; blank lines are skipped but still counted as
 * line numbers. Lines are `{"id"?: string, "prompt": string, "answerType"?: AnswerType}`; other fields are ignored.
 * A missing id becomes `line-<n>`.
 *
 * @throws {InputFileError} when the file cannot be opened or read (one error for the file, not one per line).
 */
export function readJsonlInput(file: string, options: JsonlInputOptions): AsyncGenerator<InputEvent> {
  return readJsonlSources([localInputSource(file)], options);
}

/**
 * Reads several sources as one input, in the given order: item indexes continue across sources, line numbers
 * restart at 1 in each (so a reject names the source and its own line). Same per-line rules as {@link readJsonlInput}.
 *
 * @throws {InputFileError} naming the source that cannot be opened or read.
 */
export async function* readJsonlSources(
  sources: Iterable<InputSource> | AsyncIterable<InputSource>,
  options: JsonlInputOptions,
): AsyncGenerator<InputEvent> {
  let index = 0;
  const maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  for await (const source of sources) {
    const { file, name } = source;
    for await (const { text, line, truncated } of readLines(source, maxLineChars)) {
      // Only line 1 can carry the byte-order mark; a BOM elsewhere is content.
      const content = line === 1 && text.startsWith('\uFEFF') ? text.slice(1) : text;
      if (content.trim() === '') continue;
      const problem = truncated ? { field: undefined, message: `line longer than ${maxLineChars} characters` } : undefined;
      yield toEvent(content, { file, name, line, index: index++, options }, problem);
    }
  }
}

/** A local file (or FIFO, or /dev/stdin) as an input source. */
export function localInputSource(file: string): InputSource {
  return {
    file,
    name: path.basename(file),
    async *text() {
      const handle = await open(file, 'r');
      try {
        // Any non-directory is fine: a FIFO or /dev/stdin lets `s2d submit` read a stream that is still being written.
        if ((await handle.stat()).isDirectory()) throw new Error('it is a directory');
        const stream = handle.createReadStream({ encoding: 'utf8', autoClose: false });
        try {
          yield* stream as AsyncIterable<string>;
        } finally {
          stream.destroy();
        }
      } finally {
        await handle.close().catch(() => undefined);
      }
    },
  };
}

interface LineContext {
  file: string;
  name: string;
  line: number;
  index: number;
  options: JsonlInputOptions;
}

interface Problem {
  field: string | undefined;
  message: string;
}

function toEvent(text: string, ctx: LineContext, early: Problem | undefined): InputEvent {
  if (early !== undefined) return reject(ctx, undefined, [early]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return reject(ctx, undefined, [{ field: undefined, message: `malformed JSON (${why})` }]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject(ctx, undefined, [{ field: undefined, message: `expected a JSON object, got ${describe(value)}` }]);
  }
  const obj = value as Record<string, unknown>;
  const problems: Problem[] = [];
  const { id, answerType } = obj;
  const structured = readStructured(obj, ctx.options, problems);
  const prompt = structured === undefined ? obj.prompt : structured.prompt;
  if (structured?.prompt === '') {
    // readStructured has named the problem.
  } else if (typeof prompt !== 'string' || prompt.trim() === '') {
    problems.push({ field: 'prompt', message: `expected a non-empty string, got ${describe(prompt)}` });
  } else if (ctx.options.maxPromptChars !== undefined && prompt.length > ctx.options.maxPromptChars) {
    const message = `expected at most ${ctx.options.maxPromptChars} characters, got ${prompt.length}`;
    problems.push({ field: 'prompt', message });
  }
  if (id !== undefined && (typeof id !== 'string' || id === '')) {
    problems.push({ field: 'id', message: `expected a non-empty string, got ${describe(id)}` });
  }
  if (answerType !== undefined && !isAnswerType(answerType)) {
    const allowed = ANSWER_TYPES.map((t) => `"${t}"`).join(', ');
    problems.push({ field: 'answerType', message: `expected one of ${allowed}, got ${describe(answerType)}` });
  }
  const goodId = typeof id === 'string' && id !== '' ? id : `line-${ctx.line}`;
  if (problems.length > 0 || typeof prompt !== 'string') return reject(ctx, goodId, problems);
  return {
    kind: 'item',
    item: {
      index: ctx.index,
      line: ctx.line,
      id: goodId,
      // The prompt exactly as given: it becomes the user turn of the training line.
      prompt,
      answerType: isAnswerType(answerType) ? answerType : ctx.options.defaultAnswerType,
      ...(structured?.input === undefined ? {} : { structured: structured.input }),
    },
  };
}

/** The `invalid-input` result of a line; its reason lists every problem, `field` is the first one's. */
function reject(ctx: LineContext, id: string | undefined, problems: Problem[]): InputEvent {
  const reason = problems
    .map((p) => `${ctx.name} line ${ctx.line}${p.field === undefined ? '' : `, field "${p.field}"`}: ${p.message}`)
    .join('; ');
  const field = problems.find((p) => p.field !== undefined)?.field;
  const result: ItemResult = {
    status: 'rejected',
    code: 'invalid-input',
    reason,
    file: ctx.file,
    ...(field === undefined ? {} : { field }),
    index: ctx.index,
    line: ctx.line,
    id: id ?? `line-${ctx.line}`,
    prompt: '',
    samples: 0,
    votes: [],
    unextractable: 0,
    calls: 0,
    usage: { promptTokens: 0, completionTokens: 0 },
    elapsedMs: 0,
  };
  return { kind: 'reject', result };
}

function isAnswerType(value: unknown): value is AnswerType {
  return typeof value === 'string' && (ANSWER_TYPES as readonly string[]).includes(value);
}

/** A value's JSON type for messages; strings are quoted (short ones whole) so a wrong enum value is visible. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    if (value.trim() === '') return 'a blank string';
    return value.length <= 40 ? JSON.stringify(value) : 'a string';
  }
  return typeof value;
}

interface RawLine {
  text: string;
  /** 1-based line number. */
  line: number;
  /** The line was longer than the limit; `text` holds only its start. */
  truncated: boolean;
}

/**
 * Splits the stream on "\n" only (stripping one "\r" before it), unlike readline, which also breaks at a lone "\r"
 * and would then disagree with `wc -l`, editors and the line numbers a user sees. Scans each chunk once, so a
 * very long line costs linear time.
 */
async function* readLines(source: InputSource, maxLineChars: number): AsyncGenerator<RawLine> {
  // The unfinished line: its pieces so far, their length, and whether pieces were dropped past the limit.
  const pending = { parts: [] as string[], length: 0, truncated: false };
  let line = 0;
  const take = (): RawLine => {
    const joined = pending.parts.join('');
    const text = joined.endsWith('\r') ? joined.slice(0, -1) : joined;
    const raw = { text, line: ++line, truncated: pending.truncated };
    pending.parts = [];
    pending.length = 0;
    pending.truncated = false;
    return raw;
  };
  const keep = (piece: string): void => {
    const room = maxLineChars - pending.length;
    if (piece.length > room) pending.truncated = true;
    const kept = piece.length > room ? piece.slice(0, Math.max(0, room)) : piece;
    if (kept !== '') pending.parts.push(kept);
    pending.length += kept.length;
  };
  try {
    for await (const chunk of source.text()) {
      let start = 0;
      for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
        keep(chunk.slice(start, nl));
        yield take();
        start = nl + 1;
      }
      keep(chunk.slice(start));
    }
  } catch (error) {
    throw new InputFileError(source.file, error);
  }
  if (pending.length > 0 || pending.truncated) yield take();
}
