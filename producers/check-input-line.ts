import { ANSWER_TYPES, type AnswerType, type InputItem, type StructuredInput } from '../shared/core-types.js';
import { noLlmWork, type InputRejectCode, type ItemResult } from '../shared/dataset/item-result.js';
import { SeenIds } from './seen-ids.js';
import type { RawLine } from './split-lines.js';
import { readStructured } from './structured-line.js';

/** What the reader yields per non-blank line: an item to enqueue, or the reject result of a line it cannot use. */
export type InputEvent = { kind: 'item'; item: InputItem } | { kind: 'reject'; result: ItemResult };

/** Limits and defaults a line is checked against (from the run spec). */
export interface LineCheckOptions {
  /** Answer type of lines that do not name their own (the run spec's `answerType`). */
  defaultAnswerType: AnswerType;
  /** Longest accepted prompt, in UTF-16 code units; longer prompts are rejected. Default: no limit. */
  maxPromptChars?: number;
  /** The limit the line splitter applied, in bytes (only for the message of a `line-too-long` reject). */
  maxLineBytes: number;
  /** Renders the prompt of a structured line (`pair`, or `prompt` + `options`). Default: the default templates. */
  renderPrompt?: (input: StructuredInput) => string;
  /** The structured form every line must have; a line without it is rejected. */
  requires?: StructuredInput['kind'];
}

/**
 * The file a line comes from: its full locator (recorded in rejects), the name reasons use, and the scope of the ids
 * generated for its lines without one (`<idScope>:line-<n>`; unset: `line-<n>`).
 */
export interface LineSource {
  file: string;
  name: string;
  idScope?: string;
}

/** A source the checker has seen, and where its lines start in the input-wide line numbering. */
interface SeenSource {
  source: LineSource;
  /** Lines of all earlier sources: this source's line n is input-wide line `before + n`. */
  before: number;
}

interface Problem {
  code: InputRejectCode;
  field: string | undefined;
  message: string;
}

/**
 * Turns raw lines into items or `rejected` results, across all the files of one input. Stateful: it numbers
 * non-blank lines (the item index) and remembers every id it has seen, so the second and later lines with the same
 * id are rejected with a reason that names the first (and its file, when that is another one). Blank (empty or
 * whitespace-only) lines yield nothing. Lines of one source must come together, in order.
 */
export class InputLineChecker {
  readonly #seen = new SeenIds();
  readonly #decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  #index = 0;
  /** Every source so far, in order; the last is the current one. */
  readonly #sources: SeenSource[] = [];
  #source: LineSource = { file: '', name: '' };
  /** Highest line number of the current source so far. */
  #lastLine = 0;

  constructor(private readonly options: LineCheckOptions) {}

  /** Items (and rejects) so far. */
  get count(): number {
    return this.#index;
  }

