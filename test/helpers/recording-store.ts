import type { ArtifactStore } from '../../shared/artifacts/artifact-store.js';

export type Op = { op: 'put' | 'putIfAbsent' | 'putStream:start' | 'putStream:end' | 'delete'; key: string };

/** Delegates to a real store, records every write, and can fail putStream calls after a number of them completed. */
export class RecordingStore implements ArtifactStore {
  readonly ops: Op[] = [];
  failStreamsAfter = Infinity;
  #completedStreams = 0;
  constructor(private readonly inner: ArtifactStore) {}
  get location(): string {
    return this.inner.location;
  }
  locate(key: string): string {
    return this.inner.locate(key);
  }
  async put(key: string, body: string | Uint8Array): Promise<void> {
    this.ops.push({ op: 'put', key });
    await this.inner.put(key, body);
  }
  async putIfAbsent(key: string, body: string | Uint8Array): Promise<boolean> {
    this.ops.push({ op: 'putIfAbsent', key });
    return this.inner.putIfAbsent(key, body);
  }
  async putStream(key: string, chunks: AsyncIterable<string | Uint8Array>): Promise<{ bytes: number; sha256: string }> {
    this.ops.push({ op: 'putStream:start', key });
    const crashed = (): boolean => this.#completedStreams >= this.failStreamsAfter;
    const guarded = async function* (): AsyncGenerator<string | Uint8Array> {
      for await (const chunk of chunks) {
        if (crashed()) throw new Error(`simulated crash while writing ${key}`);
        yield chunk;
      }
    };
    const result = await this.inner.putStream(key, guarded());
    this.#completedStreams++;
    this.ops.push({ op: 'putStream:end', key });
    return result;
  }
  get(key: string): Promise<Uint8Array | null> {
    return this.inner.get(key);
  }
  getStream(key: string): Promise<AsyncIterable<Uint8Array> | null> {
    return this.inner.getStream(key);
  }
  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }
  list(prefix: string): AsyncIterable<string> {
    return this.inner.list(prefix);
  }
  async delete(key: string): Promise<void> {
    this.ops.push({ op: 'delete', key });
    await this.inner.delete(key);
  }
}

