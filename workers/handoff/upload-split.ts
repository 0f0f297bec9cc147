import { createHash } from 'node:crypto';
import type OpenAI from 'openai';
import { toStreamingFile } from 'openai';
import type { ArtifactStore } from '../../shared/artifacts/artifact-store.js';
import type { ManifestFile } from '../../shared/dataset/manifest.js';

/** A shard whose bytes are not what the manifest lists (or that is gone): retrying cannot help. */
export class ShardMismatchError extends Error {
  override readonly name = 'ShardMismatchError';
}

/**
 * Uploads one split (its shards concatenated, in manifest order) as one `fine-tune` file, streaming: shards are read
 * from the store chunk by chunk while the multipart request is sent, and each is checked against the manifest's size
 * and sha256 as it passes — a shard that does not match aborts the upload, so a corrupted dataset is never trained on.
 * Returns the file id.
 */
export async function uploadSplit(options: {
  client: OpenAI;
  store: ArtifactStore;
  /** The dataset's folder in the store (`<name>/<runId>`); shard paths are relative to it. */
  folder: string;
  shards: readonly ManifestFile[];
  fileName: string;
}): Promise<string> {
  const { client, store, folder, shards } = options;
  // The client reports a body that failed mid-stream as a connection error; this keeps the real reason.
  const problem: { error: ShardMismatchError | null } = { error: null };
  function fail(message: string): never {
    problem.error = new ShardMismatchError(message);
    throw problem.error;
  }
  async function* concatenated(): AsyncGenerator<Uint8Array> {
    for (const shard of shards) {
      const key = `${folder}/${shard.path}`;
      const stream = await store.getStream(key);
      if (stream === null) fail(`${store.locate(key)} is missing; cannot upload it for fine-tuning`);
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const chunk of stream) {
        hash.update(chunk);
        bytes += chunk.byteLength;
        yield chunk;
      }
      const sha256 = hash.digest('hex');
      if (bytes !== shard.bytes || sha256 !== shard.sha256) {
        fail(`${store.locate(key)} does not match its manifest entry (${bytes} bytes, sha256 ${sha256}); upload aborted`);
      }
    }
  }
  try {
    const file = await client.files.create(
      { file: toStreamingFile(concatenated(), options.fileName, { type: 'application/jsonl' }), purpose: 'fine-tune' },
      // A streamed body cannot be sent twice: the hand-off job's own retry (BullMQ) starts a fresh upload instead.
      { maxRetries: 0 },
    );
    return file.id;
  } catch (error) {
    throw problem.error ?? error;
  }
}
