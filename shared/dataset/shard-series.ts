import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { serializeChatRecord, type ChatRecord } from './chat-record.js';
import type { ManifestFile } from './manifest.js';
import { ParquetShard } from './parquet-shard.js';
import type { Split } from './split.js';
import { StreamedFile } from './streamed-file.js';

/** The dataset files of a run: `<name>/<runId>/` + these names (see dataset-layout.ts). */
export const shardName = (split: Split, shard: number, format: 'jsonl' | 'parquet' = 'jsonl'): string => `${split}-${String(shard).padStart(5, '0')}.${format}`;
/** Shard files a publication writes, to tell them from the other files of a dataset folder. */
export const SHARD_FILE = /^(train|validation)-\d{5,}\.(jsonl|parquet)$/;

/** One JSONL shard and, when asked for, its Parquet copy with the same rows (opened with the first record). */
interface OpenShard {
  index: number;
  jsonl: StreamedFile;
  parquet: { file: StreamedFile; shard: ParquetShard } | null;
}

/**
 * Train or validation shards of one run: a new file when the next line would pass `bounds.records` lines or
 * `bounds.bytes` bytes (a line longer than the byte bound gets a shard of its own), at least one file. With
 * `parquet`, every JSONL shard gets a Parquet twin (`train-00000.parquet` beside `train-00000.jsonl`) holding the
 * same records in the same order, so the two formats split alike — except an empty shard (an empty split), which
 * has none: Parquet readers disagree on files without row groups (arrow-rs refuses a nested one), and a dataset
 * card never lists an empty split.
 */
export class ShardSeries {
  readonly #done: ManifestFile[] = [];
  #shards = 0;
  #current: OpenShard | null = null;

  constructor(
    private readonly store: ArtifactStore,
    private readonly folder: string,
    private readonly split: Split,
    private readonly bounds: { records: number; bytes: number },
    private readonly parquet: boolean,
  ) {}

  /** Appends one record; returns the name of the JSONL shard that holds it. */
  async writeRecord(record: ChatRecord): Promise<string> {
    const line = serializeChatRecord(record);
    const current = this.#current?.jsonl;
    if (
      current !== undefined &&
      (current.records >= this.bounds.records || (current.records > 0 && current.bytes + Buffer.byteLength(line) + 1 > this.bounds.bytes))
    ) {
      await this.#close();
    }
    const shard = (this.#current ??= this.#open());
    await shard.jsonl.writeLine(line);
    if (this.parquet) {
      shard.parquet ??= this.#openParquet(shard.index);
      await shard.parquet.shard.writeRecord(record);
    }
    return shard.jsonl.name;
  }

  async finish(): Promise<ManifestFile[]> {
    this.#current ??= this.#open();
    await this.#close();
    return this.#done;
  }

  async abort(error: unknown): Promise<void> {
    await Promise.all([this.#current?.jsonl.abort(error), this.#current?.parquet?.file.abort(error)]);
  }

  async #close(): Promise<void> {
    const shard = this.#current;
    if (shard === null) return;
    const jsonl = await shard.jsonl.finish();
    if (shard.parquet === null) {
      this.#done.push(jsonl);
    } else {
      await shard.parquet.shard.close();
      this.#done.push(jsonl, await shard.parquet.file.finish());
    }
    // Only now: if either file failed to finish, abort() still sees (and stops) the other.
    this.#current = null;
  }

  #open(): OpenShard {
    const index = this.#shards++;
    return { index, jsonl: new StreamedFile(this.store, this.folder, shardName(this.split, index), this.split), parquet: null };
  }

  #openParquet(index: number): { file: StreamedFile; shard: ParquetShard } {
    const file = new StreamedFile(this.store, this.folder, shardName(this.split, index, 'parquet'), `${this.split}-parquet`);
    return { file, shard: new ParquetShard(file) };
  }
}
