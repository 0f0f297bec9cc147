import { describe, expect, it } from 'vitest';
import { evalItemCacheKey, evalJobId, evalRedisKeys } from '../../../shared/eval/eval-keys.js';
import { EVAL_QUEUE } from '../../../shared/queue/eval-job.js';
import { QUEUES } from '../../../shared/queue/queue-names.js';
import { itemCacheKey, runKeys } from '../../../shared/runs/run-keys.js';

// BullMQ owns every key under `<prefix>:<queue>:` (its job hashes `<prefix>:<queue>:<jobId>`, and `meta`, `id`, `wait`,
// `events`…), so s2d's own keys must live in other namespaces, whatever id a user gives an eval or a run.
describe('s2d key namespaces', () => {
  const prefix = 's2d';
  const queueNamespaces = [...Object.values(QUEUES), EVAL_QUEUE].map((queue) => `${prefix}:${queue}:`);

  it('no eval or run key lies inside a BullMQ queue namespace, even for ids like "meta" or another eval\'s job id', () => {
    for (const id of ['meta', 'id', 'wait', 'events', evalJobId('other', 1)]) {
      const evalKeys = evalRedisKeys(prefix, id);
      const run = runKeys(prefix, id);
      const keys: string[] = [evalKeys.eval, evalKeys.done, evalKeys.index, evalItemCacheKey(prefix, id, 0), run.run, run.enqueued, run.done, run.index, itemCacheKey(prefix, id, 0)];
      for (const key of keys) {
        for (const namespace of queueNamespaces) expect(key.startsWith(namespace), `${key} is under ${namespace}`).toBe(false);
      }
    }
  });
});
