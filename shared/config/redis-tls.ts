import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { EnvError } from './env-error.js';
import type { Env } from './env.js';
import { showSetting } from './setting-values.js';

/**
 * TLS material for a rediss:// connection, read from the S2D_REDIS_TLS_* files and handed to `tls.connect` as is.
 * Certificate verification, server name included, stays on: there is deliberately no way to turn it off.
 */
export interface RedisTls {
  /** CAs that may sign the server's certificate, replacing Node's built-in list for this connection. */
  ca?: Buffer;
  /** Client certificate (mutual TLS). */
  cert?: Buffer;
  /** Private key of `cert`. */
  key?: Buffer;
}

type TlsVar = 'S2D_REDIS_TLS_CA_FILE' | 'S2D_REDIS_TLS_CERT_FILE' | 'S2D_REDIS_TLS_KEY_FILE';

/**
 * Reads the S2D_REDIS_TLS_* files once, at start-up, so a missing or broken file fails the process now with its name
 * rather than every reconnect later with an OpenSSL code. Undefined when none is set, or when REDIS_URL is unset (the
 * demo's private Redis is plain TCP on loopback).
 *
 * @throws {EnvError} naming the variable and the file: unreadable, not PEM, a key that does not match its certificate,
 *   a certificate without a key (or the reverse), or TLS files for a REDIS_URL that is not rediss:// (they would be
 *   silently unused and the password sent in clear).
 */
export function readRedisTls(env: Env): RedisTls | undefined {
  const caFile = env.S2D_REDIS_TLS_CA_FILE;
  const certFile = env.S2D_REDIS_TLS_CERT_FILE;
  const keyFile = env.S2D_REDIS_TLS_KEY_FILE;
  const firstSet = caFile !== undefined ? 'S2D_REDIS_TLS_CA_FILE' : certFile !== undefined ? 'S2D_REDIS_TLS_CERT_FILE' : keyFile !== undefined ? 'S2D_REDIS_TLS_KEY_FILE' : undefined;
  if (firstSet === undefined || env.REDIS_URL === undefined) return undefined;
  if (!/^rediss:\/\//i.test(env.REDIS_URL)) {
    throw new EnvError(`${firstSet} is set, but REDIS_URL is not a rediss:// URL (got ${showSetting(env.REDIS_URL)}): the S2D_REDIS_TLS_* files apply to rediss:// only`);
  }
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new EnvError('S2D_REDIS_TLS_CERT_FILE and S2D_REDIS_TLS_KEY_FILE go together (mutual TLS needs both the client certificate and its key)');
  }
  const tls: RedisTls = {};
  if (caFile !== undefined) {
    tls.ca = readPem('S2D_REDIS_TLS_CA_FILE', caFile);
    // createSecureContext skips a CA file with no certificate in it without a word; X509Certificate does not.
    check('S2D_REDIS_TLS_CA_FILE', caFile, 'is not a PEM certificate', () => new X509Certificate(tls.ca ?? Buffer.alloc(0)));
  }
  if (certFile !== undefined && keyFile !== undefined) {
    tls.cert = readPem('S2D_REDIS_TLS_CERT_FILE', certFile);
    tls.key = readPem('S2D_REDIS_TLS_KEY_FILE', keyFile);
    check('S2D_REDIS_TLS_CERT_FILE', certFile, 'is not a PEM certificate', () => new X509Certificate(tls.cert ?? Buffer.alloc(0)));
    check('S2D_REDIS_TLS_KEY_FILE', keyFile, `is not an unencrypted PEM private key matching ${certFile}`, () => createSecureContext({ cert: tls.cert, key: tls.key }));
  }
  return tls;
}

function readPem(name: TlsVar, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new EnvError(`${name}: cannot read ${file} (${error instanceof Error ? error.message : String(error)})`);
  }
}

function check(name: TlsVar, file: string, problem: string, attempt: () => unknown): void {
  try {
    attempt();
  } catch (error) {
    throw new EnvError(`${name}: ${file} ${problem} (${error instanceof Error ? error.message : String(error)})`);
  }
}
