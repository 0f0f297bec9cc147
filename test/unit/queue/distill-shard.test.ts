import { describe, expect, it } from 'vitest';
import { distillQueueName, distillShard } from '../../../shared/queue/distill-shard.js';

describe('distillShard: the distill queue of an item', () => {
  it('is shard 0 with one shard, so a single-shard deployment keeps its one `distill` queue', () => {
    for (let index = 0; index < 50; index++) expect(distillShard('run-a', index, 1)).toBe(0);
    expect(distillQueueName(0)).toBe('distill');
    expect(distillQueueName(2)).toBe('distill-2');
  });

  it('is stable: the same (run, index) always maps to the same shard (pinned values)', () => {
    const shards = Array.from({ length: 8 }, (_unused, index) => distillShard('run-a', index, 3));
    expect(shards).toEqual(Array.from({ length: 8 }, (_unused, index) => distillShard('run-a', index, 3)));
    // Pinned: a change of the hash would move items of runs in flight to other queues (duplicate jobs on re-submit).
    expect(shards).toEqual(PINNED);
  });

  it('spreads one run\'s items evenly, and depends on the run id too', () => {
    const counts = [0, 0, 0];
    for (let index = 0; index < 3000; index++) {
      const shard = distillShard('big-run', index, 3);
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
    for (const count of counts) expect(count).toBeGreaterThan(900);
    const other = Array.from({ length: 30 }, (_unused, index) => distillShard('other-run', index, 3));
    expect(other).not.toEqual(Array.from({ length: 30 }, (_unused, index) => distillShard('big-run', index, 3)));
  });

  it('refuses a shard count that is not a positive integer', () => {
    expect(() => distillShard('r', 0, 0)).toThrow(RangeError);
    expect(() => distillShard('r', 0, 1.5)).toThrow(RangeError);
  });
});

const PINNED = [1, 0, 0, 2, 0, 2, 2, 1];
