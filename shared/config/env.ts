import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Process settings, read once from the environment at the edge and frozen. Everything a run needs beyond these
 * travels in its run spec. Units are in the names.
 */
const envSchema = z.object({
  /** Redis for queues and run state. Unset: `s2d demo` starts a private redis-server; other commands fail clearly. */
  REDIS_URL: optionalString,
  /** Key prefix for every queue and key s2d writes, so several deployments (or tests) share one Redis. Default s2d. */
  S2D_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/).default('s2d'),
  /** Default OpenAI-compatible base URL for runs whose spec names none. Unset: the built-in simulator. */
  OPENAI_BASE_URL: optionalString,
  /** Model the demo asks OPENAI_BASE_URL for. Default: the simulator's `sim-llama-2-70b-chat`. */
  S2D_DEMO_MODEL: optionalString,
  /** pino level: fatal, error, warn, info, debug, trace, silent. Default info. */
  S2D_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Items a worker process works on at once. Default 16 (LLM calls are I/O-bound). */
  S2D_WORKER_CONCURRENCY: positiveInt(16),
  /** How long a worker holds a job lock before another worker may take the job over (ms). Default 30000. */
  S2D_LOCK_DURATION_MS: positiveInt(30_000),
  /** How often workers look for jobs whose lock expired because their worker died (ms). Default 15000. */
  S2D_STALLED_INTERVAL_MS: positiveInt(15_000),
  /** After SIGTERM, how long a worker drains in-flight items before it forces its way out (ms). Default 30000. */
  S2D_SHUTDOWN_DEADLINE_MS: positiveInt(30_000),
  /**
   * Fleet-wide endpoint limiter (run spec `model.limits`): on, or off to send requests unthrottled, leaving 429s to
   * the delayed re-queue alone (for diagnosis and the benchmark that measures what the limiter saves). Default on.
   */
  S2D_ENDPOINT_LIMITER: z.enum(['on', 'off']).default('on'),
  /**
   * Most items of one run enqueued and not yet done (waiting, in flight, retrying, re-queued after a 429, parked while
   * paused) before that run's producer pauses reading input. Per run: one run's parked or stuck items never hold
   * another run's producer back. Default 2000.
   */
  S2D_MAX_BACKLOG: positiveInt(2_000),
});

export type Env = Readonly<z.infer<typeof envSchema>>;

/** Parses the environment once; a bad value fails with the variable's name and what was expected. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid environment: ${problems}`);
  }
  return Object.freeze(parsed.data);
}
