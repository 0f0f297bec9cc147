import type { IncomingMessage } from 'node:http';

/**
 * A request body up to `maxBytes`, or null when it is larger. A larger body is still read to its end (and dropped),
 * so the client receives the caller's 413 instead of a reset connection.
 */
export async function readBoundedBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= maxBytes) chunks.push(chunk);
  }
  return size > maxBytes ? null : Buffer.concat(chunks);
}
