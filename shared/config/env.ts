import { z } from 'zod';
import { envError } from './env-error.js';
import { enumVar, intVar, optionalHttpUrlVar, optionalIntVar, optionalStringVar } from './env-vars.js';
import { parseClusterUrl } from './redis-cluster-url.js';
import { MAX_TIMER_MS } from './setting-values.js';

/** REDIS_URL as ioredis reads it: redis:// or rediss://, host:port without a scheme, or a unix socket path. */
const redisUrlVar = optionalStringVar.refine((value) => value === undefined || !value.includes('://') || /^rediss?:\/\//i.test(value), {
  error: 'a redis:// or rediss:// URL',
});
const PREFIX_TEXT = "letters, digits, '_', '.' and '-' only (one or more)";

/**
 * Process settings, read once from the environment at the edge and frozen. Everything a run needs beyond these
 * travels in its run spec. Units are in the names.
 */
const envSchema = z.object({
  /** Redis for queues and run state. Unset: `s2d demo` starts a private redis-server; other commands fail clearly. */
  REDIS_URL: redisUrlVar,
  /**
   * PEM file of the CA (or CAs) that signed the Redis server's certificate, for a rediss:// REDIS_URL whose server
   * certificate no public CA signed. The server name (or IP) in REDIS_URL must match the certificate; that check is
   * never turned off. Default: unset, Node's built-in CAs plus NODE_EXTRA_CA_CERTS.
   */
  S2D_REDIS_TLS_CA_FILE: optionalStringVar,
  /** PEM client certificate for mutual TLS (Redis `tls-auth-clients yes`); needs S2D_REDIS_TLS_KEY_FILE. Default: unset, none sent. */
  S2D_REDIS_TLS_CERT_FILE: optionalStringVar,
  /** PEM private key of S2D_REDIS_TLS_CERT_FILE (unencrypted). Default: unset. */
  S2D_REDIS_TLS_KEY_FILE: optionalStringVar,
  /**
   * `standalone`: REDIS_URL names one Redis server. `cluster`: REDIS_URL names one or more seed nodes of a Redis
   * Cluster (`redis://host:port[,host:port…]`) and s2d uses a cluster client; keys are hash-tagged either way
   * (docs/scaling.md#redis-cluster). Default standalone.
   */
  S2D_REDIS_MODE: enumVar(['standalone', 'cluster'], 'standalone'),
  /**
   * BullMQ queues the distill work is spread over; an item's queue is a stable hash of (run id, item index). One
   * queue lives on one Redis node, so on a cluster more shards spread the queue load over more masters. Every process
   * of a deployment (workers, submitters, dashboard) must use the same value. Default 1 (the single `distill` queue).
   */
  S2D_QUEUE_SHARDS: intVar(1, 1, 256),
  /** Key prefix for every queue and key s2d writes, so several deployments (or tests) share one Redis. Default s2d. */
  S2D_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/, PREFIX_TEXT).default('s2d'),
  /** Default OpenAI-compatible base URL for runs whose spec names none. Unset: the built-in simulator. */
  OPENAI_BASE_URL: optionalHttpUrlVar,
  /** Model the demo asks OPENAI_BASE_URL for. Default: the simulator's `sim-llama-2-70b-chat`. */
  S2D_DEMO_MODEL: optionalStringVar,
  /** pino level: fatal, error, warn, info, debug, trace, silent. Default info. */
  S2D_LOG_LEVEL: enumVar(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  /** Items a worker process works on at once. Default 16 (LLM calls are I/O-bound). */
  S2D_WORKER_CONCURRENCY: intVar(16, 1),
  /** How long a worker holds a job lock before another worker may take the job over (ms). Default 30000. */
  S2D_LOCK_DURATION_MS: intVar(30_000, 1, MAX_TIMER_MS),
  /** How often workers look for jobs whose lock expired because their worker died (ms). Default 15000. */
  S2D_STALLED_INTERVAL_MS: intVar(15_000, 1, MAX_TIMER_MS),
  /** After SIGTERM, how long a worker drains in-flight items before it forces its way out (ms). Default 30000. */
  S2D_SHUTDOWN_DEADLINE_MS: intVar(30_000, 1, MAX_TIMER_MS),
  /**
   * Fleet-wide endpoint limiter (run spec `model.limits`): on, or off to send requests unthrottled, leaving 429s to
   * the delayed re-queue alone (for diagnosis and the benchmark that measures what the limiter saves). Default on.
   */
  S2D_ENDPOINT_LIMITER: enumVar(['on', 'off'], 'on'),
  /**
   * Most items of one run enqueued and not yet done (waiting, in flight, retrying, re-queued after a 429, parked while
   * paused) before that run's producer pauses reading input. Per run: one run's parked or stuck items never hold
   * another run's producer back. Default 2000.
   */
  S2D_MAX_BACKLOG: intVar(2_000, 1),
  /**
   * Port of the worker's Prometheus endpoint (`GET /metrics`, docs/operations.md); 0 picks a free port (logged).
   * Default: unset, no endpoint.
   */
  S2D_METRICS_PORT: optionalIntVar(0, 65_535),
  /** Address the metrics endpoint listens on. Default 127.0.0.1 (loopback): set 0.0.0.0 for a scraper elsewhere. */
  S2D_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * Bearer token for `s2d dashboard` (`Authorization: Bearer …`, or the login form / `/login?token=…`); at least 16
   * characters. Default: unset; on a loopback host with no credentials at all the dashboard makes a random token per
   * start and prints its login URL, elsewhere it refuses to start.
   */
  S2D_DASHBOARD_TOKEN: optionalStringVar.refine((value) => value === undefined || value.length >= 16, { error: 'at least 16 characters' }),
  /** Basic-auth user name for `s2d dashboard`; set with S2D_DASHBOARD_PASSWORD. Default: unset. */
  S2D_DASHBOARD_USER: optionalStringVar.refine((value) => value?.includes(':') !== true, { error: "a name without ':'" }),
  /** Basic-auth password for `s2d dashboard` (at least 12 characters); set with S2D_DASHBOARD_USER. Default: unset. */
  S2D_DASHBOARD_PASSWORD: optionalStringVar.refine((value) => value === undefined || value.length >= 12, { error: 'at least 12 characters' }),
}).superRefine((env, ctx) => {
  if (env.S2D_REDIS_MODE === 'cluster' && env.REDIS_URL !== undefined) {
    try {
      parseClusterUrl(env.REDIS_URL);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: `seed nodes redis://host:port[,host:port…] with S2D_REDIS_MODE=cluster (${error instanceof Error ? error.message : String(error)})` });
    }
  }
  // One without the other would be a dashboard that can never be logged into with basic auth.
  if (env.S2D_DASHBOARD_USER !== undefined && env.S2D_DASHBOARD_PASSWORD === undefined) {
    ctx.addIssue({ code: 'custom', path: ['S2D_DASHBOARD_PASSWORD'], message: 'set too when S2D_DASHBOARD_USER is' });
  }
  if (env.S2D_DASHBOARD_PASSWORD !== undefined && env.S2D_DASHBOARD_USER === undefined) {
    ctx.addIssue({ code: 'custom', path: ['S2D_DASHBOARD_USER'], message: 'set too when S2D_DASHBOARD_PASSWORD is' });
  }
});

/** Variables whose values never appear in an error message. */
const SECRET_VARS: ReadonlySet<string> = new Set(['S2D_DASHBOARD_TOKEN', 'S2D_DASHBOARD_PASSWORD']);

export type Env = Readonly<z.infer<typeof envSchema>>;

/**
 * Parses the environment once; a bad value fails with the variable's name, what was expected and what it got.
 *
 * @throws {EnvError} naming every bad variable, e.g. `S2D_WORKER_CONCURRENCY must be a positive integer, got 'abc'`.
 */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) throw envError(parsed.error.issues, source, SECRET_VARS);
  return Object.freeze(parsed.data);
}
