import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonlInput } from '../../../producers/jsonl-input.js';
import { SeenIds } from '../../../producers/seen-ids.js';

describe('duplicate item ids', () => {
  it('finds every repeat in a large file, naming the first line, with the ids held as fingerprints', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 's2d-dups-'));
    const file = path.join(dir, 'big.jsonl');
    const lines = 300_000;
    // Every 1000th line repeats the id of a line 500 lines earlier.
    const handle = await open(file, 'w');
    let batch = '';
    for (let n = 1; n <= lines; n++) {
      const id = n % 1000 === 0 ? `id-${n - 500}` : `id-${n}`;
      batch += `{"id":"${id}","prompt":"p${n}"}\n`;
      if (batch.length > 1 << 20) {
        await handle.write(batch);
        batch = '';
      }
    }
    await handle.write(batch);
    await handle.close();
    const duplicates: string[] = [];
    let items = 0;
    for await (const event of readJsonlInput(file, { defaultAnswerType: 'text' })) {
      if (event.kind === 'item') items++;
      else if (event.result.status === 'rejected' && event.result.code === 'duplicate-id') duplicates.push(`${event.result.line}:${event.result.reason}`);
      else throw new Error(`unexpected reject ${JSON.stringify(event.result)}`);
    }
    await rm(dir, { recursive: true, force: true });
    expect(duplicates).toHaveLength(lines / 1000);
    expect(duplicates[0]).toBe('1000:big.jsonl line 1000, field "id": id "id-500" was already used by line 500');
    expect(duplicates.at(-1)).toBe(`${lines}:big.jsonl line ${lines}, field "id": id "id-${lines - 500}" was already used by line ${lines - 500}`);
    expect(items + duplicates.length).toBe(lines);
  });

  it('keeps a million ids in at most 32 bytes each, with no false duplicates among them', () => {
    const seen = new SeenIds();
    for (let i = 0; i < 1_000_000; i++) {
      if (seen.firstLineOf(`item-${i}`, i + 1) !== undefined) throw new Error(`false duplicate at ${i}`);
    }
    expect(seen.size).toBe(1_000_000);
    expect(seen.bytes).toBeLessThanOrEqual(32 * 1_000_000);
    expect(seen.firstLineOf('item-123456', 2_000_000)).toBe(123_457);
  });
});
