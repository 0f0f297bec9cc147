/** Environment for a spawned `s2d worker` in tests: its own prefix, and short locks so a dead worker's items are
 * taken over within seconds instead of production's 30 s. */
export function workerEnv(redisUrl: string, prefix: string, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    REDIS_URL: redisUrl,
    S2D_PREFIX: prefix,
    S2D_LOG_LEVEL: 'warn',
    S2D_WORKER_CONCURRENCY: '4',
    S2D_LOCK_DURATION_MS: '2000',
    S2D_STALLED_INTERVAL_MS: '500',
    ...overrides,
  };
}
