import { createHash } from 'node:crypto';

/**
 * A store's `putStream` source as Buffers, hashed and counted on the way through, so the store learns an object's
 * sha256 and size without holding it. Empty chunks are dropped. Iterate once, then read {@link result}.
 */
export class HashingChunks implements AsyncIterable<Buffer> {
  readonly #hash = createHash('sha256');
  #bytes = 0;

  constructor(private readonly chunks: AsyncIterable<string | Uint8Array>) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for await (const chunk of this.chunks) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (buf.byteLength === 0) continue;
      this.#hash.update(buf);
      this.#bytes += buf.byteLength;
      yield buf;
    }
  }

  /** Size and sha256 (hex) of everything yielded; call once, after the iteration ended. */
  result(): { bytes: number; sha256: string } {
    return { bytes: this.#bytes, sha256: this.#hash.digest('hex') };
  }
}
