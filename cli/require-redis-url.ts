import type { Env } from '../shared/config/env.js';
import { CliError } from './cli-error.js';

export function requireRedisUrl(env: Env, command: string): string {
  if (env.REDIS_URL === undefined) {
    throw new CliError(`${command} needs REDIS_URL (e.g. REDIS_URL=redis://127.0.0.1:6379); only \`s2d demo\` starts a Redis of its own`);
  }
  return env.REDIS_URL;
}
