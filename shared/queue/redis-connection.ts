import { Redis } from 'ioredis';
import type { RedisTls } from '../config/redis-tls.js';
import { registerSecret } from '../redact-secrets.js';
import { socketErrorGuard } from './socket-error-guard.js';

/**
 * A connection suitable for BullMQ workers and s2d's own keys: `maxRetriesPerRequest: null` so blocking commands
 * survive reconnects instead of failing the job. ioredis keeps reconnecting on its own; `onError` hears each
 * failure (without a listener ioredis prints every one as an unhandled error), including a socket's second error,
 * which ioredis itself would leave uncaught (see {@link socketErrorGuard}).
 *
 * `tls` (from {@link readRedisTls}) applies to a rediss:// URL; it lives in the connection's options, so the
 * duplicates BullMQ makes for its blocking connections carry it too. The URL's password is registered as a secret,
 * so it is censored from any text logged or recorded later (an AUTH error carries it in `command.args`).
 */
export function createRedisConnection(url: string, onError: (error: Error) => void, tls?: RedisTls): Redis {
  for (const secret of redisUrlSecrets(url)) registerSecret(secret);
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    // CLIENT SETINFO (Redis 7.2+) only labels the connection; skipping it keeps the ACL in infra/redis/s2d-acl.conf
    // free of a command s2d has no use for.
    disableClientInfo: true,
    Connector: socketErrorGuard(onError),
    ...(tls === undefined ? {} : { tls: { ...tls } }),
  });
  redis.on('error', onError);
  return redis;
}

/** The password in a Redis URL as written and as ioredis decodes it (userinfo or `?password=`); none for a socket path. */
export function redisUrlSecrets(url: string): string[] {
  if (url.startsWith('/')) return [];
  let parsed: URL;
  try {
    parsed = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `redis://${url}`);
  } catch {
    return [];
  }
  const secrets = [parsed.password, parsed.searchParams.get('password') ?? ''].filter((value) => value !== '');
  return [...new Set(secrets.flatMap((value) => [value, safeDecode(value)]))];
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
