import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startLocalRedis } from '../../infra/redis/local-redis.js';
import { parseSimulatorOptions, startSimulator } from '../../infra/simulator/simulator-server.js';

const BIN = new URL('../../bin/s2d.mjs', import.meta.url).pathname;

/** Local servers s2d starts must not be reachable from the network unless asked (`--host 0.0.0.0` in compose). */
describe('local servers bind to loopback by default', () => {
  it('the simulator: default options and the started server', async () => {
    expect(parseSimulatorOptions({}).host).toBe('127.0.0.1');
    const simulator = await startSimulator({});
    try {
      expect(new URL(simulator.baseUrl).hostname).toBe('127.0.0.1');
    } finally {
      await simulator.close();
    }
  });

  it('`s2d sim` without --host listens on 127.0.0.1 only', async () => {
    const child = spawn(process.execPath, [BIN, 'sim', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stderr.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('listening at')) resolve(output);
        });
        child.once('exit', (code) => {
          reject(new Error(`s2d sim exited (${String(code)}): ${output}`));
        });
      });
      expect(line).toMatch(/SIMULATOR \(not a real model\) listening at http:\/\/127\.0\.0\.1:\d+\/v1/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('the embedded redis-server', async () => {
    const server = await startLocalRedis();
    const redis = new Redis(server.url);
    try {
      expect(await redis.call('CONFIG', 'GET', 'bind')).toEqual(['bind', '127.0.0.1']);
    } finally {
      await redis.quit();
      await server.stop();
    }
  });

  it('compose publishes every port on the loopback of the host only (containers listen on 0.0.0.0 inside their network)', async () => {
    const compose = parse(await readFile(new URL('../../infra/compose.yaml', import.meta.url), 'utf8')) as { services: Record<string, { ports?: string[] }> };
    const ports = Object.values(compose.services).flatMap((service) => service.ports ?? []);
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });
});
