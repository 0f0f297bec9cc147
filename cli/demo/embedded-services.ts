import type { Env } from '../../shared/config/env.js';
import { readRedisTls, type RedisTls } from '../../shared/config/redis-tls.js';
import { startLocalRedis } from '../../infra/redis/local-redis.js';
import { startSimulator, type SimulatorOptionsInput } from '../../infra/simulator/simulator-server.js';
import { CliError } from '../cli-error.js';
import { REDIS_MISSING_MESSAGE, isRedisServerOnPath } from '../../infra/redis/redis-availability.js';
import type { RedisMode } from '../../shared/queue/redis-connection.js';

/** The model name the demo asks the simulator for; the simulator answers for any name. */
const SIMULATED_MODEL = 'sim-llama-2-70b-chat';

export interface EmbeddedServices {
  redisUrl: string;
  /** TLS material for a rediss:// REDIS_URL; undefined for the private Redis (plain TCP on loopback). */
  redisTls: RedisTls | undefined;
  /** S2D_REDIS_MODE for REDIS_URL; standalone for the private Redis (one redis-server). */
  redisMode: RedisMode;
  /**
   * Environment for the demo's worker processes to reach this Redis: REDIS_URL, and the S2D_REDIS_TLS_* files
   * blanked and S2D_REDIS_MODE standalone when the Redis is the private one (they apply to REDIS_URL only).
   */
  redisEnv: Record<string, string>;
  baseUrl: string;
  modelName: string;
  /** True when answers come from s2d's LLM simulator, not a real model. */
  simulated: boolean;
  stop(): Promise<void>;
}

/**
 * Uses REDIS_URL / OPENAI_BASE_URL when set; otherwise starts a private redis-server and the LLM simulator (with
 * `simulator` options, e.g. its reply style).
 */
export async function startEmbeddedServices(env: Env, say: (line: string) => void, simulatorOptions: SimulatorOptionsInput = {}): Promise<EmbeddedServices> {
  const stops: (() => Promise<void>)[] = [];
  try {
    let redisUrl = env.REDIS_URL;
    const redisTls = readRedisTls(env);
    if (redisUrl === undefined) {
      if (!isRedisServerOnPath()) throw new CliError(REDIS_MISSING_MESSAGE);
      const redis = await startLocalRedis();
      stops.push(() => redis.stop());
      redisUrl = redis.url;
      say(`started a private redis-server at ${redisUrl}`);
    }
    let baseUrl = env.OPENAI_BASE_URL;
    const simulated = baseUrl === undefined;
    if (baseUrl === undefined) {
      const simulator = await startSimulator(simulatorOptions);
      stops.push(() => simulator.close());
      baseUrl = simulator.baseUrl;
      say(
        `started the s2d LLM SIMULATOR at ${baseUrl} (no real model: answers are simulated, calibrated to the paper; ` +
          `${simulator.options.behaviour.replyStyle} replies)`,
      );
    }
    const privateRedis = env.REDIS_URL === undefined;
    const redisEnv = privateRedis
      ? { REDIS_URL: redisUrl, S2D_REDIS_TLS_CA_FILE: '', S2D_REDIS_TLS_CERT_FILE: '', S2D_REDIS_TLS_KEY_FILE: '', S2D_REDIS_MODE: 'standalone' }
      : { REDIS_URL: redisUrl };
    return {
      redisUrl,
      redisTls,
      redisMode: privateRedis ? 'standalone' : env.S2D_REDIS_MODE,
      redisEnv,
      baseUrl,
      modelName: env.S2D_DEMO_MODEL ?? SIMULATED_MODEL,
      simulated,
      stop: async () => {
        for (const stop of stops.reverse()) await stop();
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop();
    throw error;
  }
}
