// Runs before the test suite: one clear line instead of a stack trace when redis-server is missing.
import { spawnSync } from 'node:child_process';

if (!process.env.REDIS_URL) {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    console.error(
      's2d needs redis-server on PATH (or REDIS_URL pointing at a running Redis): install it with ' +
        '`sudo apt-get install -y redis-server` (Debian/Ubuntu) or `brew install redis` (macOS).',
    );
    process.exit(1);
  }
}
