import { StringDecoder } from 'node:string_decoder';
import type { ArtifactStore } from '../artifacts/artifact-store.js';

/**
 * The lines of a byte stream (JSONL), decoded as UTF-8 and without their "\n" (nor one "\r" before it), holding only
 * the current chunk and the unfinished line: a dataset file of any size is read in the memory of its longest line.
 * A multi-byte character cut between two chunks is decoded whole. A last line without "\n" is yielded too.
 */
export async function* linesOf(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of chunks) {
    pending += decoder.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    let start = 0;
    for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n', start)) {
      yield withoutCr(pending.slice(start, nl));
      start = nl + 1;
    }
    pending = pending.slice(start);
  }
  pending += decoder.end();
  if (pending !== '') yield withoutCr(pending);
}

const withoutCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);

/**
 * The lines of a stored object, streamed from the store (never read whole).
 *
 * @throws {Error} naming the object's location when it does not exist.
 */
export async function* storedLines(store: ArtifactStore, key: string): AsyncGenerator<string> {
  const stream = await store.getStream(key);
  if (stream === null) throw new Error(`${store.locate(key)} is missing`);
  yield* linesOf(stream);
}
