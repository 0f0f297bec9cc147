import { spawnSync } from 'node:child_process';

/** The one line a person sees when redis-server is missing: what is wrong and how to fix it. */
export const REDIS_MISSING_MESSAGE =
  's2d needs redis-server on PATH (or REDIS_URL pointing at a running Redis): install it with ' +
  '`sudo apt-get install -y redis-server` (Debian/Ubuntu) or `brew install redis` (macOS).';

export function isRedisServerOnPath(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}
