import { redactSecrets } from '../redact-secrets.js';

/** Node's codes for a server certificate that does not verify: an unknown CA, a wrong name, expiry. */
const CERT_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
]);

/**
 * One line on a Redis connection or command failure for logs and CLI errors: the message only — never the error
 * object, whose `command.args` holds the password when AUTH fails — scrubbed, and with what to check for the
 * failures an operator meets when setting up credentials or TLS.
 */
export function describeRedisError(error: unknown): string {
  const message = redactSecrets((error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '');
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  if (CERT_CODES.has(code)) {
    return `${message} (the Redis server's TLS certificate did not verify: give its CA in S2D_REDIS_TLS_CA_FILE or NODE_EXTRA_CA_CERTS, and use the host name or IP the certificate names in REDIS_URL)`;
  }
  if (/^(WRONGPASS|NOAUTH)\b/.test(message)) return `${message} (check the user name and password in REDIS_URL)`;
  if (/^NOPERM\b/.test(message)) return `${message} (the Redis user lacks a permission s2d needs: see infra/redis/s2d-acl.conf)`;
  return message;
}

/**
 * True for an error ioredis raised for a command: it carries that command (`command.args`), which for AUTH is the
 * password, so such an error is shown by {@link describeRedisError}, never printed whole.
 */
export function isRedisCommandError(error: unknown): error is Error {
  return error instanceof Error && 'command' in error;
}
