import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs to stderr (stdout is kept for command output such as `--json`).
 * Secrets are redacted by key wherever they appear; prompts and outputs are only ever logged at debug level.
 */
export function createLogger(level: string, name = 's2d'): Logger {
  return pino(
    {
      name,
      level,
      redact: {
        paths: ['apiKey', '*.apiKey', 'authorization', '*.authorization', 'headers.authorization', 'password', '*.password'],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}
