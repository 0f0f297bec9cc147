import { pino, type Logger } from 'pino';
import { redactDeep, redactSecrets } from './redact-secrets.js';

export type { Logger };

/**
 * Structured JSON logs to stderr (stdout is kept for command output such as `--json`).
 * Secrets are redacted by key wherever they appear, and every string field and message goes through redactSecrets
 * (endpoint error text can echo keys); prompts and outputs are only ever logged at debug level.
 */
export function createLogger(level: string, name = 's2d', destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      name,
      level,
      redact: {
        paths: ['apiKey', '*.apiKey', 'authorization', '*.authorization', 'headers.authorization', 'password', '*.password'],
        censor: '[redacted]',
      },
      formatters: {
        log: (object) => redactDeep(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          // The message is the last string argument; objects were handled by formatters.log.
          const scrubbed = args.map((arg: unknown) => (typeof arg === 'string' ? redactSecrets(arg) : arg));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
