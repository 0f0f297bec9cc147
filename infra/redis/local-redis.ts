import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from './find-free-port.js';
import { isRedisServerOnPath, REDIS_MISSING_MESSAGE } from './redis-availability.js';

export interface LocalRedis {
  url: string;
  port: number;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its working directory. */
  stop(): Promise<void>;
}

export interface LocalRedisOptions {
  /** Port to bind on 127.0.0.1. Default: a free port. */
  port?: number;
  /** Keep an append-only file so a restart keeps the data (fault tests). Default false. */
  persistence?: boolean;
  /** Working directory (for persistence across restarts). Default: a fresh temp directory, removed on stop. */
  dir?: string;
  /** Eviction policy. Default noeviction (the only one BullMQ is safe with; others are for tests of the check). */
  maxmemoryPolicy?: string;
  /** More redis-server arguments (tests: e.g. `--rename-command CONFIG ""`). */
  extraArgs?: string[];
}

/**
 * Starts a private redis-server child on loopback, the embedded default when no REDIS_URL is given.
 * `noeviction` because BullMQ loses jobs if Redis evicts keys.
 */
export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  if (!isRedisServerOnPath()) throw new Error(REDIS_MISSING_MESSAGE);
  const port = options.port ?? (await findFreePort());
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 's2d-redis-')));
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--maxmemory-policy', options.maxmemoryPolicy ?? 'noeviction',
    '--save', '',
    '--appendonly', options.persistence === true ? 'yes' : 'no',
    ...(options.extraArgs ?? []),
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitUntilReady(child, port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await stopChild(child);
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilReady(child: ChildProcess, port: number): Promise<void> {
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`redis-server on port ${port} did not become ready within 10 s: ${output.slice(-500)}`));
    }, 10_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code ?? 'null'} before it was ready: ${output.slice(-500)}`));
    });
  });
  // Keep draining its output so a full pipe never blocks the server.
  child.stdout?.resume();
  child.stderr?.resume();
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
