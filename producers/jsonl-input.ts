import { open } from 'node:fs/promises';
import path from 'node:path';
import type { AnswerType, StructuredInput } from '../shared/core-types.js';
import { InputLineChecker, type InputEvent } from './check-input-line.js';
import { splitLines } from './split-lines.js';

export type { InputEvent } from './check-input-line.js';

/** Options of {@link readJsonlInput}. */
export interface JsonlInputOptions {
  /** Answer type of lines that do not name their own (the run spec's `answerType`). */
  defaultAnswerType: AnswerType;
  /** Longest accepted prompt, in UTF-16 code units; longer prompts are rejected. Default: no limit. */
  maxPromptChars?: number;
  /**
   * Longest line read into memory, in bytes; a longer line is skipped as it streams past and rejected, so one
   * runaway line (a file with no newlines) cannot exhaust memory. Default 16 MiB.
   */
  maxLineBytes?: number;
  /** Renders the prompt of a structured line (`pair`, or `prompt` + `options`). Default: the default templates. */
  renderPrompt?: (input: StructuredInput) => string;
  /** The structured form every line must have (the strategy's or the perturbations' need); a line without it is rejected. */
  requires?: StructuredInput['kind'];
}

/** A file-level problem: the input cannot be opened or read at all, or holds nothing (as opposed to a bad line). */
export class InputFileError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`cannot read input file ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'InputFileError';
  }
}

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/** One file of a run's input: a local file or an S3 object, read as raw bytes (decoded strictly per line). */
export interface InputSource {
  /** Full locator recorded in reject results (`file`): an absolute path or `s3://bucket/key`. */
  file: string;
  /** How reject reasons name the file: the base name of a local file, the whole URI of an S3 object. */
  name: string;
  /**
   * Scope of the ids generated for this source's lines without an id: `<idScope>:line-<n>`, so lines of different
   * sources never share one. Unset: `line-<n>`, which only an input of one source may use. The object's key under
   * the prefix for an S3 prefix input. Default: unset.
   */
  idScope?: string;
  /** Opens the source and streams its bytes (gunzipped); may throw when it cannot be opened or read. */
  bytes(): AsyncIterable<Uint8Array>;
}

/**
 * Streams a JSONL input file. Every non-blank line gets the next item index (0-based) and yields either an item or
 * a `rejected` result whose code says what is wrong and whose reason names file, line and field (see
 * {@link InputLineChecker}); blank lines are skipped but still counted as line numbers. Lines are
 * `{"id"?: string, "prompt": string, "answerType"?: AnswerType}` (or a structured `pair` / `options` line); other
 * fields are ignored. A missing id becomes `line-<n>` (`<idScope>:line-<n>` for a source with an `idScope`).
 *
 * @throws {InputFileError} when the file cannot be opened or read, is a directory, is UTF-16, or holds no
 * non-blank line (one error for the file, not one per line; thrown before any event when the file is empty).
 */
export function readJsonlInput(file: string, options: JsonlInputOptions): AsyncGenerator<InputEvent> {
  return readJsonlSources([localInputSource(file)], options);
}

/**
 * Reads several sources as one input, in the given order: item indexes continue across sources, line numbers
 * restart at 1 in each (so a reject names the source and its own line), and an id repeated in a later source is a
 * duplicate like one repeated within a source (the reject names the source and line that used it first). Same
 * per-line rules as {@link readJsonlInput}. With more than one source, every source needs its own `idScope`, so the
 * ids generated for lines without one stay unique across the input.
 *
 * @throws {InputFileError} naming the source that cannot be opened or read, or when no source holds an item.
 * @throws {Error} when a second source arrives and the sources do not all have distinct `idScope`s (a caller's bug).
 */
export async function* readJsonlSources(
  sources: Iterable<InputSource> | AsyncIterable<InputSource>,
  options: JsonlInputOptions,
): AsyncGenerator<InputEvent> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const checker = new InputLineChecker({ ...options, maxLineBytes });
  let last = '';
  const scopes = new Set<string | undefined>();
  let count = 0;
  for await (const source of sources) {
    scopes.add(source.idScope);
    count += 1;
    if (count > 1 && (scopes.has(undefined) || scopes.size < count)) {
      throw new Error(`input source ${source.file}: the sources of a multi-source input need distinct idScopes, or the ids generated for lines without one would repeat`);
    }
    last = source.file;
    try {
      for await (const raw of splitLines(source.bytes(), maxLineBytes)) {
        if (raw.line === 1 && isUtf16(raw.bytes)) {
          throw new Error('it is UTF-16 (it starts with a UTF-16 byte-order mark); s2d reads UTF-8 JSONL: convert it, e.g. iconv -f UTF-16 -t UTF-8');
        }
        const event = checker.check(raw, source);
        if (event !== null) yield event;
      }
    } catch (error) {
      throw error instanceof InputFileError ? error : new InputFileError(source.file, error);
    }
  }
  if (checker.count === 0) throw new InputFileError(last, new Error('it holds no items (it is empty, or has only blank lines)'));
}

/** Paths that name the process's standard input. */
const STDIN_ALIASES = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/** A local file (or FIFO, or /dev/stdin) as an input source; `idScope` as in {@link InputSource} (default unset). */
export function localInputSource(file: string, idScope?: string): InputSource {
  return {
    file,
    name: path.basename(file),
    ...(idScope === undefined ? {} : { idScope }),
    async *bytes() {
      let handle;
      try {
        handle = await open(file, 'r');
      } catch (error) {
        // /dev/stdin cannot be opened when standard input is a socket (as a parent process's socket pair often is):
        // the process's own stdin is the same stream.
        if (!STDIN_ALIASES.has(file) || (error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
        yield* process.stdin as AsyncIterable<Buffer>;
        return;
      }
      try {
        // Any non-directory is fine: a FIFO or /dev/stdin lets `s2d submit` read a stream that is still being written.
        if ((await handle.stat()).isDirectory()) throw new Error('it is a directory, not a JSONL file');
        const stream = handle.createReadStream({ autoClose: false });
        try {
          yield* stream as AsyncIterable<Buffer>;
        } finally {
          stream.destroy();
        }
      } finally {
        await handle.close().catch(() => undefined);
      }
    },
  };
}

function isUtf16(bytes: Buffer): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
}
