import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';
import type { ChatRecord } from './chat-record.js';
import type { StreamedFile } from './streamed-file.js';

/**
 * The training line as Parquet: one column `messages`, a LIST of STRUCT<role, content> — the shape Hugging Face
 * `datasets`, TRL and axolotl read as chat data, and what Arrow readers show as `list<struct<role: string, content:
 * string>>`. The standard three-level LIST encoding, so every conforming reader sees a list, not a repeated group.
 */
export const CHAT_PARQUET_SCHEMA: SchemaElement[] = [
  { name: 'schema', num_children: 1 },
  { name: 'messages', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'REQUIRED', num_children: 2 },
  { name: 'role', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'content', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
];

/**
 * A row group closes at this many rows or this many characters of text, whichever comes first: the writer holds
 * one row group (its rows and their encoding) in memory, so these bound a Parquet shard's memory whatever its size.
 */
const ROW_GROUP_ROWS = 8_192;
const ROW_GROUP_CHARS = 16 * 1024 * 1024;

type Messages = ChatRecord['messages'];

/**
 * The Parquet copy of one JSONL shard, streamed: rows are buffered into row groups, each encoded and handed to the
 * store as soon as it closes, and the footer goes last. Same rows, same order as the JSONL shard it mirrors.
 */
export class ParquetShard {
  readonly #file: StreamedFile;
  readonly #bytes = new ByteWriter();
  readonly #writer: ParquetWriter;
  #rows: Messages[] = [];
  #chars = 0;

  constructor(file: StreamedFile) {
    this.#file = file;
    // After each row group (and at the end) the encoded bytes leave for the store and the buffer starts over;
    // `offset` keeps counting the whole file, which is what the footer's column offsets need.
    Object.assign(this.#bytes, { flush: () => this.#handOver(), finish: () => this.#handOver() });
    this.#writer = new ParquetWriter({ writer: this.#bytes, schema: CHAT_PARQUET_SCHEMA, createdBy: 's2d' });
  }

  get name(): string {
    return this.#file.name;
  }

  async writeRecord(record: ChatRecord): Promise<void> {
    this.#rows.push(record.messages);
    this.#file.addRecords(1);
    for (const message of record.messages) this.#chars += message.content.length;
    if (this.#rows.length >= ROW_GROUP_ROWS || this.#chars >= ROW_GROUP_CHARS) await this.#closeRowGroup();
  }

  /** Writes the last row group and the footer; the StreamedFile is the caller's to finish. */
  async close(): Promise<void> {
    await this.#closeRowGroup();
    await this.#writer.finish();
  }

  async #closeRowGroup(): Promise<void> {
    if (this.#rows.length === 0) return;
    const rows = this.#rows;
    this.#rows = [];
    this.#chars = 0;
    await this.#writer.write({ columnData: [{ name: 'messages', data: rows }], rowGroupSize: rows.length });
  }

  async #handOver(): Promise<void> {
    const chunk = new Uint8Array(this.#bytes.buffer.slice(0, this.#bytes.index));
    this.#bytes.index = 0;
    await this.#file.writeBytes(chunk);
  }
}
