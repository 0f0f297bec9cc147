import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalDirStore } from '../../../shared/artifacts/local-dir-store.js';
import { buildChatRecord } from '../../../shared/dataset/chat-record.js';
import { ParquetShard } from '../../../shared/dataset/parquet-shard.js';
import { parquetRowCount } from '../../../shared/dataset/parquet-row-count.js';
import { StreamedFile } from '../../../shared/dataset/streamed-file.js';
import { readParquetRows } from '../../helpers/read-parquet-arrow.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function writeShard(records: number): Promise<{ file: string; bytes: number; records: number }> {
  const dir = await mkdtemp(path.join(tmpdir(), 's2d-parquet-'));
  dirs.push(dir);
  const streamed = new StreamedFile(new LocalDirStore(dir), 'ds', 'train-00000.parquet', 'train-parquet');
  const shard = new ParquetShard(streamed);
  for (let i = 0; i < records; i++) await shard.writeRecord(buildChatRecord(`prompt ${i}: "quoted"\nsecond line ✓`, String(i)));
  await shard.close();
  const entry = await streamed.finish();
  return { file: path.join(dir, 'ds', 'train-00000.parquet'), bytes: entry.bytes, records: entry.records };
}

describe('ParquetShard', () => {
  it('streams row groups of at most 8192 rows and a footer that another reader (arrow-rs) reads back exactly', async () => {
    const written = await writeShard(20_000);
    expect(written.records).toBe(20_000);
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(written.file));
    expect(metadata.row_groups.map((group) => Number(group.num_rows))).toEqual([8192, 8192, 3616]);
    expect(await parquetRowCount(written.file)).toBe(20_000);
    const { rows } = readParquetRows(new Uint8Array(await readFile(written.file)));
    expect(rows).toHaveLength(20_000);
    expect(rows[12_345]).toEqual({ messages: [{ role: 'user', content: 'prompt 12345: "quoted"\nsecond line ✓' }, { role: 'assistant', content: '12345' }] });
  });

  it('one row is one row group with the schema', async () => {
    const written = await writeShard(1);
    expect(await parquetRowCount(written.file)).toBe(1);
    const { schema, rows } = readParquetRows(new Uint8Array(await readFile(written.file)));
    expect(schema).toBe('messages: List<Struct<{role:Utf8, content:Utf8}>>');
    expect(rows).toHaveLength(1);
  });

  it('a file that is not Parquet gives a reason instead of a count', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 's2d-parquet-'));
    dirs.push(dir);
    await new LocalDirStore(dir).put('x.parquet', 'not parquet at all');
    expect(await parquetRowCount(path.join(dir, 'x.parquet'))).toMatchObject({ problem: expect.stringMatching(/^not a readable Parquet file/) as unknown });
  });
});
