import type { ArtifactStore } from './artifact-store.js';

/**
 * An artifact store whose implementation is loaded on first use. The S3 store needs the AWS SDK (about 25 MB of
 * memory and a few hundred ms of start-up per process); a command that only names an S3 output, or never touches it,
 * should not pay for it. `location` and `locate` are known without the implementation.
 */
export class LazyArtifactStore implements ArtifactStore {
  readonly location: string;
  readonly #locate: (key: string) => string;
  readonly #load: () => Promise<ArtifactStore>;
  #loaded: Promise<ArtifactStore> | undefined;

  constructor(options: { location: string; locate: (key: string) => string; load: () => Promise<ArtifactStore> }) {
    this.location = options.location;
    this.#locate = options.locate;
    this.#load = options.load;
  }

  #store(): Promise<ArtifactStore> {
    // A failed load is not kept: the next call tries again (e.g. after a transient file-system error).
    this.#loaded ??= this.#load().catch((error: unknown) => {
      this.#loaded = undefined;
      throw error;
    });
    return this.#loaded;
  }

  locate(key: string): string {
    return this.#locate(key);
  }

  async put(key: string, body: string | Uint8Array): Promise<void> {
    return (await this.#store()).put(key, body);
  }

  async putIfAbsent(key: string, body: string | Uint8Array): Promise<boolean> {
    return (await this.#store()).putIfAbsent(key, body);
  }

  async putStream(key: string, chunks: AsyncIterable<string | Uint8Array>): Promise<{ bytes: number; sha256: string }> {
    return (await this.#store()).putStream(key, chunks);
  }

  async get(key: string): Promise<Uint8Array | null> {
    return (await this.#store()).get(key);
  }

  async getStream(key: string): Promise<AsyncIterable<Uint8Array> | null> {
    return (await this.#store()).getStream(key);
  }

  async exists(key: string): Promise<boolean> {
    return (await this.#store()).exists(key);
  }

  async *list(prefix: string): AsyncIterable<string> {
    yield* (await this.#store()).list(prefix);
  }

  async delete(key: string): Promise<void> {
    return (await this.#store()).delete(key);
  }
}
