import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * Whether `target` is `root` or lies below it, by whole path segments (`/data/out2` is not inside `/data/out`). Both
 * must be absolute and normalised (path.resolve); no file system access.
 */
export function isWithinDirectory(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/** The result of resolving a path's symlinks: the real path, or why it has none. */
export type RealPath = { real: string } | { problem: string };

/**
 * The path the kernel would really write to: the realpath of the longest existing ancestor of `target`, joined with
 * the components that do not exist yet (they cannot be symlinks). `target` must be absolute and normalised, so no
 * `..` is left to be applied after a symlink. A symlink that points nowhere is a problem, not a missing directory:
 * writing through it would create its target, wherever that is.
 */
export async function realPathThroughMissing(target: string): Promise<RealPath> {
  const missing: string[] = [];
  let existing = target;
  for (;;) {
    try {
      return { real: path.join(await realpath(existing), ...missing.reverse()) };
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return { problem: `cannot be resolved (${code ?? String(error)})` };
    }
    if (await existsWithoutFollowing(existing)) return { problem: `goes through ${existing}, a symlink that points nowhere` };
    const parent = path.dirname(existing);
    // `/` always exists; reaching it without a real path means the file system refused us all the way up.
    if (parent === existing) return { problem: 'cannot be resolved' };
    missing.push(path.basename(existing));
    existing = parent;
  }
}

async function existsWithoutFollowing(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch {
    return false;
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
