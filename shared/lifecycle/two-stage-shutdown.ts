import type { Logger } from '../logger.js';

export interface ShutdownHandlers {
  /** Stop taking work and let in-flight work finish. */
  drain: () => Promise<void>;
  /** Give up on in-flight work (it is re-delivered elsewhere) and release resources. */
  force: () => Promise<void>;
}

/**
 * SIGTERM/SIGINT drains; a second signal, or the deadline passing, forces. Forced work is not lost: BullMQ hands
 * jobs whose lock lapses to another worker, and every step of an item is idempotent.
 */
/** Resolves once shut down: 'drained' when in-flight work finished, 'forced' when it was abandoned. */
export function installTwoStageShutdown(handlers: ShutdownHandlers, deadlineMs: number, logger: Logger): Promise<'drained' | 'forced'> {
  return new Promise((resolve) => {
    let stage: 'running' | 'draining' | 'forcing' = 'running';
    const force = async (why: string): Promise<void> => {
      if (stage === 'forcing') return;
      stage = 'forcing';
      logger.warn({ why }, 'forcing shutdown');
      await handlers.force().catch((error: unknown) => {
        logger.error({ err: error }, 'forced shutdown failed');
      });
      resolve('forced');
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stage !== 'running') {
        void force(`second signal ${signal}`);
        return;
      }
      stage = 'draining';
      logger.info({ signal, deadlineMs }, 'draining: finishing in-flight items, send the signal again to force');
      const timer = setTimeout(() => void force('drain deadline passed'), deadlineMs);
      timer.unref();
      handlers
        .drain()
        .then(() => {
          clearTimeout(timer);
          if (stage === 'draining') resolve('drained');
        })
        .catch((error: unknown) => void force(`drain failed: ${String(error)}`));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
