/**
 * Where published datasets and durable per-item results live. Keys are `/`-separated relative paths
 * (e.g. `<name>/<runId>/manifest.json`, see shared/dataset/dataset-layout.ts). Implementations: LocalDirStore (the
 * embedded default) and S3ArtifactStore. Every write is atomic: a reader sees the old object, the whole new one,
 * or nothing.
 */
export interface ArtifactStore {
  /** Where the store points, for humans and manifests (e.g. an absolute directory path or s3://bucket/prefix). */
  readonly location: string;
  /** Writes (or replaces) an object atomically. */
  put(key: string, body: string | Uint8Array): Promise<void>;
  /**
   * Creates an object only if none exists under the key (the commit-marker write); false when one existed.
   * Exclusive against concurrent writers on the local store and AWS S3; best effort (check, then write) on
   * S3-compatible servers that ignore If-None-Match — see S3ArtifactStore.
   */
  putIfAbsent(key: string, body: string | Uint8Array): Promise<boolean>;
  /** Streams chunks into an object atomically and returns its size and sha256 (hex) without holding it whole. */
  putStream(key: string, chunks: AsyncIterable<string | Uint8Array>): Promise<{ bytes: number; sha256: string }>;
  /** The object's bytes, or null when there is none. */
  get(key: string): Promise<Uint8Array | null>;
  /**
   * The object's bytes as a stream of chunks, without holding it whole (downloads, uploads to a fine-tuning API), or
   * null when there is none. The caller must consume or abandon the iterable (breaking out of `for await` closes it).
   */
  getStream(key: string): Promise<AsyncIterable<Uint8Array> | null>;
  exists(key: string): Promise<boolean>;
  /** Keys under a prefix, in lexicographic order. */
  list(prefix: string): AsyncIterable<string>;
  /** Removes an object; removing a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** A locator a person can open for the key (a file path for the local store, s3:// URI for S3). */
  locate(key: string): string;
}