  check(raw: RawLine, source: LineSource): InputEvent | null {
    if (source !== this.#sources.at(-1)?.source) {
      const before = (this.#sources.at(-1)?.before ?? 0) + this.#lastLine;
      this.#sources.push({ source, before });
      this.#lastLine = 0;
    }
    this.#source = source;
    this.#lastLine = Math.max(this.#lastLine, raw.line);
    if (raw.truncated) return this.#reject(raw.line, undefined, [{ code: 'line-too-long', field: undefined, message: `line longer than ${this.options.maxLineBytes} bytes (inputLimits.maxLineBytes)` }]);
    let text: string;
    try {
      text = this.#decoder.decode(raw.bytes);
    } catch {
      const at = firstInvalidUtf8(raw.bytes);
      return this.#reject(raw.line, undefined, [{ code: 'invalid-utf8', field: undefined, message: `not valid UTF-8 (bad byte at offset ${at}); s2d reads UTF-8 and does not guess or replace` }]);
    }
    // A byte-order mark is tolerated at the start of any line (files concatenated with `cat` carry one mid-file).
    if (text.startsWith('\uFEFF')) text = text.slice(1);
    if (text.trim() === '') return null;
    if (text.includes('\0')) return this.#reject(raw.line, undefined, [{ code: 'nul-byte', field: undefined, message: 'the line holds a NUL byte' }]);
    return this.#parse(text, raw.line);
  }

  #parse(text: string, line: number): InputEvent {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return this.#reject(line, undefined, [{ code: 'malformed-json', field: undefined, message: `malformed JSON (${why})` }]);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.#reject(line, undefined, [{ code: 'malformed-json', field: undefined, message: `expected a JSON object, got ${describe(value)}` }]);
    }
    const obj = value as Record<string, unknown>;
    const { id, answerType } = obj;
    const problems: Problem[] = [];
    const bad = (code: InputRejectCode, field: string, message: string): void => {
      problems.push({ code, field, message });
    };
    const structuralProblems: { field: string | undefined; message: string }[] = [];
    const structured = readStructured(obj, this.options, structuralProblems);
    for (const p of structuralProblems) problems.push({ code: 'invalid-input', ...p });
    // A structured line's prompt is rendered from its parts; after a structural problem there is none to check.
    const prompt = structured === undefined ? obj.prompt : structured.prompt;
    const maxPromptChars = this.options.maxPromptChars;
    if (structured !== undefined && structured.input === undefined) {
      // readStructured has named the problem.
    } else if (typeof prompt !== 'string') bad('invalid-input', 'prompt', `expected a non-empty string, got ${describe(prompt)}`);
    else if (prompt.trim() === '') bad('empty-prompt', 'prompt', `expected a non-empty string, got ${describe(prompt)}`);
    else if (maxPromptChars !== undefined && prompt.length > maxPromptChars) {
      bad('prompt-too-long', 'prompt', `expected at most ${maxPromptChars} characters (inputLimits.maxPromptChars), got ${prompt.length}`);
    } else if (prompt.includes('\0')) bad('nul-byte', 'prompt', 'holds a NUL character (\\u0000)');
    if (id !== undefined && (typeof id !== 'string' || id === '')) bad('invalid-input', 'id', `expected a non-empty string, got ${describe(id)}`);
    else if (typeof id === 'string' && id.includes('\0')) bad('nul-byte', 'id', 'holds a NUL character (\\u0000)');
    if (answerType !== undefined && !isAnswerType(answerType)) {
      const allowed = ANSWER_TYPES.map((t) => `"${t}"`).join(', ');
      bad('invalid-input', 'answerType', `expected one of ${allowed}, got ${describe(answerType)}`);
    }
    const explicit = typeof id === 'string' && id !== '' && !id.includes('\0');
    const goodId = explicit ? id : this.#generatedId(line);
    // Every usable id is remembered, also on lines rejected for another reason: an id names one input line. The
    // table keeps input-wide line numbers, so a repeat in a later source can still name the source of the first.
    const current = this.#sources.at(-1);
    const earlier = this.#seen.firstLineOf(goodId, (current?.before ?? 0) + line);
    if (earlier !== undefined) {
      const how = explicit ? '' : ' (assigned from the line number, as the line has no id)';
      bad('duplicate-id', 'id', `id ${JSON.stringify(goodId)}${how} was already used by ${this.#describeLine(earlier)}`);
    }
    if (problems.length > 0 || typeof prompt !== 'string') return this.#reject(line, goodId, problems);
    return {
      kind: 'item',
      item: {
        index: this.#index++,
        line,
        id: goodId,
        // The prompt exactly as given: it becomes the user turn of the training line.
        prompt,
        answerType: isAnswerType(answerType) ? answerType : this.options.defaultAnswerType,
        ...(structured?.input === undefined ? {} : { structured: structured.input }),
      },
    };
  }

  /** The id of a line that has none: its line number, scoped by its source in a multi-source input. */
  #generatedId(line: number): string {
    const scope = this.#source.idScope;
    return scope === undefined ? `line-${line}` : `${scope}:line-${line}`;
  }

  /** An input-wide line number as a reason names it: `line <n>` in the current source, else `<name> line <n>`. */
  #describeLine(inputLine: number): string {
    // The last source that starts before the line (binary search: sources are in input order).
    let low = 0;
    let high = this.#sources.length - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if ((this.#sources[mid]?.before ?? 0) < inputLine) low = mid;
      else high = mid - 1;
    }
    const found = this.#sources[low];
    const line = inputLine - (found?.before ?? 0);
    return found === undefined || found.source === this.#source ? `line ${line}` : `${found.source.name} line ${line}`;
  }

  /** The rejected result of a line; its reason lists every problem, `code` and `field` are the first one's. */
  #reject(line: number, id: string | undefined, problems: Problem[]): InputEvent {
    const reason = problems
      .map((p) => `${this.#source.name} line ${line}${p.field === undefined ? '' : `, field "${p.field}"`}: ${p.message}`)
      .join('; ');
    const first = problems[0];
    const field = first?.field;
    const result: ItemResult = {
      status: 'rejected',
      code: first?.code ?? 'invalid-input',
      reason,
      file: this.#source.file,
      ...(field === undefined ? {} : { field }),
      index: this.#index++,
      line,
      id: id ?? this.#generatedId(line),
      prompt: '',
      ...noLlmWork(),
    };
    return { kind: 'reject', result };
  }
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

/** Byte offset of the first byte that does not start or continue a well-formed UTF-8 sequence (for the message). */
function firstInvalidUtf8(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] ?? 0;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    // The second byte's narrower ranges exclude overlong forms, surrogates and code points above U+10FFFF.
    const second = bytes[i + 1] ?? 0;
    const [low, high] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    if (length > 1 && (second < low || second > high)) return i;
    for (let k = 2; k < length; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += length;
  }
  return bytes.length;
}
