import 'vitest';
import type { TestProject } from 'vitest/node';
import { startLocalRedis, type LocalRedis } from '../../infra/redis/local-redis.js';
import { startLocalS3, type LocalS3 } from '../../infra/s3/local-s3.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    /** S3-compatible endpoint for tests: S2D_TEST_S3_ENDPOINT, or a private s3rver. Tests create their own bucket. */
    s3Endpoint: string;
  }
}

let redis: LocalRedis | undefined;
let s3: LocalS3 | undefined;

/** One private redis-server and one s3rver for the whole run; every test isolates itself (key prefix, bucket). */
export async function setup(project: TestProject): Promise<void> {
  const external = process.env.REDIS_URL;
  if (external !== undefined && external !== '') {
    project.provide('redisUrl', external);
  } else {
    redis = await startLocalRedis();
    project.provide('redisUrl', redis.url);
  }
  const externalS3 = process.env.S2D_TEST_S3_ENDPOINT;
  if (externalS3 !== undefined && externalS3 !== '') {
    project.provide('s3Endpoint', externalS3);
  } else {
    s3 = await startLocalS3();
    project.provide('s3Endpoint', s3.endpoint);
  }
}

export async function teardown(): Promise<void> {
  await s3?.close();
  await redis?.stop();
}
