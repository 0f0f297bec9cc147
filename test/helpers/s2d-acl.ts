import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const ACL_CONF = fileURLToPath(new URL('../../infra/redis/s2d-acl.conf', import.meta.url));
const PLACEHOLDER = 'REPLACE_WITH_SHA256_HEX_OF_THE_PASSWORD';

/**
 * infra/redis/s2d-acl.conf made ready the way its comments tell an operator to: the password's SHA-256 in place of
 * the placeholder, and `prefix` in the key pattern. Fails if the file no longer has either, so the test keeps
 * checking the shipped file rather than a copy.
 */
export async function renderS2dAcl(prefix: string, password: string): Promise<string> {
  const text = await readFile(ACL_CONF, 'utf8');
  if (!text.includes(PLACEHOLDER) || !text.includes('~s2d:*')) throw new Error(`${ACL_CONF} lost its password placeholder or its ~s2d:* pattern`);
  const hash = createHash('sha256').update(password).digest('hex');
  return text.replaceAll(PLACEHOLDER, hash).replaceAll('~s2d:*', `~${prefix}:*`);
}
