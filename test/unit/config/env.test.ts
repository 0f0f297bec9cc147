import { describe, expect, it } from 'vitest';
import { readEnv } from '../../../shared/config/env.js';
import { readS3Settings } from '../../../shared/config/s3-env.js';

/** The one-line message a bad environment fails with, and that it is the typed error the CLI prints as one line. */
function failure(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect((error as Error).name).toBe('EnvError');
    return (error as Error).message;
  }
  throw new Error('expected the environment to be refused');
}

describe('process settings from the environment', () => {
  it('applies the documented defaults and reads good values', () => {
    expect(readEnv({})).toMatchObject({ S2D_PREFIX: 's2d', S2D_LOG_LEVEL: 'info', S2D_WORKER_CONCURRENCY: 16, S2D_LOCK_DURATION_MS: 30_000, S2D_STALLED_INTERVAL_MS: 15_000, S2D_SHUTDOWN_DEADLINE_MS: 30_000, S2D_ENDPOINT_LIMITER: 'on', S2D_MAX_BACKLOG: 2_000 });
    expect(readEnv({ S2D_WORKER_CONCURRENCY: ' 4 ', S2D_LOG_LEVEL: 'warn', REDIS_URL: 'redis://h:1', OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1' })).toMatchObject({
      S2D_WORKER_CONCURRENCY: 4,
      S2D_LOG_LEVEL: 'warn',
      REDIS_URL: 'redis://h:1',
      OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1',
    });
    // ioredis also takes host:port and a unix socket path.
    expect(readEnv({ REDIS_URL: '127.0.0.1:6379' }).REDIS_URL).toBe('127.0.0.1:6379');
    expect(readEnv({ REDIS_URL: '/run/redis.sock' }).REDIS_URL).toBe('/run/redis.sock');
  });

  it.each([
    ['S2D_WORKER_CONCURRENCY', 'abc', "S2D_WORKER_CONCURRENCY must be a positive integer, got 'abc'"],
    ['S2D_WORKER_CONCURRENCY', '0', "S2D_WORKER_CONCURRENCY must be a positive integer, got '0'"],
    ['S2D_WORKER_CONCURRENCY', '2.5', "S2D_WORKER_CONCURRENCY must be a positive integer, got '2.5'"],
    ['S2D_MAX_BACKLOG', '', "S2D_MAX_BACKLOG must be a positive integer, got ''"],
    ['S2D_LOCK_DURATION_MS', '-1', "S2D_LOCK_DURATION_MS must be an integer from 1 to 2147483647, got '-1'"],
    // Longer than a Node.js timer takes: it would fire at once, so a 'long' deadline would force at once.
    ['S2D_SHUTDOWN_DEADLINE_MS', '9999999999', "S2D_SHUTDOWN_DEADLINE_MS must be an integer from 1 to 2147483647, got '9999999999'"],
    ['S2D_STALLED_INTERVAL_MS', '1e3', "S2D_STALLED_INTERVAL_MS must be an integer from 1 to 2147483647, got '1e3'"],
    ['S2D_LOG_LEVEL', 'loud', "S2D_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'loud'"],
    ['S2D_ENDPOINT_LIMITER', 'yes', "S2D_ENDPOINT_LIMITER must be one of on, off, got 'yes'"],
    ['S2D_PREFIX', 'a/b', "S2D_PREFIX must be letters, digits, '_', '.' and '-' only (one or more), got 'a/b'"],
    ['OPENAI_BASE_URL', 'localhost:8000/v1', "OPENAI_BASE_URL must be an http:// or https:// URL, got 'localhost:8000/v1'"],
    // The password of a REDIS_URL is never printed.
    ['REDIS_URL', 'http://user:secret@h:1', "REDIS_URL must be a redis:// or rediss:// URL, got 'http://***@h:1'"],
    // Not even part of it when the password holds an unencoded '/' or '@', or sits in the query.
    ['REDIS_URL', 'http://user:pa/ss@h:1', "REDIS_URL must be a redis:// or rediss:// URL, got 'http://***@h:1'"],
    ['REDIS_URL', 'http://user:p@ss@h:1', "REDIS_URL must be a redis:// or rediss:// URL, got 'http://***@h:1'"],
    ['REDIS_URL', 'http://h:1?password=hunter22', "REDIS_URL must be a redis:// or rediss:// URL, got 'http://h:1?password=***'"],
  ])('%s=%j fails with one line naming it, what was expected and what it got', (name, value, message) => {
    expect(failure(() => readEnv({ [name]: value }))).toBe(message);
  });

  it('names every bad variable in one line', () => {
    expect(failure(() => readEnv({ S2D_WORKER_CONCURRENCY: 'x', S2D_LOG_LEVEL: 'y' }))).toBe(
      "S2D_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'y'; S2D_WORKER_CONCURRENCY must be a positive integer, got 'x'",
    );
  });

  it.each([
    ['S2D_S3_PART_SIZE_MIB', '4', "S2D_S3_PART_SIZE_MIB must be an integer from 5 to 5120, got '4'"],
    ['S2D_S3_PART_SIZE_MIB', 'big', "S2D_S3_PART_SIZE_MIB must be an integer from 5 to 5120, got 'big'"],
    ['S2D_S3_UPLOAD_QUEUE_SIZE', '65', "S2D_S3_UPLOAD_QUEUE_SIZE must be an integer from 1 to 64, got '65'"],
    ['S2D_S3_SSE', 'des', "S2D_S3_SSE must be one of AES256, aws:kms, got 'des'"],
    ['S2D_S3_FORCE_PATH_STYLE', 'yes', "S2D_S3_FORCE_PATH_STYLE must be true, false, 1 or 0, got 'yes'"],
    ['S2D_S3_CHECKSUM_CALCULATION', 'ALWAYS', "S2D_S3_CHECKSUM_CALCULATION must be one of WHEN_REQUIRED, WHEN_SUPPORTED, got 'ALWAYS'"],
    ['S2D_S3_CHECKSUM_VALIDATION', 'ALWAYS', "S2D_S3_CHECKSUM_VALIDATION must be one of WHEN_REQUIRED, WHEN_SUPPORTED, got 'ALWAYS'"],
    ['S2D_S3_ENDPOINT', 'minio:9000', "S2D_S3_ENDPOINT must be an http:// or https:// URL, got 'minio:9000'"],
    ['AWS_ENDPOINT_URL_S3', 'ftp://x', "AWS_ENDPOINT_URL_S3 must be an http:// or https:// URL, got 'ftp://x'"],
    ['S2D_S3_SSE_KMS_KEY_ID', 'k', 'S2D_S3_SSE_KMS_KEY_ID needs S2D_S3_SSE=aws:kms, got S2D_S3_SSE=(unset)'],
  ])('S3: %s=%j fails with one line naming it', (name, value, message) => {
    expect(failure(() => readS3Settings({ [name]: value }))).toBe(message);
  });
});
