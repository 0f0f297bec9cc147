import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { workerRegistry } from '../../shared/metrics/worker-metrics.js';
import { registerFleetGauges, type FleetGaugeDeps } from './fleet-gauges.js';

export interface MetricsServer {
  /** Where Prometheus scrapes: `http://<host>:<port>/metrics`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` in the Prometheus text format: this process's counters (shared/metrics/worker-metrics.ts)
 * and the fleet gauges read from Redis at scrape time. Anything else is 404. Bind it to loopback unless the scraper
 * runs elsewhere: the page names runs and endpoints (never a key or prompt).
 */
export async function startMetricsServer(options: { host: string; port: number; fleet: FleetGaugeDeps }): Promise<MetricsServer> {
  const fleet = new Registry();
  registerFleetGauges(fleet, options.fleet);
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at GET /metrics\n');
      return;
    }
    Promise.all([workerRegistry.metrics(), fleet.metrics()]).then(
      ([own, shared]) => response.writeHead(200, { 'content-type': workerRegistry.contentType }).end(`${own}\n${shared}`),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${error instanceof Error ? error.message : String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () => new Promise((resolve) => server.close(() => { resolve(); })),
  };
}
