import type { Queue } from 'bullmq';
import type { DistillQueues } from '../../shared/queue/distill-queues.js';

/** The one distill queue of a single-shard deployment (the default), for tests that look at BullMQ's counts directly. */
export function singleDistillQueue(queues: DistillQueues): Queue {
  const [queue, ...more] = queues.all;
  if (queue === undefined || more.length > 0) throw new Error(`expected one distill queue, got ${queues.all.length}`);
  return queue;
}
