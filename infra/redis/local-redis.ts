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
  /** A redis.conf read before the arguments (e.g. ACL `user` lines, which need a config file). Default: none. */
  configFile?: string;
  /** Serve TLS only: the port speaks TLS, no plain port is open, and `url` is rediss://. Default: plain TCP. */
  tls?: LocalRedisTls;
}

export interface LocalRedisTls {
  /** PEM server certificate; it must name 127.0.0.1 (clients verify it). */
  certFile: string;
  /** PEM private key of `certFile`. */
  keyFile: string;
  /** PEM CA that client certificates must chain to. */
  caFile: string;
  /** Require a client certificate (mutual TLS). Default false. */
  authClients?: boolean;
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
  const tls = options.tls;
  const listen = tls === undefined
    ? ['--port', String(port)]
    : ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile, '--tls-ca-cert-file', tls.caFile, '--tls-auth-clients', tls.authClients === true ? 'yes' : 'no'];
  const args = [
    ...(options.configFile === undefined ? [] : [options.configFile]),
    ...listen,
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
    url: `${tls === undefined ? 'redis' : 'rediss'}://127.0.0.1:${port}`,
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
