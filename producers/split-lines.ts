/** One raw line of an input byte stream. */
export interface RawLine {
  /** The line's bytes without its "\n" (and without one "\r" before it); empty when `truncated`. */
  bytes: Buffer;
  /** 1-based line number. */
  line: number;
  /** The line was longer than the limit: its bytes were dropped as they arrived and are not in `bytes`. */
  truncated: boolean;
}

/**
 * Splits a byte stream into lines on "\n" only (stripping one "\r" before it), unlike readline, which also breaks at
 * a lone "\r" and would then disagree with `wc -l`, editors and the line numbers a user sees. Works on bytes, not
 * decoded text, so each line can be decoded strictly on its own (invalid UTF-8 is reported, never replaced); "\n"
 * never occurs inside a multi-byte UTF-8 sequence, so splitting bytes is safe. A line longer than `maxLineBytes` is
 * dropped as it streams past, so one runaway line (a 1 GB file with no newline) costs at most the limit in memory.
 * Scans each chunk once, so a very long line costs linear time.
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<RawLine> {
  // The unfinished line: its pieces so far, their length, and whether it went past the limit.
  const pending = { parts: [] as Buffer[], length: 0, truncated: false };
  let line = 0;
  const keep = (piece: Buffer): void => {
    if (pending.truncated || piece.length === 0) return;
    if (pending.length + piece.length > maxLineBytes) {
      pending.truncated = true;
      pending.parts = [];
      pending.length = 0;
      return;
    }
    pending.parts.push(piece);
    pending.length += piece.length;
  };
  const take = (): RawLine => {
    const { parts, length, truncated } = pending;
    let bytes = parts.length === 1 && parts[0] !== undefined ? parts[0] : Buffer.concat(parts, length);
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    // A copy, so a kept line does not pin the whole read chunk it was cut from.
    const raw = { bytes: Buffer.from(bytes), line: ++line, truncated };
    pending.parts = [];
    pending.length = 0;
    pending.truncated = false;
    return raw;
  };
  for await (const chunk of chunks) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let nl = buffer.indexOf(0x0a, start); nl !== -1; nl = buffer.indexOf(0x0a, start)) {
      keep(buffer.subarray(start, nl));
      yield take();
      start = nl + 1;
    }
    keep(buffer.subarray(start));
  }
  if (pending.length > 0 || pending.truncated) yield take();
}
