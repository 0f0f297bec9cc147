import { validateKey } from './local-dir-store.js';

/** What every key of a store under `prefix` starts with ("" at the bucket root). */
export function s3KeyRoot(prefix: string): string {
  return prefix === '' ? '' : `${prefix}/`;
}

/** The object key of a store key (validated like the local store's keys) under a {@link s3KeyRoot}. */
export function s3ObjectKey(root: string, key: string): string {
  validateKey(key);
  return `${root}${key}`;
}
