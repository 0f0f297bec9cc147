import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalDirStore } from '../../../shared/artifacts/local-dir-store.js';
import type { ItemResultInput } from '../../../shared/dataset/item-result.js';
import { ItemResultStore } from '../../../shared/dataset/read-item-results.js';

const accepted = (index: number): ItemResultInput => ({ index, line: index + 1, id: `q-${index}`, prompt: `p${index}`, status: 'accepted', target: 'yes', voteShare: 1 });

describe('ItemResultStore', () => {
  let root: string;
  let store: LocalDirStore;
  let results: ItemResultStore;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 's2d-items-'));
    store = new LocalDirStore(root);
    results = new ItemResultStore(store);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('keys results in buckets of 1000 so no folder grows without bound', () => {
    expect(ItemResultStore.key('run-1', 0)).toBe('_staging/run-1/items/000000/0.json');
    expect(ItemResultStore.key('run-1', 123_456)).toBe('_staging/run-1/items/000123/123456.json');
    expect(() => ItemResultStore.key('../x', 1)).toThrow('invalid runId');
    expect(() => ItemResultStore.key('run-1', -1)).toThrow('invalid item index');
  });

  it('stores, overwrites idempotently and reads back validated results with defaults', async () => {
    expect(await results.get('run-1', 5)).toBeNull();
    expect(await results.exists('run-1', 5)).toBe(false);
    await results.put('run-1', accepted(5));
    await results.put('run-1', accepted(5));
    expect(await results.exists('run-1', 5)).toBe(true);
    expect(await results.get('run-1', 5)).toMatchObject({ index: 5, status: 'accepted', samples: 0, votes: [], usage: { promptTokens: 0, completionTokens: 0 } });
  });

  it('refuses to store an invalid result', async () => {
    await expect(results.put('run-1', { ...accepted(1), target: '' } as ItemResultInput)).rejects.toThrow();
  });

  it('reads all results in index order and names a missing index', async () => {
    const order = [4, 0, 2, 1, 3, 1500, 1001];
    for (const i of order) await results.put('run-1', accepted(i));
    const got: number[] = [];
    for await (const r of results.readAll('run-1', 5, { readAhead: 3 })) got.push(r.index);
    expect(got).toEqual([0, 1, 2, 3, 4]);
    const partial: number[] = [];
    await expect(
      (async () => {
        for await (const r of results.readAll('run-1', 1002)) partial.push(r.index);
      })(),
    ).rejects.toThrow(/item result 5 of run run-1 is missing \(.*000000\/5\.json\)/);
    expect(partial).toEqual([0, 1, 2, 3, 4]);
  });

  it('reports a corrupt or misplaced object with its location', async () => {
    await results.put('run-1', accepted(0));
    await writeFile(store.locate(ItemResultStore.key('run-1', 0)), '{"index":0');
    await expect(results.get('run-1', 0)).rejects.toThrow(/item result .*0\.json: not valid JSON/);
    await store.put(ItemResultStore.key('run-1', 1), JSON.stringify({ ...accepted(2), usage: { promptTokens: 0, completionTokens: 0 } }));
    await expect(results.get('run-1', 1)).rejects.toThrow('holds index 2, expected 1');
    await store.put(ItemResultStore.key('run-1', 3), JSON.stringify({ index: 3, status: 'accepted' }));
    await expect(results.get('run-1', 3)).rejects.toThrow(/invalid \(line: .*\)/);
  });
});
