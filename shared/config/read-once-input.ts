import { stat } from 'node:fs/promises';

/**
 * What a local input path is when it can be read only once — a pipe (a FIFO, or /dev/stdin fed by `|`), a character
 * device (/dev/stdin on a terminal) or a socket — or undefined for anything that can be read again from the start
 * (a regular file, also /dev/stdin redirected from one) and for a path that cannot be looked at (its reader says
 * why). Looks with stat, never opens: opening a pipe no one writes to waits for ever.
 */
export async function readOnceKind(path: string): Promise<string | undefined> {
  const stats = await stat(path).catch(() => undefined);
  if (stats === undefined) return undefined;
  if (stats.isFIFO()) return 'a pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device (a terminal?)';
  if (stats.isSocket()) return 'a socket';
  return undefined;
}
