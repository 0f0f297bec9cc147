/** Who the simulator's file objects say produced them (in `status_details`, a free-text field of OpenAI's File). */
export const SIMULATED_BY = 'simulated by s2d-simulator';

/** A file the simulator holds in memory: an upload (fine-tune, batch) or a batch's output or error file. */
export interface StoredFile {
  id: string;
  filename: string;
  purpose: 'fine-tune' | 'batch' | 'batch_output';
  bytes: number;
  /** Unix seconds. */
  createdAt: number;
  content: Buffer;
  /** Free text after SIMULATED_BY in `status_details`, e.g. "2 examples". */
  details: string;
}

/** The simulator's files, shared by the files, fine-tuning and batch APIs. */
export class FileStore {
  readonly #files = new Map<string, StoredFile>();
  #next = 0;

  add(file: Omit<StoredFile, 'id' | 'bytes'>): StoredFile {
    const stored: StoredFile = { ...file, id: `file-sim-${++this.#next}`, bytes: file.content.length };
    this.#files.set(stored.id, stored);
    return stored;
  }

  get(id: string): StoredFile | undefined {
    return this.#files.get(id);
  }

  get size(): number {
    return this.#files.size;
  }

  /** The file as OpenAI's File object. */
  static body(file: StoredFile): unknown {
    return {
      id: file.id,
      object: 'file',
      bytes: file.bytes,
      created_at: file.createdAt,
      filename: file.filename,
      purpose: file.purpose,
      status: 'processed',
      expires_at: null,
      status_details: `${SIMULATED_BY}: ${file.details}`,
    };
  }
}
