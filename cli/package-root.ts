import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The s2d package's root folder (where `bin/s2d.mjs` is), found from this module whether it runs from the sources
 * (`cli/`) or from the build (`dist/cli/`).
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'bin', 's2d.mjs'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find bin/s2d.mjs above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
