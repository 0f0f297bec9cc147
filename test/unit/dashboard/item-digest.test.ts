import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunItemDigest } from '../../../cli/dashboard/item-digest.js';
import { LocalDirStore } from '../../../shared/artifacts/local-dir-store.js';
import { ItemResultStore } from '../../../shared/dataset/read-item-results.js';
import type { ItemResultInput } from '../../../shared/dataset/item-result.js';

const accepted = (index: number, voteShare: number): ItemResultInput => ({
  index, line: index + 1, id: `i${index}`, prompt: `prompt ${index}`, status: 'accepted', target: 'ab', voteShare, samples: 4, votes: [{ answer: 'ab', count: Math.round(voteShare * 4) }],
});
const rejected = (index: number, code: 'tie' | 'malformed-json', voteShare?: number): ItemResultInput => ({
  index, line: index + 1, id: `i${index}`, prompt: code === 'tie' ? `prompt ${index}` : '', status: 'rejected', code, reason: code,
  samples: voteShare === undefined ? 0 : 4, ...(voteShare === undefined ? {} : { voteShare }),
});

describe('run item digest', () => {
  it('counts reject reasons and vote shares from stored results, reading each result once as more arrive', async () => {
    const store = new LocalDirStore(await mkdtemp(join(tmpdir(), 's2d-digest-')));
    const results = new ItemResultStore(store);
    await results.put('r1', accepted(0, 1));
    await results.put('r1', accepted(3, 0.75));
    await results.put('r1', rejected(5, 'tie', 0.25));
    await results.put('r1', rejected(1200, 'malformed-json'));
    await results.put('other', accepted(0, 1));
    const digest = new RunItemDigest(store, 'r1', { samples: 1 });

    const first = await digest.update();
    expect(first.read).toBe(4);
    expect(Object.fromEntries(first.rejectReasons)).toEqual({ tie: 1, 'malformed-json': 1 });
    // Input rejects drew no samples: they are not in the histogram.
    expect(first.voteShares).toEqual([0, 0, 1, 0, 0, 0, 0, 1, 0, 1]);
    expect(first.accepted.map((s) => [s.id, s.prompt, s.votes])).toEqual([['i0', 'prompt 0', [{ answer: 'ab', count: 4 }]]]);
    expect(first.rejected.map((s) => [s.id, s.code])).toEqual([['i5', 'tie']]);

    await results.put('r1', rejected(7, 'tie', 0.5));
    const second = await digest.update();
    expect(second.read).toBe(5);
    expect(second.rejectReasons.get('tie')).toBe(2);
    expect(second.voteShares[5]).toBe(1);
    expect((await digest.update()).read).toBe(5);
  });

  it('stops at its cap and says so', async () => {
    const store = new LocalDirStore(await mkdtemp(join(tmpdir(), 's2d-digest-')));
    const results = new ItemResultStore(store);
    for (let i = 0; i < 5; i++) await results.put('r2', accepted(i, 1));
    const digest = await new RunItemDigest(store, 'r2', { maxItems: 3 }).update();
    expect([digest.read, digest.capped]).toEqual([3, true]);
  });
});
