import { Queue } from 'bullmq';
import type { RedisConnection } from './redis-connection.js';
import { queueOptions } from './queue-options.js';

/** Queue handles by name, made on first use and closed together (hand-off queues are named by run specs). */
export class QueueRegistry {
  readonly #queues = new Map<string, Queue>();

  constructor(
    private readonly connection: RedisConnection,
    private readonly prefix: string,
  ) {}

  get(name: string): Queue {
    let queue = this.#queues.get(name);
    if (queue === undefined) {
      queue = new Queue(name, queueOptions(this.connection, this.prefix, name));
      this.#queues.set(name, queue);
    }
    return queue;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((queue) => queue.close()));
    this.#queues.clear();
  }
}
