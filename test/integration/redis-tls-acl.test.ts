import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../cli/cli-error.js';
import { openQueueClients } from '../../cli/queue-clients.js';
import { spawnWorkerProcess, type WorkerProcess } from '../../cli/spawn-worker-process.js';
import { startLocalRedis, type LocalRedis } from '../../infra/redis/local-redis.js';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { readEnv } from '../../shared/config/env.js';
import { readRedisTls, type RedisTls } from '../../shared/config/redis-tls.js';
import { describeRedisError, isRedisCommandError } from '../../shared/queue/describe-redis-error.js';
import { createRedisConnection } from '../../shared/queue/redis-connection.js';
import { redactSecrets } from '../../shared/redact-secrets.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { createRunFixture, duplicateIndices } from '../helpers/run-fixture.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';
import { renderS2dAcl } from '../helpers/s2d-acl.js';
import { createThrowawayPki, type ThrowawayPki } from '../helpers/throwaway-pki.js';
import { workerEnv } from '../helpers/worker-env.js';

const exec = promisify(execFile);
const BIN = new URL('../../bin/s2d.mjs', import.meta.url).pathname;
const ITEMS = 24;

/** Runs the real CLI; resolves with its exit code and output whether it succeeded or not. */
async function s2d(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('Redis over TLS (mutual) with the least-privilege ACL user from infra/redis/s2d-acl.conf', () => {
  const password = `s2d-${randomBytes(12).toString('hex')}`;
  const adminPassword = `admin-${randomBytes(12).toString('hex')}`;
  const prefix = isolatedPrefix('tls-acl');
  let dir: string;
  let pki: ThrowawayPki;
  let server: LocalRedis;
  let admin: Redis;
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  /** What beforeAll started, stopped in reverse order (whatever failed half-way). */
  const cleanups: (() => Promise<unknown>)[] = [];
  const workers: WorkerProcess[] = [];
  /** REDIS_URL for `user` and `secret` on the TLS port. */
  const urlFor = (user: string, secret: string): string => `rediss://${user}:${secret}@127.0.0.1:${server.port}`;
  const tlsEnv = (): Record<string, string> => ({ S2D_REDIS_TLS_CA_FILE: pki.caFile, S2D_REDIS_TLS_CERT_FILE: pki.clientCertFile, S2D_REDIS_TLS_KEY_FILE: pki.clientKeyFile });
  const cliEnv = (url: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ ...process.env, REDIS_URL: url, S2D_PREFIX: prefix, ...tlsEnv(), ...extra });
  const clientTls = async (caFile = pki.caFile): Promise<RedisTls> => {
    const [ca, cert, key] = await Promise.all([readFile(caFile), readFile(pki.clientCertFile), readFile(pki.clientKeyFile)]);
    return { ca, cert, key };
  };
  const aclDenials = async (): Promise<string[]> => {
    // ACL LOG entries are flat [field, value, ...] arrays: keep "reason object" of each.
    const entries = (await admin.call('ACL', 'LOG')) as unknown[][];
    return entries.map((entry) => {
      const field = (name: string): string => String(entry[entry.indexOf(name) + 1]);
      return `${field('reason')} ${field('object')}`;
    });
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 's2d-tls-acl-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    pki = await createThrowawayPki(dir);
    // The default user keeps full rights behind a password, for the test's own checks (ACL LOG); s2d connects as s2d.
    const config = join(dir, 'redis.conf');
    await writeFile(config, `user default on >${adminPassword} ~* &* +@all\n${await renderS2dAcl(prefix, password)}`);
    server = await startLocalRedis({ configFile: config, tls: { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, caFile: pki.caFile, authClients: true } });
    cleanups.push(() => server.stop());
    admin = new Redis(urlFor('default', adminPassword), { tls: await clientTls(), maxRetriesPerRequest: 1 });
    cleanups.push(() => admin.quit().catch(() => undefined));
    simulator = await startSimulator({ seed: 5, latency: { ttftMs: 5, perTokenMs: 0.1, jitter: 0.2 } });
    cleanups.push(() => simulator.close());
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop(2_000)));
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('a run publishes end to end over rediss:// as the restricted user, with no NOPERM and no password in any output', async () => {
    const started = Date.now();
    const url = urlFor('s2d', password);
    const redisTls = readRedisTls(readEnv(cliEnv(url)));
    const run = await createRunFixture({ label: 'tls-acl', prefix, redisUrl: url, redisTls, baseUrl: simulator.baseUrl, items: ITEMS });
    try {
      const worker = spawnWorkerProcess(workerEnv(url, prefix, { ...tlsEnv(), S2D_LOG_LEVEL: 'info' }));
      workers.push(worker);
      await run.submit();
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      const status = await s2d(cliEnv(url), 'status', run.spec.runId, '--json');
      const statusText = await s2d(cliEnv(url), 'status', run.spec.runId);
      expect(await worker.stop(10_000)).toBe(0);

      const dataset = await run.readDataset();
      const counts = dataset.manifest.counts;
      expect(counts.inputs).toBe(ITEMS);
      // A refused command would have errored items (their attempts fail), not failed the run.
      expect(counts).toMatchObject({ errored: 0 });
      expect(counts.accepted + counts.rejected).toBe(ITEMS);
      expect(counts.accepted).toBeGreaterThan(0);
      expect(dataset.provenance.length + dataset.rejects.length).toBe(ITEMS);
      expect(duplicateIndices(dataset)).toEqual([]);
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ state: 'published', items: { total: ITEMS, done: ITEMS, accepted: counts.accepted, errored: 0 } });
      expect(statusText).toMatchObject({ code: 0, stderr: '' });
      expect(statusText.stdout).toMatch(new RegExp(`^state +published$`, 'm'));
      const logs = worker.stderrTail();
      expect(logs).toMatch(/"msg":"dataset published"/);
      console.info(`TLS + ACL run of ${ITEMS} items published in ${Date.now() - started} ms; ACL denials: ${JSON.stringify(await aclDenials())}`);
      // The one refusal is the start-up settings check's CONFIG GET, which the ACL leaves out on purpose.
      expect(logs).toMatch(/could not check the Redis settings \(CONFIG GET refused: NOPERM/);
      expect(new Set(await aclDenials())).toEqual(new Set(['command config|get']));
      for (const output of [logs, worker.stdoutTail(), status.stdout, status.stderr, statusText.stdout]) expect(output).not.toContain(password);
    } finally {
      await run.clients.close();
    }
  });

  it('the restricted user reaches its own keys only, and no server-wide command', async () => {
    const redis = createRedisConnection(urlFor('s2d', password), () => undefined, await clientTls());
    try {
      expect(await redis.set(`${prefix}:probe`, '1')).toBe('OK');
      const refusals: [string, Promise<unknown>][] = [
        ['SET outside the prefix', redis.set('other:x', '1')],
        ['GET outside the prefix', redis.get('other:x')],
        ['a key named like the prefix but outside it', redis.set(`${prefix}x`, '1')],
        ['a Lua script touching a key outside the prefix', redis.eval("return redis.call('SET', KEYS[1], '1')", 1, 'other:y')],
        ['FLUSHALL', redis.flushall()],
        ['KEYS', redis.keys('*')],
        ['SCAN', redis.scan(0)],
        ['CONFIG GET', redis.config('GET', 'requirepass')],
        ['FUNCTION FLUSH', redis.call('FUNCTION', 'FLUSH')],
        ['SCRIPT FLUSH', redis.call('SCRIPT', 'FLUSH')],
        ['PUBLISH', redis.publish('anything', 'x')],
        ['CLIENT LIST', redis.call('CLIENT', 'LIST')],
        ['ACL LIST', redis.call('ACL', 'LIST')],
      ];
      for (const [what, attempt] of refusals) {
        await expect(attempt.then(() => 'allowed', (error: unknown) => (error as Error).message), what).resolves.toMatch(/^NOPERM/);
      }
    } finally {
      redis.disconnect();
    }
  });

  it('a wrong password fails `s2d status` with one line without it, and a worker logs it without it', async () => {
    const wrong = `wrong-${randomBytes(12).toString('hex')}`;
    const status = await s2d(cliEnv(urlFor('s2d', wrong)), 'status');
    expect(status.code).toBe(1);
    expect(status.stderr).toBe(
      `s2d status: Redis at rediss://***@127.0.0.1:${server.port} refused the connection: WRONGPASS invalid username-password pair or user is disabled. (check the user name and password in REDIS_URL)\n`,
    );
    const worker = spawnWorkerProcess(workerEnv(urlFor('s2d', wrong), prefix, tlsEnv()));
    workers.push(worker);
    while (!worker.stderrTail().includes('WRONGPASS')) {
      if (worker.child.exitCode !== null) throw new Error(`worker exited: ${worker.stderrTail()}`);
      await sleep(50);
    }
    await worker.stop(2_000);
    expect(worker.stderrTail()).toMatch(/"err":"WRONGPASS invalid username-password pair or user is disabled. \(check the user name and password in REDIS_URL\)","msg":"Redis connection error; reconnecting"/);
    for (const output of [status.stdout, worker.stderrTail(), worker.stdoutTail()]) expect(output).not.toContain(wrong);
  });

  it("a refused AUTH error carries the password in command.args; it is shown as its message alone, and the password is a registered secret", async () => {
    const wrong = `wrong-${randomBytes(12).toString('hex')}`;
    const redis = createRedisConnection(urlFor('s2d', wrong), () => undefined, await clientTls());
    try {
      const error = await redis.ping().then(() => undefined, (reason: unknown) => reason);
      expect(isRedisCommandError(error)).toBe(true);
      expect(JSON.stringify((error as { command?: unknown }).command)).toContain(wrong);
      expect(describeRedisError(error)).toBe('WRONGPASS invalid username-password pair or user is disabled. (check the user name and password in REDIS_URL)');
      expect(redactSecrets(`args: ["s2d", "${wrong}"]`)).toBe('args: ["s2d", "[redacted]"]');
    } finally {
      redis.disconnect();
    }
  });

  it('server-name verification stays on: a CA that did not sign the server certificate fails with a hint', async () => {
    const opened = openQueueClients(urlFor('s2d', password), prefix, { tls: await clientTls(pki.otherCaFile), connectTimeoutMs: 1_500 });
    const error = await opened.then(() => undefined, (reason: unknown) => reason);
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toMatch(
      new RegExp(`^cannot reach Redis at rediss://\\*\\*\\*@127\\.0\\.0\\.1:${server.port} within 1\\.5 s \\(.*certificate.* \\(the Redis server's TLS certificate did not verify: give its CA in S2D_REDIS_TLS_CA_FILE or NODE_EXTRA_CA_CERTS`),
    );
    expect((error as Error).message).not.toContain(password);
  });

  it('a socket that errors twice (refused certificate, then the peer\'s alert) reports the second error instead of throwing it', async () => {
    const errors: string[] = [];
    const redis = createRedisConnection(urlFor('s2d', password), (error) => errors.push(error.message), await clientTls(pki.otherCaFile));
    try {
      while (errors.length === 0) await sleep(10);
      // ioredis listens with `once`: without the guard this second error on the same socket is thrown, uncaught.
      expect(() => redis.stream.emit('error', new Error('tlsv1 alert decode error'))).not.toThrow();
      expect(errors.at(-1)).toBe('tlsv1 alert decode error');
      expect(errors[0]).toMatch(/certificate/);
    } finally {
      redis.disconnect();
    }
  });

  it('NODE_EXTRA_CA_CERTS works in place of S2D_REDIS_TLS_CA_FILE', async () => {
    const status = await s2d(cliEnv(urlFor('s2d', password), { S2D_REDIS_TLS_CA_FILE: '', NODE_EXTRA_CA_CERTS: pki.caFile }), 'status');
    expect(status).toMatchObject({ code: 0, stderr: '' });
  });
});
