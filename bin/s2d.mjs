#!/usr/bin/env node
// Launcher: runs the TypeScript CLI through tsx so `npm ci` is the only set-up step.
import { register } from 'tsx/esm/api';

// The pinned AWS SDK supports Node 20; its start-up notice is about later releases (which need Node 22), not this
// one, and it would otherwise print on every S3-using command. Set the variable to "false" to see it again.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../cli/main.ts');
// Exit explicitly: a command is over when main returns, whatever sockets or timers a library left open.
process.exit(await main(process.argv.slice(2)));
