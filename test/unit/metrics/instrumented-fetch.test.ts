import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentedFetch, outcomeOfStatus } from '../../../shared/metrics/instrumented-fetch.js';
import { llmRequests, llmRequestSeconds } from '../../../shared/metrics/worker-metrics.js';

const count = async (outcome: string): Promise<number> => (await llmRequests.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;

describe('instrumentedFetch', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((request, response) => {
      const status = Number(request.url?.slice(1));
      if (request.url === '/slow') return void setTimeout(() => response.end('late'), 2_000);
      response.writeHead(Number.isInteger(status) && status > 0 ? status : 200).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('counts every request by outcome over real HTTP: ok, 429, 5xx, 4xx, timeout and network', async () => {
    const fetcher = instrumentedFetch();
    const before = Object.fromEntries(await Promise.all(['ok', '429', '5xx', '4xx', 'timeout', 'network'].map(async (o) => [o, await count(o)] as const)));
    const observed = async (): Promise<number> => (await llmRequestSeconds.get()).values.filter((v) => v.metricName?.endsWith('_count') === true).reduce((sum, v) => sum + v.value, 0);
    const histogramBefore = await observed();
    for (const path of ['/200', '/429', '/503', '/500', '/400']) await fetcher(`${base}${path}`);
    await expect(fetcher(`${base}/slow`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    await expect(fetcher('http://127.0.0.1:1/refused')).rejects.toThrow();
    const delta = async (o: string): Promise<number> => (await count(o)) - (before[o] ?? 0);
    expect([await delta('ok'), await delta('429'), await delta('5xx'), await delta('4xx'), await delta('timeout'), await delta('network')]).toEqual([1, 1, 2, 1, 1, 1]);
    expect((await observed()) - histogramBefore).toBe(7);
  });

  it('classifies statuses', () => {
    expect([200, 201, 429, 500, 502, 404, 401].map(outcomeOfStatus)).toEqual(['ok', 'ok', '429', '5xx', '5xx', '4xx', '4xx']);
  });
});
