import 'vitest';
import type { TestProject } from 'vitest/node';
import { startLocalRedis, type LocalRedis } from '../../infra/redis/local-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let redis: LocalRedis | undefined;

/** One private redis-server for the whole run; every test isolates itself with its own key prefix. */
export async function setup(project: TestProject): Promise<void> {
  const external = process.env.REDIS_URL;
  if (external !== undefined && external !== '') {
    project.provide('redisUrl', external);
    return;
  }
  redis = await startLocalRedis();
  project.provide('redisUrl', redis.url);
}

export async function teardown(): Promise<void> {
  await redis?.stop();
}
