import type { QueueOptions } from 'bullmq';
import type { RedisConnection } from './redis-connection.js';

/**
 * Options every s2d Queue handle uses. BullMQ keeps an event stream per queue, 10,000 entries by default
 * (about 600 KB for the distill queue); s2d reads run progress from its own keys, not from events, so the stream is
 * kept short and Redis stays flat.
 */
export function queueOptions(connection: RedisConnection, prefix: string): QueueOptions {
  return { connection, prefix, streams: { events: { maxLen: 200 } } };
}
