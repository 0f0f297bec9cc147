#!/usr/bin/env node
// Launcher: runs the compiled CLI (dist/, made by `npm run build`, which `npm ci` runs through `prepare`), or the
// TypeScript sources through tsx when they changed since the last build (see launch-mode.mjs).
import { fileURLToPath } from 'node:url';
import { useBuild } from './launch-mode.mjs';

// The pinned AWS SDK supports Node 20; its start-up notice is about later releases (which need Node 22), not this
// one, and it would otherwise print on every S3-using command. Set the variable to "false" to see it again.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let main;
if (useBuild(fileURLToPath(new URL('..', import.meta.url)), process.env)) {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
// Exit explicitly: a command is over when main returns, whatever sockets or timers a library left open.
process.exit(await main(process.argv.slice(2)));
