import type { ArtifactStore } from '../artifacts/artifact-store.js';
import type { FileRole, ManifestFile } from './manifest.js';

/** Lines are batched into chunks of about this many characters before they go to the store. */
const CHUNK_CHARS = 64 * 1024;
/** Chunks a file may have queued before a write waits for the store to take them (backpressure). */
const MAX_QUEUED_CHUNKS = 4;

/**
 * One object written piece by piece through `putStream`: JSONL lines (batched into chunks) or ready-made byte
 * chunks, handed over through a small bounded queue, so several files fill concurrently from one pass while each
 * holds only a few chunks.
 */
export class StreamedFile {
  /** Records as the manifest counts them: lines written, or what the writer of byte chunks says (`addRecords`). */
  records = 0;
  /** Bytes written so far. */
  bytes = 0;
  #buffer = '';
  readonly #queue: (string | Uint8Array)[] = [];
  #closed = false;
  #failure: { error: unknown } | null = null;
  #wakeReader: (() => void) | null = null;
  #wakeWriter: (() => void) | null = null;
  readonly #upload: Promise<{ bytes: number; sha256: string }>;

  constructor(
    store: ArtifactStore,
    folder: string,
    readonly name: string,
    private readonly role: FileRole,
  ) {
    this.#upload = store.putStream(`${folder}/${name}`, this.#chunks());
    // A store failure must release a writer waiting for queue space; the error also surfaces from finish().
    this.#upload.catch((error: unknown) => {
      this.#fail(error);
    });
  }

  async writeLine(line: string): Promise<void> {
    this.#buffer += `${line}\n`;
    this.records++;
    this.bytes += Buffer.byteLength(line) + 1;
    if (this.#buffer.length >= CHUNK_CHARS) await this.#push(this.#takeBuffer());
  }

  /** Appends bytes as they are (a binary format's output); the caller counts its records with `addRecords`. */
  async writeBytes(chunk: Uint8Array): Promise<void> {
    if (chunk.byteLength === 0) return;
    if (this.#buffer !== '') await this.#push(this.#takeBuffer());
    this.bytes += chunk.byteLength;
    await this.#push(chunk);
  }

  addRecords(records: number): void {
    this.records += records;
  }

  /** Ends the object and returns its manifest entry, with size and checksum as the store computed them. */
  async finish(): Promise<ManifestFile> {
    if (this.#buffer !== '') await this.#push(this.#takeBuffer());
    this.#closed = true;
    this.#wake();
    const { bytes, sha256 } = await this.#upload;
    return { path: this.name, role: this.role, records: this.records, bytes, sha256 };
  }

  /** Fails the upload (the store discards its temp data) and waits until it has stopped. */
  async abort(error: unknown): Promise<void> {
    this.#fail(error);
    await this.#upload.catch(() => undefined);
  }

  #takeBuffer(): string {
    const chunk = this.#buffer;
    this.#buffer = '';
    return chunk;
  }

  async #push(chunk: string | Uint8Array): Promise<void> {
    while (this.#queue.length >= MAX_QUEUED_CHUNKS && this.#failure === null) {
      await new Promise<void>((resolve) => (this.#wakeWriter = resolve));
    }
    if (this.#failure !== null) throw this.#failure.error;
    this.#queue.push(chunk);
    this.#wake();
  }

  async *#chunks(): AsyncGenerator<string | Uint8Array> {
    for (;;) {
      if (this.#failure !== null) throw this.#failure.error;
      const chunk = this.#queue.shift();
      if (chunk !== undefined) {
        this.#wake();
        yield chunk;
      } else if (this.#closed) {
        return;
      } else {
        await new Promise<void>((resolve) => (this.#wakeReader = resolve));
      }
    }
  }

  #fail(error: unknown): void {
    this.#failure ??= { error };
    this.#wake();
  }

  #wake(): void {
    const wakers = [this.#wakeReader, this.#wakeWriter];
    this.#wakeReader = this.#wakeWriter = null;
    for (const wake of wakers) wake?.();
  }
}
