import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Settings } from '../config/s3-env.js';
import type { ArtifactStore } from './artifact-store.js';
import { validateKey } from './local-dir-store.js';
import { s3KeyRoot, s3ObjectKey } from './s3-object-key.js';
import { isS3NotFound, listPages, s3ErrorInfo } from './s3-client.js';
import { formatS3Uri } from './s3-uri.js';
import { HashingChunks } from './hashing-chunks.js';

/** What an {@link S3ArtifactStore} needs. */
export interface S3ArtifactStoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix every object lives under (no leading or trailing `/`); empty for the bucket root. Default "". */
  prefix?: string;
  /** Part size, upload concurrency, SSE and storage class (see shared/config/s3-env.ts). */
  settings: Readonly<S3Settings>;
  /** Keys per ListObjectsV2 page (MaxKeys). Default: the server's (1000 on S3). Small values exercise paging. */
  listPageSize?: number;
}

/**
 * The artifact store on S3 or an S3-compatible server. Keys are validated exactly like the local store's, so a
 * layout that works on one works on the other. Single PUTs and completed multipart uploads are atomic on S3, which
 * gives the interface's "old object, whole new one, or nothing".
 *
 * Create-only writes (`putIfAbsent`) send `If-None-Match: *`, which AWS S3 enforces (412 PreconditionFailed, or
 * 409 ConditionalRequestConflict while a racing write is in flight). Some S3-compatible servers ignore the header
 * (s3rver does), so a HEAD runs first: that catches every sequential duplicate, but two writers racing between
 * HEAD and PUT can both "win" on such a server — the last write stays. s2d's callers tolerate that: both racers
 * write an equivalent manifest / item result for the same run, and the counts come from Redis, not from who won.
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly location: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #root: string;
  readonly #settings: Readonly<S3Settings>;
  readonly #listPageSize: number | undefined;

  constructor(options: S3ArtifactStoreOptions) {
    const prefix = options.prefix ?? '';
    if (prefix !== '') validateKey(prefix);
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#root = s3KeyRoot(prefix);
    this.#settings = options.settings;
    this.#listPageSize = options.listPageSize;
    this.location = formatS3Uri(options.bucket, prefix);
  }

  locate(key: string): string {
    return formatS3Uri(this.#bucket, this.#key(key));
  }

  async put(key: string, body: string | Uint8Array): Promise<void> {
    await this.#client.send(new PutObjectCommand({ ...this.#writeParams(key), Body: body }));
  }

  async putIfAbsent(key: string, body: string | Uint8Array): Promise<boolean> {
    // Best effort for stores that ignore If-None-Match (see the class comment); on AWS the header decides.
    if (await this.exists(key)) return false;
    try {
      await this.#client.send(new PutObjectCommand({ ...this.#writeParams(key), Body: body, IfNoneMatch: '*' }));
      return true;
    } catch (error) {
      const { status, name } = s3ErrorInfo(error);
      if (status === 412 || status === 409 || name === 'PreconditionFailed' || name === 'ConditionalRequestConflict') {
        return false;
      }
      throw error;
    }
  }

  /**
   * Streams through lib-storage's `Upload`: one PUT for a small object, a multipart upload (parts of
   * `settings.partSizeBytes`, `settings.uploadQueueSize` at a time) for a large one, so at most about
   * part size × queue size bytes are buffered. Hash and size are computed on the way through. A failing source
   * aborts the multipart upload, so no object (and no orphaned parts) appear.
   */
  async putStream(key: string, chunks: AsyncIterable<string | Uint8Array>): Promise<{ bytes: number; sha256: string }> {
    const source = new HashingChunks(chunks);
    let sourceFailure: { error: unknown } | undefined;
    async function* hashed(): AsyncGenerator<Buffer> {
      try {
        yield* source;
      } catch (error) {
        sourceFailure = { error };
        throw error;
      }
    }
    const upload = new Upload({
      client: this.#client,
      params: { ...this.#writeParams(key), Body: Readable.from(hashed()) },
      partSize: this.#settings.partSizeBytes,
      queueSize: this.#settings.uploadQueueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      // When the source failed, lib-storage aborts the multipart upload; if that abort fails too (a server without
      // AbortMultipartUpload, like s3rver) its error would hide the real cause. Report the source's error, with the
      // abort failure as context: the uploaded parts then linger until a bucket lifecycle rule removes them.
      if (sourceFailure !== undefined && error !== sourceFailure.error) {
        const cause = sourceFailure.error;
        if (cause instanceof Error && cause.cause === undefined) cause.cause = error;
        throw cause;
      }
      throw error;
    }
    return source.result();
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }));
      if (out.Body === undefined) return new Uint8Array();
      return await out.Body.transformToByteArray();
    } catch (error) {
      if (isS3NotFound(error)) return null;
      throw error;
    }
  }

  async getStream(key: string): Promise<AsyncIterable<Uint8Array> | null> {
    let out;
    try {
      out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }));
    } catch (error) {
      if (isS3NotFound(error)) return null;
      throw error;
    }
    const body = out.Body;
    // In Node the SDK's body is a Readable (an async iterable of Buffers); anything else is read whole.
    if (body instanceof Readable) return body as AsyncIterable<Uint8Array>;
    const bytes = body === undefined ? new Uint8Array() : await body.transformToByteArray();
    return Readable.from([bytes]) as AsyncIterable<Uint8Array>;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }));
      return true;
    } catch (error) {
      if (isS3NotFound(error)) return false;
      throw error;
    }
  }

  /**
   * ListObjectsV2, page by page (see {@link listPages}). AWS S3 returns keys in UTF-8 byte order, the order the
   * local store lists in. Some S3-compatible servers do not (s3rver lists in its filesystem's order), so each page
   * is sorted too: a no-op on S3, and correct on such servers as long as the listing fits one page.
   */
  async *list(prefix: string): AsyncIterable<string> {
    if (prefix.includes('\\') || prefix.includes('\0')) throw new Error(`invalid artifact prefix ${JSON.stringify(prefix)}`);
    for await (const keys of listPages(this.#client, this.#bucket, `${this.#root}${prefix}`, this.#listPageSize)) {
      keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      for (const key of keys) yield key.slice(this.#root.length);
    }
  }

  async delete(key: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }));
  }

  #key(key: string): string {
    return s3ObjectKey(this.#root, key);
  }

  #writeParams(key: string): {
    Bucket: string;
    Key: string;
    ServerSideEncryption?: 'AES256' | 'aws:kms';
    SSEKMSKeyId?: string;
    StorageClass?: StorageClass;
  } {
    const { sse, sseKmsKeyId, storageClass } = this.#settings;
    return {
      Bucket: this.#bucket,
      Key: this.#key(key),
      ...(sse === undefined ? {} : { ServerSideEncryption: sse }),
      ...(sseKmsKeyId === undefined ? {} : { SSEKMSKeyId: sseKmsKeyId }),
      // The SDK types StorageClass as a closed union; the value is passed through and S3 validates it.
      ...(storageClass === undefined ? {} : { StorageClass: storageClass as StorageClass }),
    };
  }
}
