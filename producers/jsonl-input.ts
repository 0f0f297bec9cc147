import { open, type FileHandle } from 'node:fs/promises';
import type { AnswerType } from '../shared/core-types.js';
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

/**
 * Streams a JSONL input file. Every non-blank line gets the next item index (0-based) and yields either an item or
 * a `rejected` result whose code says what is wrong and whose reason names file, line and field (see
 * {@link InputLineChecker}); blank lines are skipped but still counted as line numbers. Lines are
 * `{"id"?: string, "prompt": string, "answerType"?: AnswerType}`; other fields are ignored. A missing id becomes
 * `line-<n>`.
 *
 * @throws {InputFileError} when the file cannot be opened or read, is a directory, is UTF-16, or holds no
 * non-blank line (one error for the file, not one per line; thrown before any event when the file is empty).
 */
export async function* readJsonlInput(file: string, options: JsonlInputOptions): AsyncGenerator<InputEvent> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new InputFileError(file, error);
  }
  try {
    // Any non-directory is fine: a FIFO or /dev/stdin lets `s2d submit` read a stream that is still being written.
    if ((await handle.stat()).isDirectory()) throw new Error('it is a directory, not a JSONL file');
  } catch (error) {
    await handle.close();
    throw new InputFileError(file, error);
  }
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const checker = new InputLineChecker(file, { ...options, maxLineBytes });
  const stream = handle.createReadStream();
  try {
    for await (const raw of splitLines(stream as AsyncIterable<Buffer>, maxLineBytes)) {
      if (raw.line === 1 && isUtf16(raw.bytes)) {
        throw new Error('it is UTF-16 (it starts with a UTF-16 byte-order mark); s2d reads UTF-8 JSONL: convert it, e.g. iconv -f UTF-16 -t UTF-8');
      }
      const event = checker.check(raw);
      if (event !== null) yield event;
    }
    if (checker.count === 0) throw new Error('it holds no items (it is empty, or has only blank lines)');
  } catch (error) {
    throw error instanceof InputFileError ? error : new InputFileError(file, error);
  } finally {
    stream.destroy();
    await handle.close().catch(() => undefined);
  }
}

function isUtf16(bytes: Buffer): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
}
