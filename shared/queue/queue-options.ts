import type { QueueOptions } from 'bullmq';
import { isCluster, type RedisConnection } from './redis-connection.js';

/**
 * The BullMQ key prefix of queue `name`. On one Redis server it is s2d's prefix (keys `<prefix>:<name>:…`, as
 * always). On a Redis Cluster it is `<prefix>:{<name>}`: BullMQ's scripts touch many keys of a queue at once, so a
 * queue's keys must share a hash tag, and a tag per queue (rather than one for all) spreads the queues over the nodes.
 */
export function bullPrefix(connection: RedisConnection, prefix: string, name: string): string {
  return isCluster(connection) ? `${prefix}:{${name}}` : prefix;
}

/**
 * Options every s2d Queue handle uses. BullMQ keeps an event stream per queue, 10,000 entries by default
 * (about 600 KB for the distill queue); s2d reads run progress from its own keys, not from events, so the stream is
 * kept short and Redis stays flat.
 */
export function queueOptions(connection: RedisConnection, prefix: string, name: string): QueueOptions {
  return { connection, prefix: bullPrefix(connection, prefix, name), streams: { events: { maxLen: 200 } } };
}
