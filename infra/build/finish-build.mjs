// After `tsc -p tsconfig.build.json`: copies the runtime assets tsc does not emit (Lua scripts) beside the compiled
// modules that read them, then writes dist/.build-stamp, which tells bin/s2d.mjs the build is newer than its sources.
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SOURCE_DIRS } from '../../bin/launch-mode.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ASSET = /\.lua$/;
let copied = 0;
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (ASSET.test(entry.name)) {
      const target = join(root, 'dist', relative(root, path));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
      copied++;
    }
  }
};
// The same folders the launcher checks for sources newer than the build.
for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) walk(join(root, dir));
writeFileSync(join(root, 'dist', '.build-stamp'), `${new Date().toISOString()}\n`);
console.log(`build: copied ${copied} asset file(s) to dist/`);
