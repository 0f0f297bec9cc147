import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { firstSeedUrl, parseClusterUrl } from '../config/redis-cluster-url.js';
import type { RedisTls } from '../config/redis-tls.js';
import { registerSecret } from '../redact-secrets.js';
import { socketErrorGuard } from './socket-error-guard.js';

/** A connection to s2d's Redis: one server, or a Redis Cluster (S2D_REDIS_MODE). Both run every command s2d sends. */
export type RedisConnection = Redis | Cluster;

/** S2D_REDIS_MODE: how REDIS_URL is read. */
export type RedisMode = 'standalone' | 'cluster';

/**
 * A connection suitable for BullMQ workers and s2d's own keys: `maxRetriesPerRequest: null` so blocking commands
 * survive reconnects instead of failing the job. ioredis keeps reconnecting on its own; `onError` hears each
 * failure (without a listener ioredis prints every one as an unhandled error), including a socket's second error,
 * which ioredis itself would leave uncaught (see {@link socketErrorGuard}).
 *
 * `tls` (from {@link readRedisTls}) applies to a rediss:// URL; it lives in the connection's options, so the
 * duplicates BullMQ makes for its blocking connections carry it too. The URL's password is registered as a secret,
 * so it is censored from any text logged or recorded later (an AUTH error carries it in `command.args`).
 *
 * `mode` `cluster` (default `standalone`): `url` names seed nodes (`redis://host:port[,host:port…]`, see
 * {@link parseClusterUrl}) and the connection is an ioredis `Cluster`. Every node connection it opens gets the same
 * options as a standalone one (the socket error guard, TLS, the URL's user and password) through `redisOptions`.
 */
export function createRedisConnection(url: string, onError: (error: Error) => void, tls?: RedisTls, mode?: 'standalone'): Redis;
export function createRedisConnection(url: string, onError: (error: Error) => void, tls: RedisTls | undefined, mode: RedisMode): RedisConnection;
export function createRedisConnection(url: string, onError: (error: Error) => void, tls?: RedisTls, mode: RedisMode = 'standalone'): RedisConnection {
  for (const secret of redisUrlSecrets(url)) registerSecret(secret);
  const options: RedisOptions = {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    // CLIENT SETINFO (Redis 7.2+) only labels the connection; skipping it keeps the ACL in infra/redis/s2d-acl.conf
    // free of a command s2d has no use for.
    disableClientInfo: true,
    Connector: socketErrorGuard(onError),
    ...(tls === undefined ? {} : { tls: { ...tls } }),
  };
  if (mode === 'cluster') return createClusterConnection(url, onError, options);
  const redis = new Redis(url, options);
  redis.on('error', onError);
  return redis;
}

function createClusterConnection(url: string, onError: (error: Error) => void, options: RedisOptions): Cluster {
  const parsed = parseClusterUrl(url);
  if (parsed.password !== undefined) registerSecret(parsed.password);
  const cluster = new Cluster(parsed.seeds, {
    redisOptions: {
      ...options,
      ...(parsed.username === undefined ? {} : { username: parsed.username }),
      ...(parsed.password === undefined ? {} : { password: parsed.password }),
      // rediss:// means TLS to every node, with Node's CAs unless S2D_REDIS_TLS_CA_FILE names others.
      ...(parsed.tls && options.tls === undefined ? { tls: {} } : {}),
    },
  });
  cluster.on('error', onError);
  // A node's own connection errors come as `node error` (node address second); reconnecting is the cluster's job.
  cluster.on('node error', (error: Error) => {
    onError(error);
  });
  return cluster;
}

/** Whether a connection is a Redis Cluster client. */
export function isCluster(redis: RedisConnection): redis is Cluster {
  return redis instanceof Cluster;
}

/** The password in a Redis URL as written and as ioredis decodes it (userinfo or `?password=`); none for a socket path. */
export function redisUrlSecrets(url: string): string[] {
  if (url.startsWith('/')) return [];
  let parsed: URL;
  try {
    // A cluster seed list (`h1:p1,h2:p2`) is no URL to WHATWG: its credentials are read with the first host alone.
    const single = firstSeedUrl(url);
    parsed = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(single) ? single : `redis://${single}`);
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
