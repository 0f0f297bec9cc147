// Which code bin/s2d.mjs runs: the compiled build (dist/) when it is at least as new as every source it was made
// from, else the TypeScript sources through tsx (a checkout edited since its last `npm run build`, or
// S2D_FROM_SOURCE=1 as the tests set). An image without sources always runs the build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const SOURCE_DIRS = ['cli', 'shared', 'workers', 'producers', 'infra'];

/** The newest modification time (ms) of the TypeScript sources and Lua assets under `root`; 0 when there are none. */
export function newestSource(root) {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|lua)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) walk(join(root, dir));
  return newest;
}

/** True to run `root/dist`, false to run the sources. */
export function useBuild(root, env) {
  const stamp = join(root, 'dist', '.build-stamp');
  if (env.S2D_FROM_SOURCE === '1' || !existsSync(stamp)) return false;
  return newestSource(root) <= statSync(stamp).mtimeMs;
}
