import { parseArgs } from 'node:util';
import { readEnv } from '../../shared/config/env.js';
import { CliError } from '../cli-error.js';
import { resolveDashboardCredentials } from '../dashboard/dashboard-credentials.js';
import { startDashboardServer } from '../dashboard/dashboard-server.js';
import { intFlag } from '../flag-values.js';
import { openQueueClientsFromEnv } from '../queue-clients.js';

/** Default port of `s2d dashboard`. */
const DEFAULT_PORT = 8321;

export const dashboardUsage = `s2d dashboard [--port P] [--host H]
  Serves the web dashboard until SIGTERM/SIGINT: runs with state and progress, each run's counts, reject reasons,
  vote shares, throughput and cost since the dashboard started, sample items, pause/resume/cancel buttons, and the
  BullMQ queues (bull-board, read-only) at /queues. Default --host 127.0.0.1, --port ${DEFAULT_PORT} (0: a free port).
  Always behind authentication: S2D_DASHBOARD_TOKEN, or S2D_DASHBOARD_USER + S2D_DASHBOARD_PASSWORD; with neither, a
  loopback host gets a token made for this start (its login URL is printed once) and any other host is refused.`;

export async function dashboardCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, host: { type: 'string' } }, strict: true });
  const port = intFlag(values.port, '--port', DEFAULT_PORT, 0, 65_535);
  const host = values.host ?? '127.0.0.1';
  const env = readEnv();
  // Refused before anything connects: an unauthenticated dashboard on a network never starts.
  const credentials = resolveDashboardCredentials(env, host);
  const clients = await openQueueClientsFromEnv(env, 'dashboard');
  let server;
  try {
    server = await startDashboardServer({ host, port, credentials, clients, prefix: env.S2D_PREFIX }).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new CliError(`cannot listen on ${host}:${port} (${code})`);
      throw error;
    });
  } catch (error) {
    await clients.close();
    throw error;
  }
  process.stderr.write(`s2d dashboard listening at ${server.url} (prefix ${env.S2D_PREFIX})\n`);
  if (server.loginUrl !== null) {
    process.stderr.write(`log in at ${server.loginUrl}\n  (a token made for this start; set S2D_DASHBOARD_TOKEN to choose one)\n`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await server.close();
  await clients.close();
  return 0;
}
