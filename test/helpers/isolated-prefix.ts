import { randomUUID } from 'node:crypto';

/** A key prefix no other test uses, so every test has its own queues and run keys in the shared Redis. */
export function isolatedPrefix(label: string): string {
  return `t-${label}-${randomUUID().slice(0, 8)}`;
}
