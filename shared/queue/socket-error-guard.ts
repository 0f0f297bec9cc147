import type { ErrorEmitter } from 'ioredis/built/connectors/AbstractConnector.js';
import type { RedisOptions } from 'ioredis';
import { createRequire } from 'node:module';
import type StandaloneConnectorClass from 'ioredis/built/connectors/StandaloneConnector.js';
import type { StandaloneConnectionOptions } from 'ioredis/built/connectors/StandaloneConnector.js';
import type { NetStream } from 'ioredis/built/types.js';

// The connector is not among ioredis's exports. Its module is CommonJS with `exports.default`, which ESM loaders
// (Node, vitest) interpret differently, so it is required: `.default` is then unambiguous.
const { default: StandaloneConnector } = createRequire(import.meta.url)('ioredis/built/connectors/StandaloneConnector.js') as {
  default: typeof StandaloneConnectorClass.default;
};

/**
 * ioredis's own connector, except that every socket it opens keeps an `error` listener for its whole life.
 *
 * ioredis listens for a socket's errors with `once`, so a socket that fails twice throws the second error as an
 * uncaught exception and takes the process down. A TLS socket does fail twice: a handshake that fails certificate
 * verification errors, and the peer's alert read in the same turn errors again ("tlsv1 alert decode error"). The
 * first error still reaches ioredis (which reconnects); later ones go to `onLaterError`.
 */
export function socketErrorGuard(onLaterError: (error: Error) => void): NonNullable<RedisOptions['Connector']> {
  return class GuardedStandaloneConnector extends StandaloneConnector {
    // ioredis constructs a connector with its whole option object, a superset of the standalone connector's.
    constructor(options: unknown) {
      super(options as StandaloneConnectionOptions);
    }

    override async connect(emitter: ErrorEmitter): Promise<NetStream> {
      const stream = await super.connect(emitter);
      let seen = 0;
      stream.on('error', (error: Error) => {
        seen += 1;
        if (seen > 1) onLaterError(error);
      });
      return stream;
    }
  };
}
