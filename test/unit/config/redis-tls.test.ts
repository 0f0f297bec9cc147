import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../../../shared/config/env.js';
import { readRedisTls } from '../../../shared/config/redis-tls.js';
import { redisUrlSecrets } from '../../../shared/queue/redis-connection.js';
import { createThrowawayPki, type ThrowawayPki } from '../../helpers/throwaway-pki.js';

const TLS_URL = 'rediss://s2d:pw@127.0.0.1:6380';

describe('S2D_REDIS_TLS_* files, read once at start-up', () => {
  let dir: string;
  let pki: ThrowawayPki;
  let notPem: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 's2d-redis-tls-'));
    pki = await createThrowawayPki(dir);
    notPem = join(dir, 'not-pem.txt');
    await writeFile(notPem, 'just some text\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const read = (vars: Record<string, string>): ReturnType<typeof readRedisTls> => readRedisTls(readEnv(vars));
  const failure = (vars: Record<string, string>): string => {
    try {
      read(vars);
    } catch (error) {
      expect((error as Error).name).toBe('EnvError');
      return (error as Error).message;
    }
    throw new Error('expected the TLS settings to be refused');
  };

  it('reads the CA, and the client certificate and key for mutual TLS', () => {
    expect(read({ REDIS_URL: TLS_URL })).toBeUndefined();
    const caOnly = read({ REDIS_URL: TLS_URL, S2D_REDIS_TLS_CA_FILE: pki.caFile });
    expect(caOnly?.ca?.toString()).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(caOnly?.cert).toBeUndefined();
    const mutual = read({ REDIS_URL: TLS_URL, S2D_REDIS_TLS_CA_FILE: pki.caFile, S2D_REDIS_TLS_CERT_FILE: pki.clientCertFile, S2D_REDIS_TLS_KEY_FILE: pki.clientKeyFile });
    expect(mutual?.cert?.toString()).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(mutual?.key?.toString()).toMatch(/PRIVATE KEY-----/);
    // No REDIS_URL: the demo's private Redis, plain TCP; the files do not apply.
    expect(read({ S2D_REDIS_TLS_CA_FILE: pki.caFile })).toBeUndefined();
  });

  it('fails with the variable and the file when a file is missing, not PEM, or the key does not fit', () => {
    expect(failure({ REDIS_URL: TLS_URL, S2D_REDIS_TLS_CA_FILE: join(dir, 'missing.pem') })).toMatch(
      new RegExp(`^S2D_REDIS_TLS_CA_FILE: cannot read ${join(dir, 'missing.pem')} \\(ENOENT`),
    );
    expect(failure({ REDIS_URL: TLS_URL, S2D_REDIS_TLS_CA_FILE: notPem })).toMatch(new RegExp(`^S2D_REDIS_TLS_CA_FILE: ${notPem} is not a PEM certificate \\(`));
    expect(failure({ REDIS_URL: TLS_URL, S2D_REDIS_TLS_CERT_FILE: notPem, S2D_REDIS_TLS_KEY_FILE: pki.clientKeyFile })).toMatch(/^S2D_REDIS_TLS_CERT_FILE: .* is not a PEM certificate/);
    expect(failure({ REDIS_URL: TLS_URL, S2D_REDIS_TLS_CERT_FILE: pki.serverCertFile, S2D_REDIS_TLS_KEY_FILE: pki.clientKeyFile })).toMatch(
      new RegExp(`^S2D_REDIS_TLS_KEY_FILE: ${pki.clientKeyFile} is not an unencrypted PEM private key matching ${pki.serverCertFile} \\(`),
    );
  });

  it('refuses half a client identity, and TLS files with a URL that is not rediss://', () => {
    expect(failure({ REDIS_URL: TLS_URL, S2D_REDIS_TLS_CERT_FILE: pki.clientCertFile })).toBe(
      'S2D_REDIS_TLS_CERT_FILE and S2D_REDIS_TLS_KEY_FILE go together (mutual TLS needs both the client certificate and its key)',
    );
    expect(failure({ REDIS_URL: 'redis://s2d:secret-pw@h:6379', S2D_REDIS_TLS_CA_FILE: pki.caFile })).toBe(
      "S2D_REDIS_TLS_CA_FILE is set, but REDIS_URL is not a rediss:// URL (got 'redis://***@h:6379'): the S2D_REDIS_TLS_* files apply to rediss:// only",
    );
  });
});

describe('the password of a Redis URL, registered as a secret', () => {
  it.each([
    ['rediss://s2d:pw-123456@h:6380', ['pw-123456']],
    ['redis://:p%40ss%2Fword@h', ['p%40ss%2Fword', 'p@ss/word']],
    ['redis://h:6379?password=from-query', ['from-query']],
    ['s2d:pw-no-scheme@h:6379', ['pw-no-scheme']],
    ['redis://h:6379', []],
    ['/run/redis.sock', []],
  ])('%s', (url, secrets) => {
    expect(redisUrlSecrets(url)).toEqual(secrets);
  });
});
