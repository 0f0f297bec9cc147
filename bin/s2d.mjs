#!/usr/bin/env node
// Launcher: runs the compiled CLI (dist/, made by `npm run build`, which `npm ci` runs through `prepare`). From a
// source checkout whose sources changed since the last build, or with S2D_FROM_SOURCE=1 (the tests), it runs the
// TypeScript sources through tsx instead, so a stale build never runs.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The pinned AWS SDK supports Node 20; its start-up notice is about later releases (which need Node 22), not this
// one, and it would otherwise print on every S3-using command. Set the variable to "false" to see it again.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = `${root}dist/.build-stamp`;
const SOURCE_DIRS = ['cli', 'shared', 'workers', 'producers', 'infra'];

/** The newest modification time of the TypeScript sources and their assets (0 when there are none: an image). */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|lua)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(`${root}${dir}`)) walk(`${root}${dir}`);
  return newest;
}

function useBuild() {
  if (process.env.S2D_FROM_SOURCE === '1' || !existsSync(stamp)) return false;
  return newestSource() <= statSync(stamp).mtimeMs;
}

let main;
if (useBuild()) {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
// Exit explicitly: a command is over when main returns, whatever sockets or timers a library left open.
process.exit(await main(process.argv.slice(2)));
