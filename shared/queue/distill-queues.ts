import { Queue, type JobType, type JobsOptions } from 'bullmq';
import type { DistillJob } from './job-payloads.js';
import { distillQueueName, distillShard } from './distill-shard.js';
import { queueOptions } from './queue-options.js';
import type { RedisConnection } from './redis-connection.js';

/** One distill job to add: BullMQ's bulk entry with s2d's payload. */
export interface DistillJobEntry {
  name: string;
  data: DistillJob;
  opts: JobsOptions;
}

/**
 * The distill work, spread over `shards` BullMQ queues (S2D_QUEUE_SHARDS): an item always goes to the shard of
 * (run id, index) ({@link distillShard}); everything that reads queue state reads every shard. One shard is the single
 * `distill` queue.
 */
export class DistillQueues {
  /** Every shard's queue, shard 0 first. */
  readonly all: readonly Queue[];

  constructor(connection: RedisConnection, prefix: string, shards = 1) {
    this.all = Array.from({ length: shards }, (_unused, shard) => {
      const name = distillQueueName(shard);
      return new Queue(name, queueOptions(connection, prefix, name));
    });
  }

  /** The queue that holds (or will hold) this item's job. */
  forItem(runId: string, index: number): Queue {
    const queue = this.all[distillShard(runId, index, this.all.length)];
    if (queue === undefined) throw new Error('no distill queue');
    return queue;
  }

  /** Adds jobs, each to its item's shard: one addBulk per shard. */
  async addBulk(jobs: readonly DistillJobEntry[]): Promise<void> {
    const byQueue = new Map<Queue, DistillJobEntry[]>();
    for (const job of jobs) {
      const queue = this.forItem(job.data.runId, job.data.index);
      byQueue.set(queue, [...(byQueue.get(queue) ?? []), job]);
    }
    await Promise.all([...byQueue].map(([queue, entries]) => queue.addBulk(entries)));
  }

  /** Job counts by state, summed over the shards (BullMQ `getJobCounts`). */
  async getJobCounts(...states: JobType[]): Promise<Record<string, number>> {
    const perShard = await Promise.all(this.all.map((queue) => queue.getJobCounts(...states)));
    const total: Record<string, number> = {};
    for (const counts of perShard) for (const [state, count] of Object.entries(counts)) total[state] = (total[state] ?? 0) + count;
    return total;
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((queue) => queue.close()));
  }
}
